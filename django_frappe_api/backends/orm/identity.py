"""The ``User`` and ``Role`` DocTypes, served from Django's user model and groups.

Usage::

    POST /api/resource/User  {"email": "jane@example.com", "first_name": "Jane", "new_password": "…",
                              "roles": [{"role": "Sales User"}]}
    POST /api/resource/Role  {"role_name": "Sales User"}

A user's Frappe id (``name``) is its Django username; its roles are its groups. A user created over the
API is named by its email, stripped and lowercased (Frappe ``User.autoname``), and is a *System User*
(Django staff) exactly when it holds a role, since every Frappe Role has desk access by default. Only the
System Manager role may change users; each user may also read their own record (Frappe shares it with
them), whose read-only ``api_key`` is the key ``generate_keys`` issued. ``register_identity_doctypes()``
is called from ``AppConfig.ready()`` unless ``FRAPPE_API["USER_DOCTYPES"]`` is false.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Concat, Trim
from django.dispatch import receiver

from ... import exceptions, permissions, signals
from ...conf import api_settings
from ...field_refs import FieldRef
from ...filters import Column
from ...meta import FieldMeta, Meta, meta_from_definition, register_meta_builder
from ..aliases import Aliases
from .backend import OrmBackend
from .options import ModelOptions
from .registry import model_registry
from .values import to_stored

SYSTEM_MANAGER_ONLY = ({"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1},)
# Roles every user holds implicitly; never stored as groups.
AUTOMATIC_ROLES = frozenset({"Guest", "All", "Administrator", "Desk User"})

HAS_ROLE = meta_from_definition(
    {
        "name": "Has Role",
        "module": "Core",
        "istable": 1,
        "fields": [{"fieldname": "role", "label": "Role", "fieldtype": "Link", "options": "Role", "in_list_view": 1}],
        "permissions": [],
        "doctype": "DocType",
    },
    backend="virtual",
)


def _field(fieldname: str, fieldtype: str, label: str, idx: int, **props: Any) -> FieldMeta:
    properties = {"fieldname": fieldname, "fieldtype": fieldtype, "label": label, "idx": idx, **props}
    return FieldMeta(
        fieldname=fieldname, fieldtype=fieldtype, label=label, idx=idx, options=props.get("options", ""),
        default=props.get("default", ""),
        reqd=bool(props.get("reqd")), unique=bool(props.get("unique")), read_only=bool(props.get("read_only")),
        properties=properties,
    )


def _with_fields(meta: Meta, fields: list[FieldMeta], **changes: Any) -> Meta:
    properties = dict(meta.properties)
    properties["fields"] = [f.properties for f in fields]
    for key, value in changes.items():
        properties[key] = ", ".join(value) if isinstance(value, tuple) else value
    return replace(meta, fields=tuple(fields), properties=properties, **changes)


class RoleBackend(OrmBackend):
    """Roles are groups; ``role_name`` is the group's name (Frappe names Roles by ``role_name``)."""

    @classmethod
    def extend_meta(cls, options: ModelOptions, meta: Meta) -> Meta:
        fields = [_field("role_name", "Data", "Role Name", 1, reqd=1, unique=1, in_list_view=1)]
        return _with_fields(meta, fields, autoname="field:role_name", title_field="role_name")

    def _lookup(self, fieldname: str, fieldtype: str) -> str:
        return "name" if fieldname == "role_name" else super()._lookup(fieldname, fieldtype)

    def instance_to_doc(self, meta: Meta, instance: models.Model) -> dict[str, Any]:
        return {"name": instance.name, "docstatus": 0, "idx": 0, "role_name": instance.name, "doctype": meta.name}

    def _assign(self, meta: Meta, instance: models.Model, doc: dict[str, Any], *, is_new: bool) -> None:
        name = doc.get("role_name") or doc.get("name")
        if name in AUTOMATIC_ROLES:
            raise exceptions.ValidationError(f"Role {name} is given automatically and cannot be stored")
        instance.name = name


