"""Storage of DocTypes as data and of their documents as JSON rows of one generic model.

Usage::

    DocType.objects.get(name="ToDo").fields.all()          # the definition
    Document.objects.filter(doctype_id="ToDo")              # every ToDo, data in `Document.data`
    api_key, secret = ApiKey.objects.issue(user)            # Frappe's `generate_keys`; secret stored hashed

Adding a DocType or a field is an INSERT, never a migration. Code above ``backends/`` does not
touch these models: it goes through ``django_frappe_api.document`` and ``meta``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone


class StandardFieldsMixin(models.Model):
    """Frappe's audit columns, shared by DocTypes and documents."""

    owner = models.CharField(max_length=140, blank=True, default="")
    creation = models.DateTimeField(default=timezone.now)
    modified = models.DateTimeField(default=timezone.now)
    modified_by = models.CharField(max_length=140, blank=True, default="")

    class Meta:
        abstract = True


class DocType(StandardFieldsMixin):
    """A DocType definition; the property names are those of Frappe's DocType JSON."""

    SORT_ORDERS = [("ASC", "ASC"), ("DESC", "DESC")]

    name = models.CharField(max_length=140, primary_key=True)
    module = models.CharField(max_length=140, blank=True, default="Custom")
    custom = models.BooleanField(default=True)
    istable = models.BooleanField("Is child table", default=False)
    issingle = models.BooleanField("Is single", default=False)
    is_submittable = models.BooleanField(default=False)
    is_tree = models.BooleanField(default=False)
    editable_grid = models.BooleanField(default=False)
    quick_entry = models.BooleanField(default=False)
    track_changes = models.BooleanField(default=False)
    track_seen = models.BooleanField(default=False)
    allow_rename = models.BooleanField(default=True)
    allow_import = models.BooleanField(default=False)
    allow_copy = models.BooleanField(default=False)
    read_only = models.BooleanField(default=False)
    in_create = models.BooleanField(default=False)
    show_title_field_in_link = models.BooleanField(default=False)
    autoname = models.CharField(max_length=240, blank=True, default="")
    naming_rule = models.CharField(max_length=40, blank=True, default="")
    title_field = models.CharField(max_length=140, blank=True, default="")
    search_fields = models.CharField(max_length=240, blank=True, default="")
    sort_field = models.CharField(max_length=240, blank=True, default="modified")
    sort_order = models.CharField(max_length=4, choices=SORT_ORDERS, default="DESC")
    image_field = models.CharField(max_length=140, blank=True, default="")
    document_type = models.CharField(max_length=40, blank=True, default="")
    icon = models.CharField(max_length=140, blank=True, default="")
    description = models.TextField(blank=True, default="")
    max_attachments = models.IntegerField(default=0)
    # Every other property of the Frappe JSON, kept so that meta round-trips.
    properties = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "DocType"
        verbose_name_plural = "DocTypes"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DocField(models.Model):
    """One field of a DocType, in form order (``idx``)."""

    doctype = models.ForeignKey(DocType, on_delete=models.CASCADE, related_name="fields", db_column="parent")
    idx = models.PositiveIntegerField(default=0)
    fieldname = models.CharField(max_length=140, blank=True, default="")
    label = models.CharField(max_length=240, blank=True, default="")
    fieldtype = models.CharField(max_length=40, default="Data")
    options = models.TextField(blank=True, default="")
    default = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    reqd = models.BooleanField("Mandatory", default=False)
    unique = models.BooleanField(default=False)
    read_only = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    bold = models.BooleanField(default=False)
    in_list_view = models.BooleanField(default=False)
    in_standard_filter = models.BooleanField(default=False)
    in_global_search = models.BooleanField(default=False)
    search_index = models.BooleanField(default=False)
    no_copy = models.BooleanField(default=False)
    allow_on_submit = models.BooleanField(default=False)
    set_only_once = models.BooleanField(default=False)
    non_negative = models.BooleanField(default=False)
    ignore_user_permissions = models.BooleanField(default=False)
    print_hide = models.BooleanField(default=False)
    report_hide = models.BooleanField(default=False)
    permlevel = models.PositiveSmallIntegerField(default=0)
    length = models.PositiveIntegerField(default=0)
    precision = models.CharField(max_length=2, blank=True, default="")
    fetch_from = models.CharField(max_length=240, blank=True, default="")
    depends_on = models.TextField(blank=True, default="")
    mandatory_depends_on = models.TextField(blank=True, default="")
    read_only_depends_on = models.TextField(blank=True, default="")
    properties = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "DocField"
        # Unique fieldnames are enforced by `definitions.validate_definition`: layout fields of old
        # Frappe JSON files have no fieldname, and MySQL has no partial unique indexes.
        ordering = ["doctype", "idx", "id"]

    def __str__(self) -> str:
        return f"{self.doctype_id}.{self.fieldname or self.fieldtype}"


