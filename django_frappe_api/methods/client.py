"""``frappe.client.*``: generic document RPC under Frappe's own names (§5.4), as FrappeClient calls it.

Usage::

    GET  /api/method/frappe.client.get_value?doctype=ToDo&fieldname=status&filters=3k9q0v1m2r
    POST /api/method/frappe.client.insert  {"doc": {"doctype": "ToDo", "description": "Call Bob"}}

Every call goes through ``django_frappe_api.document``, which checks permissions. Results that are
documents keep their null fields (Frappe's ``doc.as_dict()``); list rows are plain dicts or lists.
JSON parameters may arrive decoded (JSON body) or as JSON strings (query string, form).
"""

from __future__ import annotations

import traceback
from typing import Any

from django.db import transaction

from .. import document, exceptions, fieldtypes, json_input, permissions
from ..backends.base import get_backend
from ..conf import api_settings
from ..filters import load_json_param
from ..messages import msgprint
from ..meta import get_meta
from ..params import ListRequest
from ..registry import whitelist

WRITE_VERBS = ["POST", "PUT"]
MAX_INSERTS = 200
# Frappe's default_fields + child_table_fields: set_value refuses them (v15).
STANDARD_FIELDS = ("doctype", *fieldtypes.STANDARD_FIELDS, *fieldtypes.CHILD_STANDARD_FIELDS)


def _json(value: Any, param: str) -> Any:
    return load_json_param(value, param)


def _safe_filters(filters: Any) -> Any:
    """Frappe's ``get_safe_filters``: JSON if it parses, else the string itself (a document name)."""
    if isinstance(filters, str):
        return json_input.loads(filters, "filters", default=filters)
    return filters


def _name_filters(filters: Any) -> Any:
    filters = _safe_filters(filters)
    if isinstance(filters, (str, int)) and not isinstance(filters, bool):
        return {"name": filters}
    return filters or None


def _flag(value: Any) -> bool:
    """A boolean parameter from a query string, a form or JSON (``"0"``/``"false"`` are false)."""
    flag = fieldtypes.sbool(value)
    return bool(flag) if flag not in ("", None) else False


def _check_read(doctype: str, user: Any, parent: str | None = None) -> None:
    """Frappe's ``has_permission(doctype)`` guard with its message (403 ``No permission for X``)."""
    meta = get_meta(doctype)
    perm_meta = permissions.permission_meta(meta, parent)
    if not permissions.has_doctype_permission(perm_meta, user, "read"):
        raise exceptions.PermissionError(f"No permission for {meta.name}")


@whitelist(name="frappe.client.get_list", read_only=True)
def get_list(
    request: Any,
    doctype: str,
    fields: Any = None,
    filters: Any = None,
    group_by: str | None = None,
    order_by: str | None = None,
    limit_start: Any = None,
    limit_page_length: Any = 20,
    parent: str | None = None,
    debug: Any = False,
    as_dict: Any = True,
    or_filters: Any = None,
    expand: Any = None,
) -> list[Any]:
    """Rows the caller may read; no default ordering, ``limit_page_length=0`` means all rows."""
    list_request = ListRequest.from_client(
        fields=fields, filters=filters, or_filters=or_filters, order_by=order_by, group_by=group_by,
        limit_start=limit_start, limit_page_length=limit_page_length, as_dict=as_dict, parent=parent,
    )
    rows = document.get_list(doctype, list_request, user=request.user)
    if expand:
        rows = document.expand_list_links(doctype, rows, expand, user=request.user)
    return rows


@whitelist(name="frappe.client.get_count", read_only=True)
def get_count(request: Any, doctype: str, filters: Any = None, debug: Any = False, cache: Any = False) -> int:
    """Number of readable rows matching ``filters`` (a plain string is a document name)."""
    return document.get_count(doctype, ListRequest(filters=_name_filters(filters)), user=request.user)


@whitelist(name="frappe.client.get", read_only=True)
def get(request: Any, doctype: str, name: Any = None, filters: Any = None, parent: str | None = None) -> dict:
    """A document with nulls, by ``name``, by ``filters`` (first match) or, for a Single, by DocType."""
    if name not in (None, ""):
        return document.get_doc(doctype, name, user=request.user)
    if filters is not None and filters != "":
        first = ListRequest(fields=["name"], filters=_json(filters, "filters"), page_length=1,
                            parent=parent or None, default_order=False)
        rows = document.get_list(doctype, first, user=request.user)
        if not rows:
            raise exceptions.DoesNotExistError(f"{doctype} not found", doctype=doctype)
        return document.get_doc(doctype, rows[0]["name"], user=request.user)
    return document.get_doc(doctype, doctype, user=request.user)


