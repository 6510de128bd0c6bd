"""Field columns: a real column per indexed JSON key, filled by triggers, indexed per DocType (PostgreSQL, SQLite).

Usage (``backends.indexes`` drives it; nothing else should)::

    field_columns.prepare("Task", [FieldIndex(...), ...])   # columns, the DocType's trigger, backfill; SQL run
    field_columns.index_sql(index, concurrently=True)       # CREATE INDEX on the column, WHERE doctype = ...
    field_columns.column_name("status", "text")             # "dfa_c_1a2b..."

PostgreSQL never answers from an expression index alone: its planner counts the column under the
expression (``data``) as needed, so a count of a common value read every matching row and parsed its JSON
(7.5x the count on a real column at 1M rows). Here each indexed key of ``data`` is copied into a plain
column (``text``, ``integer`` or ``double precision``: what the query's cast gives), and the field's index
is on that column, so a count is an index-only scan and a filter tested row by row reads a column.

SQLite's own SQL (its triggers run after the write) is in ``sqlite_columns``; the rest below holds for both.

- Columns are shared by every DocType with a field of that name and kind (``dfa_c_<hash>``, the names
  MariaDB's virtual columns use), added with ``ADD COLUMN`` (no table rewrite: NULL for every row).
- Each DocType with indexed fields has one ``BEFORE INSERT OR UPDATE OF data, doctype`` trigger, ``WHEN
  (NEW.doctype = '<DocType>')``, whose function sets its columns from ``NEW.data`` with exactly the SQL
  the JSON query would compare (``(data ->> 'qty')::integer``), so both always agree, whatever writes the
  row (the ORM, raw SQL, a bulk load). A value the cast refuses fails the write, as the expression
  index did before.
- The DocType's existing rows are backfilled in batches of ids (only rows whose column differs), after the
  trigger exists, so a concurrent insert is never missed.
- The query builder names a column only once the field's index on it is valid (``indexes.field_value``):
  the index is built after the backfill, so a valid index means a filled column.

Columns stay when no DocType uses them any more, and a later field of that name and type reuses them:
PostgreSQL allows 1,600 columns a table and never gives a dropped column's number back, so dropping one
and adding it again later would spend a second. ``checks.py`` (W004) warns near the limit, which only
fields of many distinct names reach; past it a field keeps its JSON expression. ``frappe_api_sync_indexes``
drops the triggers of DocTypes that are gone.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.expressions import Col, Expression

from .. import fieldtypes
from ..models import Document
from . import partitions, sqlite_columns
from .sql_text import document_table, literal, quote

ENGINES = frozenset({"postgresql", "sqlite"})  # MariaDB/MySQL: ``mysql_columns``
COLUMN_PREFIX = "dfa_c_"
TRIGGER_SUFFIX = "fill"
_SQL_TYPES = {"text": "text", "int": "integer", "float": "double precision"}
_BATCH = 50_000  # ids per backfill statement: row locks held briefly, progress kept between batches
_OUTPUT_FIELDS = {"int": models.BigIntegerField, "float": models.FloatField, "text": models.TextField}


class TableColumn(Expression):
    """A column of the query's document table that Django's model does not declare, by name: a field column
    here or MariaDB/MySQL's (``mysql_columns``)."""

    def __init__(self, column: str, fieldtype: str) -> None:
        super().__init__(output_field=_OUTPUT_FIELDS[fieldtypes.db_kind(fieldtype)]())
        self.column = column

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Col:
        target = self.output_field.clone()
        target.set_attributes_from_name(self.column)
        target.model = Document
        return Col(query.get_initial_alias(), target, target)


def column_name(fieldname: str, kind: str) -> str:
    """The column shared by every DocType with a field of this name and database kind."""
    digest = hashlib.sha256("\0".join((fieldname, kind)).encode()).hexdigest()[:16]
    return f"{COLUMN_PREFIX}{digest}"


def value_sql(row: str, fieldname: str, kind: str) -> str:
    """The SQL of one key of ``row``'s data, as Django's JSON key expression and cast compile it."""
    if connection.vendor == "sqlite":
        return sqlite_columns.value_sql(row, fieldname, kind)
    value = f"({row}.{quote('data')} ->> {literal(fieldname)})"
    if kind == "int":
        return f"({value})::integer"
    if kind == "float":
        return f"({value})::double precision"
    return value


