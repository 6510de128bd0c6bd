"""System checks of the ``FRAPPE_API`` setting and of ``register_model`` registrations (ids ``E0NN``, never reused).

Usage: registered on import from ``FrappeApiConfig.ready()``; run by ``manage.py check``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, connections, models

from .backends import field_columns, mysql_columns
from .backends.orm.registry import model_registry
from .conf import DEFAULTS
from .definition_checks import BUILTIN_DOCTYPES
from .file_serving import SERVE_HEADERS
from .models import DocType
from .params import LIST_PARAMETERS


@register(Tags.compatibility)
def check_settings(app_configs, **kwargs) -> list:
    """``FRAPPE_API`` must be a dict of known keys with values of the right type."""
    value = getattr(settings, "FRAPPE_API", {})
    if not isinstance(value, dict):
        return [Error("FRAPPE_API must be a dict.", id="django_frappe_api.E001")]
    errors: list = []
    for key in value:
        if key not in DEFAULTS:
            errors.append(Warning(f"Unknown FRAPPE_API key {key!r}.", id="django_frappe_api.W001"))
    for key in ("DEFAULT_PAGE_LENGTH", "MAX_PAGE_LENGTH", "MAX_BODY_SIZE", "META_CACHE_TIMEOUT", "LOGIN_LOCK_SECONDS",
                "COUNT_CAP"):
        if key in value and (not isinstance(value[key], int) or isinstance(value[key], bool) or value[key] <= 0):
            errors.append(Error(f"FRAPPE_API[{key!r}] must be a positive integer.", id="django_frappe_api.E002"))
    for key in ("METHOD_MODULES", "DOCTYPE_APPS"):
        if key in value and not (isinstance(value[key], (list, tuple)) and all(isinstance(v, str) for v in value[key])):
            errors.append(Error(f"FRAPPE_API[{key!r}] must be a list of strings.", id="django_frappe_api.E003"))
    threshold = value.get("BULK_ASYNC_THRESHOLD", 0)
    counts = list(threshold.values()) if isinstance(threshold, dict) else [threshold]
    keys_ok = all(isinstance(k, str) for k in threshold) if isinstance(threshold, dict) else True
    if not keys_ok or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts):
        message = "FRAPPE_API['BULK_ASYNC_THRESHOLD'] must be a non-negative integer or a dict of them by DocType."
        errors.append(Error(message, id="django_frappe_api.E005"))
    attempts = value.get("LOGIN_ATTEMPTS", 0)  # 0 turns the brute-force lock off
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 0:
        message = "FRAPPE_API['LOGIN_ATTEMPTS'] must be a non-negative integer."
        errors.append(Error(message, id="django_frappe_api.E004"))
    timeout = value.get("COUNT_TIMEOUT_MS", 0)  # 0 or None: counts are never stopped
    if timeout is not None and (not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 0):
        message = "FRAPPE_API['COUNT_TIMEOUT_MS'] must be None or a non-negative integer."
        errors.append(Error(message, id="django_frappe_api.E009"))
    errors += _file_setting_errors(value)
    errors += _cors_errors(value.get("CORS_ALLOWED_ORIGINS", []))
    return errors


def _file_setting_errors(value: dict) -> list:
    """File serving (E006) and the Password encryption key (E007)."""
    errors: list = []
    header = value.get("FILE_SERVE_HEADER")
    prefix = value.get("FILE_SERVE_PREFIX", "/")
    if header not in (None, *SERVE_HEADERS) or not (isinstance(prefix, str) and prefix.startswith("/")):
        message = ("FRAPPE_API['FILE_SERVE_HEADER'] must be None, 'X-Accel-Redirect' or 'X-Sendfile', and "
                   "FILE_SERVE_PREFIX a path starting with '/'.")
        errors.append(Error(message, id="django_frappe_api.E006"))
    key = value.get("ENCRYPTION_KEY")
    if key is not None:
        try:
            Fernet(key)
        except (TypeError, ValueError):
            errors.append(Error("FRAPPE_API['ENCRYPTION_KEY'] must be a Fernet key (32 url-safe base64-encoded "
                                "bytes) or None.", hint="Make one with Fernet.generate_key().",
                                id="django_frappe_api.E007"))
    return errors


def _cors_errors(origins) -> list:
    """``CORS_ALLOWED_ORIGINS``: "*" or origins; and django-cors-headers' middleware must not answer ``/api/``."""
    errors: list = []
    if origins != "*":
        listed = [origins] if isinstance(origins, str) else origins
        valid = isinstance(listed, (list, tuple)) and all(isinstance(o, str) for o in listed)
        for origin in listed if valid else ():
            url = urlsplit(origin)
            if origin == "*" or not (url.scheme and url.netloc) or url.path or url.query or url.fragment:
                valid = False
        if not valid:
            errors.append(Error(
                "FRAPPE_API['CORS_ALLOWED_ORIGINS'] must be \"*\" or a list of origins such as "
                "\"https://app.example.com\" (scheme, host and port; no path).", id="django_frappe_api.E008"))
    if origins and "corsheaders.middleware.CorsMiddleware" in getattr(settings, "MIDDLEWARE", ()):
        regex = getattr(settings, "CORS_URLS_REGEX", r"^.*$")
        if re.match(regex, "/api/"):
            errors.append(Warning(
                "django-cors-headers' CorsMiddleware also handles /api/: it answers preflights itself, with its "
                "CORS_* settings, before FRAPPE_API['CORS_ALLOWED_ORIGINS'] is consulted.",
                hint="Exclude the API from it, e.g. CORS_URLS_REGEX = r\"^(?!/api/).*$\".",
                id="django_frappe_api.W002"))
    return errors


