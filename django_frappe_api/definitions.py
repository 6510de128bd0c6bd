"""DocType definitions in Frappe's JSON shape: validate, save, and serialise them.

The three ways a DocType arrives -- JSON files of an app, the Django admin, and
``POST /api/resource/DocType`` -- all end in ``save_definition``::

    from django_frappe_api.definitions import save_definition
    save_definition({"name": "Note", "fields": [{"fieldname": "title", "fieldtype": "Data"}]})

A malformed definition raises ``exceptions.ValidationError`` with a message saying what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import exceptions, fieldtypes
from .definition_checks import (
    BUILTIN_DOCTYPES,
    DOCFIELD_COLUMNS,
    DOCPERM_COLUMNS,
    DOCTYPE_COLUMNS,
    DOCUMENT_KEYS,
    check_definition,
)
from .meta import clear_meta_cache

__all__ = ["BUILTIN_DOCTYPES", "doctype_as_dict", "save_definition", "validate_definition"]


def validate_definition(data: Any, *, known_doctypes: Iterable[str] = (), from_file: bool = False) -> dict[str, Any]:
    """Check a DocType dict and return it cleaned (fields numbered, flags as 0/1); raise the first problem.

    ``known_doctypes`` are names that Link and Table fields may point to besides the DocTypes
    already saved (the other files of one batch being loaded). ``from_file`` reads a Frappe export:
    exports drop every falsy key, so a missing flag or right means 0 (Frappe imports them without
    defaults), while a definition typed by a person gets DocPerm's defaults (read, write, create, ...).
    """
    cleaned, problems = check_definition(data, known_doctypes=known_doctypes, from_file=from_file)
    if problems:
        raise exceptions.ValidationError(problems[0])
    return cleaned


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
        if existing is not None and _comparable(doctype_as_dict(existing)) == _comparable(_as_stored(cleaned)):
            return existing
        now = timezone.now()
        row = existing or DocType(name=name, owner=user, creation=now)
        row.modified, row.modified_by = now, user
        model_fields = {f.name for f in DocType._meta.fields}
        # The definition is the whole DocType: a property it leaves out is reset, not kept from before.
        for column in DOCTYPE_COLUMNS:
            setattr(row, column, DocType._meta.get_field(column).get_default())
        properties = {}
        for key, value in cleaned.items():
            if key in ("name", "fields", "permissions"):
                continue
            if key in DOCTYPE_COLUMNS and key in model_fields:
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
        if key in DOCFIELD_COLUMNS:
            setattr(instance, key, _column_value(DocField, key, value))
        else:
            properties[key] = value
    instance.properties = properties
    return instance


def _docperm(row, permission: dict[str, Any]):
    from .models import DocPerm

    instance = DocPerm(doctype=row, idx=permission["idx"])
    for key, value in permission.items():
        attribute = DOCPERM_COLUMNS.get(key)
        if attribute:
            setattr(instance, attribute, _column_value(DocPerm, attribute, value))
    return instance


def _as_stored(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The definition as it will read back: values converted as their columns store them, defaults filled."""
    from .models import DocField, DocPerm, DocType

    def stored(model, columns, values, aliases=None):
        result = dict(values)
        for column in columns:
            attribute = (aliases or {}).get(column, column)
            if column in values:
                value = _column_value(model, attribute, values[column])
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


def _comparable(definition: dict[str, Any]) -> dict[str, Any]:
    """A definition without audit keys and defaults, to tell whether a save would change it."""

    def strip(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k not in DOCUMENT_KEYS and v not in (None, "", 0, False, [], {})}

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


def link_fields_to(doctype: str) -> list[tuple[str, str]]:
    """``(DocType, fieldname)`` of every stored Link field pointing at ``doctype``, in definition order."""
    from .models import DocField

    return list(DocField.objects.filter(fieldtype="Link", options=doctype).values_list("doctype_id", "fieldname"))


def dynamic_link_fields() -> list[tuple[str, str, str]]:
    """``(DocType, fieldname, type field)`` of every stored Dynamic Link field, in definition order."""
    from .models import DocField

    return list(DocField.objects.filter(fieldtype="Dynamic Link").values_list("doctype_id", "fieldname", "options"))
