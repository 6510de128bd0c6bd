"""The ``frappe_like`` lookup: SQL ``LIKE`` with the client's own wildcards, case-insensitive.

Usage::

    Document.objects.filter(name__frappe_like="TASK-%")

Frappe passes ``%`` and ``_`` through untouched (no automatic wildcards), escapes backslashes (a
``\\`` in the pattern is a literal backslash) and its default MariaDB collation ignores case;
``LOWER(col) LIKE LOWER(%s)`` gives that on every database. Numbers and datetimes are compared as
text (``["creation", "like", "2024-05%"]`` works, as it does on MariaDB). The pattern is always a
query parameter, never SQL text.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Field, Lookup, TextField
from django.db.models.functions import Cast

# Backends whose LIKE treats a backslash as an escape character by default; SQLite has none.
_BACKSLASH_ESCAPES = frozenset({"postgresql", "mysql"})


def like_pattern(value: Any, connection: Any) -> str:
    """The bound pattern of ``frappe_like`` (a backslash stays literal where LIKE would escape with it)."""
    pattern = "" if value is None else str(value)
    if connection.vendor in _BACKSLASH_ESCAPES:
        pattern = pattern.replace("\\", "\\\\")
    return pattern


class FrappeLike(Lookup):
    lookup_name = "frappe_like"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [like_pattern(value, connection)]

    def as_sql(self, compiler, connection):
        lhs_expression = self.lhs
        if not isinstance(getattr(lhs_expression, "output_field", None), (CharField, TextField)):
            lhs_expression = Cast(lhs_expression, output_field=TextField())
        lhs, lhs_params = compiler.compile(lhs_expression)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"LOWER({lhs}) LIKE LOWER({rhs})", [*lhs_params, *rhs_params]


def register() -> None:
    """Make ``frappe_like`` available on every column and JSON key (text or not)."""
    Field.register_lookup(FrappeLike)
    CharField.register_lookup(FrappeLike)
    TextField.register_lookup(FrappeLike)