def _fieldnames(fieldname: Any) -> list[str]:
    try:
        fields = _json(fieldname, "fieldname") if isinstance(fieldname, str) else fieldname
    except exceptions.ValidationError:
        fields = fieldname  # a bare field name, not JSON
    if isinstance(fields, str):
        return [fields]
    if not isinstance(fields, list) or not fields:
        raise exceptions.ValidationError("fieldname must be a field name or a list of field names")
    return fields


def get_values(
    request: Any, doctype: str, fieldname: Any, filters: Any = None, as_dict: Any = True, parent: Any = None
) -> Any:
    """The body of ``get_value``, shared with ``validate_link``."""
    _check_read(doctype, request.user, parent or None)
    fields = _fieldnames(fieldname)
    filters = _name_filters(filters)
    as_dict = _flag(as_dict)
    meta = get_meta(doctype)
    if meta.issingle:
        doc = document.get_doc(doctype, doctype, user=request.user)
        row: Any = {field: doc.get(field) for field in fields}
        rows = [row if as_dict else list(row.values())]
    else:
        first = ListRequest(fields=fields, filters=filters, page_length=1, as_dict=as_dict, parent=parent or None,
                            default_order=False)
        rows = document.get_list(doctype, first, user=request.user)
    if as_dict:
        return rows[0] if rows else {}
    if not rows:
        return None
    return rows[0] if len(fields) > 1 else rows[0][0]


@whitelist(name="frappe.client.get_value", read_only=True)
def get_value(
    request: Any, doctype: str, fieldname: Any, filters: Any = None, as_dict: Any = True, debug: Any = False,
    parent: str | None = None,
) -> Any:
    """Fields of the first matching document: a dict (``{}`` when none), or a value / list of values."""
    return get_values(request, doctype, fieldname, filters, as_dict, parent)


@whitelist(name="frappe.client.get_single_value")
def get_single_value(request: Any, doctype: str, field: str) -> Any:
    """One field of a Single DocType."""
    _check_read(doctype, request.user)
    meta = get_meta(doctype)
    if meta.fieldtype_of(field) is None:
        raise exceptions.ValidationError(f"Field <strong>{field}</strong> does not exist on <strong>{doctype}</strong>")
    return document.get_doc(doctype, doctype, user=request.user).get(field)


@whitelist(name="frappe.client.set_value", methods=WRITE_VERBS)
def set_value(request: Any, doctype: str, name: Any, fieldname: Any, value: Any = None) -> dict:
    """Set one field, or several given as a JSON object in ``fieldname``; a child row returns its parent."""
    if isinstance(fieldname, str) and fieldname in STANDARD_FIELDS:
        raise exceptions.ValidationError("Cannot edit standard fields")
    if not isinstance(fieldname, (str, dict)):
        raise exceptions.ValidationError("fieldname must be a field name or a JSON object of values")
    if not value:
        values = fieldname
        if isinstance(fieldname, str):
            values = json_input.loads(fieldname, "fieldname", default={fieldname: ""})
    else:
        values = {fieldname: value}
    if not isinstance(values, dict):
        raise exceptions.ValidationError("fieldname must be a field name or a JSON object of values")
    return document.set_value(doctype, name, values, user=request.user)


def _insert(doc: Any, user: Any) -> dict:
    if not isinstance(doc, dict):
        raise exceptions.ValidationError("Invalid request arguments")
    meta = get_meta(doc.get("doctype"))
    if meta.istable:
        return document.insert_child(doc, user=user)
    return document.insert_doc(meta.name, {k: v for k, v in doc.items() if k != "doctype"}, user=user)


@whitelist(name="frappe.client.insert", methods=WRITE_VERBS)
def insert(request: Any, doc: Any = None) -> dict:
    """Insert a document (``doc`` carries its ``doctype``); a child row is appended to its parent."""
    return _insert(_json(doc, "doc"), request.user)


@whitelist(name="frappe.client.insert_many", methods=WRITE_VERBS)
def insert_many(request: Any, docs: Any = None) -> list[Any]:
    """Insert up to 200 documents; returns their names (a child row gives its parent's)."""
    docs = _json(docs, "docs")
    if not isinstance(docs, list):
        raise exceptions.ValidationError("docs must be a list of documents")
    if len(docs) > MAX_INSERTS:
        raise exceptions.ValidationError(f"Only {MAX_INSERTS} inserts allowed in one request")
    return [_insert(doc, request.user)["name"] for doc in docs]


@whitelist(name="frappe.client.save", methods=WRITE_VERBS)
def save(request: Any, doc: Any) -> dict:
    """Replace a document with ``doc`` (full replacement, ``modified`` required); inserts a new one."""
    return document.save_doc(_json(doc, "doc"), user=request.user)


