"""Whitelisted methods run on one document: v1 ``run_method``, v2 ``/document/<dt>/<name>/method/<m>``.

Usage::

    result = run("ToDo", "3k9q0v1m2r", "submit", {}, user=request.user, http_method="POST")

GET (read-only) calls need ``read`` on the document, anything else ``write`` (§4.6). The built-in
methods every document has (§9.14) are ``submit``, ``cancel``, ``rename`` and ``add_comment``;
a method that returns a document returns it without null fields. The other methods of Frappe's
``Document`` (``save``, ``delete``, ``db_set``, ...) exist but are not whitelisted: 403, not 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import document, exceptions, fieldtypes, permissions
from .backends.base import get_backend
from .controllers import DocumentController
from .hooks import controller_registry, whitelisted_verbs
from .meta import get_meta
from .rpc import not_whitelisted
from .serialization import strip_nulls
from .signature import Signature

READ_VERBS = frozenset({"GET", "HEAD", "QUERY"})

# Methods every Frappe document has but that are not whitelisted, by the module Frappe names in its 403
# ("Function frappe.model.document.delete is not whitelisted"); any other unknown name is 404.
FRAPPE_DOCUMENT_METHODS = dict.fromkeys(
    (
        "add_seen", "add_tag", "add_viewed", "apply_fieldlevel_read_permissions", "check_if_latest",
        "check_no_back_links_exist", "check_permission", "clear_cache", "copy_attachments_from_amended_from",
        "db_get", "db_set", "deferred_insert", "delete", "get_all_children", "get_assigned_users",
        "get_doc_before_save", "get_document_share_key", "get_latest", "get_liked_by", "get_onload",
        "get_permissions", "get_signature", "get_tags", "get_title", "get_url", "has_permission",
        "has_value_changed", "hook", "insert", "is_whitelisted", "load_doc_before_save", "load_from_db",
        "lock", "notify_update", "queue_action", "raise_no_permission_to", "reload", "reset_seen",
        "run_before_save_methods", "run_method", "run_notifications", "run_post_save_methods", "run_trigger",
        "save", "save_version", "set_new_name", "set_onload", "set_user_and_timestamp", "unlock",
        "update_children", "update_single", "validate_value", "whitelist",
    ),
    "frappe.model.document",
) | dict.fromkeys(
    (
        "append", "as_dict", "as_json", "cast", "db_insert", "db_update", "delete_key", "extend", "get",
        "get_db_value", "get_formatted", "get_invalid_links", "get_password", "get_valid_dict", "get_value",
        "getone", "is_new", "precision", "remove", "set", "update", "update_if_missing",
    ),
    "frappe.model.base_document",
)  # fmt: skip


def _submit(doctype: str, name: Any, kwargs: dict[str, Any], user: Any) -> dict[str, Any]:
    return document.update_doc(doctype, name, {"docstatus": 1}, user=user)


def _cancel(doctype: str, name: Any, kwargs: dict[str, Any], user: Any) -> dict[str, Any]:
    return document.update_doc(doctype, name, {"docstatus": 2}, user=user)


def _rename(doctype: str, name: Any, kwargs: dict[str, Any], user: Any) -> None:
    # Frappe's Document.rename(name, merge=False, force=False, validate_rename=True) returns nothing.
    merge = fieldtypes.sbool(kwargs.get("merge", False))
    document.rename_doc(doctype, name, kwargs.get("name"), merge=bool(merge), user=user)


def _add_comment(doctype: str, name: Any, kwargs: dict[str, Any], user: Any) -> dict[str, Any]:
    # run() has checked read (GET) or write (POST) on the document; the Comment itself is inserted
    # without further checks, as Frappe's Document.add_comment does (ignore_permissions=True).
    comment_type = kwargs.get("comment_type") or "Comment"
    values = {
        "comment_type": comment_type,
        "comment_email": kwargs.get("comment_email") or permissions.user_id(user),
        "comment_by": kwargs.get("comment_by"),
        "reference_doctype": doctype,
        "reference_name": name,
        "content": kwargs.get("text") or comment_type,
    }
    return document.insert_doc("Comment", values, user=user, ignore_permissions=True)


BUILTIN_METHODS: dict[str, Callable[[str, Any, dict[str, Any], Any], Any]] = {
    "submit": _submit,
    "cancel": _cancel,
    "rename": _rename,
    "add_comment": _add_comment,
}


def run(doctype: str, name: Any, method: str, kwargs: dict[str, Any], *, user: Any, http_method: str) -> Any:
    """Check permission on the document, then call the method with the request's arguments."""
    return run_with_doc(doctype, name, method, kwargs, user=user, http_method=http_method)[0]


