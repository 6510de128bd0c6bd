"""Field columns on SQLite: the SQL that differs from PostgreSQL's (``field_columns`` dispatches here).

Usage (``field_columns`` only)::

    sqlite_columns.value_sql("NEW", "qty", "int")       # the JSON query's own expression, on NEW's data
    sqlite_columns.prepare_sql("Task", "dfa_1a2b_", {...})  # columns and the DocType's two triggers

SQLite evaluates a JSON key's expression for every row a query tests: a rare value sorted by ``modified``
walks the ``modified`` index and parses the JSON of each row it passes (3.8x the same query on a real
column at 1M rows). A column read is what a real table pays. SQLite has no trigger that sets a value before
the write, and a STORED generated column cannot be added to a table, so each DocType with indexed fields
has two ``AFTER`` triggers (insert, and update of ``data`` or ``doctype``) that write its columns into the
row just written: an insert writes the row twice, a cheap second write of a row SQLite has in hand. The
trigger's expression is the one the query compiles for the JSON key (``json_keys.json_value``), so the
column and the JSON always agree.
"""

from __future__ import annotations

from django.db import connection

from ..models import Document
from .json_keys import json_value

UPDATE_SUFFIX = "_on_update"
_SQL_TYPES = {"text": "text", "int": "integer", "float": "real"}
_FIELDTYPE_OF_KIND = {"text": "Data", "int": "Int", "float": "Float"}


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _table() -> str:
    return _quote(Document._meta.db_table)


def sql_type(kind: str) -> str:
    return _SQL_TYPES[kind]


def value_sql(row: str, fieldname: str, kind: str) -> str:
    """The expression a list compiles for the key (``json_value``), reading ``row``'s data."""
    query = Document.objects.all().query
    expression = json_value(_FIELDTYPE_OF_KIND[kind], f"{fieldname}|data").resolve_expression(query)
    sql, params = query.get_compiler(connection=connection).compile(expression)
    assert not params, "json_keys writes the key into the SQL on SQLite"
    return sql.replace(f"{_table()}.", f"{row}.")


def existing_columns() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA table_info({_table()})")
        return {row[1] for row in cursor.fetchall()}


def existing_triggers(pattern: str) -> dict[str, str]:
    """Insert-trigger name -> the quoted table, for names LIKE ``pattern``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                       "AND name LIKE %s ESCAPE '\\'", [Document._meta.db_table, pattern])
        return {name: _table() for (name,) in cursor.fetchall()}


def _trigger_sql(name: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def prepare_sql(doctype: str, name: str, columns: dict[str, tuple[str, str]], have: set[str]) -> list[str]:
    """Missing columns, then the DocType's triggers again when their SQL changed."""
    table = _table()
    statements = [f"ALTER TABLE {table} ADD COLUMN {_quote(column)} {sql_type(kind)}"
                  for column, (_, kind) in sorted(columns.items()) if column not in have]
    assignments = ", ".join(f"{_quote(column)} = {value_sql('NEW', fieldname, kind)}"
                            for column, (fieldname, kind) in sorted(columns.items()))
    body = (f"FOR EACH ROW WHEN NEW.{_quote('doctype')} = {_literal(doctype)} "
            f"BEGIN UPDATE {table} SET {assignments} WHERE {_quote('id')} = NEW.{_quote('id')}; END")
    # The inner UPDATE writes only field columns, so it fires neither trigger again.
    wanted = {name: f"CREATE TRIGGER {_quote(name)} AFTER INSERT ON {table} {body}",
              name + UPDATE_SUFFIX: f"CREATE TRIGGER {_quote(name + UPDATE_SUFFIX)} AFTER UPDATE OF "
                                    f"{_quote('data')}, {_quote('doctype')} ON {table} {body}"}
    for trigger, sql in wanted.items():
        if _trigger_sql(trigger) != sql:
            statements += [f"DROP TRIGGER IF EXISTS {_quote(trigger)}", sql]
    return statements


def drop_sql(name: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {_quote(name)}", f"DROP TRIGGER IF EXISTS {_quote(name + UPDATE_SUFFIX)}"]

