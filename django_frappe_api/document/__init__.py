"""The document layer: list, count, read, insert, update and delete with Frappe's rules.

Every caller -- v1 and v2 views, RPC methods, the admin -- goes through these functions, so
permissions, defaults, validation and naming apply the same way everywhere::

    from django_frappe_api import document
    doc = document.insert_doc("ToDo", {"description": "Call Bob"}, user=request.user)
    rows = document.get_list("ToDo", user=request.user, filters={"status": "Open"})

One noun a module, lowest first: ``values`` (defaults, payload merging), ``validation``, ``links``
(link integrity), ``versions``, ``docstatus``, ``read``, ``lifecycle`` (insert, update, delete),
``expansion``, ``operations`` (the RPC methods' whole-document calls), ``rename``.
"""

from __future__ import annotations

from .expansion import expand_doc_links, expand_list_links
from .lifecycle import delete_doc, insert_doc, update_doc
from .operations import (
    check_if_latest,
    check_permission,
    copy_doc,
    delete_child,
    get_doc_permissions,
    has_permission,
    insert_child,
    save_doc,
    set_value,
)
from .read import get_all, get_count, get_doc, get_list, get_list_and_count, get_list_page, load_doc
from .rename import rename_doc
from .validation import validate_doc
from .values import doc_from_values, new_doc
from .versions import version_diff

__all__ = [
    "check_if_latest", "check_permission", "copy_doc", "delete_child", "delete_doc", "doc_from_values",
    "expand_doc_links", "expand_list_links", "get_all", "get_count", "get_doc", "get_doc_permissions",
    "get_list", "get_list_and_count", "get_list_page", "has_permission", "insert_child", "insert_doc", "load_doc",
    "new_doc", "rename_doc", "save_doc", "set_value", "update_doc", "validate_doc", "version_diff",
]  # fmt: skip
