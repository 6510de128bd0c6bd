"""A list's page and its count, each run from a statement compiled once per query shape (``backends.statements``).

Usage (``SQLBackend.get_list``, ``get_count``)::

    rows = list_statements.read_list(backend, query, row_condition)
    count = list_statements.count(backend, query, row_condition, distinct=False, limit=1000, timeout_ms=1000)

Both raise ``statements.Uncacheable`` when the conditions hold an expression (a restricted caller's row
condition, say): the backend then builds the query with Django for that request alone. A request here only
resolves its columns and binds its values; Django builds and compiles a queryset once per shape.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router
from django.db.models import Q, QuerySet

from ..query import ListQuery
from . import statements
from .aliases import Aliases
from .list_backend import ListBackend
from .statement_timeout import count_sql_within


def bound_where(backend: ListBackend, query: ListQuery, row_condition: Q | None,
                ) -> tuple[statements.Binder, Aliases, Q]:
    """The request's conditions as one Q whose values are ``Param``s, the aliases it needs and their values."""
    binder = statements.Binder()
    aliases = Aliases(query.meta)
    return binder, aliases, backend._where(query, row_condition, aliases, binder)


def list_shape(backend: ListBackend, query: ListQuery, where: Q) -> tuple[Any, ...]:
    """What a list's SQL depends on besides its values: columns, order, paging kind and the conditions' shape."""
    return (
        type(backend), query.distinct, query.as_dict, bool(query.page_length),
        tuple((item.key, item.ref) for item in query.select),
        tuple((item.key, item.ref, item.descending) for item in query.order),
        statements.q_signature(where),
    )


def read_list(backend: ListBackend, query: ListQuery, row_condition: Q | None) -> list[Any]:
    """A plain list (no grouping, no cursor) run from the statement compiled for its shape."""
    binder, aliases, where = bound_where(backend, query, row_condition)
    select_columns = {item.key: backend.column(aliases, item.ref) for item in query.select}
    shape = list_shape(backend, query, where)

    def build() -> QuerySet:
        order_columns = backend._order_columns(query, aliases)
        shown = frozenset(column.lookup for column in select_columns.values())
        queryset = aliases.apply(backend.base_queryset(query.meta), shown).filter(where)
        return backend.select_values(query, backend._order(queryset, order_columns), select_columns)

    using = router.db_for_read(backend.model(query.meta))
    statement = statements.cached(query.meta, using, shape, build, backend.raw_columns(query, select_columns))
    rows = statement.rows(using, binder.values, start=query.start, length=query.page_length)
    return backend.project_values(query, rows, statement.names, select_columns, (statement, using))


def count(backend: ListBackend, query: ListQuery, row_condition: Q | None, *, distinct: bool, limit: int | None,
          timeout_ms: int | None) -> int | None:
    """The number of rows matching the query's conditions (at most ``limit``; rows repeated by child-table
    joins once with ``distinct``), under ``timeout_ms`` (``statement_timeout``): one compiled statement per
    shape, its limit bound."""
    binder, aliases, where = bound_where(backend, query, row_condition)
    shape = ("count", type(backend), distinct, statements.q_signature(where))

    def build() -> QuerySet:
        queryset = aliases.apply(backend.base_queryset(query.meta)).filter(where).order_by().values_list("pk")
        return queryset.distinct() if distinct else queryset

    using = router.db_for_read(backend.model(query.meta))
    statement = statements.cached(query.meta, using, shape, build)
    if statement.empty:
        return 0
    params = statement.bind(connections[using], binder.values)
    return count_sql_within(using, statement.sql, params, limit=limit, timeout_ms=timeout_ms)


__all__ = ["bound_where", "count", "list_shape", "read_list"]
