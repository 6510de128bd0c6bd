"""The SQL of a keyset page: rows after the cursor's sort values, in the list's order then ``name``.

Usage (``SQLBackend.get_list``)::

    queryset, order_columns, keys = keyset_page(query, queryset, order_columns, (F(name_column.lookup), True))

NULLs sort as the smallest value (as everywhere in this app), so "after" a value is, ascending, a larger value
(after NULL: any value) and, descending, a smaller value or NULL (after NULL: nothing). When the first sort key
can never be NULL its bound is repeated on its own (``modified <= v AND (...)``): the database then starts
its index scan at the cursor instead of skipping every row before it, which keeps a deep page as cheap as
the first.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet

from ..query import ListQuery

_NOTHING = Q(pk__in=[])


def keyset_page(query: ListQuery, queryset: QuerySet, order_columns: list[tuple[Any, bool, bool]],
                name: tuple[Any, bool], *, shown: bool = False,
                ) -> tuple[QuerySet, list[tuple[Any, bool, bool]], list[str]]:
    """The queryset after ``query.keyset``, its full order and the key aliases.

    ``order_columns`` are the list's ``(expression, descending, not_null)``; ``name`` is the tie-breaker's
    ``(expression, not_null)``, sorted in the direction of the last key. ``shown`` annotates the keys (so
    ``values_list`` can read them) instead of only aliasing them.
    """
    descending = order_columns[-1][1] if order_columns else False
    ordered = [*order_columns, (name[0], descending, name[1])]
    keys = {f"_key{i}": expression for i, (expression, _, _) in enumerate(ordered)}
    queryset = queryset.annotate(**keys) if shown else queryset.alias(**keys)
    after = query.keyset.after if query.keyset is not None else None
    if after is not None:
        sorts = [(key, desc, not_null) for key, (_, desc, not_null) in zip(keys, ordered, strict=True)]
        queryset = queryset.filter(after_condition(sorts, after))
    return queryset, ordered, list(keys)


def after_condition(sorts: list[tuple[str, bool, bool]], after: tuple[Any, ...] | list[Any]) -> Q:
    """The rows after the sort values ``after`` on the keys ``(alias, descending, not_null)``; a value may be a
    bound parameter (``statements.Param``), ``None`` stays ``None``."""
    condition = _after(sorts, after)
    first, first_descending, first_not_null = sorts[0]
    if after[0] is not None and first_not_null:
        condition = Q(**{f"{first}__{'lte' if first_descending else 'gte'}": after[0]}) & condition
    return condition


def rows_by_key(queryset: QuerySet, page: QuerySet) -> QuerySet | None:
    """``queryset`` narrowed to the primary keys of ``page`` (its ordered, sliced keyset page) on MariaDB/MySQL,
    to be ordered again but not sliced; ``None`` elsewhere.

    Reading the page's rows there, the optimizer takes ``doctype = X`` as a lookup on the sort index and walks
    it back from the newest row, testing the cursor's bound row by row (O(depth)); for the keys alone it reads
    the same index as a range from the cursor. So the keys come first (one index range, constant time at any
    depth), then the rows by primary key. Other databases read the page in one statement.
    """
    if connections[queryset.db].vendor != "mysql":
        return None
    return queryset.filter(pk__in=list(page.values_list("pk", flat=True)))


def _after(sorts: list[tuple[str, bool, bool]], values: tuple[Any, ...] | list[Any]) -> Q:
    """``(k0, k1, ...) > (v0, v1, ...)`` in the list's order, NULL-aware, as ORs of equal prefixes."""
    terms, equal = [], Q()
    for (key, descending, not_null), value in zip(sorts, values, strict=True):
        beyond = _beyond(key, descending, not_null, value)
        if beyond is not None:
            terms.append(equal & beyond)
        equal &= Q(**{f"{key}__isnull": True}) if value is None else Q(**{key: value})
    return reduce(or_, terms) if terms else _NOTHING


def _beyond(key: str, descending: bool, not_null: bool, value: Any) -> Q | None:
    if value is None:
        return None if descending else Q(**{f"{key}__isnull": False})
    if descending:
        smaller = Q(**{f"{key}__lt": value})
        return smaller if not_null else smaller | Q(**{f"{key}__isnull": True})
    return Q(**{f"{key}__gt": value})


__all__ = ["after_condition", "keyset_page", "rows_by_key"]