class UserBackend(OrmBackend):
    """Users: Frappe's fields over ``AUTH_USER_MODEL``, roles over groups, a write-only ``new_password``."""

    _COLUMNS = {"email": "email", "first_name": "first_name", "last_name": "last_name", "enabled": "is_active",
                "last_login": "last_login", "api_key": "frappe_api_key__api_key"}

    @classmethod
    def extend_meta(cls, options: ModelOptions, meta: Meta) -> Meta:
        fields = [
            _field("email", "Data", "Email", 1, options="Email", in_list_view=1),
            _field("first_name", "Data", "First Name", 2, reqd=1),
            _field("last_name", "Data", "Last Name", 3),
            _field("full_name", "Data", "Full Name", 4, read_only=1),
            _field("enabled", "Check", "Enabled", 5, default="1"),
            _field("user_type", "Select", "User Type", 6, options="System User\nWebsite User",
                   default="Website User"),
            _field("new_password", "Password", "Set New Password", 7),
            _field("last_login", "Datetime", "Last Login", 8, read_only=1),
            _field("api_key", "Data", "API Key", 9, read_only=1),
            _field("roles", "Table", "Roles", 10, options="Has Role"),
        ]
        return _with_fields(meta, fields, autoname="field:email", title_field="full_name",
                            search_fields=("full_name", "email"))

    def base_queryset(self, meta: Meta):
        return super().base_queryset(meta).select_related("frappe_api_key")

    def column(self, aliases: Aliases, ref: FieldRef) -> Column:
        if ref.via_kind == "child" and ref.via == "roles":
            return Column("groups__name", ref.fieldtype)
        if ref.via_kind == "" and ref.fieldname == "full_name":
            aliases.expressions.setdefault("_full_name", Trim(Concat("first_name", Value(" "), "last_name")))
            return Column("_full_name", "Data")
        if ref.via_kind == "" and ref.fieldname == "user_type":
            aliases.expressions.setdefault(
                "_user_type",
                Case(When(Q(is_staff=True) | Q(is_superuser=True), then=Value("System User")),
                     default=Value("Website User")),
            )
            return Column("_user_type", "Select")
        if ref.via_kind == "" and ref.fieldname == "new_password":
            raise exceptions.DataError("Field not permitted in query: new_password")
        return super().column(aliases, ref)

    def _lookup(self, fieldname: str, fieldtype: str) -> str:
        return self._COLUMNS.get(fieldname) or super()._lookup(fieldname, fieldtype)

    def instance_to_doc(self, meta: Meta, instance: models.Model) -> dict[str, Any]:
        full_name = f"{instance.first_name} {instance.last_name}".strip()
        return {
            "name": instance.get_username(),
            "creation": instance.date_joined,
            "docstatus": 0,
            "idx": 0,
            "email": instance.email or None,
            "first_name": instance.first_name or None,
            "last_name": instance.last_name or None,
            "full_name": full_name or None,
            "enabled": int(instance.is_active),
            "user_type": "System User" if instance.is_staff or instance.is_superuser else "Website User",
            "new_password": None,
            "last_login": to_stored("Datetime", instance.last_login),
            "api_key": getattr(getattr(instance, "frappe_api_key", None), "api_key", None),
            "doctype": meta.name,
        }

    def get_doc(self, meta: Meta, name: Any, *, for_update: bool = False) -> dict[str, Any] | None:
        instance = self._get_instance(name, for_update=for_update)
        if instance is None:
            return None
        doc = self.instance_to_doc(meta, instance)
        doc["roles"] = [
            {"name": f"{doc['name']}-{group}", "docstatus": 0, "idx": position, "role": group,
             "parent": doc["name"], "parentfield": "roles", "parenttype": meta.name, "doctype": "Has Role"}
            for position, group in enumerate(instance.groups.order_by("name").values_list("name", flat=True), start=1)
        ]
        return doc

    def _assign(self, meta: Meta, instance: models.Model, doc: dict[str, Any], *, is_new: bool) -> None:
        if is_new:
            setattr(instance, instance.USERNAME_FIELD, doc.get("name"))
            instance.set_unusable_password()
        elif not doc.get("enabled", 1) and instance.get_username() == api_settings.ADMINISTRATOR:
            raise exceptions.ValidationError(f"User {instance.get_username()} cannot be disabled")
        instance.email = doc.get("email") or ""
        instance.first_name = doc.get("first_name") or ""
        instance.last_name = doc.get("last_name") or ""
        instance.is_active = bool(doc.get("enabled", 1))
        if doc.get("new_password"):
            instance.set_password(doc["new_password"])
            doc["new_password"] = None  # never stored or echoed in clear

    def insert(self, meta: Meta, doc: dict[str, Any]) -> None:
        email = doc.get("email").strip().lower() if isinstance(doc.get("email"), str) else ""
        if email:  # Frappe names a User by its email, whatever name the client sent
            doc["email"] = doc["name"] = email
        self._check_duplicate(doc["name"], email)
        instance = self.model()
        self._assign(meta, instance, doc, is_new=True)
        instance.is_staff = instance.is_superuser or bool(self._role_names(doc.get("roles") or []))
        self._save(instance)
        doc["name"] = instance.get_username()
        self._set_roles(instance, doc.get("roles") or [])

    def update(self, meta: Meta, doc: dict[str, Any], *, tables: tuple[str, ...]) -> None:
        instance = self._get_instance(doc["name"])
        if doc.get("email") and doc["email"] != instance.email:
            self._check_duplicate(None, doc["email"], exclude=instance.pk)
        self._assign(meta, instance, doc, is_new=False)
        if "roles" in tables:  # user_type follows the roles (Frappe ``set_system_user``)
            instance.is_staff = instance.is_superuser or bool(self._role_names(doc.get("roles") or []))
        self._save(instance)
        if "roles" in tables:
            self._set_roles(instance, doc.get("roles") or [])

    def delete(self, meta: Meta, name: Any) -> None:
        if name == api_settings.ADMINISTRATOR:
            raise exceptions.ValidationError(f"User {name} cannot be deleted")
        super().delete(meta, name)

    def _check_duplicate(self, name: Any, email: str, *, exclude: Any = None) -> None:
        """A user's name and email are both unique, as in Frappe where the email is the name."""
        manager = self.model._default_manager
        taken = name is not None and manager.filter(**{self.model.USERNAME_FIELD: name}).exists()
        if not taken and email:
            others = manager.filter(email__iexact=email)
            taken = (others.exclude(pk=exclude) if exclude is not None else others).exists()
        if taken:
            raise exceptions.DuplicateEntryError(
                f"User <strong>{email or name}</strong> already exists", title="Duplicate Name"
            )

    @staticmethod
    def _role_names(rows: list[dict[str, Any]]) -> set[str]:
        return {row.get("role") for row in rows if row.get("role") and row.get("role") not in AUTOMATIC_ROLES}

    def _set_roles(self, instance: models.Model, rows: list[dict[str, Any]]) -> None:
        instance.groups.set(Group.objects.filter(name__in=self._role_names(rows)))

    def value_exists(self, meta: Meta, fieldname: str, value: Any, *, exclude_name: Any = None) -> bool:
        queryset = self.model._default_manager.filter(**{self._lookup(fieldname, "Data"): value})
        if exclude_name is not None:
            queryset = queryset.exclude(**{self.options.name_attname: exclude_name})
        return queryset.exists()


