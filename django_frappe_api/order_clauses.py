"""``order_by`` and ``group_by`` of a list request: clauses resolved against a DocType's fields.

Usage (``query.ListQuery.from_request``)::

    order = parsed_order("modified desc, name", resolver, select)     # [OrderItem, ...]
    refs = parse_group_by("status", resolver, select)                  # [FieldRef, ...]

Each clause is checked for SQL it may not carry (sub-queries, ``sleep()``, anything but names), then every
name is resolved by the request's ``FieldResolver``, or as one of its output aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import exceptions
from .field_refs import FieldRef, FieldResolver, SelectItem
from .meta import memo

_ORDER_RE = re.compile(r"^(.+?)(?:\s+(asc|desc))?$", re.IGNORECASE)


@dataclass(frozen=True)
class OrderItem:
    key: str  # an output alias, or a field reference
    ref: FieldRef | None
    descending: bool


def parsed_order(order_by: Any, resolver: FieldResolver, select: list[SelectItem]) -> list[OrderItem]:
    """``parse_order_by``, remembered per Meta for an ``order_by`` naming only the DocType's own fields (clients
    repeat theirs with every request); it depends on the output columns and the fields the caller may read."""
    if not isinstance(order_by, str) or "." in order_by or not order_by.strip():
        return parse_order_by(order_by, resolver, select)
    access = resolver.access
    readable = None if access is None else access.readable(resolver.meta)
    key = (order_by, tuple(select), access is None, None if readable is None else frozenset(readable))
    parsed = memo(resolver.meta, "order_by")
    found = parsed.get(key)
    if found is None:
        found = parsed[key] = tuple(parse_order_by(order_by, resolver, select))
    return list(found)


def parse_order_by(order_by: Any, resolver: FieldResolver, select: list[SelectItem]) -> list[OrderItem]:
    """``"modified desc, name"`` -> order items; direction defaults to ascending (Engine A)."""
    if order_by in (None, ""):
        return []
    if not isinstance(order_by, str):
        raise exceptions.ValidationError("'order_by' must be a string")
    aliases = {item.key: item for item in select}
    result = []
    for part in order_by.split(","):
        part = part.strip()
        if not part:
            continue
        _check_clause(part)
        match = _ORDER_RE.match(part)
        expression, direction = match.group(1).strip(), (match.group(2) or "asc").lower()
        if expression in aliases and resolver.meta.fieldtype_of(expression) is None:
            # An output alias: an aggregate is sorted by its value, a renamed column by that column.
            ref = aliases[expression].ref if not aliases[expression].aggregate else None
        else:
            ref = resolver.clause_ref(expression, expression)
        result.append(OrderItem(expression, ref, direction == "desc"))
    return result


def parse_group_by(group_by: Any, resolver: FieldResolver, select: list[SelectItem]) -> list[FieldRef]:
    if group_by in (None, ""):
        return []
    if not isinstance(group_by, str):
        raise exceptions.ValidationError("'group_by' must be a string")
    refs = []
    for part in group_by.split(","):
        part = part.strip()
        if not part:
            continue
        _check_clause(part)
        aliased = next((item for item in select if item.key == part and not item.aggregate and item.ref), None)
        if aliased is not None and resolver.meta.fieldtype_of(part) is None:
            refs.append(aliased.ref)  # `fields=["status as s"]&group_by=s`
            continue
        refs.append(resolver.clause_ref(part, part))
    return refs


def _check_clause(part: str) -> None:
    lowered = part.lower()
    if re.search(r"\bselect\b.*\bfrom\b", lowered):
        raise exceptions.ValidationError("Cannot use sub-query in order by")
    if "sleep" in lowered and "(" in lowered:
        raise exceptions.ValidationError("Cannot use sleep(...) in order/group by")
    if not re.match(r"^[A-Za-z0-9_ ,`.\-]+$", part):
        raise exceptions.ValidationError("Illegal SQL Query")


__all__ = ["OrderItem", "parse_group_by", "parse_order_by", "parsed_order"]
