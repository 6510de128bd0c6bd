"""DocType definitions in Frappe's JSON shape: validate, save, and serialise them.

The three ways a DocType arrives -- JSON files of an app, the Django admin, and
``POST /api/resource/DocType`` -- all end in ``save_definition``::

    from django_frappe_api.definitions import save_definition
    save_definition({"name": "Note", "fields": [{"fieldname": "title", "fieldtype": "Data"}]})

A malformed definition raises ``exceptions.ValidationError`` with a message saying what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import exceptions, fieldtypes
from .meta import clear_meta_cache

DOCTYPE_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{0,139}$")
FIELDNAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,139}$", re.IGNORECASE)

# Keys of a Frappe document that are not properties of the definition itself.
_DOCUMENT_KEYS = frozenset(
    fieldtypes.STANDARD_FIELDS + fieldtypes.CHILD_STANDARD_FIELDS + ("doctype", "field_order", "__islocal")
)
_DOCTYPE_COLUMNS = (
    "module", "custom", "istable", "issingle", "is_submittable", "is_tree", "editable_grid",
    "quick_entry", "track_changes", "track_seen", "allow_rename", "allow_import", "allow_copy",
    "read_only", "in_create", "show_title_field_in_link", "autoname", "naming_rule", "title_field",
    "search_fields", "sort_field", "sort_order", "image_field", "document_type", "icon",
    "description", "max_attachments",
)  # fmt: skip
_DOCFIELD_COLUMNS = (
    "fieldname", "label", "fieldtype", "options", "default", "description", "reqd", "unique",
    "read_only", "hidden", "bold", "in_list_view", "in_standard_filter", "in_global_search",
    "search_index", "no_copy", "allow_on_submit", "set_only_once", "non_negative",
    "ignore_user_permissions", "print_hide", "report_hide", "permlevel", "length", "precision",
    "fetch_from", "depends_on", "mandatory_depends_on", "read_only_depends_on",
)  # fmt: skip
# Frappe right name -> DocPerm attribute (two would shadow a method or a keyword).
_DOCPERM_COLUMNS = {
    "role": "role", "permlevel": "permlevel", "if_owner": "if_owner", "select": "select",
    "read": "read", "write": "write", "create": "create", "delete": "delete_right", "submit": "submit",
    "cancel": "cancel", "amend": "amend", "report": "report", "export": "export",
    "import": "import_right", "share": "share", "print": "print", "email": "email",
}  # fmt: skip
# Names the app serves itself; a definition may not take them.
BUILTIN_DOCTYPES = frozenset({"DocType", "DocField", "DocPerm"})


def validate_definition(data: Any, *, known_doctypes: Iterable[str] = (), from_file: bool = False) -> dict[str, Any]:
    """Check a DocType dict and return it cleaned (fields numbered, flags as 0/1).

    ``known_doctypes`` are names that Link and Table fields may point to besides the DocTypes
    already saved (the other files of one batch being loaded). ``from_file`` reads a Frappe export:
    exports drop every falsy key, so a missing flag or right means 0 (Frappe imports them without
    defaults), while a definition typed by a person gets DocPerm's defaults (read, write, create, ...).
    """
    from .meta import doctype_exists

    if not isinstance(data, dict):
        raise exceptions.ValidationError("DocType definition must be a JSON object")
    name = data.get("name")
    if not isinstance(name, str) or not DOCTYPE_NAME_RE.match(name.strip()):
        raise exceptions.ValidationError(
            f"DocType name {name!r} is invalid: use letters, numbers, spaces, '-' or '_', "
            "starting with a letter (at most 140 characters)"
        )
    name = name.strip()
    if name in BUILTIN_DOCTYPES:
        raise exceptions.ValidationError(f"DocType {name} is reserved")
    known = set(known_doctypes) | {name}

    fields = data.get("fields") or []
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        raise exceptions.ValidationError("fields must be a list of objects")
    permissions = data.get("permissions") or []
    if not isinstance(permissions, list) or not all(isinstance(p, dict) for p in permissions):
        raise exceptions.ValidationError("permissions must be a list of objects")

    cleaned_fields = [_clean_field(f, i + 1) for i, f in enumerate(fields)]
    seen: dict[str, int] = {}
    for f in cleaned_fields:
        fieldname, row = f.get("fieldname"), f["idx"]
        if not fieldname:
            continue
        if fieldname in seen:
            raise exceptions.ValidationError(
                f"Fieldname {fieldname} appears multiple times in rows {seen[fieldname]}, {row}"
            )
        seen[fieldname] = row

    def target_exists(target: str) -> bool:
        return target in known or doctype_exists(target)

    for f in cleaned_fields:
        _check_field_options(f, seen, target_exists)

    cleaned = {k: v for k, v in data.items() if k not in _DOCUMENT_KEYS and k not in ("fields", "permissions")}
    cleaned["name"] = name
    for flag in ("custom", "istable", "issingle", "is_submittable", "is_tree", "allow_rename"):
        if flag in cleaned:
            cleaned[flag] = 1 if fieldtypes.cint(cleaned[flag]) else 0
    cleaned["fields"] = cleaned_fields
    if from_file:
        for flag in ("custom", "allow_rename"):
            cleaned.setdefault(flag, 0)
    cleaned["permissions"] = [_clean_permission(p, i + 1, from_file) for i, p in enumerate(permissions)]
    _check_doctype_properties(cleaned, seen)
    return cleaned


def _clean_field(field: dict[str, Any], idx: int) -> dict[str, Any]:
    cleaned = {k: v for k, v in field.items() if k not in _DOCUMENT_KEYS}
    fieldtype = cleaned.get("fieldtype") or "Data"
    cleaned["fieldtype"] = fieldtype
    cleaned["idx"] = idx
    if fieldtype not in fieldtypes.ALL_TYPES:
        raise exceptions.ValidationError(f"Fieldtype {fieldtype} in row {idx} is not valid")
    fieldname = cleaned.get("fieldname") or ""
    if not isinstance(fieldname, str):
        raise exceptions.ValidationError(f"Fieldname in row {idx} must be a string")
    cleaned["fieldname"] = fieldname.strip()
    fieldname = cleaned["fieldname"]
    if not fieldname and fieldtype not in fieldtypes.LAYOUT_TYPES:
        raise exceptions.ValidationError(f"Fieldname is required in row {idx}")
    if fieldname:
        if not FIELDNAME_RE.match(fieldname):
            raise exceptions.ValidationError(
                f"Fieldname {fieldname} can only have letters, numbers and underscores (row {idx})"
            )
        if fieldname.lower() in fieldtypes.RESERVED_FIELDNAMES:
            raise exceptions.ValidationError(f"Fieldname {fieldname} is restricted (row {idx})")
    for flag in ("reqd", "unique", "read_only", "hidden", "in_list_view", "no_copy", "allow_on_submit",
                 "set_only_once", "non_negative", "search_index", "in_standard_filter", "bold"):
        if flag in cleaned:
            cleaned[flag] = 1 if fieldtypes.cint(cleaned[flag]) else 0
    for number in ("permlevel", "length"):
        if number in cleaned:
            cleaned[number] = max(fieldtypes.cint(cleaned[number]), 0)
    return cleaned


def _check_field_options(field: dict[str, Any], fieldnames: dict[str, int], target_exists) -> None:
    fieldtype, options, label = field["fieldtype"], (field.get("options") or "").strip(), _label(field)
    if fieldtype == "Select" and not [o for o in options.split("\n") if o.strip()]:
        raise exceptions.ValidationError(f"Options are required for Select field {label} (row {field['idx']})")
    if fieldtype in ("Link", "Table", "Table MultiSelect"):
        if not options:
            raise exceptions.ValidationError(f"Options are required for {fieldtype} field {label}")
        if not target_exists(options):
            raise exceptions.ValidationError(
                f"Options must be a valid DocType for field {label} in row {field['idx']}"
            )
    if fieldtype == "Dynamic Link" and options not in fieldnames:
        raise exceptions.ValidationError(
            f"Options for Dynamic Link field {label} must name a field holding the DocType"
        )


def _clean_permission(permission: dict[str, Any], idx: int, from_file: bool = False) -> dict[str, Any]:
    role = permission.get("role")
    if not isinstance(role, str) or not role.strip():
        raise exceptions.ValidationError(f"Role is required in permission row {idx}")
    cleaned = {k: v for k, v in permission.items() if k not in _DOCUMENT_KEYS}
    cleaned["role"] = role.strip()
    cleaned["idx"] = idx
    defaults = {} if from_file else {"read": 1, "write": 1, "create": 1, "delete": 1, "report": 1, "export": 1,
                                      "share": 1, "print": 1, "email": 1}
    for right in _DOCPERM_COLUMNS:
        if right in ("role",):
            continue
        if right == "permlevel":
            cleaned[right] = max(fieldtypes.cint(cleaned.get(right, 0)), 0)
        else:
            cleaned[right] = 1 if fieldtypes.cint(cleaned.get(right, defaults.get(right, 0))) else 0
    return cleaned


def _check_doctype_properties(cleaned: dict[str, Any], fieldnames: dict[str, int]) -> None:
    autoname = (cleaned.get("autoname") or "").strip()
    if autoname.lower().startswith("field:"):
        target = autoname.split(":", 1)[1].strip()
        if target not in fieldnames:
            raise exceptions.ValidationError(f"Invalid fieldname '{target}' in autoname")
    title_field = cleaned.get("title_field")
    if title_field and title_field not in fieldnames and title_field != "name":
        raise exceptions.ValidationError(f"Title field must be a valid fieldname: {title_field}")
    for search_field in (cleaned.get("search_fields") or "").split(","):
        search_field = search_field.strip()
        if search_field and search_field not in fieldnames and search_field != "name":
            raise exceptions.ValidationError(f"Search field {search_field} is not valid")
    sort_order = (cleaned.get("sort_order") or "DESC").upper()
    if sort_order not in ("ASC", "DESC"):
        raise exceptions.ValidationError("Sort order must be ASC or DESC")
    cleaned["sort_order"] = sort_order


def _label(field: dict[str, Any]) -> str:
    return field.get("label") or field.get("fieldname") or field.get("fieldtype")


def save_definition(
    data: Any, *, user: str = "Administrator", known_doctypes: Iterable[str] = (), from_file: bool = False
):
    """Validate and store a DocType; unchanged definitions are left untouched (idempotent).

    Returns the ``DocType`` row.
    """
    from .models import DocField, DocPerm, DocType

    cleaned = validate_definition(data, known_doctypes=known_doctypes, from_file=from_file)
    name = cleaned["name"]
    with transaction.atomic():
        existing = DocType.objects.filter(name=name).prefetch_related("fields", "permissions").first()
        if existing is not None and _comparable(doctype_as_dict(existing)) == _comparable(_with_defaults(cleaned)):
            return existing
        now = timezone.now()
        row = existing or DocType(name=name, owner=user, creation=now)
        row.modified, row.modified_by = now, user
        model_fields = {f.name for f in DocType._meta.fields}
        properties = {}
        for key, value in cleaned.items():
            if key in ("name", "fields", "permissions"):
                continue
            if key in _DOCTYPE_COLUMNS and key in model_fields:
                setattr(row, key, _column_value(DocType, key, value))
            else:
                properties[key] = value
        row.properties = properties
        row.save()
        row.fields.all().delete()
        row.permissions.all().delete()
        DocField.objects.bulk_create([_docfield(row, f) for f in cleaned["fields"]])
        DocPerm.objects.bulk_create([_docperm(row, p) for p in cleaned["permissions"]])
        transaction.on_commit(lambda: clear_meta_cache(name))
        clear_meta_cache(name)
    return DocType.objects.prefetch_related("fields", "permissions").get(name=name)


def _column_value(model, column: str, value: Any) -> Any:
    field = model._meta.get_field(column)
    internal = field.get_internal_type()
    if internal == "BooleanField":
        return bool(fieldtypes.cint(value))
    if internal in ("IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField"):
        return max(fieldtypes.cint(value), 0) if internal.startswith("Positive") else fieldtypes.cint(value)
    return "" if value is None else str(value)


def _docfield(row, field: dict[str, Any]):
    from .models import DocField

    instance = DocField(doctype=row, idx=field["idx"])
    properties = {}
    for key, value in field.items():
        if key == "idx":
            continue
        if key in _DOCFIELD_COLUMNS:
            setattr(instance, key, _column_value(DocField, key, value))
        else:
            properties[key] = value
    instance.properties = properties
    return instance


def _docperm(row, permission: dict[str, Any]):
    from .models import DocPerm

    instance = DocPerm(doctype=row, idx=permission["idx"])
    for key, value in permission.items():
        attribute = _DOCPERM_COLUMNS.get(key)
        if attribute:
            setattr(instance, attribute, _column_value(DocPerm, attribute, value))
    return instance


def _with_defaults(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The definition as it will read back: DocType and DocField columns it leaves out get their defaults."""
    from .models import DocField, DocType

    def fill(model, columns, values):
        result = dict(values)
        for column in columns:
            if column not in result:
                default = model._meta.get_field(column).get_default()
                result[column] = int(default) if isinstance(default, bool) else default
        return result

    result = fill(DocType, _DOCTYPE_COLUMNS, cleaned)
    result["fields"] = [fill(DocField, _DOCFIELD_COLUMNS, f) for f in cleaned["fields"]]
    return result


