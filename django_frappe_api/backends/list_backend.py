"""``ListBackend``: what the compiled-statement modules need of a backend, without importing ``sql.py``.

Usage (a type only)::

    def read_list(backend: ListBackend, query: ListQuery, row_condition: Q | None) -> list[Any]: ...

``SQLBackend`` (``backends/sql.py``) provides all of it and calls ``list_statements`` and
``keyset_statements``; typing their ``backend`` argument with ``SQLBackend`` itself would make those modules
and ``sql.py`` import each other.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import Model, Q, QuerySet

from ..field_refs import FieldRef
from ..filters import Column
from ..meta import Meta
from ..query import ListQuery
from .aliases import Aliases
from .statements import Binder, Statement


class ListBackend(Protocol):
    """The SQL-building half of ``SQLBackend`` that a compiled statement is built from."""

    def base_queryset(self, meta: Meta) -> QuerySet: ...

    def model(self, meta: Meta) -> type[Model]: ...

    def column(self, aliases: Aliases, ref: FieldRef) -> Column: ...

    def not_null(self, column: Column) -> bool: ...

    def order_expression(self, column: Column) -> Any: ...

    def raw_columns(self, query: ListQuery, select_columns: dict[str, Column]) -> frozenset[str]: ...

    def select_values(self, query: ListQuery, queryset: QuerySet, select_columns: dict[str, Column],
                      extra: tuple[str, ...] = ()) -> QuerySet: ...

    def project_values(self, query: ListQuery, rows: list[Any], names: list[str], select_columns: dict[str, Column],
                       statement: tuple[Statement, str] | None = None) -> list[Any]: ...

    def _where(self, query: ListQuery, row_condition: Q | None, aliases: Aliases, bind: Binder | None) -> Q: ...

    def _order_columns(self, query: ListQuery, aliases: Aliases) -> list[tuple[Any, bool, bool]]: ...

    def _order(self, queryset: QuerySet, order_columns: list[tuple[Any, bool, bool]]) -> QuerySet: ...
