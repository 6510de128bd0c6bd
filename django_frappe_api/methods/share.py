"""Sharing one document with one user, or with everyone (``frappe/share.py``).

Usage::

    POST /api/method/frappe.share.add  doctype=ToDo&name=3k9q0v1m2r&user=joe@example.com&write=1
    -> {"message": {"name": "...", "doctype": "DocShare", "user": "joe@example.com", "read": 1, "write": 1, ...}}
    GET  /api/method/frappe.share.get_users?doctype=ToDo&name=3k9q0v1m2r
    -> {"message": [{"name": "...", "user": "joe@example.com", "read": 1, "write": 1, "submit": 0, ...}]}

The sharer needs ``share`` on the document and every right they pass on (``check_share_permission``). The rows
are ``DocShare`` documents, written here without role checks; ``shares.py`` and ``match_conditions.py`` read them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from .. import document, exceptions, permissions, shares
from ..backends.base import get_backend
from ..fieldtypes import cint
from ..meta import get_meta
from ..registry import whitelist
from ..serialization import doc_as_dict, strip_nulls

WRITE_VERBS = ["POST", "PUT"]
_FIELDS = ["name", "user", "read", "write", "submit", "share", "everyone", "owner", "creation"]


def check_share_permission(doctype: str, name: Any, user: Any, granted: dict[str, int] | None = None) -> None:
    """The sharer holds ``share`` on the document, and each of ``read``, ``write``, ``submit`` they grant."""
    meta = get_meta(doctype)
    stored = document.load_doc(meta, name)
    if not permissions.has_doc_permission(meta, stored.get("owner"), user, "share", doc=stored):
        raise exceptions.PermissionError(f"No permission to share {meta.name} {name}")
    for right in ("read", "write", "submit"):
        if cint((granted or {}).get(right)) and not permissions.has_doc_permission(
            meta, stored.get("owner"), user, right, doc=stored
        ):
            raise exceptions.PermissionError(
                f"You cannot share `{right}` on {meta.name} `{name}` as you do not have `{right}` permission "
                f"on `{meta.name}`")


def add_docshare(doctype: str, name: Any, *, user: Any, share_with: str | None, rights: dict[str, int],
                 everyone: bool, check: bool = True) -> dict[str, Any]:
    """Create or update the DocShare row of the document for ``share_with`` (or everyone); wire form, no nulls."""
    meta = get_meta(doctype)
    if check:
        check_share_permission(meta.name, name, user, rights)
    if rights.get("submit") and not meta.is_submittable:
        raise exceptions.ValidationError(f"Cannot share <strong>{name}</strong> with submit permission as the "
                                         f"doctype <strong>{meta.name}</strong> is not submittable")
    if not everyone and not share_with:
        raise exceptions.MandatoryError("User is mandatory for Share")
    row = shares.share_row(meta.name, name, share_with, everyone)
    permissions.forget_shares(user)
    if row is None:
        values = {"user": None if everyone else share_with, "share_doctype": meta.name, "share_name": str(name),
                  "everyone": int(everyone), **rights}
        row = strip_nulls(document.insert_doc(shares.DOCTYPE, values, user=user, ignore_permissions=True))
        whom = "everyone" if everyone else full_name(share_with)
        _timeline(meta.name, name, "Shared", f"{full_name(row['owner'])} shared this document with {whom}", user)
        return row
    return _save_rights(row.name, rights, user)


def _save_rights(share_name: str, rights: dict[str, int], user: Any) -> dict[str, Any]:
    """Change the rights of a DocShare row (no role check: the sharer's rights were checked)."""
    share_meta = get_meta(shares.DOCTYPE)
    stored = document.load_doc(share_meta, share_name, for_update=True)
    stored.update(rights, modified=timezone.now(), modified_by=permissions.user_id(user))
    get_backend(share_meta).update(share_meta, stored, tables=())
    return strip_nulls(doc_as_dict(share_meta, stored, nulls=True))


def _delete(share_name: str, user: Any) -> None:
    """Delete a DocShare row whose removal the caller was allowed (no role check, as Frappe's flags)."""
    share_meta = get_meta(shares.DOCTYPE)
    row = document.load_doc(share_meta, share_name)
    get_backend(share_meta).delete(share_meta, share_name)
    _timeline(row["share_doctype"], row["share_name"], "Unshared",
              f"{full_name(row['owner'])} un-shared this document with {full_name(row.get('user'))}", user)


def full_name(uid: Any) -> str:
    """A user's first and last names, or their id (Frappe's ``get_fullname``)."""
    model = get_user_model()
    found = model._default_manager.filter(**{model.USERNAME_FIELD: uid}).first() if uid else None
    names = [getattr(found, "first_name", ""), getattr(found, "last_name", "")] if found is not None else []
    return " ".join(part for part in names if part) or str(uid or "")


def _timeline(doctype: str, name: Any, comment_type: str, text: str, user: Any) -> None:
    """The Shared / Unshared comment Frappe's DocShare adds to the document's timeline."""
    document.insert_doc("Comment", {"comment_type": comment_type, "reference_doctype": doctype,
                                    "reference_name": str(name), "comment_email": permissions.user_id(user),
                                    "content": text}, user=user, ignore_permissions=True)


@whitelist(name="frappe.share.add", methods=WRITE_VERBS)
def add(request: Any, doctype: str, name: Any, user: str | None = None, read: Any = 1, write: Any = 0,
        submit: Any = 0, share: Any = 0, everyone: Any = 0, notify: Any = 0) -> dict[str, Any]:
    """Share a document (``read`` is always granted); returns the DocShare row."""
    rights = {"read": 1, "write": cint(write), "submit": cint(submit), "share": cint(share)}
    share_with = user or permissions.user_id(request.user)
    return add_docshare(doctype, name, user=request.user, share_with=share_with, rights=rights,
                        everyone=bool(cint(everyone)))


@whitelist(name="frappe.share.remove", methods=WRITE_VERBS)
def remove(request: Any, doctype: str, name: Any, user: str) -> None:
    """Stop sharing the document with ``user`` (the sharer needs ``share`` on it, as DocShare's ``on_trash``)."""
    meta = get_meta(doctype)
    row = shares.share_row(meta.name, name, user, everyone=False)
    if row is None:
        return None
    check_share_permission(meta.name, name, request.user)
    permissions.forget_shares(request.user)
    _delete(row.name, request.user)
    return None


@whitelist(name="frappe.share.set_permission", methods=WRITE_VERBS)
def set_permission(request: Any, doctype: str, name: Any, user: str, permission_to: str, value: Any = 1,
                   everyone: Any = 0) -> dict[str, Any] | None:
    """Grant or take back one right; taking back ``read`` takes back all, and a row left without rights is
    deleted (answers ``None`` then)."""
    if permission_to not in shares.SHAREABLE:
        raise exceptions.ValidationError(f"Cannot share {permission_to}")
    meta, value, everyone = get_meta(doctype), cint(value), bool(cint(everyone))
    check_share_permission(meta.name, name, request.user, {permission_to: value} if value else None)
    row = shares.share_row(meta.name, name, user, everyone)
    if row is None:
        if not value:
            return None
        return add_docshare(meta.name, name, user=request.user, share_with=user,
                            rights={"read": 1, permission_to: 1}, everyone=everyone, check=False)
    rights = {permission_to: value}
    if not value and permission_to == "read":
        rights = dict.fromkeys(shares.SHAREABLE, 0)
    saved = _save_rights(row.name, rights, request.user)
    permissions.forget_shares(request.user)
    if not any(cint(saved.get(right)) for right in shares.SHAREABLE):
        _delete(row.name, request.user)
        return None
    return saved


@whitelist(name="frappe.share.get_users")
def get_users(request: Any, doctype: str, name: Any) -> list[dict[str, Any]]:
    """The DocShare rows of a document, ``[]`` when the caller cannot read it (404 when it does not exist)."""
    meta = get_meta(doctype)
    stored = document.load_doc(meta, name)
    if not permissions.has_doc_permission(meta, stored.get("owner"), request.user, "read", doc=stored):
        return []
    return share_rows(meta.name, name)


def share_rows(doctype: str, name: Any, fields: list[str] | None = None) -> list[dict[str, Any]]:
    """The DocShare rows of one document, oldest first."""
    return document.get_all(shares.DOCTYPE, fields=fields or _FIELDS, order_by="creation asc",
                            filters={"share_doctype": doctype, "share_name": str(name)})
