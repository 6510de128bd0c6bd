"""DocType, DocField and DocPerm rows <-> a definition in Frappe's JSON shape (no queries of its own).

Usage::

    from django_frappe_api.doctype_rows import doctype_as_dict
    definition = doctype_as_dict(DocType.objects.prefetch_related("fields", "permissions").get(name="Note"))
    definition["fields"][0]["fieldname"]              # "title"

Below ``meta`` (which reads definitions through ``doctype_as_dict``) and below ``definitions`` (which
validates a definition, then stores it with ``docfield_row`` / ``docperm_row``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from . import fieldtypes
from .models import DocField, DocPerm, DocType

# Keys of a Frappe document that are not properties of the definition itself.
DOCUMENT_KEYS = frozenset(
    fieldtypes.STANDARD_FIELDS + fieldtypes.CHILD_STANDARD_FIELDS + ("doctype", "field_order", "__islocal")
)
DOCTYPE_COLUMNS = (
    "module", "custom", "istable", "issingle", "is_submittable", "is_tree", "editable_grid",
    "quick_entry", "track_changes", "track_seen", "allow_rename", "allow_import", "allow_copy",
    "read_only", "in_create", "show_title_field_in_link", "autoname", "naming_rule", "title_field",
    "search_fields", "sort_field", "sort_order", "image_field", "document_type", "icon",
    "description", "max_attachments",
)  # fmt: skip
DOCFIELD_COLUMNS = (
    "fieldname", "label", "fieldtype", "options", "default", "description", "reqd", "unique",
    "read_only", "hidden", "bold", "in_list_view", "in_standard_filter", "in_global_search",
    "search_index", "no_copy", "allow_on_submit", "set_only_once", "non_negative",
    "ignore_user_permissions", "print_hide", "report_hide", "permlevel", "length", "precision",
    "fetch_from", "depends_on", "mandatory_depends_on", "read_only_depends_on",
)  # fmt: skip
# Frappe property name -> DocPerm attribute (two rights would shadow a method or a keyword).
DOCPERM_COLUMNS = {"role": "role", "permlevel": "permlevel", "if_owner": "if_owner", **DocPerm.RIGHTS}


def column_value(model: type[models.Model], column: str, value: Any) -> Any:
    """``value`` converted as the model's column stores it (flags as booleans, numbers as integers)."""
    field = model._meta.get_field(column)
    internal = field.get_internal_type()
    if internal == "BooleanField":
        return bool(fieldtypes.cint(value))
    if internal in ("IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField"):
        return max(fieldtypes.cint(value), 0) if internal.startswith("Positive") else fieldtypes.cint(value)
    return "" if value is None else str(value)


def fill_doctype_row(row: DocType, cleaned: dict[str, Any]) -> None:
    """Set every column of ``row`` from a cleaned definition; other properties go to ``row.properties``.

    The definition is the whole DocType: a property it leaves out is reset, not kept from before.
    """
    model_fields = {f.name for f in DocType._meta.fields}
    for column in DOCTYPE_COLUMNS:
        setattr(row, column, DocType._meta.get_field(column).get_default())
    properties = {}
    for key, value in cleaned.items():
        if key in ("name", "fields", "permissions"):
            continue
        if key in DOCTYPE_COLUMNS and key in model_fields:
            setattr(row, key, column_value(DocType, key, value))
        else:
            properties[key] = value
    row.properties = properties


def docfield_row(row: DocType, field: dict[str, Any]) -> DocField:
    """An unsaved DocField of ``row`` from one cleaned field."""
    instance = DocField(doctype=row, idx=field["idx"])
    properties = {}
    for key, value in field.items():
        if key == "idx":
            continue
        if key in DOCFIELD_COLUMNS:
            setattr(instance, key, column_value(DocField, key, value))
        else:
            properties[key] = value
    instance.properties = properties
    return instance


def docperm_row(row: DocType, permission: dict[str, Any]) -> DocPerm:
    """An unsaved DocPerm of ``row`` from one cleaned permission."""
    instance = DocPerm(doctype=row, idx=permission["idx"])
    for key, value in permission.items():
        attribute = DOCPERM_COLUMNS.get(key)
        if attribute:
            setattr(instance, attribute, column_value(DocPerm, attribute, value))
    return instance


def as_stored(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The definition as it will read back: values converted as their columns store them, defaults filled."""

    def stored(model, columns, values, aliases=None):
        result = dict(values)
        for column in columns:
            attribute = (aliases or {}).get(column, column)
            if column in values:
                value = column_value(model, attribute, values[column])
            else:
                value = model._meta.get_field(attribute).get_default()
            result[column] = int(value) if isinstance(value, bool) else value
        return result

    result = stored(DocType, DOCTYPE_COLUMNS, cleaned)
    result["fields"] = [stored(DocField, DOCFIELD_COLUMNS, f) for f in cleaned["fields"]]
    result["permissions"] = [
        stored(DocPerm, [c for c in DOCPERM_COLUMNS if c in p], p, DOCPERM_COLUMNS) for p in cleaned["permissions"]
    ]
    return result


def comparable(definition: dict[str, Any]) -> dict[str, Any]:
    """A definition without audit keys and defaults, to tell whether a save would change it."""

    def strip(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k not in DOCUMENT_KEYS and v not in (None, "", 0, False, [], {})}

    result = strip(definition)
    result["fields"] = [strip(f) for f in definition.get("fields", [])]
    result["permissions"] = [strip(p) for p in definition.get("permissions", [])]
    result.pop("sort_order", None)
    return result


def doctype_as_dict(row: DocType) -> dict[str, Any]:
    """A DocType row (with prefetched fields and permissions) as Frappe serialises it."""
    result: dict[str, Any] = {
        "name": row.name,
        "owner": row.owner,
        "creation": fieldtypes.format_datetime(_naive(row.creation)),
        "modified": fieldtypes.format_datetime(_naive(row.modified)),
        "modified_by": row.modified_by,
        "docstatus": 0,
        "idx": 0,
    }
    for column in DOCTYPE_COLUMNS:
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
        for column in DOCFIELD_COLUMNS:
            value = getattr(f, column)
            item[column] = int(value) if isinstance(value, bool) else value
        item.update(f.properties or {})
        item.update(parentfield="fields", doctype="DocField")
        result["fields"].append(item)
    result["permissions"] = []
    for p in row.permissions.all():
        item = {"name": f"{row.name}-perm-{p.idx}", **standard, "idx": p.idx}
        for right, attribute in DOCPERM_COLUMNS.items():
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
