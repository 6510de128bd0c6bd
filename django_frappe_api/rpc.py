"""Calling whitelisted methods: ``/api/method/<name>`` (v1) and ``/api/v2/method/<name>``.

Usage::

    result = rpc.call("frappe.client.get_list", form, request=request)

Only names held by ``method_registry`` are callable; anything else is refused exactly like a
function Frappe finds but that is not whitelisted (403), and nothing is imported. Guests may call
``allow_guest`` methods only, with string arguments HTML-escaped unless the method is ``xss_safe``.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from . import exceptions, permissions
from .registry import MethodRegistry, NotRegistered, WhitelistedMethod, method_registry


def not_whitelisted(name: str) -> exceptions.PermissionError:
    return exceptions.PermissionError(
        "<details><summary>You are not permitted to access this resource.</summary>"
        f"Function <strong>{escape(name)}</strong> is not whitelisted.</details>",
        title="Method Not Allowed",
    )


def resolve(
    name: str, user: Any, http_method: str | None, registry: MethodRegistry | None = None
) -> WhitelistedMethod:
    """The registered method, after the whitelist, guest and HTTP-verb checks (§5.2).

    ``http_method=None`` skips the verb check (the ``run_doc_method`` dispatcher checks its target).
    """
    try:
        entry = (registry or method_registry).get(name)
    except NotRegistered:
        raise not_whitelisted(name) from None
    if not entry.allow_guest and not getattr(user, "is_authenticated", False):
        raise not_whitelisted(name)
    if http_method is not None and http_method.upper() not in entry.methods:
        raise exceptions.PermissionError(detail="Not permitted")
    return entry


def call(
    name: str,
    form: dict[str, Any],
    *,
    request: Any,
    check_verb: bool = True,
    http_method: str | None = None,
    registry: MethodRegistry | None = None,
) -> Any:
    """Run a whitelisted method with the request's parameters as keyword arguments.

    ``http_method`` replaces the request's verb in the check (v2 treats ``QUERY`` as ``GET``); ``registry``
    looks the name up elsewhere than ``method_registry`` (a DocType controller's functions).
    """
    user = getattr(request, "user", None)
    entry = resolve(name, user, (http_method or request.method) if check_verb else None, registry)
    arguments = dict(form)
    if permissions.user_id(user) == permissions.GUEST and not entry.xss_safe:
        arguments = {key: escape(value) if isinstance(value, str) else value for key, value in arguments.items()}
    return entry.func(**entry.bind(arguments, request))