def run_with_doc(
    doctype: str, name: Any, method: str, kwargs: dict[str, Any], *, user: Any, http_method: str
) -> tuple[Any, dict[str, Any] | None]:
    """``run`` that also returns the document after the call (stored form; ``None`` once it is gone).

    A controller method must be whitelisted (403 otherwise) and allow the HTTP verb (403 "Not permitted"),
    checked before the document's rights as Frappe's ``execute_doc_method`` does.
    """
    meta = get_meta(doctype)
    function = None if method in BUILTIN_METHODS else _controller_method(meta.name, method, http_method)
    doc = document.load_doc(meta, name)
    right = "read" if http_method.upper() in READ_VERBS else "write"
    if not permissions.has_doc_permission(meta, doc.get("owner"), user, right, doc=doc):
        raise exceptions.PermissionError(detail="Not permitted")
    return _call(meta, doc, method, function, kwargs, user=user)


def run_on_document(
    values: dict[str, Any], method: str, kwargs: dict[str, Any], *, user: Any, http_method: str
) -> tuple[Any, dict[str, Any] | None]:
    """v2 ``run_doc_method``: the method runs on the document the client sent, saved or not (§6.10).

    A stored document must be sent with its current ``modified``; the client's values are what the
    method sees. Built-in methods act on the stored document.
    """
    meta = get_meta(values.get("doctype"))
    function = None if method in BUILTIN_METHODS else _controller_method(meta.name, method, http_method)
    name = values.get("name")
    stored = get_backend(meta).get_doc(meta, name) if name not in (None, "") else None
    if stored is not None:
        document.check_if_latest(meta.name, name, values.get("modified"))
    doc = document.doc_from_values(meta.name, values, stored=stored, user=user)
    right = "read" if http_method.upper() in READ_VERBS else "write"
    owner = stored.get("owner") if stored is not None else (doc.get("owner") or permissions.user_id(user))
    if not permissions.has_doc_permission(meta, owner, user, right, doc=stored if stored is not None else doc):
        raise exceptions.PermissionError(detail="Not permitted")
    if function is None and stored is None:
        raise exceptions.DoesNotExistError(f"{meta.name} {name} not found", doctype=meta.name)
    return _call(meta, doc, method, function, kwargs, user=user)


def _controller_method(doctype: str, method: str, http_method: str) -> Callable:
    function = controller_registry.method(doctype, method)
    verbs = None if function is None else whitelisted_verbs(getattr(function, "__func__", function))
    if verbs is None and method in FRAPPE_DOCUMENT_METHODS and (
        function is None or getattr(DocumentController, method, None) is not None
    ):
        raise not_whitelisted(f"{FRAPPE_DOCUMENT_METHODS[method]}.{method}")
    if function is None:
        raise exceptions.DoesNotExistError(f"Method {method} not found on {doctype}", doctype=doctype)
    if verbs is None:
        raise not_whitelisted(f"{function.__module__}.{function.__name__}")
    if http_method.upper() not in verbs:
        raise exceptions.PermissionError(detail="Not permitted")
    return function


def _call(
    meta: Any, doc: dict[str, Any], method: str, function: Callable | None, kwargs: dict[str, Any], *, user: Any
) -> tuple[Any, dict[str, Any] | None]:
    for key in ("ignore_permissions", "flags", "cmd"):
        kwargs.pop(key, None)
    if function is None:
        result = BUILTIN_METHODS[method](meta.name, doc["name"], kwargs, user)
        after = get_backend(meta).get_doc(meta, name_after(method, doc["name"], kwargs))
    else:
        instance = controller_registry.get(meta.name)(meta.name, doc, user=user)
        bound = getattr(instance, method)
        result = bound(**Signature.of(bound).bind(kwargs, name=method))  # unknown arguments dropped
        after = instance.doc
    if isinstance(result, dict) and "doctype" in result and "name" in result:
        return strip_nulls(result), after  # a document object: Frappe serialises it without nulls
    return result, after


def name_after(method: str, name: Any, kwargs: dict[str, Any]) -> Any:
    """The document's name once ``method`` has run: ``rename`` gives it the requested one."""
    if method == "rename" and isinstance(kwargs.get("name"), str) and kwargs["name"].strip():
        return kwargs["name"].strip()
    return name
