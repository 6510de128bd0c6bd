"""Whitelisted methods run on one document: v1 ``run_method``, v2 ``/document/<dt>/<name>/method/<m>``.

Usage::

    result = run("ToDo", "3k9q0v1m2r", "submit", {}, user=request.user, http_method="POST")

GET (read-only) calls need ``read`` on the document, anything else ``write`` (§4.6). Built-in
methods every document has are ``submit`` and ``cancel``; they return the saved document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import document, exceptions, permissions
from .meta import get_meta
from .serialization import strip_nulls

READ_VERBS = frozenset({"GET", "HEAD", "QUERY"})


def _submit(doctype: str, name: Any, kwargs: dict[str, Any], user: Any) -> dict[str, Any]:
    return document.update_doc(doctype, name, {"docstatus": 1}, user=user)


def _cancel(doctype: str, name: Any, kwargs: dict[str, Any], user: Any) -> dict[str, Any]:
    return document.update_doc(doctype, name, {"docstatus": 2}, user=user)


BUILTIN_METHODS: dict[str, Callable[[str, Any, dict[str, Any], Any], Any]] = {
    "submit": _submit,
    "cancel": _cancel,
}


def run(doctype: str, name: Any, method: str, kwargs: dict[str, Any], *, user: Any, http_method: str) -> Any:
    """Check permission on the document, then call the method with the request's arguments."""
    meta = get_meta(doctype)
    doc = document.load_doc(meta, name)
    right = "read" if http_method.upper() in READ_VERBS else "write"
    if not permissions.has_doc_permission(meta, doc.get("owner"), user, right):
        raise exceptions.PermissionError(detail="Not permitted")
    handler = BUILTIN_METHODS.get(method)
    if handler is None:
        raise exceptions.DoesNotExistError(f"Method {method} not found on {meta.name}", doctype=meta.name)
    for key in ("ignore_permissions", "flags", "cmd"):
        kwargs.pop(key, None)
    result = handler(meta.name, doc["name"], kwargs, user)
    if isinstance(result, dict) and result.get("doctype") == meta.name:
        return strip_nulls(result)
    return result
