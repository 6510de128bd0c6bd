"""Frappe's role permissions (§11) evaluated for a Django user.

Usage::

    check_doctype_permission(meta, request.user, "create")      # raises exceptions.PermissionError
    has_doc_permission(meta, doc["owner"], request.user, "write", doc=doc)  # roles, User Permissions, shares

Roles are the names of the user's Django groups, plus the automatic ones: ``Guest`` for everyone,
``All`` for every logged-in user, ``Administrator`` and ``System Manager`` for superusers. The
Administrator (a superuser) passes every check, as in Frappe.

A DocType registered with ``share_with_self`` grants each user some rights on the one document named
after that user, whatever the roles: Frappe shares every User document with its user
(``User.share_with_self``), so users read their own record, ``api_key`` included.

Documents are further narrowed by the user's User Permissions (``user_permissions``) and widened by DocShare rows
(``shares``); the list's SQL condition for both is built in ``match_conditions``.
"""

from __future__ import annotations

from typing import Any

from . import exceptions, identity_cache, shares, user_permissions
from .meta import PERMISSION_RIGHTS, Meta, PermRule, get_meta, memo

GUEST = "Guest"
ADMINISTRATOR_ROLE = "Administrator"
SYSTEM_MANAGER = "System Manager"
ALL = "All"

_ROLES_CACHE_ATTR = "_frappe_api_roles"
_SHARES_CACHE_ATTR = "_frappe_api_shared_rights"

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
    """A role right on the DocType, or at least one document of it shared with the user for ``right``."""
    rights = get_rights(meta, user)
    if right == "read":
        granted = bool(rights["read"] or rights["select"]) or _self_shared(meta, user, "read")
    else:
        granted = bool(rights.get(right))
    if granted or meta.istable:
        return granted
    if right == "submit" and not meta.is_submittable:
        return False
    return shares.has_any_share(meta.name, user, right)


def check_doctype_permission(meta: Meta, user: Any, right: str) -> None:
    """Raise 403 unless the user holds ``right`` on the DocType (for any document)."""
    if not has_doctype_permission(meta, user, right):
        raise permission_denied(meta.name, user, right, title="Not Permitted")


def has_doc_permission(meta: Meta, owner: str | None, user: Any, right: str, name: Any = None, *,
                       doc: dict[str, Any] | None = None) -> bool:
    """Role rights on this document (``if_owner`` against ``owner``), narrowed by the user's User Permissions
    when ``doc`` is given, then widened by a share (``frappe.permissions.has_permission``)."""
    rights = get_rights(meta, user)
    scope = rights.get(right)
    is_owner = (owner or "").lower() == user_id(user).lower()
    granted = scope == "all" or (scope == "owner" and is_owner)
    if granted and doc is not None and user_permissions.get_user_permissions(user):
        child_metas = {table.options: get_meta(table.options) for table in meta.table_fields}
        if user_permissions.has_user_permission(meta, doc, user, child_metas) is not None:
            granted = scope == "owner" and is_owner  # only if_owner rights are left to the owner
    if granted:
        return True
    if name is None and doc is not None:
        name = doc.get("name")
    if name is not None and str(name) == user_id(user) and _self_shared(meta, user, right):
        return True
    column = shares.share_right(right)
    if column is None or name in (None, "") or not getattr(user, "is_authenticated", False):
        return False
    if column == "submit" and not meta.is_submittable:
        return False
    return column in _shared_rights(meta.name, name, user)


def _shared_rights(doctype: str, name: Any, user: Any) -> frozenset[str]:
    """The rights this document is shared with, asked once per request and document."""
    cache = getattr(user, _SHARES_CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _SHARES_CACHE_ATTR, cache)
    key = (doctype, str(name))
    if key not in cache:
        cache[key] = shares.shared_rights(doctype, name, user)
    return cache[key]


def forget_shares(user: Any) -> None:
    """Drop the request's answers about shared documents (after a share changed)."""
    if hasattr(user, _SHARES_CACHE_ATTR):
        delattr(user, _SHARES_CACHE_ATTR)


def check_doc_permission(meta: Meta, name: Any, owner: str | None, user: Any, right: str, *,
                         doc: dict[str, Any] | None = None) -> None:
    """Raise 403 unless the user holds ``right`` on this document."""
    if not has_doc_permission(meta, owner, user, right, name, doc=doc):
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


def check_linked_values(meta: Meta, doc: dict[str, Any], user: Any, right: str) -> None:
    """A document about to be saved, with its new values: 403 when the user's User Permissions do not allow the
    values it links to (Frappe checks the new document), unless a share grants ``right`` on it anyway."""
    if not user_permissions.get_user_permissions(user):
        return
    if has_doc_permission(meta, doc.get("owner"), user, right, doc=doc):
        return
    child_metas = {table.options: get_meta(table.options) for table in meta.table_fields}
    message = user_permissions.has_user_permission(meta, doc, user, child_metas)
    if message is None:
        return  # refused for another reason, which the caller's own check reports
    raise exceptions.PermissionError(message, error_message=f"Insufficient Permission for {meta.name}",
                                     title="Not Permitted")


def owner_constrained(meta: Meta, user: Any) -> bool | None:
    """How lists are restricted by roles: ``False`` all documents, ``True`` own documents only (read and select
    come from ``if_owner`` rows alone), ``None`` no role read at all (shared documents only)."""
    rights = get_rights(meta, user)
    if rights["read"] == "all" or rights["select"] == "all":
        return False
    if rights["read"] or rights["select"]:
        return True
    return None


def self_shared_name(meta: Meta, user: Any) -> str | None:
    """The name of the document shared with its own user (``share_with_self``), if the DocType has one."""
    return user_id(user) if _self_shared(meta, user, "read") else None


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
