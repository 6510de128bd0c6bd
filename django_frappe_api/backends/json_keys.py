"""``JSONKeyText``: one key of a JSON column as text, with the key written into the SQL.

Usage::

    Document.objects.alias(_s=JSONKeyText("status", "data")).filter(_s="Open")

Django binds the JSON path of ``KeyTextTransform`` as a parameter on SQLite, and SQLite matches an
expression index only against an expression with the same literals, so a bound path never uses the
field indexes of ``backends.indexes``. Here the path is a quoted literal on SQLite; every other
database gets Django's SQL unchanged. On PostgreSQL the key reaches the server inline as long as psycopg
binds parameters on the client (Django's default); with ``server_side_binding`` the expression no longer
matches the index.
"""

from __future__ import annotations

from typing import Any

from django.db.models.fields.json import KeyTextTransform, compile_json_path


class JSONKeyText(KeyTextTransform):
    """``KeyTextTransform`` whose SQLite SQL holds the JSON path as a literal (see the module docstring)."""

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, params, key_transforms = self.preprocess_lhs(compiler, connection)
        path = compile_json_path(key_transforms)
        literal = "'" + path.replace("'", "''").replace("%", "%%") + "'"
        # Sorted: the set's order changes between processes, and the index must match in all of them.
        datatypes = ",".join(repr(datatype) for datatype in sorted(connection.ops.jsonfield_datatype_values))
        sql = (
            f"(CASE WHEN JSON_TYPE({lhs}, {literal}) IN ({datatypes}) "
            f"THEN JSON_TYPE({lhs}, {literal}) ELSE JSON_EXTRACT({lhs}, {literal}) END)"
        )
        return sql, tuple(params) * 3
