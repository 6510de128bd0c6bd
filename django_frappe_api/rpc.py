"""Calling whitelisted methods: ``/api/method/<name>`` (v1) and ``/api/v2/method/<name>``.

Usage::

    result = rpc.call("frappe.client.get_list", form, request=request)
    result = rpc.call_method(entry, form, request=request)    # an entry held elsewhere (controller functions)

Only names held by ``method_registry`` are callable and nothing is ever imported: a name the registry
does not hold is answered as Frappe's ``execute_cmd`` answers a method it cannot import (417
"Failed to get method for command ..."), a registered one the caller may not use is 403. Guests may call
``allow_guest`` methods only, with string arguments HTML-escaped unless the method is ``xss_safe``.
"""

from __future__ import annotations

import html
from typing import Any

from django.apps import apps
from django.utils.html import escape

from . import exceptions, permissions
from .registry import MethodRegistry, WhitelistedMethod, method_registry


def not_whitelisted(name: str) -> exceptions.PermissionError:
    return exceptions.PermissionError(
        "<details><summary>You are not permitted to access this resource.</summary>"
        f"Function <strong>{escape(name)}</strong> is not whitelisted.</details>",
        title="Method Not Allowed",
    )


def method_not_found(name: str, registry: MethodRegistry | None = None, *, api_version: str = "v1"):
    """The 417 Frappe answers when it cannot import ``name``, with the error its import would raise.

    v1 (``frappe/handler.py`` ``execute_cmd``) says "for command", v2 (``frappe/api/v2.py``) does not. The
    reason is what ``frappe.get_attr`` would fail with, worked out from the registered names alone.
    """
    text = f"Failed to get method for command {name}" if api_version == "v1" else f"Failed to get method {name}"
    text = f"{text} with {_import_error(name, registry or method_registry, api_version)}"
    # Only `<`, `>` and `&` are escaped (the name comes from the URL): quotes stay, as in Python's error texts.
    return exceptions.ValidationError(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _import_error(name: str, registry: MethodRegistry, api_version: str) -> str:
    if "." not in name and api_version == "v1":
        return f"'{name}'"  # v1 looks an undotted name up in the handler's globals: a KeyError
    parts = name.split(".")
    packages = {".".join(path.split(".")[:depth]) for path in registry.names()
                for depth in range(1, path.count(".") + 1)}
    packages |= {config.name.split(".", 1)[0] for config in apps.get_app_configs()}
    if parts[0] not in packages:
        return f"App {parts[0]} is not installed"
    if len(parts) == 1:
        return "Empty module name"
    module = ".".join(parts[:-1])
    if module in packages:
        return f"module '{module}' has no attribute '{parts[-1]}'"
    missing = next(".".join(parts[:depth]) for depth in range(2, len(parts)) if ".".join(parts[:depth]) not in packages)
    return f"No module named '{missing}'"


def resolve(
    name: str, user: Any, http_method: str | None, registry: MethodRegistry | None = None, *, api_version: str = "v1"
) -> WhitelistedMethod:
    """The registered method, after the whitelist, guest and HTTP-verb checks (§5.2).

    ``http_method=None`` skips the verb check (the ``run_doc_method`` dispatcher checks its target).
    """
    try:
        entry = (registry or method_registry).get(name)
    except exceptions.NotRegistered:
        raise method_not_found(name, registry, api_version=api_version) from None
    check_access(entry, user, http_method, name=name)
    return entry


def check_access(entry: WhitelistedMethod, user: Any, http_method: str | None, *, name: str = "") -> None:
    """Refuse guests a method that does not allow them, and verbs the method does not take.

    ``name`` is how the caller named the method (an alias, maybe): the refusal repeats it.
    """
    if not entry.allow_guest and not getattr(user, "is_authenticated", False):
        raise not_whitelisted(name or entry.name)
    if http_method is not None and http_method.upper() not in entry.methods:
        raise exceptions.PermissionError(detail="Not permitted")


def call(
    name: str,
    form: dict[str, Any],
    *,
    request: Any,
    check_verb: bool = True,
    http_method: str | None = None,
    registry: MethodRegistry | None = None,
    api_version: str = "v1",
) -> Any:
    """Run a whitelisted method with the request's parameters as keyword arguments.

    ``http_method`` replaces the request's verb in the check (v2 treats ``QUERY`` as ``GET``); ``registry``
    looks the name up elsewhere than ``method_registry``.
    """
    verb = (http_method or request.method) if check_verb else None
    entry = resolve(name, getattr(request, "user", None), verb, registry, api_version=api_version)
    return _invoke(entry, form, request)


def call_method(
    entry: WhitelistedMethod, form: dict[str, Any], *, request: Any, http_method: str | None = None
) -> Any:
    """Run one entry that no registry holds (a DocType controller's function, inspected at registration)."""
    check_access(entry, getattr(request, "user", None), http_method or request.method)
    return _invoke(entry, form, request)


def _invoke(entry: WhitelistedMethod, form: dict[str, Any], request: Any) -> Any:
    user = getattr(request, "user", None)
    arguments = dict(form)
    if permissions.user_id(user) == permissions.GUEST and not entry.xss_safe:
        # The stdlib escape gives plain `str` (Django's gives SafeString, whose type name would reach messages).
        arguments = {key: html.escape(value) if isinstance(value, str) else value for key, value in arguments.items()}
    return entry.func(**entry.bind(arguments, request))
