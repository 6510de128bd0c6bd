"""Compiled list statements, kept per query shape: Django writes a list's SQL once, later requests bind values.

Usage::

    binder = Binder()
    where = condition_q(column, "=", "Open", bind=binder)       # the value becomes a Param
    shape = (query_shape, q_signature(where))                   # Uncacheable when where holds an expression
    statement = cached(meta, using, shape, build)               # build() -> the values_list() queryset
    rows = statement.rows(using, binder.values, start=0, length=20)      # lists, in statement.names order

Why: for a list of 20 rows, building a queryset (expressions, JSON key lookups, aliases, joins) and
compiling it cost Django more than running the query. Two requests whose conditions differ only in their
values share one SQL text: each value enters the Q tree as a ``Param``, which compiles to a placeholder
whose marker records how to bind it, and everything else of the request (fields, operators, ordering,
the caller's row condition, ``None`` and ``isnull`` tests, the length of ``in`` lists) is part of the
shape. Any value that is not a ``Param`` (a user name in an ``if_owner`` condition, say) is part of the
shape as it is, so a statement is only ever reused for a request that would have compiled to the same
SQL. Paging is bound too: ``LIMIT``/``OFFSET`` are appended as parameters.

Statements are kept with the ``Meta`` object, per thread (so per connection), at most 256 per DocType
(``meta.memo``): a changed DocType is a new Meta, whose statements start empty.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import DateTimeField, Expression, Field, FloatField, IntegerField, Q, QuerySet, TextField
from django.utils.datastructures import OrderedSet

from ..lookups import like_pattern
from ..meta import memo

_INT64 = (-(2**63), 2**63 - 1)


class Uncacheable(Exception):
    """The Q tree holds something whose SQL cannot be told from its shape (an expression, a mutable value)."""


class _Marker:
    """Stands in a compiled statement's parameters for the value of one ``Param``."""

    __slots__ = ("adapt", "slot")

    def __init__(self, slot: int, adapt: Callable[[Any, Any], Any]) -> None:
        self.slot, self.adapt = slot, adapt


class Param(Expression):
    """One filter value as a bound parameter of a cached statement (see the module docstring)."""

    def __init__(self, slot: int, value: Any, output_field: Field, like: bool = False) -> None:
        super().__init__(output_field=output_field)
        self.slot, self.value, self.like = slot, value, like

    def __repr__(self) -> str:
        return f"Param({self.slot}, {self.value!r})"

    @property
    def identity(self) -> tuple[Any, ...]:
        return (Param, self.slot)  # every Param is its own parameter (Django's IN de-duplicates by identity)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Param) and other.slot == self.slot

    def __hash__(self) -> int:
        return hash((Param, self.slot))

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [_Marker(self.slot, self.adapter())]

    def adapter(self) -> Callable[[Any, Any], Any]:
        """The function that turns a value into what Django would have sent for it in this lookup."""
        if self.like:
            return like_pattern
        field = self.output_field
        return lambda value, connection: field.get_db_prep_value(value, connection, prepared=False)

    def kind(self) -> tuple[Any, ...]:
        return ("P", type(self.output_field).__name__, self.like)




# The output field of a bound value per kind of column; fields only prepare values here, so one of each serves all.
_FIELDS: dict[str, Field] = {"text": TextField(), "datetime": DateTimeField(), "int": IntegerField(),
                             "float": FloatField()}