def columns_of(field_indexes: Iterable[Any]) -> dict[str, tuple[str, str]]:
    """Column name -> (fieldname, kind) for ``indexes.FieldIndex`` items."""
    result = {}
    for index in field_indexes:
        kind = fieldtypes.db_kind(index.fieldtype)
        result[column_name(index.fieldname, kind)] = (index.fieldname, kind)
    return result


def trigger_name(prefix: str) -> str:
    """``prefix`` is ``indexes.doctype_prefix(doctype)``: the DocType's indexes and trigger share it."""
    return f"{prefix}{TRIGGER_SUFFIX}"


def existing_columns() -> set[str]:
    if connection.vendor == "sqlite":
        return {name for name in sqlite_columns.existing_columns() if name.startswith(COLUMN_PREFIX)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND NOT attisdropped "
            "AND attname LIKE %s", [document_table(), COLUMN_PREFIX.replace("_", r"\_") + "%"])
        return {name for (name,) in cursor.fetchall()}


def function_source(prefix: str) -> str | None:
    """The body of the DocType's trigger function now, if it has one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [trigger_name(prefix)])
        row = cursor.fetchone()
    return row[0] if row else None


def existing_triggers() -> dict[str, str]:
    """Trigger name -> the quoted table it is on (the document table or one of its partitions)."""
    if connection.vendor == "sqlite":
        return {}  # one pair for all DocTypes (``sqlite_columns``)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, t.tgrelid::regclass::text FROM pg_trigger t WHERE t.tgname LIKE %s AND NOT "
            "t.tgisinternal AND (t.tgrelid = %s::regclass OR t.tgrelid IN (SELECT inhrelid FROM pg_inherits "
            "WHERE inhparent = %s::regclass))", [r"dfa\_%\_" + TRIGGER_SUFFIX, document_table(), document_table()])
        return dict(cursor.fetchall())


def prepare_sql(doctype: str, prefix: str, columns: dict[str, tuple[str, str]],
                everyone: dict[str, dict[str, tuple[str, str]]] | None = None) -> list[str]:
    """The DDL giving ``doctype`` its columns and trigger (none left when it has no column); nothing when
    the database has them already. SQLite's triggers serve all DocTypes: ``everyone`` holds the columns
    of the others (DocType -> ``columns_of``)."""
    if connection.vendor == "sqlite":
        return shared_sql({**(everyone or {}), doctype: columns})
    name = trigger_name(prefix)
    if not columns:
        return drop_sql(prefix) if name in existing_triggers() else []
    have = existing_columns()
    statements = [f"ALTER TABLE {document_table()} ADD COLUMN IF NOT EXISTS {quote(column)} {_SQL_TYPES[kind]}"
                  for column, (_, kind) in sorted(columns.items()) if column not in have]
    body = "".join(f"  NEW.{quote(column)} := {value_sql('NEW', fieldname, kind)};\n"
                   for column, (fieldname, kind) in sorted(columns.items()))
    body = f"\nBEGIN\n{body}  RETURN NEW;\nEND\n"
    changed = function_source(prefix) != body
    if changed:
        statements.append(
            f"CREATE OR REPLACE FUNCTION {quote(name)}() RETURNS trigger LANGUAGE plpgsql AS $dfa${body}$dfa$")
    # The trigger again with a new body: its lock waits for the writers still running the old one, so the
    # backfill that follows sees every row they wrote.
    if changed or name not in existing_triggers():
        statements.append(
            f"CREATE OR REPLACE TRIGGER {quote(name)} BEFORE INSERT OR UPDATE OF {quote('data')}, "
            f"{quote('doctype')} ON {partitions.table_for(doctype)} FOR EACH ROW "
            f"WHEN (NEW.{quote('doctype')} = {literal(doctype)}) "
            f"EXECUTE FUNCTION {quote(name)}()")
    return statements


def shared_sql(everyone: dict[str, dict[str, tuple[str, str]]]) -> list[str]:
    """SQLite: the columns and the one pair of triggers for every DocType (DocType -> ``columns_of``)."""
    return sqlite_columns.prepare_sql(everyone, existing_columns())


def drop_sql(prefix: str) -> list[str]:
    """Drop the trigger (wherever it is: a dropped partition took its own with it) and its function."""
    name = trigger_name(prefix)
    if connection.vendor == "sqlite":
        return []  # its part of the shared triggers goes when they are prepared without it
    table = existing_triggers().get(name)
    drop = [f"DROP TRIGGER IF EXISTS {quote(name)} ON {table}"] if table else []
    return [*drop, f"DROP FUNCTION IF EXISTS {quote(name)}()"]


def backfill(doctype: str, columns: dict[str, tuple[str, str]], run: Callable[[str, list[Any]], int]) -> int:
    """Copy the keys of the DocType's stored rows into its columns, a batch of ids at a time; rows updated.

    Only rows whose column differs are written, so a repeated sync writes nothing. ``run`` executes one
    statement with parameters and answers its row count (raising on failure).
    """
    if not columns:
        return 0
    table, doctype_column = document_table(), quote("doctype")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table} WHERE {doctype_column} = %s", [doctype])
        low, high = cursor.fetchone()
    if low is None:
        return 0
    assignments = ", ".join(f"{quote(c)} = {value_sql(table, f, k)}" for c, (f, k) in sorted(columns.items()))
    distinct = "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"  # both NULL-safe
    differs = " OR ".join(f"{quote(c)} {distinct} {value_sql(table, f, k)}"
                          for c, (f, k) in sorted(columns.items()))
    sql = (f"UPDATE {table} SET {assignments} WHERE {doctype_column} = %s AND id >= %s AND id < %s "
           f"AND ({differs})")
    updated = 0
    for start in range(low, high + 1, _BATCH):
        updated += run(sql, [doctype, start, start + _BATCH])
    return updated


def index_sql(index: Any, *, concurrently: bool = False) -> str:
    """``CREATE [UNIQUE] INDEX`` for an ``indexes.FieldIndex``, on its column, on the DocType's partition
    (``partitions``) and partial to the DocType, so the same SQL serves a table that is not partitioned.

    ``NULLS FIRST`` serves ``ASC NULLS FIRST`` and ``DESC NULLS LAST``, as lists sort; text sorts by
    ``lower()``, as ``GenericBackend.order_expression`` does.
    """
    kind = fieldtypes.db_kind(index.fieldtype)
    column = quote(column_name(index.fieldname, kind))
    key = f"lower({column})" if index.sort and index.fieldtype in fieldtypes.TEXT_TYPES else column
    if connection.vendor != "sqlite":  # SQLite sorts NULLs first already, and refuses this in an index
        key += " NULLS FIRST"
    parts = [key, *(quote(name) for name in index.then_columns)]
    if connection.vendor == "sqlite":
        # SQLite tests a query's `doctype = ...` on the table row even under a partial index on it; with
        # the column in the index a count reads the index alone (0.5 -> 0.1 ms for 10k matches at 1M rows).
        parts.append(quote("doctype"))
    condition = f"{quote('doctype')} = {literal(index.doctype)}"
    if index.unique and kind == "text":
        condition += f" AND {column} > ''"  # blank values may repeat, as the query check lets them
    how = "UNIQUE INDEX" if index.unique else "INDEX"
    if concurrently:
        how += " CONCURRENTLY"
    table = partitions.table_for(index.doctype)
    return f"CREATE {how} {quote(index.name)} ON {table} ({', '.join(parts)}) WHERE {condition}"


def statistics_sql(name: str, fieldname: str, kind: str) -> str:
    """``CREATE STATISTICS`` on ``(doctype, column)``: MCV pairs give the per-DocType value estimates."""
    return (f"CREATE STATISTICS IF NOT EXISTS {quote(name)} (mcv, ndistinct, dependencies) "
            f"ON {quote('doctype')}, {quote(column_name(fieldname, kind))} FROM {document_table()}")


MAX_COLUMNS = 1600  # PostgreSQL: columns a table, dropped ones included


def column_limit(using: str = DEFAULT_DB_ALIAS) -> int:
    """Columns a table may have: PostgreSQL's 1,600; SQLite's compile-time limit (2,000 by default)."""
    wrapper = connections[using]
    if wrapper.vendor == "sqlite":
        wrapper.ensure_connection()
        return wrapper.connection.getlimit(sqlite3.SQLITE_LIMIT_COLUMN)
    return MAX_COLUMNS


def column_slots_used(using: str = DEFAULT_DB_ALIAS) -> int:
    """How many of the table's ``column_limit`` slots are spent: its highest column number (PostgreSQL
    never gives a dropped column's back), on SQLite its columns."""
    wrapper = connections[using]
    table = wrapper.ops.quote_name(Document._meta.db_table)
    with wrapper.cursor() as cursor:
        if wrapper.vendor == "sqlite":
            cursor.execute(f"PRAGMA table_info({table})")
            return len(cursor.fetchall())
        cursor.execute("SELECT MAX(attnum) FROM pg_attribute WHERE attrelid = %s::regclass", [table])
        return cursor.fetchone()[0] or 0