def _filterset_errors(entry, error) -> list:
    """E015: a ``filterset_class`` must be a FilterSet over the registered model, its filters named apart from
    Frappe's list parameters."""
    filterset = entry.filterset_class
    if filterset is None:
        return []
    base_filters = getattr(filterset, "base_filters", None)
    model = getattr(getattr(filterset, "_meta", None), "model", None)
    if base_filters is None:
        return [error(f"filterset_class {filterset!r} is not a django-filter FilterSet.", "E015")]
    errors = []
    if model is not None and not issubclass(entry.model, model):
        errors.append(error(f"filterset_class {filterset.__name__} filters {model.__name__}, not "
                            f"{entry.model.__name__}.", "E015"))
    clashes = sorted(set(base_filters) & LIST_PARAMETERS)
    if clashes:
        errors.append(error(f"filterset_class {filterset.__name__} declares {', '.join(clashes)}, which Frappe's "
                            "list routes read themselves.", "E015", hint="Rename those filters."))
    return errors


# -- models exposed with register_model (ids E010-E015, W010) -----------------------------------

_MODEL_FIELD_OPTIONS = ("name_field", "owner_field", "creation_field", "modified_field", "modified_by_field",
                        "parent_field")
_MODEL_FIELD_LISTS = ("fields", "exclude", "read_only_fields")


@register(Tags.models)
def check_model_registrations(app_configs, **kwargs) -> list:
    """Every ``register_model`` registration names existing fields and coherent child tables."""
    return registration_errors(model_registry)


@register(Tags.database)
def check_model_doctype_clashes(app_configs, databases=None, **kwargs) -> list:
    """A registered model may not take the name of a DocType stored as rows (run with ``--database``)."""
    names = [entry.doctype for entry in model_registry.entries()]
    errors: list = []
    for alias in databases or ():
        try:
            clashes = sorted(DocType.objects.using(alias).filter(name__in=names).values_list("name", flat=True))
        except DatabaseError:  # not migrated yet: nothing can clash
            continue
        errors += [
            Error(f"register_model(): DocType {name!r} is also defined as DocType rows in database {alias!r}.",
                  hint="Rename the registration (doctype=...) or delete the DocType rows.",
                  obj=model_registry.get(name).model, id="django_frappe_api.E013")
            for name in clashes
        ]
    return errors


# How close to InnoDB's limits the document table may come before W003 says so.
INDEX_WARNING_MARGIN = 8
COLUMN_WARNING_MARGIN = 100


@register(Tags.database)
def check_document_table_limits(app_configs, databases=None, **kwargs) -> list:
    """W003 (MariaDB/MySQL, run with ``--database``): the document table near InnoDB's index or column limit.

    Field indexes there are virtual columns with an index (``backends.mysql_columns``) on the one table
    every DocType shares; past the limits the sync makes no more and those fields' filters scan.
    """
    warnings: list = []
    for alias in databases or ():
        if connections[alias].vendor != "mysql":
            continue
        try:
            count_indexes, count_columns = mysql_columns.limits(alias)
        except DatabaseError:  # not migrated yet
            continue
        index_cap = mysql_columns.MAX_INDEXES - mysql_columns.INDEX_HEADROOM
        column_cap = mysql_columns.MAX_COLUMNS - mysql_columns.COLUMN_HEADROOM
        if count_indexes >= index_cap - INDEX_WARNING_MARGIN or count_columns >= column_cap - COLUMN_WARNING_MARGIN:
            warnings.append(Warning(
                f"The document table of database {alias!r} has {count_indexes} of InnoDB's "
                f"{mysql_columns.MAX_INDEXES} indexes and {count_columns} of its {mysql_columns.MAX_COLUMNS} "
                f"columns. Field indexes (search_index, unique, in_standard_filter, Link) stop at {index_cap} indexes "
                f"and {column_cap} columns: fields beyond get none, their filters and counts scan the DocType's rows, "
                "and a new unique field is checked by a query only.",
                hint="Fields of the same name and type share one column and index across DocTypes: reuse fieldnames, "
                     "or drop search_index/in_standard_filter where lists do not filter on the field.",
                id="django_frappe_api.W003"))
    return warnings


