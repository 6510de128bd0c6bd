"""What one user may reach from one query: the DocTypes behind Link fields and every field's permlevel.

Usage::

    access = FieldAccess(user, meta, perm_meta)
    access.reach(get_meta("Customer"))            # 403 unless the user may read Customer
    access.can_read(meta, "hidden_note")          # False above the user's permlevels
    query = ListQuery.build(meta, fields=..., access=access)

Every field reference of a list query is resolved by ``field_refs.FieldResolver``, which asks this object,
so the rule is the same for ``fields``, aggregates, ``filters``, ``or_filters``, ``order_by`` and
``group_by``, on every route (§11.5). As in Frappe, reaching a Link target needs read permission on the
target DocType (``append_link_table`` -> ``check_read_permission``); a child table is governed by its
parent. Answers are computed from the cached Meta and the user's cached roles, once per DocType per query.
"""

from __future__ import annotations

from typing import Any

from . import exceptions, permissions
from .meta import Meta


class FieldAccess:
    """The read rights of ``user`` for a query on ``meta`` (``perm_meta``: the DocType whose rules apply)."""

    def __init__(self, user: Any, meta: Meta, perm_meta: Meta | None = None) -> None:
        self.user = user
        self.meta = meta
        self.perm_meta = perm_meta or meta
        self._readable: dict[str, set[str] | None] = {}
        self._reached: dict[str, str | None] = {}

    def readable(self, meta: Meta) -> set[str] | None:
        """Data fields of ``meta`` the user may read (``None``: all); Password fields never are."""
        if meta.name not in self._readable:
            rules_meta = self.perm_meta if meta.istable else None  # a child table follows its parent
            names = permissions.readable_fieldnames(meta, self.user, rules_meta)
            passwords = {f.fieldname for f in meta.data_fields if f.fieldtype == "Password"}
            if passwords:
                names = (names if names is not None else {f.fieldname for f in meta.fields if f.fieldname}) - passwords
            self._readable[meta.name] = names
        return self._readable[meta.name]

    def can_read(self, meta: Meta, fieldname: str) -> bool:
        if fieldname in meta.standard_fields or fieldname in meta.optional_fields or fieldname == "doctype":
            return True
        readable = self.readable(meta)
        return readable is None or fieldname in readable

    def reach(self, target: Meta) -> str | None:
        """Check read permission on a DocType reached through a Link (403 otherwise).

        Returns the user id when the user reads only their own documents of it (``if_owner``), so that
        the join sees only those; ``None`` when every document is readable.
        """
        if target.name not in self._reached:
            permissions.check_doctype_permission(target, self.user, "read")
            rights = permissions.get_rights(target, self.user)
            owner_only = "all" not in (rights["read"], rights["select"])
            self._reached[target.name] = permissions.user_id(self.user) if owner_only else None
        return self._reached[target.name]

    def refuse(self, doctype: str, fieldname: str) -> exceptions.PermissionError:
        """Frappe's error for a field the user may not read used where it cannot be dropped."""
        return exceptions.PermissionError(
            f"You do not have permission to access field: <strong>{doctype}.{fieldname}</strong>",
            title="Permission Error",
        )


__all__ = ["FieldAccess"]
