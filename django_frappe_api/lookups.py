"""The ``frappe_like`` lookup: SQL ``LIKE`` with the client's own wildcards, case-insensitive.

Usage::

    Document.objects.filter(name__frappe_like="TASK-%")

Frappe passes ``%`` and ``_`` through untouched (no automatic wildcards) and its default
MariaDB collation ignores case; ``LOWER(col) LIKE LOWER(%s)`` gives that on every database. The
pattern is always a query parameter, never SQL text.
"""

from __future__ import annotations

from django.db.models import CharField, Lookup, TextField


class FrappeLike(Lookup):
    lookup_name = "frappe_like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"LOWER({lhs}) LIKE LOWER({rhs})", [*lhs_params, *rhs_params]


def register() -> None:
    """Make ``frappe_like`` available on text columns and JSON text keys."""
    CharField.register_lookup(FrappeLike)
    TextField.register_lookup(FrappeLike)
