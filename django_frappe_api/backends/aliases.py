"""The joins and expressions one query needs, collected while its columns are resolved.

Usage::

    aliases = Aliases(meta)
    column = backend.column(aliases, ref)              # may add a join or an expression under an alias
    queryset = aliases.apply(queryset, frozenset({column.lookup}))

An expression may be ``Deferred``: built only when a query is compiled, so a request whose statement is
already compiled (``backends.statements``) builds none.
"""

from __future__ import annotations

from typing import Any

from django.db.models import FilteredRelation, QuerySet

from ..meta import Meta


class Deferred:
    """An alias expression built only when a query is compiled: a statement already compiled needs none."""

    __slots__ = ("args", "factory")

    def __init__(self, factory: Any, *args: Any) -> None:
        self.factory, self.args = factory, args

    def build(self) -> Any:
        return self.factory(*self.args)


class Aliases:
    """The joins and expressions one query needs, keyed by the alias they are filtered on."""

    def __init__(self, meta: Meta) -> None:
        self.meta = meta
        self.relations: dict[str, FilteredRelation] = {}
        self.expressions: dict[str, Any] = {}

    def apply(self, queryset: QuerySet, selected: frozenset[str] = frozenset()) -> QuerySet:
        """Add the collected aliases; those in ``selected`` become annotations so values() sees them."""
        if self.relations:
            queryset = queryset.alias(**self.relations)
        expressions = {k: v.build() if isinstance(v, Deferred) else v for k, v in self.expressions.items()}
        hidden = {k: v for k, v in expressions.items() if k not in selected}
        shown = {k: v for k, v in expressions.items() if k in selected}
        if hidden:
            queryset = queryset.alias(**hidden)
        if shown:
            queryset = queryset.annotate(**shown)
        return queryset


__all__ = ["Aliases", "Deferred"]
