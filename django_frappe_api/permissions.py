"""Frappe's role permissions (§11) evaluated for a Django user.

Usage::

    check_doctype_permission(meta, request.user, "create")      # raises exceptions.PermissionError
    q = list_condition(meta, request.user)                       # owner filter for if_owner rows

Roles are the names of the user's Django groups, plus the automatic ones: ``Guest`` for everyone,
``All`` for every logged-in user, ``Administrator`` and ``System Manager`` for superusers. The
Administrator (a superuser) passes every check, as in Frappe.

A DocType registered with ``share_with_self`` grants each user some rights on the one document named
after that user, whatever the roles: Frappe shares every User document with its user
(``User.share_with_self``), so users read their own record, ``api_key`` included.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from . import exceptions, identity_cache
from .meta import PERMISSION_RIGHTS, Meta, PermRule, get_meta, memo

GUEST = "Guest"
ADMINISTRATOR_ROLE = "Administrator"
SYSTEM_MANAGER = "System Manager"
ALL = "All"

_ROLES_CACHE_ATTR = "_frappe_api_roles"

# DocType -> rights each user holds on the document named after them (Frappe's share with self).
_self_shares: dict[str, frozenset[str]] = {}


def share_with_self(doctype: str, rights: tuple[str, ...]) -> None:
    """Give every user ``rights`` on the ``doctype`` document whose name is their user id."""
    _self_shares[doctype] = frozenset(rights)


def _self_shared(meta: Meta, user: Any, right: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    shared = _self_shares.get(meta.name, frozenset())
    return right in shared or (right == "select" and "read" in shared)


def user_id(user: Any) -> str:
    """The Frappe user id of a Django user: its username, ``Guest`` when anonymous."""
    if user is None or not getattr(user, "is_authenticated", False):
        return GUEST
    return user.get_username()


def is_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_superuser", False))


def get_roles(user: Any) -> frozenset[str]:
    """Every role the user holds, cached on the user object for the request (group names also between requests)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset({GUEST})
    cached = getattr(user, _ROLES_CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles = {GUEST, ALL}
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        roles.add("Desk User")
    if getattr(user, "is_superuser", False):
        roles.update({ADMINISTRATOR_ROLE, SYSTEM_MANAGER})
    roles.update(identity_cache.group_names(user))
    frozen = frozenset(roles)
    setattr(user, _ROLES_CACHE_ATTR, frozen)
    return frozen


def permission_meta(meta: Meta, parenttype: str | None = None) -> Meta:
    """Child DocTypes are governed by their parent's rules (§11.3.7)."""
    if meta.istable:
        if not parenttype:
            raise exceptions.PermissionError(f"Please specify a valid parent DocType for {meta.name}")
        return get_meta(parenttype)
    return meta


def _rules(meta: Meta, user: Any, permlevel: int = 0) -> list[PermRule]:
    roles = get_roles(user)
    return [rule for rule in meta.permissions if rule.permlevel == permlevel and rule.role in roles]


def get_rights(meta: Meta, user: Any) -> dict[str, str | None]:
    """Level-0 rights: ``"all"`` (any document), ``"owner"`` (own documents only) or ``None``."""
    if is_administrator(user):
        return {right: "all" for right in PERMISSION_RIGHTS}
    if meta.model_label and not meta.permissions:
        return _model_permission_rights(meta, user)
    by_roles = memo(meta, "rights")  # a function of the DocPerm rows and the roles alone
    roles = get_roles(user)
    found = by_roles.get(roles)
    if found is None:
        found = by_roles[roles] = _rights_of_roles(meta, user)
    return dict(found)


def _rights_of_roles(meta: Meta, user: Any) -> dict[str, str | None]:
    rights: dict[str, str | None] = {}
    rules = _rules(meta, user)
    for right in PERMISSION_RIGHTS:
        granting = [rule for rule in rules if rule.grants(right)]
        if not granting:
            rights[right] = None
        elif right == "create" or any(not rule.if_owner for rule in granting):
            rights[right] = "all"
        else:
            rights[right] = "owner"
    if not meta.is_submittable:
        rights["submit"] = rights["cancel"] = rights["amend"] = None
    return rights


# Django model permission -> the Frappe rights it grants (ORM-backed DocTypes without DocPerm rows).
_MODEL_PERMISSIONS = {
    "view": ("select", "read", "report", "export", "print", "email"),
    "add": ("create",),
    "change": ("write", "share"),
    "delete": ("delete",),
}


def _model_permission_rights(meta: Meta, user: Any) -> dict[str, str | None]:
    rights: dict[str, str | None] = dict.fromkeys(PERMISSION_RIGHTS)
    if not getattr(user, "is_authenticated", False):
        return rights
    app_label, model_name = meta.model_label.split(".", 1)
    for action, granted in _MODEL_PERMISSIONS.items():
        if user.has_perm(f"{app_label}.{action}_{model_name}"):
            rights.update(dict.fromkeys(granted, "all"))
    return rights


def has_doctype_permission(meta: Meta, user: Any, right: str) -> bool:
    rights = get_rights(meta, user)
    if right == "read":
        return bool(rights["read"] or rights["select"]) or _self_shared(meta, user, "read")
    return bool(rights.get(right))


def check_doctype_permission(meta: Meta, user: Any, right: str) -> None:
    """Raise 403 unless the user holds ``right`` on the DocType (for any document)."""
    if not has_doctype_permission(meta, user, right):
        raise permission_denied(meta.name, user, right, title="Not Permitted")


def has_doc_permission(meta: Meta, owner: str | None, user: Any, right: str, name: Any = None) -> bool:
    rights = get_rights(meta, user)
    scope = rights.get(right)
    if scope == "all":
        return True
    if scope == "owner" and (owner or "").lower() == user_id(user).lower():
        return True
    return name is not None and str(name) == user_id(user) and _self_shared(meta, user, right)


def check_doc_permission(meta: Meta, name: Any, owner: str | None, user: Any, right: str) -> None:
    """Raise 403 unless the user holds ``right`` on this document."""
    if not has_doc_permission(meta, owner, user, right, name):
        if right == "read":
            message = (
                f"User <strong>{user_id(user)}</strong> does not have access to this document: {meta.name} - {name}"
            )
        else:
            message = denial_message(meta.name, user, right)
        raise exceptions.PermissionError(
            message,
            error_message=f"Insufficient Permission for {meta.name} (<strong>{right}</strong>)",
            title="Not Permitted",
        )


def list_condition(meta: Meta, user: Any, owner_lookup: str = "owner", name_lookup: str = "name") -> Q | None:
    """Row filter for lists: own documents only when read comes from ``if_owner`` rows alone, plus the
    document shared with the user (``share_with_self``)."""
    rights = get_rights(meta, user)
    read = rights["read"] or rights["select"]
    if read == "all" or rights["read"] == "all" or rights["select"] == "all":
        return None
    shared = Q(**{name_lookup: user_id(user)}) if _self_shared(meta, user, "read") else None
    if read == "owner":
        owned = Q(**{owner_lookup: user_id(user)})
        return owned | shared if shared is not None else owned
    if shared is not None:
        return shared
    raise permission_denied(meta.name, user, "read")


def readable_levels(meta: Meta, user: Any) -> set[int] | None:
    """Permlevels whose fields the user may read; ``None`` means every level."""
    return _levels(meta, user, "read")


def writable_levels(meta: Meta, user: Any) -> set[int] | None:
    """Permlevels whose fields the user may write; ``None`` means every level."""
    return _levels(meta, user, "write")


def _levels(meta: Meta, user: Any, right: str) -> set[int] | None:
    if is_administrator(user):
        return None
    levels = {0}
    roles = get_roles(user)
    for rule in meta.permissions:
        # A level-n row that grants write implies read of that level.
        if rule.permlevel > 0 and rule.role in roles and (rule.grants(right) or rule.grants("write")):
            levels.add(rule.permlevel)
    return levels


def readable_fieldnames(meta: Meta, user: Any, parent_meta: Meta | None = None) -> set[str] | None:
    """Data fields the user may read; ``None`` means all of them."""
    levels = readable_levels(parent_meta or meta, user)
    if levels is None:
        return None
    return {f.fieldname for f in meta.fields if f.fieldname and f.permlevel in levels}


def permission_denied(doctype: str, user: Any, right: str, *, title: str | None = None) -> exceptions.PermissionError:
    """The 403 Frappe raises when ``user`` lacks ``right`` on ``doctype`` (message and _error_message)."""
    return exceptions.PermissionError(
        denial_message(doctype, user, right), error_message=f"No permission for {doctype}", title=title
    )


def denial_message(doctype: str, user: Any, right: str) -> str:
    """Frappe's words for a missing DocType right."""
    return (
        f"User <strong>{user_id(user)}</strong> does not have doctype access via role permission "
        f"for document <strong>{doctype}</strong>"
        if right in ("read", "select")
        else f"No permission for {doctype} (<strong>{right}</strong>)"
    )