@whitelist(name="frappe.client.submit", methods=WRITE_VERBS)
def submit(request: Any, doc: Any) -> dict:
    """Save ``doc`` as submitted (same replacement and ``modified`` rules as ``save``)."""
    doc = _json(doc, "doc")
    if not isinstance(doc, dict):
        raise exceptions.ValidationError("Invalid request arguments")
    return document.save_doc({**doc, "docstatus": 1}, user=request.user)


@whitelist(name="frappe.client.cancel", methods=WRITE_VERBS)
def cancel(request: Any, doctype: str, name: Any) -> dict:
    """Cancel a submitted document."""
    return document.update_doc(doctype, name, {"docstatus": 2}, user=request.user)


@whitelist(name="frappe.client.delete", methods=["DELETE", "POST"])
def delete(request: Any, doctype: str, name: Any) -> None:
    """Delete a document (a child row is removed through its parent); answers ``{}``."""
    if get_meta(doctype).istable:
        document.delete_child(doctype, name, user=request.user)
    else:
        document.delete_doc(doctype, name, user=request.user)


@whitelist(name="frappe.client.rename_doc", methods=WRITE_VERBS)
def rename_doc(request: Any, doctype: str, old_name: Any, new_name: Any, merge: Any = False) -> Any:
    """Rename a document; returns the new name."""
    return document.rename_doc(doctype, old_name, new_name, merge=_flag(merge), user=request.user)


@whitelist(name="frappe.client.bulk_update", methods=WRITE_VERBS)
def bulk_update(request: Any, docs: Any) -> dict[str, list[dict[str, Any]]]:
    """Merge values into many documents (``doctype``, ``docname`` + values each); failures are reported."""
    docs = _json(docs, "docs")
    if not isinstance(docs, list):
        raise exceptions.ValidationError("docs must be a list of documents")
    failed = []
    for doc in docs:
        try:
            with transaction.atomic():  # a savepoint, so one failure leaves the others saved
                if not isinstance(doc, dict):
                    raise exceptions.ValidationError("Each document must be a dictionary")
                doc.pop("flags", None)
                values = {key: value for key, value in doc.items() if key not in ("doctype", "docname")}
                document.update_doc(doc["doctype"], doc["docname"], values, user=request.user)
        except Exception as error:  # Frappe reports every failure and carries on
            failed.append({"doc": doc, "exc": _failure_text(error)})
    return {"failed_docs": failed}


def _failure_text(error: BaseException) -> str:
    if api_settings.SHOW_TRACEBACKS:
        return "".join(traceback.format_exception(error))
    name = getattr(error, "exc_type", type(error).__name__)
    text = getattr(error, "message", None) or str(error)
    return f"{name}: {text}" if text else name


@whitelist(name="frappe.client.has_permission")
def has_permission(request: Any, doctype: str, docname: Any, perm_type: str = "read") -> dict[str, bool]:
    """Whether the caller holds ``perm_type`` on one document."""
    right = str(perm_type).lower()
    return {"has_permission": document.has_permission(doctype, docname, right, user=request.user)}


@whitelist(name="frappe.client.get_doc_permissions")
def get_doc_permissions(request: Any, doctype: str, docname: Any) -> dict[str, dict[str, int]]:
    """Every right the caller holds on one document, as 0/1."""
    return {"permissions": document.get_doc_permissions(doctype, docname, user=request.user)}


@whitelist(name="frappe.client.is_document_amended")
def is_document_amended(request: Any, doctype: str, docname: Any) -> Any:
    """The name of a document amending ``docname``; ``false`` without read permission or amendments."""
    meta = get_meta(doctype)
    if not permissions.has_doctype_permission(meta, request.user, "read") or not meta.has_field("amended_from"):
        return False
    first = ListRequest(fields=["name"], filters={"amended_from": docname}, page_length=1, default_order=False)
    rows = document.get_list(doctype, first, user=request.user)
    return rows[0]["name"] if rows else None


@whitelist(name="frappe.client.validate_link")
def validate_link(request: Any, doctype: str, docname: str, fields: Any = None) -> dict[str, Any]:
    """``{"name": <name or null>, ...fields}`` for a Link value, as the desk checks a Link field."""
    meta = get_meta(doctype)
    if not permissions.has_doctype_permission(meta, request.user, "read"):
        raise exceptions.PermissionError(f"You do not have Read or Select Permissions for <strong>{doctype}</strong>")
    exists = get_backend(meta).exists(meta, docname) if docname else False
    values: dict[str, Any] = {"name": docname if exists else None}
    fields = _json(fields, "fields") if fields not in (None, "") else None
    if not exists or not fields:
        return values
    try:
        values.update(get_values(request, doctype, fields, docname))
    except exceptions.PermissionError:
        msgprint(
            f"You need <strong>Read</strong> permission to fetch values from <strong>{doctype}</strong> "
            f"<strong>{docname}</strong>",
            title="Cannot Fetch Values",
            indicator="orange",
        )
    return values