class DocPerm(models.Model):
    """A permission rule row: rights of one role at one permlevel."""

    doctype = models.ForeignKey(
        DocType, on_delete=models.CASCADE, related_name="permissions", db_column="parent"
    )
    idx = models.PositiveIntegerField(default=0)
    role = models.CharField(max_length=140)
    permlevel = models.PositiveSmallIntegerField(default=0)
    if_owner = models.BooleanField(default=False)
    select = models.BooleanField(default=False)
    read = models.BooleanField(default=True)
    write = models.BooleanField(default=True)
    create = models.BooleanField(default=True)
    # `delete` and `import` would shadow Model.delete() / a keyword; the column keeps Frappe's name.
    delete_right = models.BooleanField("delete", default=True, db_column="delete")
    submit = models.BooleanField(default=False)
    cancel = models.BooleanField(default=False)
    amend = models.BooleanField(default=False)
    report = models.BooleanField(default=True)
    export = models.BooleanField(default=True)
    import_right = models.BooleanField("import", default=False, db_column="import")
    share = models.BooleanField(default=True)
    print = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    # Frappe right name -> attribute name on this model, in Frappe's order; the one list of rights.
    RIGHTS = {
        "select": "select", "read": "read", "write": "write", "create": "create", "delete": "delete_right",
        "submit": "submit", "cancel": "cancel", "amend": "amend", "report": "report", "export": "export",
        "import": "import_right", "share": "share", "print": "print", "email": "email",
    }  # fmt: skip

    class Meta:
        verbose_name = "DocPerm"
        ordering = ["doctype", "idx", "id"]

    def __str__(self) -> str:
        return f"{self.doctype_id}: {self.role} (level {self.permlevel})"


