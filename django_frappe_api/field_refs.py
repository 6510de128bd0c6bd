"""Where a field name in a list request leads: an own column, a child-table column or a Link target's.

Usage::

    resolver = FieldResolver(meta, FieldAccess(user, meta))
    resolver.reference("items.qty", "items.qty")       # FieldRef("qty", "Int", "items", "child", "Task Item")
    resolver.filter_item(condition)                     # a parsed filter with its field resolved

The one place a client's field name becomes a ``FieldRef``, for ``fields``, aggregates, filters,
``order_by`` and ``group_by`` alike; with a ``FieldAccess`` it also enforces the caller's rights on the
DocTypes and fields it reaches (Link targets need read permission, permlevels apply, §11.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import exceptions, nul_bytes
from .field_access import FieldAccess
from .filters import Condition
from .formats import IDENTIFIER_RE as _IDENT_RE
from .formats import QUALIFIED_RE as _QUALIFIED_RE
from .meta import Meta, doctype_exists, get_meta


@dataclass(frozen=True)
class FieldRef:
    """A column reference: own field, a child-table field, or a field of a linked document.

    ``via`` is the Table or Link fieldname that leads to ``target_doctype`` (empty for own fields).
    """

    fieldname: str
    fieldtype: str
    via: str = ""
    via_kind: str = ""  # "", "child" or "link"
    target_doctype: str = ""
    # For a Link target the caller reads only their own documents of: the caller's user id; the join
    # then sees only the target documents with that owner.
    owner: str = ""


@dataclass(frozen=True)
class FilterItem:
    """One filter condition with its field resolved."""

    ref: FieldRef
    operator: str
    value: Any


@dataclass(frozen=True)
class SelectItem:
    """One output column of a list: a field reference, or an aggregate over one."""

    key: str
    ref: FieldRef | None = None
    aggregate: str = ""
    distinct_aggregate: bool = False


class FieldResolver:
    """Resolves client field names against a Meta, its child tables and its Link targets.

    The one place a field reference becomes a ``FieldRef``; with an ``access`` it also enforces the
    caller's rights on the DocTypes and fields it reaches.
    """

    def __init__(self, meta: Meta, access: FieldAccess | None) -> None:
        self.meta = meta
        self.access = access

    def own(self, fieldname: str, *, raw: str | None = None) -> FieldRef:
        fieldtype = self.meta.fieldtype_of(fieldname)
        if fieldtype is None:
            raise exceptions.DataError(f"Field not permitted in query: {raw or fieldname}")
        return FieldRef(fieldname, fieldtype)

    def is_readable(self, ref: FieldRef) -> bool:
        """May the caller read this field (and the Table or Link field it is reached through)?"""
        if self.access is None:
            return True
        if not ref.via:
            return self.access.can_read(self.meta, ref.fieldname)
        return self.access.can_read(self.meta, ref.via) and self.access.can_read(
            get_meta(ref.target_doctype), ref.fieldname
        )

    def readable(self, ref: FieldRef) -> FieldRef:
        """The reference, or 403 when the caller may not read it (where dropping it would change the answer)."""
        access = self.access
        if access is None or self.is_readable(ref):
            return ref
        if ref.via and not access.can_read(self.meta, ref.via):
            raise access.refuse(self.meta.name, ref.via)
        raise access.refuse(ref.target_doctype or self.meta.name, ref.fieldname)

    def clause_ref(self, text: str, raw: str) -> FieldRef:
        """A field used to filter, sort, group or aggregate: never a Password, always readable."""
        return self.readable(self.queryable(self.reference(text, raw), raw))

    def dotted(self, via: str, fieldname: str, raw: str) -> FieldRef:
        """``table_field.child_field`` or ``link_field.target_field``."""
        through = self.meta.get_field(via)
        if through is None or through.fieldtype not in ("Table", "Table MultiSelect", "Link"):
            raise exceptions.DataError(f"Field not permitted in query: {raw}")
        target = get_meta(through.options)
        kind = "link" if through.fieldtype == "Link" else "child"
        owner = ""
        if kind == "link" and self.access is not None:
            owner = self.access.reach(target) or ""  # Frappe's check_read_permission on a joined DocType
        fieldtype = target.fieldtype_of(fieldname)
        if fieldtype is None:
            raise exceptions.DataError(f"Field not permitted in query: {raw}")
        return FieldRef(fieldname, fieldtype, via=via, via_kind=kind, target_doctype=target.name, owner=owner)

    def qualified(self, doctype: str, fieldname: str, raw: str) -> FieldRef:
        """A field of the queried DocType or of one of its child DocTypes, named by DocType."""
        if doctype == self.meta.name:
            return self.own(fieldname, raw=raw)
        table = self.child_table_of(doctype)
        if table is None:
            if self.access is not None and doctype_exists(doctype):
                self.access.reach(get_meta(doctype))  # naming an unreadable DocType is refused first
            raise exceptions.DataError(f"Field not permitted in query: {raw}")
        return self.dotted(table, fieldname, raw)

    def child_table_of(self, doctype: str) -> str | None:
        for table in self.meta.table_fields:
            if table.options == doctype:
                return table.fieldname
        return None

    @staticmethod
    def queryable(ref: FieldRef, raw: str) -> FieldRef:
        """Password hashes may not be filtered, sorted or grouped on: that would let clients probe them."""
        if ref.fieldtype == "Password":
            raise exceptions.DataError(f"Field not permitted in query: {raw}")
        return ref

    def filter_item(self, condition: Condition) -> FilterItem:
        ref = self.readable(self.queryable(self._condition_ref(condition), condition.fieldname))
        nul_bytes.check_filter_value(condition.fieldname, condition.value)
        return FilterItem(ref, condition.operator, condition.value)

    def _condition_ref(self, condition: Condition) -> FieldRef:
        if condition.fieldname == "doctype" and condition.doctype == self.meta.name:
            return FieldRef("doctype", "Data")
        if condition.doctype != self.meta.name:
            return self.qualified(condition.doctype, condition.fieldname, condition.fieldname)
        if self.meta.fieldtype_of(condition.fieldname) is None:
            # A bare fieldname that only a child table has is resolved there (§7.2).
            for table in self.meta.table_fields:
                child = get_meta(table.options)
                if child.fieldtype_of(condition.fieldname) is not None:
                    return self.dotted(table.fieldname, condition.fieldname, condition.fieldname)
        ref = self.own(condition.fieldname)
        return ref

    def reference(self, text: str, raw: str) -> FieldRef:
        """Parse one column expression: ``f``, ``a.b`` or `` `tabX`.`f` ``."""
        text = text.strip()
        qualified = _QUALIFIED_RE.match(text)
        if qualified:
            return self.qualified(qualified.group(1), qualified.group(2), raw)
        text = text.strip("`")
        if "." in text:
            via, _, fieldname = text.partition(".")
            via, fieldname = via.strip("`"), fieldname.strip("`")
            if not (_IDENT_RE.match(via) and _IDENT_RE.match(fieldname)):
                raise exceptions.DataError(f"Field not permitted in query: {raw}")
            return self.dotted(via, fieldname, raw)
        if not _IDENT_RE.match(text):
            raise exceptions.DataError(f"Field not permitted in query: {raw}")
        return self.own(text, raw=raw)


__all__ = ["FieldRef", "FieldResolver", "FilterItem"]
