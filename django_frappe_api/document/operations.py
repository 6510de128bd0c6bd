"""Whole-document operations of the RPC methods (``frappe.client``, desk): permission questions, save
of a full replacement, child rows changed through their parent, a copy for duplicating."""

from __future__ import annotations

from typing import Any

from .. import exceptions, fieldtypes, permissions
from ..backends.base import get_backend
from ..meta import PERMISSION_RIGHTS, Meta, get_meta
from ..serialization import wire_datetime
from .lifecycle import insert_doc, update_doc
from .read import check_doc, get_doc, load_doc
from .values import IGNORED_KEYS


def check_permission(doctype: str, name: Any, right: str, *, user: Any) -> dict[str, Any]:
    """Raise 403 unless the user holds ``right`` on this stored document; returns it (stored form)."""
    meta = get_meta(doctype)
    doc = load_doc(meta, name)
    check_doc(meta, doc, user, right)
    return doc


def has_permission(doctype: str, name: Any, right: str, *, user: Any) -> bool:
    """Whether the user holds ``right`` on this stored document (404 when it does not exist)."""
    try:
        check_permission(doctype, name, right, user=user)
    except exceptions.PermissionError:
        return False
    return True


def get_doc_permissions(doctype: str, name: Any, *, user: Any) -> dict[str, int]:
    """Every right the user holds on one document as 0/1 (``frappe.permissions.get_doc_permissions``)."""
    meta = get_meta(doctype)
    doc = load_doc(meta, name)
    if meta.istable:
        return {"read": 1, "write": 1}  # Frappe answers this for any child row
    owner = doc.get("owner")
    rights = {
        right: int(permissions.has_doc_permission(meta, owner, user, right, doc.get("name"), doc=doc))
        for right in PERMISSION_RIGHTS
    }
    if not meta.is_submittable:
        rights["submit"] = 0
    if not meta.properties.get("allow_import"):
        rights["import"] = 0
    return rights


def check_if_latest(doctype: str, name: Any, modified: Any) -> None:
    """For payloads that replace a whole document (§9.7): the client's ``modified`` must equal the
    stored one exactly, and an absent value never does."""
    doc = load_doc(get_meta(doctype), name)
    stored = wire_datetime(doc["modified"])
    if str(modified) != stored:
        raise exceptions.TimestampMismatchError(
            f"Error: Document has been modified after you have opened it ({stored}, {modified}). "
            "Please refresh to get the latest document."
        )


def save_doc(values: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """``frappe.client.save``: rebuild a document from ``values`` (``doctype`` included); wire form with nulls.

    A full replacement: fields absent from ``values`` become empty, absent Table fields lose their rows,
    ``docstatus`` defaults to 0 and ``modified`` is mandatory. Without ``name`` (or with ``__islocal``)
    the document is inserted instead.
    """
    if not isinstance(values, dict):
        raise exceptions.ValidationError("Invalid request arguments")
    meta = get_meta(values.get("doctype"))
    payload = {key: value for key, value in values.items() if key not in ("doctype", "flags")}
    if values.get("__islocal") or values.get("name") in (None, ""):
        return insert_doc(meta.name, payload, user=user)
    check_if_latest(meta.name, values["name"], values.get("modified"))
    full: dict[str, Any] = {field.fieldname: None for field in meta.data_fields}
    full.update({table.fieldname: [] for table in meta.table_fields})
    full["docstatus"] = 0
    full.update(payload)
    return update_doc(meta.name, values["name"], full, user=user)


def set_value(doctype: str, name: Any, values: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """Merge ``values`` into a document; a child row changes through its parent, which is returned."""
    meta = get_meta(doctype)
    if not meta.istable:
        return update_doc(meta.name, name, values, user=user)
    row = load_doc(meta, name)
    parent_meta = get_meta(row.get("parenttype"))
    parent = load_doc(parent_meta, row.get("parent"))
    rows = [
        {**stored, **values} if str(stored.get("name")) == str(row["name"]) else stored
        for stored in parent.get(row["parentfield"]) or []
    ]
    return update_doc(parent_meta.name, parent["name"], {row["parentfield"]: rows}, user=user)


def insert_child(values: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """``frappe.client.insert`` of a child row: appended to its parent, which is saved and returned."""
    parenttype, parent, parentfield = values.get("parenttype"), values.get("parent"), values.get("parentfield")
    if not (parenttype and parent and parentfield):
        raise exceptions.ValidationError("Parenttype, Parent and Parentfield are required to insert a child record")
    parent_meta = get_meta(parenttype)
    table = parent_meta.get_field(parentfield)
    if table is None or not table.is_table or table.options != values.get("doctype"):
        raise exceptions.ValidationError(f"Invalid field name: {parentfield}")
    stored = load_doc(parent_meta, parent)
    row = {key: value for key, value in values.items() if key not in IGNORED_KEYS}
    rows = [*(stored.get(parentfield) or []), row]
    return update_doc(parent_meta.name, stored["name"], {parentfield: rows}, user=user)


def delete_child(doctype: str, name: Any, *, user: Any) -> None:
    """Remove a child row through its parent, which is saved (Frappe's ``frappe.client.delete``)."""
    meta = get_meta(doctype)
    row = get_backend(meta).get_doc(meta, name)
    if row is None:
        raise exceptions.DoesNotExistError(doctype=meta.name)
    parent_meta = get_meta(row.get("parenttype"))
    parent = load_doc(parent_meta, row.get("parent"))
    rows = [stored for stored in parent.get(row["parentfield"]) or [] if str(stored.get("name")) != str(row["name"])]
    update_doc(parent_meta.name, parent["name"], {row["parentfield"]: rows}, user=user)


def copy_doc(doctype: str, name: Any, *, user: Any, keep_no_copy: bool = False) -> dict[str, Any]:
    """A template for duplicating a document: no name, audit fields or docstatus, nulls dropped.

    Fields flagged ``no_copy`` are left out unless ``keep_no_copy``; child rows are cleaned the same way.
    """
    meta = get_meta(doctype)
    doc = get_doc(doctype, name, user=user, nulls=False)
    return _clean_copy(meta, doc, keep_no_copy)


def _clean_copy(meta: Meta, doc: dict[str, Any], keep_no_copy: bool) -> dict[str, Any]:
    dropped = set(fieldtypes.STANDARD_FIELDS) - {"idx"} | set(fieldtypes.CHILD_STANDARD_FIELDS)
    if not meta.istable:
        dropped.add("idx")
    if not keep_no_copy:
        dropped |= {f.fieldname for f in meta.fields if f.no_copy}
    result = {}
    for key, value in doc.items():
        if key in dropped or key.startswith("_"):
            continue
        table = meta.get_field(key)
        if table is not None and table.is_table:
            child_meta = get_meta(table.options)
            value = [_clean_copy(child_meta, row, keep_no_copy) for row in value]
        result[key] = value
    return result