class Document(StandardFieldsMixin):
    """One document (or child-table row) of a JSON-stored DocType.

    Standard fields are real, indexed columns; the DocType's own fields live in ``data``. Keys whose
    value is empty are not stored, so a missing key and SQL NULL mean the same on every database.
    """

    id = models.BigAutoField(primary_key=True)
    doctype = models.ForeignKey(DocType, on_delete=models.PROTECT, related_name="+", db_column="doctype")
    name = models.CharField(max_length=140)
    docstatus = models.SmallIntegerField(default=0)
    idx = models.IntegerField(default=0)
    # NULL on parent documents, as in Frappe: "not a child row" is not the same as an empty name.
    parent = models.CharField(max_length=140, null=True, blank=True)  # noqa: DJ001
    parenttype = models.CharField(max_length=140, null=True, blank=True)  # noqa: DJ001
    parentfield = models.CharField(max_length=140, null=True, blank=True)  # noqa: DJ001
    # The row this child belongs to; lets child-table filters and fields join in SQL.
    parent_document = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "document"
        constraints = [
            models.UniqueConstraint(fields=["doctype", "name"], name="frappe_document_unique_name"),
        ]
        indexes = [
            # `name` last: the tie-breaker of a keyset page, so `modified desc, name desc` needs no sort.
            models.Index(fields=["doctype", "creation", "name"], name="frappe_doc_creation_name"),
            models.Index(fields=["doctype", "modified", "name"], name="frappe_doc_modified_name"),
            models.Index(fields=["parent_document", "parentfield", "idx"], name="frappe_doc_children_idx"),
            models.Index(fields=["doctype", "owner"], name="frappe_doc_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.doctype_id} {self.name}"

    def _do_update(self, base_qs: Any, *args: Any, **kwargs: Any) -> Any:
        # Django updates by primary key alone; naming the DocType too lets PostgreSQL, whose table is
        # partitioned by DocType (``backends/partitions.py``), plan and touch one partition.
        return super()._do_update(base_qs.filter(doctype_id=self.doctype_id), *args, **kwargs)


class Series(models.Model):
    """Counter of a naming series, per prefix (Frappe's ``tabSeries``): ``TASK-2024-`` -> 17."""

    name = models.CharField(max_length=140, primary_key=True)
    current = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "naming series"
        verbose_name_plural = "naming series"

    def __str__(self) -> str:
        return f"{self.name}{self.current}"


def generate_hash(length: int = 15) -> str:
    """Random lowercase hex of ``length`` characters, like ``frappe.generate_hash(length=15)``."""
    return secrets.token_hex((length + 1) // 2)[:length]


class ApiKeyManager(models.Manager["ApiKey"]):
    def issue(self, user: Any) -> tuple[ApiKey, str]:
        """A new secret for ``user`` (and a key if it has none); the plain secret is returned once, never stored."""
        secret = generate_hash()
        now = timezone.now()
        api_key = self.filter(user=user).first()
        if api_key is None:
            api_key = self.model(user=user, api_key=generate_hash(), created=now)
        api_key.set_secret(secret)
        api_key.rotated = now
        api_key.save()
        return api_key, secret


class ApiKey(models.Model):
    """The API key of one user (Frappe's ``User.api_key`` / ``api_secret``) for ``Authorization: token``.

    The secret is hashed with the host's first password hasher, so the database never holds it; deleting the
    row revokes the key.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="frappe_api_key")
    api_key = models.CharField(max_length=15, unique=True)
    api_secret = models.CharField("hashed secret", max_length=256)
    created = models.DateTimeField(default=timezone.now)
    rotated = models.DateTimeField(default=timezone.now)

    objects = ApiKeyManager()

    class Meta:
        verbose_name = "API key"
        verbose_name_plural = "API keys"

    def __str__(self) -> str:
        return self.api_key

    def set_secret(self, secret: str) -> None:
        self.api_secret = make_password(secret)

    def check_secret(self, secret: str) -> bool:
        """Whether ``secret`` is this key's secret.

        A slow password hash on every token request would cost a fraction of a second each, so a secret once
        verified is remembered, as an HMAC and for this exact stored hash: rotating the secret forgets it.
        """
        digest = hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).digest()
        remembered = _verified_secrets.get((self.api_key, self.api_secret))
        if remembered is not None:
            return hmac.compare_digest(remembered, digest)

        def upgrade(raw: str) -> None:  # the host moved to a stronger hasher: rehash in place
            self.set_secret(raw)
            type(self).objects.filter(pk=self.pk).update(api_secret=self.api_secret)

        if not check_password(secret, self.api_secret, setter=upgrade):
            return False
        if len(_verified_secrets) >= _VERIFIED_SECRETS_SIZE:
            _verified_secrets.clear()
        _verified_secrets[(self.api_key, self.api_secret)] = digest
        return True


# (api_key, stored hash) -> HMAC of the secret that matched it; bounded, per process.
_verified_secrets: dict[tuple[str, str], bytes] = {}
_VERIFIED_SECRETS_SIZE = 4096
