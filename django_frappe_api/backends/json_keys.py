"""``JSONKeyText``: one key of a JSON column as text, with the key written into the SQL; ``DocTypeName``.

Usage::

    Document.objects.alias(_s=JSONKeyText("status", "data")).filter(_s="Open")
    Document.objects.filter(doctype_id=DocTypeName("Task"))
    Document.objects.alias(_q=json_value("Int", "qty|data")).filter(_q__gt=3)    # typed for the fieldtype

Django binds the JSON path of ``KeyTextTransform`` as a parameter on SQLite, and SQLite matches an
expression index only against an expression with the same literals, so a bound path never uses the
field indexes of ``backends.indexes``. Here the path is a quoted literal on SQLite; every other
database gets Django's SQL unchanged. On PostgreSQL the key reaches the server inline as long as psycopg
binds parameters on the client (Django's default); with ``server_side_binding`` the expression no longer
matches the index.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, ExpressionWrapper, FloatField, IntegerField, TextField, Value
from django.db.models.fields.json import KeyTextTransform, compile_json_path
from django.db.models.functions import Cast

from .. import fieldtypes


def _sql_literal(text: str) -> str:
    """A quoted SQL string literal (``%`` doubled: the SQL still goes through the driver's formatting); the
    same on PostgreSQL, whose ``standard_conforming_strings`` is on."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


class JSONKeyText(KeyTextTransform):
    """``KeyTextTransform`` whose SQLite SQL holds the JSON path as a literal (see the module docstring)."""

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, params, key_transforms = self.preprocess_lhs(compiler, connection)
        path = compile_json_path(key_transforms)
        literal = _sql_literal(path)
        # Sorted: the set's order changes between processes, and the index must match in all of them.
        datatypes = ",".join(repr(datatype) for datatype in sorted(connection.ops.jsonfield_datatype_values))
        sql = (
            f"(CASE WHEN JSON_TYPE({lhs}, {literal}) IN ({datatypes}) "
            f"THEN JSON_TYPE({lhs}, {literal}) ELSE JSON_EXTRACT({lhs}, {literal}) END)"
        )
        return sql, tuple(params) * 3


class DocTypeName(Value):
    """A DocType's name compared with ``Document.doctype``, as a literal on SQLite and PostgreSQL.

    The field indexes are partial (``WHERE doctype = 'Task'``). SQLite proves a partial index applies from a
    bound parameter too, but then still checks ``doctype = ?`` on every table row; with the literal the
    index alone answers, so a count of one value reads only the index. On PostgreSQL a prepared statement's
    generic plan can use a partial index only when its predicate is a literal of the SQL (psycopg inlines
    parameters itself unless a statement is prepared: ``statements.statement_cursor``). The name comes from
    the DocType's definition (a ``Meta``), not from a request value, and the same DocType always gives the
    same SQL.
    """

    def __init__(self, doctype: str) -> None:
        super().__init__(doctype, output_field=CharField())

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        return _sql_literal(self.value), ()

    as_postgresql = as_sqlite


def json_value(fieldtype: str, path: str) -> Any:
    """SQL expression for one key (``"fieldname|column"``) of a JSON column, typed for comparison and ordering."""
    fieldname, source = path.rsplit("|", 1)
    expression = JSONKeyText(fieldname, source)
    kind = fieldtypes.db_kind(fieldtype)
    if kind == "int":
        return Cast(expression, IntegerField())
    if kind == "float":
        return Cast(expression, FloatField())
    # Plain text lookups (=, <, in, frappe_like), not the JSON-aware ones of KeyTextTransform.
    return ExpressionWrapper(expression, output_field=TextField())