class Binder:
    """Collects the values of one request as ``Param``s, in the order the conditions are built."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any, *, fieldtype_kind: str, datetime_column: bool = False, like: bool = False) -> Any:
        """``value`` as a ``Param`` for a column of that kind; values whose SQL depends on them stay as they are."""
        if value is None or isinstance(value, bool):
            return value  # `= NULL` is `IS NULL`; booleans are isnull tests: both part of the shape
        if isinstance(value, (list, tuple)):
            # Django drops NULLs and repeats from an IN list: the same list here, bound item by item.
            items = OrderedSet(value)
            items.discard(None)
            return [self(item, fieldtype_kind=fieldtype_kind, datetime_column=datetime_column) for item in items]
        if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
            return value  # Django answers an out-of-range integer without asking the database
        if like:
            field = _FIELDS["text"]
        elif datetime_column:
            field = _FIELDS["datetime"]
        else:
            field = _FIELDS.get(fieldtype_kind) or _FIELDS["text"]
        param = Param(len(self.values), value, field, like)
        self.values.append(value)
        return param


def q_signature(q: Q) -> tuple[Any, ...]:
    """The shape of a Q tree: connectors, negation, lookups, and every value that is not a ``Param``."""
    children = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(q_signature(child))
        elif isinstance(child, tuple) and len(child) == 2:
            lookup, value = child
            children.append((lookup, value_signature(value)))
        else:
            raise Uncacheable(type(child).__name__)  # an expression (Exists, a subquery): its SQL is not a shape
    return (q.connector, q.negated, tuple(children))


def value_signature(value: Any) -> Any:
    """The shape of one operand: a ``Param``'s kind, a list's items, any other value as it is."""
    if isinstance(value, Param):
        return value.kind()
    if isinstance(value, list):
        return ("L", tuple(value_signature(item) for item in value))
    if value is None or isinstance(value, (str, int, float, bool)):
        return ("V", type(value).__name__, value)
    raise Uncacheable(type(value).__name__)


class Statement:
    """One compiled SELECT: its SQL, its parameters (constants and markers), its column names and converters."""

    def __init__(self, sql: str, params: list[Any], names: list[str], converters: dict[int, Any],
                 limit_clause: str, no_limit: Any, empty: bool = False) -> None:
        self.sql, self.params, self.names, self.converters = sql, params, names, converters
        self.limit_clause, self.no_limit, self.empty = limit_clause, no_limit, empty
        self.raw_converters: dict[int, Any] = {}
        self.paged = False  # compiled with its LIMIT (a locking read: FOR UPDATE must come after it)

    def converter(self, name: str, using: str) -> Callable[[Any], Any]:
        """The database converters of column ``name`` (one left raw by ``compile``), as one function."""
        functions, expression = self.raw_converters.get(self.names.index(name), ((), None))
        connection = connections[using]

        def convert(value: Any) -> Any:
            for function in functions:
                value = function(value, expression, connection)
            return value

        return convert

    @classmethod
    def compile(cls, queryset: QuerySet, raw: frozenset[str] = frozenset()) -> Statement:
        """Compile a queryset of ``values_list()``: unsliced, paging is added per run; sliced, it keeps its page.
        Columns named in ``raw`` are returned as the database driver gives them (see ``converter``)."""
        query = queryset.query
        compiler = query.get_compiler(queryset.db)
        connection = compiler.connection
        no_limit = connection.ops.no_limit_value()
        limit_clause = " LIMIT %s OFFSET %s" if no_limit is not None else " OFFSET %s"
        # As ``ValuesIterable`` names them (Django 5.2 keeps the order values() was given in ``selected``).
        if getattr(query, "selected", None):
            names = list(query.selected)
        else:
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return cls("", [], names, {}, limit_clause, no_limit, empty=True)
        columns = [item[0] for item in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        names = names[: compiler.col_count]
        raw_positions = {position for position, name in enumerate(names) if name in raw}
        statement = cls(sql, list(params), names,
                        {k: v for k, v in converters.items() if k not in raw_positions}, limit_clause, no_limit)
        statement.raw_converters = {k: v for k, v in converters.items() if k in raw_positions}
        statement.paged = query.is_sliced
        return statement

    def bind(self, connection: Any, values: list[Any]) -> list[Any]:
        """The statement's parameters with this request's values in place of the markers."""
        adapted: dict[int, Any] = {}  # a value used twice (a keyset bound) is prepared once
        params = []
        for p in self.params:
            if isinstance(p, _Marker):
                if p.slot not in adapted:
                    adapted[p.slot] = p.adapt(values[p.slot], connection)
                p = adapted[p.slot]
            params.append(p)
        return params

    def rows(self, using: str, values: list[Any], *, start: int = 0, length: int | None = None) -> list[list[Any]]:
        """Run with this request's values and page (a statement compiled from a sliced queryset keeps its own
        page); each row a list in the order of ``names``."""
        if self.empty:
            return []
        connection = connections[using]
        params = self.bind(connection, values)
        if self.paged:
            sql = self.sql
        elif self.no_limit is None:  # PostgreSQL: OFFSET alone, or LIMIT first
            sql = self.sql + (" LIMIT %s OFFSET %s" if length else " OFFSET %s")
            params += [length, start] if length else [start]
        else:
            sql = self.sql + self.limit_clause
            params += [length or self.no_limit, start]
        with statement_cursor(connection) as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        width, converters = len(self.names), list(self.converters.items())
        result = []
        for row in fetched:
            row = list(row[:width])
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            result.append(row)
        return result


def statement_cursor(connection: Any) -> Any:
    """A Django cursor for a compiled statement: on PostgreSQL with psycopg's ``prepare_threshold`` set in the
    database's ``OPTIONS`` (Django leaves it off, for transaction-mode poolers), one that binds parameters on
    the server, so psycopg prepares a statement run that many times on a connection and PostgreSQL plans it
    once instead of at every request (with many indexes on the document table, planning costs more than
    running). Elsewhere, and by default, Django's own cursor; also while queries are logged (DEBUG, a test's
    capture), whose log shows a statement with its values only when the client binds them."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if getattr(raw, "prepare_threshold", None) is None or _server_binding_cursor() is None:
        return connection.cursor()
    factory = raw.cursor_factory
    raw.cursor_factory = _server_binding_cursor()
    try:
        return connection.cursor()
    finally:
        raw.cursor_factory = factory


@cache
def _server_binding_cursor() -> Any:
    """Django's psycopg 3 cursor that binds on the server (``None`` under psycopg 2), looked up once."""
    return getattr(import_module("django.db.backends.postgresql.base"), "ServerBindingCursor", None)


def cached(meta: Any, using: str, shape: Any, build: Callable[[], QuerySet], raw: frozenset[str] = frozenset(),
           ) -> Statement:
    """The statement of ``shape`` for ``meta`` on ``using``, compiled from ``build()`` the first time (``raw``:
    see ``Statement.compile``). Kept with the Meta, per thread (so per connection)."""
    statements = memo(meta, "statements")
    key = (using, shape)
    statement = statements.get(key)
    if statement is None:
        statement = statements[key] = Statement.compile(build(), raw)
    return statement
