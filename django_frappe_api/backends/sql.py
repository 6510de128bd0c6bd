"""The SQL half every queryset-backed storage shares: filters, ordering, paging, aggregates.

Usage::

    class MyBackend(SQLBackend):
        def base_queryset(self, meta): ...
        def column(self, aliases, ref): ...          # where a field lives in the queryset
        def project(self, query, queryset, columns): ...

A backend only says where each field lives (``column``) and how plain rows are read
(``project``); everything else -- Frappe's filter semantics, ordering with MariaDB's NULL order,
``group_by`` and aggregates, paging -- runs here, in one query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    Max,
    Min,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast
from django.utils import timezone

from .. import fieldtypes
from ..field_refs import FieldRef, FilterItem
from ..filters import Column, condition_q
from ..meta import Meta, get_meta
from ..query import ListQuery
from . import keyset_statements, list_statements, statements
from .aliases import Aliases
from .base import get_backend
from .keyset import keyset_page, rows_by_key
from .statement_timeout import count_within
from .statements import Binder

_AGGREGATES = {"count": Count, "sum": Sum, "avg": Avg, "min": Min, "max": Max}


def link_value(ref: FieldRef, outer_lookup: str) -> Subquery:
    """``link_field.target_field`` as a subquery on the target's own backend, whichever stores it.

    A JSON DocType linking to a registered model (or to ``User``) and a model linking to a JSON DocType
    both read the target the way the target's backend reads its own columns.
    """
    meta = get_meta(ref.target_doctype)
    backend = get_backend(meta)
    aliases = Aliases(meta)
    value = backend.column(aliases, FieldRef(ref.fieldname, ref.fieldtype))
    name = backend.column(aliases, FieldRef("name", "Data"))
    queryset = aliases.apply(backend.base_queryset(meta), frozenset({value.lookup}))
    return Subquery(queryset.filter(**{name.lookup: OuterRef(outer_lookup)}).values(value.lookup)[:1])


class SQLBackend:
    """Shared list and count logic; subclasses provide ``base_queryset``, ``column`` and ``project``."""

    def base_queryset(self, meta: Meta) -> QuerySet:
        raise NotImplementedError

    def column(self, aliases: Aliases, ref: FieldRef) -> Column:
        raise NotImplementedError

    def project(self, query: ListQuery, queryset: QuerySet, select_columns: dict[str, Column]) -> list[Any]:
        raise NotImplementedError

    def owner_lookup(self, meta: Meta) -> str | None:
        """The column holding ``owner`` (for if_owner permissions), ``None`` when there is none."""
        return "owner"

    def name_lookup(self, meta: Meta) -> str:
        """The column holding ``name`` (for documents shared with their own user)."""
        return "name"

    # -- reading lists -------------------------------------------------------------------------

    def _filtered(self, query: ListQuery, row_condition: Q | None, bind: Binder | None = None,
                  ) -> tuple[QuerySet, Aliases, Q]:
        aliases = Aliases(query.meta)
        where = self._where(query, row_condition, aliases, bind)
        return self.base_queryset(query.meta), aliases, where

    def _where(self, query: ListQuery, row_condition: Q | None, aliases: Aliases, bind: Binder | None) -> Q:
        """The list's conditions, the caller's row condition and the child-table parent, as one Q."""
        where = Q()
        for item in query.conditions:
            where &= self._condition_q(aliases, item, bind)
        if query.or_conditions:
            any_of = Q()
            for item in query.or_conditions:
                any_of |= self._condition_q(aliases, item, bind)
            where &= any_of
        if row_condition is not None:
            where &= row_condition
        if query.meta.istable and query.parent_doctype:
            where &= Q(parenttype=query.parent_doctype)
        return where

    def _condition_q(self, aliases: Aliases, item: FilterItem, bind: Binder | None = None) -> Q:
        return condition_q(self.column(aliases, item.ref), item.operator, item.value, bind)

    def reuses_statements(self, query: ListQuery, *, count: bool = False) -> bool:
        """Whether this list's SQL (its count's with ``count``) may be compiled once per shape
        (``backends.statements``): the backend's base queryset and every column must be the same SQL whatever
        the request (a host queryset may not be)."""
        return False

    def queryset(self, query: ListQuery, row_condition: Q | None) -> QuerySet:
        """The rows a list query selects, filtered and ordered but neither paged nor projected: for a caller
        that pages and renders rows itself (the admin's changelist)."""
        queryset, aliases, where = self._filtered(query, row_condition)
        order_columns = self._order_columns(query, aliases)  # adds the aliases the order needs
        return self._order(aliases.apply(queryset).filter(where), order_columns)

    def get_list(self, query: ListQuery, row_condition: Q | None) -> list[Any]:
        if self.reuses_statements(query):
            try:
                if query.keyset is not None:
                    return keyset_statements.read_page(self, query, row_condition, None)[0]
                return list_statements.read_list(self, query, row_condition)
            except statements.Uncacheable:
                pass
        return self._list_from_queryset(query, row_condition)

    def get_keyset_page(self, query: ListQuery, row_condition: Q | None, limit: int | None,
                        ) -> tuple[list[Any], list[Any] | None]:
        if self.reuses_statements(query):
            try:
                return keyset_statements.read_page(self, query, row_condition, limit)
            except statements.Uncacheable:
                pass
        rows = self._list_from_queryset(query, row_condition)
        more = bool(limit) and len(rows) > limit
        return rows, self.get_sort_keys(query, row_condition, limit - 1) if more else None

    def _list_from_queryset(self, query: ListQuery, row_condition: Q | None) -> list[Any]:
        """The list built with Django for this request alone (grouped rows, a host queryset, an expression in
        the conditions)."""
        queryset, aliases, where = self._filtered(query, row_condition)
        select_columns = {item.key: self.column(aliases, item.ref) for item in query.select if item.ref is not None}
        group_columns = [self.column(aliases, ref) for ref in query.group_by]
        order_columns = self._order_columns(query, aliases)
        name_column = self.column(aliases, FieldRef("name", "Data")) if query.keyset is not None else None
        grouped = query.is_aggregate or query.distinct
        shown = {column.lookup for column in select_columns.values()} | {c.lookup for c in group_columns}
        queryset = aliases.apply(queryset, frozenset(shown)).filter(where)
        if not grouped:
            if query.keyset is not None:
                queryset, order_columns, _ = keyset_page(query, queryset, order_columns,
                                                         (F(name_column.lookup), self.not_null(name_column)))
                page = self._page(self._order(queryset, order_columns), query)
                narrowed = None if aliases.relations else rows_by_key(queryset, page)  # relations: rows repeat
                if narrowed is not None:
                    return self.project(query, self._order(narrowed, order_columns), select_columns)
            queryset = self._page(self._order(queryset, order_columns), query)
            return self.project(query, queryset, select_columns)
        group_lookups = [column.lookup for column in group_columns]
        if query.distinct and not group_lookups:
            group_lookups = [column.lookup for column in select_columns.values()]
        annotations = self._aggregates(query, select_columns)
        if not group_lookups:
            rows = [queryset.aggregate(**annotations)] if annotations else []
        else:
            values = queryset.values(*group_lookups)
            values = values.annotate(**annotations) if annotations else values.distinct()
            rows = self._page(self._order(values, order_columns), query)
        return self._finish_values(query, rows, select_columns)

    def raw_columns(self, query: ListQuery, select_columns: dict[str, Column]) -> frozenset[str]:
        """Columns ``project_values`` reads as the driver gives them (``statements.Statement.compile``)."""
        return frozenset()

    def model(self, meta: Meta) -> type[Model]:
        """The model of ``base_queryset(meta)``, for the router."""
        return self.base_queryset(meta).model

    def select_values(self, query: ListQuery, queryset: QuerySet, select_columns: dict[str, Column],
                      extra: tuple[str, ...] = ()) -> QuerySet:
        """The ``values_list()`` queryset whose rows ``project_values`` turns into the list's rows, with the
        columns or annotations ``extra`` after them (a keyset page's sort keys)."""
        raise NotImplementedError

    def project_values(self, query: ListQuery, rows: list[Any], names: list[str], select_columns: dict[str, Column],
                       statement: tuple[statements.Statement, str] | None = None) -> list[Any]:
        """The list's rows from rows of the columns ``names``; ``statement`` (with its alias) when they come from
        one, whose ``raw_columns`` are then unconverted."""
        raise NotImplementedError

    def _order_columns(self, query: ListQuery, aliases: Aliases) -> list[tuple[Any, bool, bool]]:
        """``(expression, descending, not_null)`` per sort key."""
        return [
            (self.order_expression(self.column(aliases, item.ref)) if item.ref is not None
             else F(_aggregate_alias(query, item.key)), item.descending,
             item.ref is not None and self.not_null(self.column(aliases, item.ref)))
            for item in query.order
        ]

    def get_sort_keys(self, query: ListQuery, row_condition: Q | None, position: int) -> list[Any] | None:
        """The sort values (then ``name``) of the page's row at ``position``, for a keyset ``next_cursor``."""
        queryset, aliases, where = self._filtered(query, row_condition)
        order_columns = self._order_columns(query, aliases)
        name_column = self.column(aliases, FieldRef("name", "Data"))
        queryset = aliases.apply(queryset).filter(where)
        queryset, order_columns, keys = keyset_page(query, queryset, order_columns,
                                                    (F(name_column.lookup), self.not_null(name_column)), shown=True)
        offset = query.start + position
        found = list(self._order(queryset, order_columns).values_list(*keys)[offset : offset + 1])
        return list(found[0]) if found else None

    def _aggregates(self, query: ListQuery, select_columns: dict[str, Column]) -> dict[str, Any]:
        annotations = {}
        for item in query.select:
            if not item.aggregate:
                continue
            target: Any = "id" if item.ref is None else select_columns[item.key].lookup
            if item.ref is not None and item.aggregate in ("sum", "avg") and (
                fieldtypes.db_kind(item.ref.fieldtype) == "text"
            ):
                target = Cast(target, FloatField())
            kwargs = {"distinct": True} if item.distinct_aggregate else {}
            annotations[_aggregate_alias(query, item.key)] = _AGGREGATES[item.aggregate](target, **kwargs)
        return annotations

    def order_expression(self, column: Column) -> Any:
        """What a column is sorted by; a backend may normalise it (e.g. ignore case)."""
        return F(column.lookup)

    def not_null(self, column: Column) -> bool:
        """Whether a column never holds NULL (its sort then needs no NULLS FIRST/LAST)."""
        return False

    def _order(self, queryset: QuerySet, order_columns: list[tuple[Any, bool, bool]]) -> QuerySet:
        # NULLs sort as the smallest value on every database, as on MariaDB. A NOT NULL column is sorted
        # plainly: PostgreSQL serves `modified DESC` from an index, `modified DESC NULLS LAST` it cannot.
        if not order_columns:
            return queryset
        ordering = []
        for expression, descending, not_null in order_columns:
            if not_null:
                ordering.append(expression.desc() if descending else expression.asc())
            else:
                ordering.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True))
        return queryset.order_by(*ordering)

    def _page(self, queryset: QuerySet, query: ListQuery):
        start, length = query.start, query.page_length
        return queryset[start : start + length] if length else queryset[start:]

    def _finish_values(self, query: ListQuery, rows, select_columns: dict[str, Column]) -> list[Any]:
        """Rows of an aggregate or distinct query: already one value per output column."""
        result = []
        for raw in rows:
            values = []
            for item in query.select:
                if item.aggregate:
                    value = raw.get(_aggregate_alias(query, item.key))
                    if item.aggregate in ("avg", "sum") and value is not None and not isinstance(value, int):
                        value = float(value)
                    elif item.aggregate in ("min", "max") and item.ref is not None:
                        value = wire_value(item.ref.fieldtype, value)  # a stored date/time in wire form
                    values.append(value)
                else:
                    values.append(wire_value(item.ref.fieldtype, raw.get(select_columns[item.key].lookup)))
            keys = [i.key for i in query.select]
            result.append(dict(zip(keys, values, strict=True)) if query.as_dict else values)
        return result

    def get_count(self, query: ListQuery, row_condition: Q | None, *, distinct: bool = False,
                  limit: int | None = None, timeout_ms: int | None = None) -> int | None:
        if self.reuses_statements(query, count=True):
            try:
                return list_statements.count(self, query, row_condition, distinct=distinct, limit=limit,
                                             timeout_ms=timeout_ms)
            except statements.Uncacheable:
                pass
        queryset, aliases, where = self._filtered(query, row_condition)
        queryset = aliases.apply(queryset).filter(where)
        if distinct:  # rows repeated by child-table joins count once
            queryset = queryset.values("pk").distinct()
        return count_within(queryset, limit=limit, timeout_ms=timeout_ms)  # COUNT over a LIMITed subquery


def rows_from_values(query: ListQuery, values: list[Any]) -> list[Any]:
    """Dicts keyed by output column, or plain lists when ``as_dict`` is false."""
    keys = [item.key for item in query.select]
    return [dict(zip(keys, row, strict=True)) if query.as_dict else list(row) for row in values]


def wire_value(fieldtype: str, value: Any) -> Any:
    """A value read from a column or SQL expression, in Frappe's wire form."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return fieldtypes.format_datetime(value)
    if value is None:
        return None
    if fieldtypes.db_kind(fieldtype) == "int" and isinstance(value, (str, float)):
        return fieldtypes.cint(value)
    if fieldtypes.db_kind(fieldtype) == "float" and isinstance(value, (str, int)):
        return fieldtypes.flt(value)
    return fieldtypes.to_wire(fieldtype, value)


def _aggregate_alias(query: ListQuery, key: str) -> str:
    """SQL-safe alias of an output column that is an aggregate (its key may be ``count(name)``)."""
    for position, item in enumerate(query.select):
        if item.key == key:
            return f"_agg_{position}"
    return key


