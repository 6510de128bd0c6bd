"""Documents in Frappe's wire form (§9.9): key order, value formats, nulls kept or dropped.

Usage::

    doc_as_dict(meta, stored_doc, nulls=False)   # v1 read/create/update bodies
    doc_as_dict(meta, stored_doc, nulls=True)    # frappe.client.get/insert/save results

Key order is ``name, owner, creation, modified, modified_by, docstatus, idx``, the data fields in
form order, ``parent, parentfield, parenttype`` for child rows, ``doctype``, then Table fields.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from . import fieldtypes
from .meta import Meta, get_meta

if TYPE_CHECKING:
    from .field_access import FieldAccess


def wire_datetime(value: Any) -> Any:
    """A standard datetime column as Frappe prints it (local time, no zone)."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return fieldtypes.format_datetime(value)
    return value


def doc_as_dict(
    meta: Meta,
    doc: dict[str, Any],
    *,
    nulls: bool,
    readable: set[str] | None = None,
    access: FieldAccess | None = None,
) -> dict[str, Any]:
    """One stored document (with child rows) as the JSON object Frappe sends.

    ``access`` (the reader's rights) drops the fields above the reader's permlevels, in the child
    rows too, which follow the document's rules; ``readable`` names the readable fields of the
    document alone.
    """
    if access is not None:
        readable = access.readable(meta)
    result: dict[str, Any] = {}
    for key in meta.standard_fields:
        if key in fieldtypes.CHILD_STANDARD_FIELDS:
            continue
        value = doc.get(key)
        if key == "name" and isinstance(value, str) and value.isdigit() and meta.autoname.lower() == "autoincrement":
            value = int(value)  # autoincrement names are integers on the wire (stored as text)
        result[key] = wire_datetime(value) if key in ("creation", "modified") else value
    for field in meta.data_fields:
        if readable is not None and field.fieldname not in readable:
            continue
        if field.fieldtype == "Password":
            continue  # stored hashed, never sent: not even masked (§9.9)
        result[field.fieldname] = fieldtypes.to_wire(field.fieldtype, doc.get(field.fieldname))
    if meta.istable or doc.get("parenttype"):
        for key in fieldtypes.CHILD_STANDARD_FIELDS:
            result[key] = doc.get(key)
    result["doctype"] = meta.name
    for table in meta.table_fields:
        if readable is not None and table.fieldname not in readable:
            continue
        child_meta = get_meta(table.options)
        result[table.fieldname] = [
            doc_as_dict(child_meta, row, nulls=nulls, access=access) for row in doc.get(table.fieldname) or []
        ]
    if not nulls:
        result = {key: value for key, value in result.items() if value is not None}
    return result


def strip_nulls(doc: dict[str, Any]) -> dict[str, Any]:
    """A wire document without null keys, child rows included; Table fields stay as lists (§9.9)."""
    result = {}
    for key, value in doc.items():
        if value is None:
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = [strip_nulls(row) for row in value]
        result[key] = value
    return result