@register(Tags.database)
def check_field_column_limit(app_configs, databases=None, **kwargs) -> list:
    """W004 (PostgreSQL, SQLite; run with ``--database``): the document table near the engine's column limit.

    Each indexed field name and type has a column there (``backends.field_columns``), PostgreSQL's dropped
    ones still count, and past the limit new fields get no column: their filters and counts read the JSON.
    """
    warnings: list = []
    for alias in databases or ():
        vendor = connections[alias].vendor
        if vendor not in field_columns.ENGINES:
            continue
        try:
            used, limit = field_columns.column_slots_used(alias), field_columns.column_limit(alias)
        except DatabaseError:  # not migrated yet
            continue
        if used >= limit - COLUMN_WARNING_MARGIN:
            engine = "PostgreSQL" if vendor == "postgresql" else "SQLite"
            warnings.append(Warning(
                f"The document table of database {alias!r} has used {used} of {engine}'s {limit} column "
                "numbers (on PostgreSQL dropped columns keep theirs). Each indexed field name and type (search_index, "
                "unique, in_standard_filter, Link) takes one: past the limit new ones get no column, and their "
                "filters and counts read the JSON of every row.",
                hint="Fields of the same name and type share one column across DocTypes: reuse fieldnames. On "
                     "PostgreSQL only a new table (dump and restore of the document table) gives dropped column "
                     "numbers back.",
                id="django_frappe_api.W004"))
    return warnings


def registration_errors(registry) -> list:
    """The check messages of every registration in ``registry`` (a ``ModelRegistry``)."""
    errors: list = []
    for entry in registry.entries():
        errors += _registration_errors(registry, entry)
    return errors


def _registration_errors(registry, entry) -> list:
    model, prefix = entry.model, f"register_model({entry.model._meta.label}, doctype={entry.doctype!r})"

    def error(message: str, error_id: str, hint: str | None = None):
        return Error(f"{prefix}: {message}", hint=hint, obj=model, id=f"django_frappe_api.{error_id}")

    def model_field(name: str):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    errors = []
    named = [(key, getattr(entry, key)) for key in _MODEL_FIELD_OPTIONS if getattr(entry, key)]
    named += [(key, name) for key in _MODEL_FIELD_LISTS for name in (getattr(entry, key) or ())]
    named += [("labels", name) for name in entry.labels if name not in entry.child_tables]
    for key, name in named:
        if model_field(name) is None:
            errors.append(error(f"{key} names {name!r}, which is not a field of {model.__name__}.", "E010"))
    if errors:
        return errors  # the rest needs a Meta, which these fields would break
    name_field = model_field(entry.name_attname)
    if not (name_field.primary_key or name_field.unique):
        errors.append(error(f"name_field {entry.name_attname!r} is neither the primary key nor unique.", "E012",
                            hint="Document names must identify one row: add unique=True."))
    if entry.doctype in BUILTIN_DOCTYPES:
        errors.append(error(f"the DocType name {entry.doctype!r} is reserved.", "E013"))
    if entry.istable:
        parent = model_field(entry.parent_field) if entry.parent_field else None
        if not isinstance(parent, models.ForeignKey):
            errors.append(error("a child table (istable=True) needs parent_field, a ForeignKey to its parent.",
                                "E014"))
    errors += _filterset_errors(entry, error)
    for tablefield, accessor in entry.child_tables.items():
        relation = model_field(accessor)
        if not isinstance(relation, models.ManyToOneRel):
            errors.append(error(f"child_tables[{tablefield!r}] names {accessor!r}, which is not a reverse "
                                f"ForeignKey of {model.__name__}.", "E011"))
            continue
        child = registry.options_for_model(relation.related_model)
        if child is None or not child.istable or child.parent_field != relation.field.name:
            errors.append(error(
                f"child_tables[{tablefield!r}]: {relation.related_model._meta.label} must be registered with "
                f"istable=True and parent_field={relation.field.name!r}.", "E011"))
    if errors:
        return errors
    meta = registry.build_meta(entry.doctype)
    frappe_names = [("title_field", entry.title_field)] if entry.title_field else []
    frappe_names += [("search_fields", name) for name in entry.search_fields]
    for part in (entry.sort_field or "").split(","):
        if part.strip():
            frappe_names.append(("sort_field", part.split()[0].strip("`")))
    for key, name in frappe_names:
        if not (meta.has_field(name) or name in meta.standard_fields):
            errors.append(error(f"{key} names {name!r}, which is not a field of the DocType.", "E010"))
    for field in entry.exposed_fields():
        if isinstance(field, models.ForeignKey) and registry.doctype_for_model(field.related_model) is None:
            errors.append(Warning(
                f"{prefix}: {field.name} points to {field.related_model._meta.label}, which is not registered; "
                "it is exposed as the raw key, not as a Link.",
                hint=f"Register {field.related_model.__name__} with register_model() or exclude the field.",
                obj=model, id="django_frappe_api.W010"))
    return errors
