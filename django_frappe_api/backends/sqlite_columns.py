"""Field columns on SQLite: the SQL that differs from PostgreSQL's (``field_columns`` dispatches here).

Usage (``field_columns`` only)::

    sqlite_columns.value_sql("NEW", "qty", "int")       # the JSON query's own expression, on NEW's data
    sqlite_columns.prepare_sql({"Task": {...}, ...}, have)  # columns and the two triggers of all DocTypes

SQLite evaluates a JSON key's expression for every row a query tests: a rare value sorted by ``modified``
walks the ``modified`` index and parses the JSON of each row it passes (3.8x the same query on a real
column at 1M rows). A column read is what a real table pays. SQLite has no trigger that sets a value before
the write, and a STORED generated column cannot be added to a table, so two ``AFTER`` triggers (insert,
and update of ``data`` or ``doctype``) write the row's columns into the row just written: an insert writes
the row twice, a cheap second write of a row SQLite has in hand. The trigger's expression is the one the
query compiles for the JSON key (``json_keys.json_value``), so the column and the JSON always agree.
"""

from __future__ import annotations

from django.db import connection

from ..models import Document
from .json_keys import json_value
from .sql_text import document_table, literal, quote

TRIGGERS = {"dfa_fill": "INSERT", "dfa_fill_on_update": "UPDATE"}
_SQL_TYPES = {"text": "text", "int": "integer", "float": "real"}
_FIELDTYPE_OF_KIND = {"text": "Data", "int": "Int", "float": "Float"}





def sql_type(kind: str) -> str:
    return _SQL_TYPES[kind]


def value_sql(row: str, fieldname: str, kind: str) -> str:
    """The expression a list compiles for the key (``json_value``), reading ``row``'s data."""
    query = Document.objects.all().query
    expression = json_value(_FIELDTYPE_OF_KIND[kind], f"{fieldname}|data").resolve_expression(query)
    sql, params = query.get_compiler(connection=connection).compile(expression)
    assert not params, "json_keys writes the key into the SQL on SQLite"
    return sql.replace(f"{document_table()}.", f"{row}.")


def existing_columns() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA table_info({document_table()})")
        return {row[1] for row in cursor.fetchall()}


def _trigger_sql(name: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def prepare_sql(columns_by_doctype: dict[str, dict[str, tuple[str, str]]], have: set[str]) -> list[str]:
    """Missing columns, then the two triggers again when their SQL changed (dropped when no DocType has
    columns): ``columns_by_doctype`` is every DocType's columns, as ``field_columns.columns_of`` gives them.

    One trigger per event for all DocTypes, each DocType an ``UPDATE`` guarded by its name. Every write of a
    document pays for the trigger's whole program, run or not (SQLite sets up its registers, per column of
    the table, before testing a guard): cheap for tens of indexed DocTypes, but with 200 DocTypes of five
    field names each (1,000 columns) an insert through the document layer costs about 18 ms instead of 5
    (``benchmarks/many_doctypes.py``; a trigger per DocType cost more, 22 ms).
    """
    table = document_table()
    wanted = {doctype: columns for doctype, columns in sorted(columns_by_doctype.items()) if columns}
    new = {column: kind for columns in wanted.values() for column, (_, kind) in columns.items() if column not in have}
    statements = [f"ALTER TABLE {table} ADD COLUMN {quote(column)} {sql_type(kind)}"
                  for column, kind in sorted(new.items())]
    updates = []
    for doctype, columns in wanted.items():
        assignments = ", ".join(f"{quote(column)} = {value_sql('NEW', fieldname, kind)}"
                                for column, (fieldname, kind) in sorted(columns.items()))
        updates.append(f"UPDATE {table} SET {assignments} WHERE {quote('id')} = NEW.{quote('id')} "
                       f"AND NEW.{quote('doctype')} = {literal(doctype)};")
    when = f"WHEN NEW.{quote('doctype')} IN ({', '.join(literal(doctype) for doctype in wanted)})"
    # The UPDATEs write only field columns, so they fire neither trigger again.
    for name, event in TRIGGERS.items():
        if event == "UPDATE":
            event += f" OF {quote('data')}, {quote('doctype')}"
        sql = (f"CREATE TRIGGER {quote(name)} AFTER {event} ON {table} FOR EACH ROW {when} "
               f"BEGIN {' '.join(updates)} END")
        if not wanted:
            statements += [f"DROP TRIGGER IF EXISTS {quote(name)}"] if _trigger_sql(name) else []
        elif _trigger_sql(name) != sql:
            statements += [f"DROP TRIGGER IF EXISTS {quote(name)}", sql]
    return statements
