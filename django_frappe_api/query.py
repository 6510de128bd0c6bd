"""A list request resolved against a DocType: output columns, conditions, order, grouping, paging.

Usage::

    query = ListQuery.from_request(meta, ListRequest.from_v1(form), FieldAccess(user, meta))
    query = ListQuery.build(meta, fields=["name", "status"], order_by="modified desc")   # server code
    rows = backend.get_list(query, row_condition)

Everything the client sends is parsed here, once, into small specs checked against the Meta, so that a
backend only ever sees resolved ``FieldRef``s and turns them into columns: nothing user-supplied reaches
SQL as text (§7.4-7.7). Every field reference, in whichever parameter, is resolved by one
``field_refs.FieldResolver``, which applies the caller's ``FieldAccess``: fields above the caller's
permlevel are dropped from ``fields`` and refused (403) in aggregates, filters, ``order_by``, ``group_by``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import exceptions, fieldtypes
from .cursor import Keyset
from .field_access import FieldAccess
from .field_refs import FieldRef, FieldResolver, FilterItem, SelectItem
from .filters import load_json_param, parse_filters
from .meta import Meta, memo
from .order_clauses import OrderItem, parse_group_by, parse_order_by, parsed_order
from .params import ListRequest, page_size, sql_integer

AGGREGATES = ("count", "sum", "avg", "min", "max")
RESTRICTED_FUNCTIONS = (
    "concat", "concat_ws", "if", "ifnull", "nullif", "coalesce", "connection_id", "current_user",
    "database", "last_insert_id", "session_user", "system_user", "user", "version", "global", "sleep",
)  # fmt: skip
_AGGREGATE_RE = re.compile(
    r"^(count|sum|avg|min|max)\s*\(\s*(distinct\s+)?([A-Za-z0-9_`. ]+|\*)\s*\)(?:\s+as\s+([A-Za-z_]\w*))?$",
    re.IGNORECASE,
)
_ALIAS_RE = re.compile(r"^(.+?)\s+as\s+([A-Za-z_]\w*)$", re.IGNORECASE)
_FUNCTION_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*\(")


@dataclass
class ListQuery:
    """A fully validated list request, independent of where documents are stored."""

    meta: Meta
    select: list[SelectItem]
    conditions: list[FilterItem] = field(default_factory=list)
    or_conditions: list[FilterItem] = field(default_factory=list)
    order: list[OrderItem] = field(default_factory=list)
    group_by: list[FieldRef] = field(default_factory=list)
    distinct: bool = False
    start: int = 0
    page_length: int | None = 20
    as_dict: bool = True
    parent_doctype: str | None = None
    # The request's query parameters, for a registered model's django-filter FilterSet (``filterset_class``).
    host_params: Any = None
    # Keyset paging (v2 ``cursor``): rows after ``keyset.after`` in ``order`` then ``name``; ``None``: offset only.
    keyset: Keyset | None = None

    @classmethod
    def build(cls, meta: Meta, *, access: FieldAccess | None = None, **params: Any) -> ListQuery:
        """``ListQuery.from_request(meta, ListRequest(**params), access)``, for server code and tests."""
        return cls.from_request(meta, ListRequest(**params), access)

    @classmethod
    def from_request(cls, meta: Meta, request: ListRequest, access: FieldAccess | None = None) -> ListQuery:
        """Parse and validate every list parameter; raises Frappe errors on bad input.

        ``access`` is the caller's read rights; ``None`` (server code that checked access already)
        resolves fields without any permission check.
        """
        resolver = FieldResolver(meta, access)
        select, distinct_field = _parsed_fields(request.fields, resolver)
        distinct = request.distinct or distinct_field
        conditions = [resolver.filter_item(c) for c in parse_filters(request.filters, meta.name)]
        or_conditions = [
            resolver.filter_item(c) for c in parse_filters(request.or_filters, meta.name, "or_filters")
        ]
        group_refs = parse_group_by(request.group_by, resolver, select)
        order = parsed_order(request.order_by, resolver, select)
        has_aggregate = any(item.aggregate for item in select)
        if not order and request.default_order and not distinct and not has_aggregate and not group_refs:
            order = parse_order_by(meta.default_order_by, FieldResolver(meta, None), select)
        keyset = None
        if request.cursor is not None:
            _check_keyset(order, distinct or has_aggregate or bool(group_refs))
            keyset = Keyset.from_request(meta, request, len(order) + 1)
        return cls(
            meta=meta,
            select=select,
            conditions=conditions,
            or_conditions=or_conditions,
            order=order,
            group_by=group_refs,
            distinct=distinct,
            start=sql_integer(request.start),
            page_length=page_size(request.page_length),
            as_dict=request.as_dict,
            parent_doctype=request.parent,
            host_params=request.host_params,
            keyset=keyset,
        )

    @property
    def is_aggregate(self) -> bool:
        return bool(self.group_by) or any(item.aggregate for item in self.select)


def _check_keyset(order: list[OrderItem], grouped: bool) -> None:
    """A cursor follows the document's own columns: no grouping, no sort by an aggregate or another DocType."""
    if grouped:
        raise exceptions.ValidationError("A cursor cannot page grouped, distinct or aggregated rows")
    for item in order:
        if item.ref is None or item.ref.via:
            raise exceptions.ValidationError(
                f"A cursor cannot page a list sorted by {item.key}: sort by the DocType's own fields"
            )


