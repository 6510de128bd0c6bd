"""Who may download a File: Frappe's ``has_permission`` of the File DocType (``frappe/core/doctype/file/file.py``).

Usage::

    file_doc = file_access.find_downloadable("/private/files/x.pdf", request.user)   # None: refuse (403)

A public file is readable by everyone. A private one is readable by System Managers, by its owner,
and by whoever may read the document it is attached to (write for write/delete); Guests never read
private files (Frappe dev26's ``download_private_file``). One URL can belong to several File records
(the same content attached twice): any one that lets the user in is enough, as in Frappe.
"""

from __future__ import annotations

from typing import Any

from . import document, exceptions, fieldtypes, permissions

_FIELDS = ["name", "owner", "file_url", "is_private", "attached_to_doctype", "attached_to_name"]


def has_file_permission(file_doc: dict[str, Any], user: Any, right: str = "read") -> bool:
    """Whether ``user`` holds ``right`` on one File record (a dict with at least the ``_FIELDS``)."""
    uid = permissions.user_id(user)
    if not fieldtypes.cint(file_doc.get("is_private")) and right == "read":
        return True
    if uid == permissions.GUEST:
        return False
    if permissions.SYSTEM_MANAGER in permissions.get_roles(user):
        return True
    if (file_doc.get("owner") or "").lower() == uid.lower():
        return True
    doctype, name = file_doc.get("attached_to_doctype"), file_doc.get("attached_to_name")
    if not (doctype and name):
        return False
    needed = "write" if right in ("write", "create", "delete") else "read"
    try:
        return document.has_permission(doctype, name, needed, user=user)
    except exceptions.DoesNotExistError:  # the document (or its DocType) is gone
        return False


def files_with_url(file_url: str) -> list[dict[str, Any]]:
    """Every File record pointing at ``file_url``, without permission checks."""
    return list(document.get_all("File", fields=_FIELDS, filters={"file_url": file_url}, order_by="creation asc"))


def find_downloadable(file_url: str, user: Any) -> dict[str, Any] | None:
    """The first File record of ``file_url`` that ``user`` may read, or ``None``."""
    for file_doc in files_with_url(file_url):
        if has_file_permission(file_doc, user):
            return file_doc
    return None