def _comparable(definition: dict[str, Any]) -> dict[str, Any]:
    """A definition without audit keys and defaults, to tell whether a save would change it."""

    def strip(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k not in _DOCUMENT_KEYS and v not in (None, "", 0, False, [], {})}

    result = strip(definition)
    result["fields"] = [strip(f) for f in definition.get("fields", [])]
    result["permissions"] = [strip(p) for p in definition.get("permissions", [])]
    result.pop("sort_order", None)
    return result


def doctype_as_dict(row) -> dict[str, Any]:
    """A DocType row (with prefetched fields and permissions) as Frappe serialises it."""
    from .models import DocType

    result: dict[str, Any] = {
        "name": row.name,
        "owner": row.owner,
        "creation": fieldtypes.format_datetime(_naive(row.creation)),
        "modified": fieldtypes.format_datetime(_naive(row.modified)),
        "modified_by": row.modified_by,
        "docstatus": 0,
        "idx": 0,
    }
    for column in _DOCTYPE_COLUMNS:
        value = getattr(row, column)
        result[column] = int(value) if isinstance(value, bool) else value
    result.update(row.properties or {})
    standard = {
        "owner": row.owner,
        "creation": result["creation"],
        "modified": result["modified"],
        "modified_by": row.modified_by,
        "docstatus": 0,
        "parent": row.name,
        "parenttype": "DocType",
    }
    result["fields"] = []
    for f in row.fields.all():
        item = {"name": f"{row.name}-field-{f.idx}", **standard, "idx": f.idx}
        for column in _DOCFIELD_COLUMNS:
            value = getattr(f, column)
            item[column] = int(value) if isinstance(value, bool) else value
        item.update(f.properties or {})
        item.update(parentfield="fields", doctype="DocField")
        result["fields"].append(item)
    result["permissions"] = []
    for p in row.permissions.all():
        item = {"name": f"{row.name}-perm-{p.idx}", **standard, "idx": p.idx}
        for right, attribute in _DOCPERM_COLUMNS.items():
            value = getattr(p, attribute)
            item[right] = int(value) if isinstance(value, bool) else value
        item.update(parentfield="permissions", doctype="DocPerm")
        result["permissions"].append(item)
    result.setdefault("actions", [])
    result.setdefault("links", [])
    result.setdefault("states", [])
    result["doctype"] = DocType._meta.verbose_name
    return result


def _naive(value):
    if timezone.is_aware(value):
        return timezone.make_naive(value)
    return value