def _parsed_fields(fields: Any, resolver: FieldResolver) -> tuple[list[SelectItem], bool]:
    """``parse_fields``, remembered per Meta for ``fields`` naming only the DocType's own fields: a text, or a
    list of names (v2 sends decoded JSON).

    Clients send the same ``fields`` with every request of a list; what it resolves to depends only on the Meta
    (a changed DocType is a new Meta) and on which fields the caller may read.
    """
    if isinstance(fields, list) and all(isinstance(item, str) and _own(item) for item in fields):
        text: Any = tuple(fields)
    elif isinstance(fields, str) and _own(fields):
        text = fields
    else:
        return parse_fields(fields, resolver)
    meta, access = resolver.meta, resolver.access
    readable = None if access is None else access.readable(meta)
    key = (text, access is None, None if readable is None else frozenset(readable))
    parsed = memo(meta, "fields")
    found = parsed.get(key)
    if found is None:
        select, distinct = parse_fields(fields, resolver)
        found = parsed[key] = (tuple(select), distinct)
    return list(found[0]), found[1]


def _own(text: str) -> bool:
    """Whether a ``fields`` text names no linked or child field and no aggregate."""
    return "." not in text and "(" not in text


def parse_fields(fields: Any, resolver: FieldResolver) -> tuple[list[SelectItem], bool]:
    """``fields`` -> output columns (§7.4); ``*`` expands to the standard and readable data fields."""
    if isinstance(fields, str) and fields.strip() == "*":
        items: Any = ["*"]
    else:
        items = load_json_param(fields, "fields")
    if items is None:
        items = []
    if isinstance(items, str):
        items = [part for part in items.split(",")]
    if not isinstance(items, list):
        raise exceptions.ValidationError("'fields' must be a list")
    items = [raw for raw in items if raw not in (None, "")] or ["name"]  # empty entries are dropped (§7.4)
    select: list[SelectItem] = []
    distinct = False
    for raw in items:
        if not isinstance(raw, str):
            raise exceptions.DataError(f"Field not permitted in query: {raw}")
        text = raw.strip()
        if text == "*":
            select.extend(_star(resolver))
            continue
        if text.lower().startswith("distinct "):
            distinct = True
            text = text[9:].strip()
        item = _select_item(text, raw, resolver)
        if item is not None:
            select.append(item)
    return select, distinct


def _star(resolver: FieldResolver) -> list[SelectItem]:
    meta = resolver.meta
    items = [SelectItem(name, FieldRef(name, meta.fieldtype_of(name) or "Data")) for name in meta.standard_fields]
    for f in meta.data_fields:
        ref = FieldRef(f.fieldname, f.fieldtype)
        if resolver.is_readable(ref) and f.fieldtype != "Password":
            items.append(SelectItem(f.fieldname, ref))
    return items


def _select_item(text: str, raw: str, resolver: FieldResolver) -> SelectItem | None:
    aggregate = _AGGREGATE_RE.match(text)
    if aggregate:
        function, distinct, target, alias = aggregate.groups()
        function = function.lower()
        target = target.strip()
        if target == "*":
            if function != "count":
                raise exceptions.DataError(f"Field not permitted in query: {raw}")
            ref = None
        else:
            ref = resolver.clause_ref(target, raw)
            if function in ("sum", "avg") and fieldtypes.db_kind(ref.fieldtype) == "text":
                # Only numbers add up on every database (PostgreSQL has no sum of a timestamp or a text).
                raise exceptions.DataError(f"Field not permitted in query: {raw}")
        key = alias or f"{function}({'distinct ' if distinct else ''}{target})"
        return SelectItem(key, ref, aggregate=function, distinct_aggregate=bool(distinct))
    _reject_sql(text, raw)
    alias_match = _ALIAS_RE.match(text)
    expression, alias = (alias_match.group(1), alias_match.group(2)) if alias_match else (text, None)
    ref = resolver.reference(expression, raw)
    if not resolver.is_readable(ref):
        return None  # fields above the user's permlevel are silently dropped (§11.5)
    return SelectItem(alias or ref.fieldname, ref)


def _reject_sql(text: str, raw: str) -> None:
    lowered = text.lower()
    if any(marker in lowered for marker in ("/*", "*/", "--", ";", "union", "@")):
        raise exceptions.ValidationError("Illegal SQL Query")
    if "(" in text or ")" in text:
        function = _FUNCTION_RE.match(text)
        name = function.group(1).lower() if function else ""
        if name in RESTRICTED_FUNCTIONS:
            raise exceptions.DataError(f"Use of function {name} in field is restricted")
        raise exceptions.DataError("Use of sub-query or function is restricted")
