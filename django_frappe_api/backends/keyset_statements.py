"""A keyset (``cursor``) page run from statements compiled once per shape, with the next cursor's sort values.

Usage (``SQLBackend.get_keyset_page``)::

    rows, keys = keyset_statements.read_page(backend, query, row_condition, limit)   # keys of row limit - 1

The page's statement reads the sort keys beside the rows' columns, so the ``next_cursor`` (the keys of row
``limit - 1`` when more rows follow) needs no statement of its own. The cursor's values are bound like the
filters' (``keyset.after_condition``): every page after a cursor shares one statement, the first page has
another. On MariaDB/MySQL the page's primary keys and sort keys come first (``keyset.rows_by_key``: one index
range at any depth), then the rows by primary key, put back in the page's order here; other databases read
the page in one statement. Raises ``statements.Uncacheable`` as ``list_statements`` does.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router
from django.db.models import F, IntegerField, Q, QuerySet

from .. import fieldtypes
from ..field_refs import FieldRef
from ..filters import Column
from ..query import ListQuery
from . import statements
from .aliases import Aliases
from .keyset import after_condition
from .list_backend import ListBackend
from .list_statements import bound_where, list_shape


def read_page(backend: ListBackend, query: ListQuery, row_condition: Q | None, limit: int | None,
              ) -> tuple[list[Any], list[Any] | None]:
    """The page's rows, and the sort values then ``name`` of row ``limit - 1`` when the page holds more than
    ``limit`` rows (``None`` otherwise, and always without ``limit``)."""
    binder, aliases, where = bound_where(backend, query, row_condition)
    select_columns = {item.key: backend.column(aliases, item.ref) for item in query.select}
    columns = [*(backend.column(aliases, item.ref) for item in query.order), backend.column(aliases, _NAME)]
    last = query.order[-1].descending if query.order else False  # ``name`` goes the way of the last key
    directions = [*(item.descending for item in query.order), last]
    expressions = [*(backend.order_expression(column) for column in columns[:-1]), F(columns[-1].lookup)]
    # A key sorted by a plain column (``modified``, ``name``) is read and compared as that column, selected
    # once with the row's; any other (``LOWER(title)``) is annotated as ``_key<i>``.
    keys = tuple(expression.name if isinstance(expression, F) else f"_key{i}"
                 for i, expression in enumerate(expressions))
    sorts = [(key, desc, backend.not_null(column)) for key, column, desc in zip(keys, columns, directions, strict=True)]
    after = None
    if query.keyset is not None and query.keyset.after is not None:
        after = [binder(value, fieldtype_kind=fieldtypes.db_kind(column.fieldtype),
                        datetime_column=column.is_datetime_column)
                 for value, column in zip(query.keyset.after, columns, strict=True)]
    using = router.db_for_read(backend.model(query.meta))
    by_key = connections[using].vendor == "mysql" and not aliases.relations  # relations: rows repeat
    # The cursor's condition follows from the sorts (in the list's shape) and which values are NULL: it is
    # built only when the statement is compiled.
    after_shape = None if after is None else tuple(statements.value_signature(value) for value in after)
    shape = ("keyset", by_key, list_shape(backend, query, where), after_shape)

    def build() -> QuerySet:
        shown = frozenset(key for key, expression in zip(keys, expressions, strict=True) if isinstance(expression, F))
        if not by_key:
            shown |= frozenset(column.lookup for column in select_columns.values())
        queryset = aliases.apply(backend.base_queryset(query.meta), shown).filter(where)
        annotated = {key: expression for key, expression in zip(keys, expressions, strict=True)
                     if not isinstance(expression, F)}
        queryset = queryset.annotate(**annotated) if annotated else queryset
        if after is not None:
            queryset = queryset.filter(after_condition(sorts, after))
        queryset = backend._order(queryset, [(expression, desc, not_null) for expression, (_, desc, not_null)
                                             in zip(expressions, sorts, strict=True)])
        if by_key:
            return queryset.values_list("pk", *keys)
        return backend.select_values(query, queryset, select_columns, keys)

    # Annotated keys are converted only for the one row whose keys make the next cursor.
    raw = frozenset(keys) if by_key else frozenset(key for key in keys if key.startswith("_key"))
    statement = statements.cached(query.meta, using, shape, build,
                                  raw | (frozenset() if by_key else backend.raw_columns(query, select_columns)))
    rows = statement.rows(using, binder.values, start=query.start, length=query.page_length)
    next_keys = None
    if limit and len(rows) > limit:
        next_keys = [statement.converter(key, using)(rows[limit - 1][statement.names.index(key)]) for key in keys]
    if by_key:
        return _rows_by_key(backend, query, aliases, select_columns, using, [row[0] for row in rows]), next_keys
    return backend.project_values(query, rows, statement.names, select_columns, (statement, using)), next_keys


def _rows_by_key(backend: ListBackend, query: ListQuery, aliases: Aliases, select_columns: dict[str, Column],
                 using: str, ids: list[Any]) -> list[Any]:
    """The rows of primary keys ``ids``, in that order: one statement per number of keys, without a sort."""
    if not ids:
        return []
    binder = statements.Binder()
    integer = isinstance(backend.model(query.meta)._meta.pk, IntegerField)
    match = Q(pk__in=binder(ids, fieldtype_kind="int" if integer else "text"))
    shape = ("keyset rows", list_shape(backend, query, match))

    def build() -> QuerySet:
        shown = frozenset(column.lookup for column in select_columns.values())
        queryset = aliases.apply(backend.base_queryset(query.meta), shown).filter(match).order_by()
        return backend.select_values(query, queryset, select_columns, ("pk",))

    statement = statements.cached(query.meta, using, shape, build, backend.raw_columns(query, select_columns))
    found = statement.rows(using, binder.values)
    at = statement.names.index("pk")
    by_id = {row[at]: row for row in found}
    rows = [by_id[key] for key in ids if key in by_id]
    return backend.project_values(query, rows, statement.names, select_columns, (statement, using))


_NAME = FieldRef("name", "Data")

__all__ = ["read_page"]
