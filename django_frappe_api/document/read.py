"""Reading documents: lists and counts the user may see, one document, a stored one for the layer above.

Functions that return a document return it in wire form *with* nulls; callers that answer like Frappe's
REST reads drop them with ``doc_as_dict(nulls=False)``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils import timezone

from .. import exceptions, permissions
from ..backends.base import get_backend, whole_request_backend
from ..conf import api_settings
from ..cursor import encode_cursor
from ..field_access import FieldAccess
from ..filters import load_json_param
from ..match_conditions import row_condition
from ..meta import FieldMeta, Meta, get_meta
from ..params import ListRequest, sql_integer
from ..query import ListQuery
from ..serialization import doc_as_dict
from .values import new_doc


def get_list(doctype: str, request: ListRequest | None = None, *, user: Any, **params: Any) -> list[Any]:
    """Rows of a DocType the user may read, filtered, sorted and paged in the database.

    ``request`` is what the caller asked, read by ``params.ListRequest``; server code may give its fields as
    keywords instead: ``get_list("ToDo", user=user, filters={"status": "Open"}, page_length=5)``.
    """
    request = _list_request(request, params)
    whole = whole_request_backend(doctype)
    if whole is not None:
        return whole.serve_list(request, user=user)
    return _ListRun(doctype, request, user).rows()


def get_list_and_count(doctype: str, request: ListRequest, *, user: Any) -> tuple[list[Any], int | None]:
    """A page of rows and the number of rows matching the same conditions, up to ``request.count_limit``
    (v2's ``include=count``): permissions are checked and the conditions resolved once for both. The count
    is ``None`` when it ran longer than ``request.count_timeout_ms``."""
    whole = whole_request_backend(doctype)
    if whole is not None:  # counted as get_count counts it, apart from the rows
        return whole.serve_list(request, user=user), get_count(doctype, request, user=user)
    run = _ListRun(doctype, request, user)
    rows = run.rows()
    _check_count_limit(request.count_limit)
    return rows, run.backend.get_count(run.query, run.row_condition, distinct=request.distinct,
                                       limit=request.count_limit, timeout_ms=request.count_timeout_ms)


def get_list_page(doctype: str, request: ListRequest, *, limit: int, user: Any, count: bool = False,
                  ) -> tuple[list[Any], int | None, str | None]:
    """A v2 page of ``limit`` rows (``request`` asks for one more, to know of a next page), the count of the
    matching rows when ``count`` (up to ``request.count_limit``), and the keyset ``next_cursor`` after the
    page when ``request.cursor`` is set and more rows follow (``None`` otherwise)."""
    whole = whole_request_backend(doctype)
    if whole is not None:
        if request.cursor is not None:
            raise exceptions.ValidationError(f"A cursor cannot page {doctype} lists: use start")
        rows = whole.serve_list(request, user=user)
        return rows, get_count(doctype, request, user=user) if count else None, None
    run = _ListRun(doctype, request, user)
    next_cursor = None
    if request.cursor is None:
        rows = run.rows()
    else:  # the page and the keys of its last row together
        found, keys = run.backend.get_keyset_page(run.query, run.row_condition, limit)
        rows = run.finish(found)
        next_cursor = None if keys is None else encode_cursor(run.meta, request, keys)
    total = None
    if count:
        _check_count_limit(request.count_limit)
        total = run.backend.get_count(run.query, run.row_condition, distinct=request.distinct,
                                      limit=request.count_limit, timeout_ms=request.count_timeout_ms)
    return rows, total, next_cursor


class _ListRun:
    """One list request checked and resolved against its DocType: the query, its backend and row condition."""

    def __init__(self, doctype: str, request: ListRequest, user: Any) -> None:
        meta = get_meta(doctype)
        self.meta, self.user = meta, user
        self.perm_meta = permissions.permission_meta(meta, request.parent)
        permissions.check_doctype_permission(self.perm_meta, user, "read")
        access = FieldAccess(user, meta, self.perm_meta)
        fields, self.tables, self.added_name = _split_table_fields(meta, request.fields, access.readable(meta))
        self.query = ListQuery.from_request(meta, dataclasses.replace(request, fields=fields), access)
        self.backend = get_backend(meta)
        self.row_condition = None if meta.istable else row_condition(
            self.perm_meta, user, self.backend, reference_doctype=request.reference_doctype,
            ignore_user_permissions=request.ignore_user_permissions)

    def rows(self) -> list[Any]:
        return self.finish(self.backend.get_list(self.query, self.row_condition))

    def finish(self, rows: list[Any]) -> list[Any]:
        """The backend's rows as the caller gets them: integer names, child records nested."""
        meta, query = self.meta, self.query
        if meta.autoname.lower() == "autoincrement" and meta.backend == "generic":
            _integer_names(query, rows)
        if self.tables:
            position = next(i for i, item in enumerate(query.select) if item.key == "name")
            _nest_children(meta, self.perm_meta, rows, self.tables, user=self.user, added_name=self.added_name,
                           name_position=position)
        return rows


def _list_request(request: ListRequest | None, params: dict[str, Any]) -> ListRequest:
    if request is None:
        return ListRequest(**params)
    if params:
        raise TypeError(f"pass a ListRequest or keyword arguments, not both (got {', '.join(params)})")
    return request


def _split_table_fields(meta: Meta, fields: Any, readable: set[str] | None) -> tuple[Any, list[FieldMeta], bool]:
    """Bare Table fieldnames in ``fields`` (beyond Frappe): each row gets its child records nested.

    Returns the other fields, the Table fields and whether ``name`` had to be added to match children.
    """
    if not meta.table_fields or fields in (None, "") or (isinstance(fields, str) and fields.strip() == "*"):
        return fields, [], False
    items = load_json_param(fields, "fields")
    if isinstance(items, str):
        items = items.split(",")
    if not isinstance(items, list):
        return fields, [], False
    by_name = {table.fieldname: table for table in meta.table_fields}
    tables = [by_name[i.strip()] for i in items if isinstance(i, str) and i.strip() in by_name]
    if not tables:
        return items, [], False  # decoded once, here
    tables = [t for t in dict.fromkeys(tables) if readable is None or t.fieldname in readable]
    rest = [i for i in items if not (isinstance(i, str) and i.strip() in by_name)]
    added_name = not any(isinstance(i, str) and i.strip() in ("name", "*") for i in rest)
    return (["name", *rest] if added_name else rest), tables, added_name


def _integer_names(query: ListQuery, rows: list[Any]) -> None:
    """Autoincrement names are stored as text by the generic backend and sent as integers."""
    positions = [i for i, item in enumerate(query.select)
                 if item.ref is not None and not item.ref.via and item.ref.fieldname == "name" and not item.aggregate]
    for row in rows:
        for position in positions:
            key = query.select[position].key if isinstance(row, dict) else position
            value = row[key]
            if isinstance(value, str) and value.isdigit():
                row[key] = int(value)


def _nest_children(meta: Meta, perm_meta: Meta, rows: list[Any], tables: list[FieldMeta], *, user: Any,
                   added_name: bool, name_position: int) -> None:
    """Child records of every row of the page, one query per Table field, ordered by ``idx``."""
    names = [str(row["name"] if isinstance(row, dict) else row[name_position]) for row in rows]
    for table in tables:
        child_meta = get_meta(table.options)
        by_parent: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        if names:
            query = ListQuery.build(
                child_meta, fields=["*"], filters=[["parent", "in", names], ["parentfield", "=", table.fieldname]],
                order_by="idx asc", parent=meta.name, access=FieldAccess(user, child_meta, perm_meta),
                default_order=False,
            )
            query.page_length = 0  # every child of the page, however many
            for child in get_backend(child_meta).get_list(query, None):
                child["doctype"] = child_meta.name
                by_parent.setdefault(str(child.get("parent")), []).append(child)
        for name, row in zip(names, rows, strict=True):
            if isinstance(row, dict):
                row[table.fieldname] = by_parent.get(name, [])
            else:
                row.append(by_parent.get(name, []))
    if added_name:
        for row in rows:
            if isinstance(row, dict):
                row.pop("name", None)
            else:
                row.pop(name_position)


def get_count(doctype: str, request: ListRequest | None = None, *, user: Any, **params: Any) -> int | None:
    """Number of rows the user may read that match the request's filters, counted up to its
    ``count_limit`` (keyword form: ``get_count("ToDo", user=user, filters=..., limit=100)``); ``None`` when
    counting ran longer than its ``count_timeout_ms`` (exact, however long, when that is ``None``)."""
    if "limit" in params:
        params["count_limit"] = params.pop("limit")
    request = _list_request(request, params)
    limit = _check_count_limit(request.count_limit)
    meta = get_meta(doctype)
    perm_meta = permissions.permission_meta(meta, request.parent)
    permissions.check_doctype_permission(perm_meta, user, "read")
    query = ListQuery.from_request(meta, request.conditions_only(), FieldAccess(user, meta, perm_meta))
    backend = get_backend(meta)
    condition = None if meta.istable else row_condition(
        perm_meta, user, backend, reference_doctype=request.reference_doctype,
        ignore_user_permissions=request.ignore_user_permissions)
    return backend.get_count(query, condition, distinct=request.distinct, limit=limit,
                             timeout_ms=request.count_timeout_ms)


def _check_count_limit(limit: int | None) -> int | None:
    if limit is not None and limit < 0:
        raise exceptions.FrappeValueError("'limit' must be a non-negative integer")
    return limit if limit is None else sql_integer(limit, "limit")


def get_all(
    doctype: str, *, fields: Any = None, filters: Any = None, order_by: Any = None, limit: int = 0
) -> list[Any]:
    """Rows without permission checks (Frappe's ``frappe.get_all``), for server code that has already
    checked access to the document they belong to: a form's comments, attachments and versions.
    ``limit`` 0 means all rows."""
    meta = get_meta(doctype)
    query = ListQuery.build(meta, fields=fields, filters=filters, order_by=order_by, page_length=limit)
    return get_backend(meta).get_list(query, None)


def load_doc(meta: Meta, name: Any, *, for_update: bool = False) -> dict[str, Any]:
    """The stored document or ``DoesNotExistError`` ("ToDo abc not found").

    A Single DocType that was never saved reads as its defaults (Frappe keeps no row for it either).
    """
    doc = get_backend(meta).get_doc(meta, name, for_update=for_update)
    if doc is None:
        if meta.issingle and name == meta.name:
            return _unsaved_single(meta)
        raise exceptions.DoesNotExistError(f"{meta.name} {name} not found", doctype=meta.name)
    return doc


def _unsaved_single(meta: Meta) -> dict[str, Any]:
    now = timezone.now()
    doc = new_doc(meta, user=None)
    doc.update(name=meta.name, owner=api_settings.ADMINISTRATOR, modified_by=api_settings.ADMINISTRATOR,
               creation=now, modified=now, __unsaved_single=True)
    return doc


def get_doc(doctype: str, name: Any, *, user: Any, nulls: bool = True) -> dict[str, Any]:
    """One document the user may read, in wire form."""
    whole = whole_request_backend(doctype)
    if whole is not None:
        return whole.serve_get(name, user=user)
    meta = get_meta(doctype)
    doc = load_doc(meta, name)
    perm_meta = check_doc(meta, doc, user, "read")
    return doc_as_dict(meta, doc, nulls=nulls, access=FieldAccess(user, meta, perm_meta))


def check_doc(meta: Meta, doc: dict[str, Any], user: Any, right: str) -> Meta:
    """Check a right on a stored document (a child row is checked on its parent)."""
    if meta.istable:
        parent_meta = permissions.permission_meta(meta, doc.get("parenttype"))
        parent = load_doc(parent_meta, doc.get("parent"))
        permissions.check_doc_permission(parent_meta, parent["name"], parent.get("owner"), user, right, doc=parent)
        return parent_meta
    permissions.check_doc_permission(meta, doc["name"], doc.get("owner"), user, right, doc=doc)
    return meta