def register_identity_doctypes() -> None:
    """Expose the user model as ``User`` and groups as ``Role`` (once)."""
    user_model = get_user_model()
    if not model_registry.is_registered("Role") and model_registry.options_for_model(Group) is None:
        model_registry.register(Group, doctype="Role", name_field="name", fields=(), module="Core",
                                permissions=SYSTEM_MANAGER_ONLY, sort_field="name", sort_order="ASC",
                                backend_class=RoleBackend)
    if not model_registry.is_registered("User") and model_registry.options_for_model(user_model) is None:
        model_registry.register(user_model, doctype="User", name_field=user_model.USERNAME_FIELD, fields=(),
                                creation_field="date_joined", module="Core", permissions=SYSTEM_MANAGER_ONLY,
                                sort_field="creation", backend_class=UserBackend)
    register_meta_builder(lambda doctype: HAS_ROLE if doctype == "Has Role" else None)
    permissions.share_with_self("User", ("read",))


@receiver(signals.before_insert, sender="User", dispatch_uid="frappe_api_user_email_name")
def normalise_user_email(sender: str, doc: dict[str, Any], **kwargs: Any) -> None:
    """Frappe's ``User.autoname``: the email, stripped and lowercased, before the name is made from it and
    checked for duplicates (a case-insensitive collation would otherwise find the existing user first)."""
    if isinstance(doc.get("email"), str):
        doc["email"] = doc["email"].strip().lower()
