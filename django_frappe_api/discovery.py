"""API self-description of v2 (§6.13): ``/api/v2/discovery`` and its method and DocType pages.

Usage::

    GET /api/v2/discovery/method/frappe.client.get_list      (System Manager only)
    -> {"data": {"type": "method", "kind": "rpc", "path": "frappe.client.get_list", "params": [...], ...}}

Built on every request from ``method_registry`` (``kind: "rpc"``) and ``controller_registry``: whitelisted
document methods (``kind: "doctype"``) and DocType-level functions (``kind: "doctype_function"``, called at
``/api/v2/method/<doctype>/<function>``). Nothing is imported or cached, so there is no cold cache and no
503. Keys whose value would be null are left out.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from . import exceptions, permissions
from .hooks import allows_guest, controller_registry, whitelisted_verbs
from .meta import get_meta
from .registry import MethodRegistry, WhitelistedMethod, method_registry

SEARCH_LIMIT = 50
DOCUMENT_VERBS = {"GET": "read", "POST": "write", "QUERY": "read"}  # the verbs the document method route takes
LINKS = {
    "self": "/api/v2/discovery",
    "search": "/api/v2/discovery/search?q={query}",
    "methods": "/api/v2/discovery/method",
    "method": "/api/v2/discovery/method/{method}",
    "doctype_methods": "/api/v2/discovery/doctype/{doctype}",
    "doctype_method": "/api/v2/discovery/doctype/{doctype}/method/{method}",
}


def check_access(user: Any) -> None:
    """Discovery is for System Managers only (Frappe's latest snapshot)."""
    if permissions.SYSTEM_MANAGER not in permissions.get_roles(user):
        raise exceptions.PermissionError()


def root() -> dict[str, Any]:
    rpc = method_registry.entries()
    doctype_methods = sum(len(controller_registry.whitelisted(dt)) for dt in controller_registry.doctypes())
    return {"type": "discovery", "resources": {"methods": len(rpc), "doctype_methods": doctype_methods},
            "links": dict(LINKS)}


def method_index() -> dict[str, Any]:
    return {"type": "method_index", "methods": _summaries()}


def doctype_index(doctype: str) -> dict[str, Any]:
    meta = get_meta(doctype)
    return {"type": "method_index", "doctype": meta.name, "methods": _doctype_summaries(meta.name)}


def search(query: str | None) -> dict[str, Any]:
    """Summaries whose text (kind, path, DocType, method, docstring) contains every word of ``query``."""
    words = (query or "").lower().split()
    results = []
    for summary, haystack in _search_entries():
        if all(word in haystack for word in words):
            results.append(summary)
        if len(results) == SEARCH_LIMIT:
            break
    return {"query": query or "", "results": results}


def method(path: str) -> dict[str, Any]:
    try:
        entry = method_registry.get(path)
    except Exception:
        raise exceptions.DoesNotExistError(f"Method {path} is not available for discovery") from None
    return _without_none({
        "type": "method", "kind": "rpc", "path": path, "name": entry.func.__name__,
        "http_methods": list(entry.methods), "allow_guest": entry.allow_guest, "params": _params(entry),
        "endpoint": f"/api/v2/method/{path}", "docstring": entry.docstring or None,
    })


def doctype_method(doctype: str, name: str) -> dict[str, Any]:
    meta = get_meta(doctype)
    for found, function, static in controller_registry.whitelisted(meta.name):
        if found == name:
            return _doctype_document(meta.name, name, function, static)
    raise exceptions.DoesNotExistError(f"Method {name} is not available for discovery")


# -- building blocks -------------------------------------------------------------------------------


def _summaries() -> list[dict[str, Any]]:
    items = [_rpc_summary(entry) for entry in method_registry.entries()]
    for doctype in controller_registry.doctypes():
        items.extend(_doctype_summaries(doctype))
    return items


def _rpc_summary(entry: WhitelistedMethod) -> dict[str, Any]:
    return _without_none({"kind": "rpc", "path": entry.name, "allow_guest": entry.allow_guest,
                          "description": _first_line(entry.func)})


def _doctype_summaries(doctype: str) -> list[dict[str, Any]]:
    return [
        _without_none({"kind": "doctype_function" if static else "doctype", "doctype": doctype, "method": name,
                       "description": _first_line(function)})
        for name, function, static in controller_registry.whitelisted(doctype)
    ]


def _doctype_document(doctype: str, name: str, function: Callable, static: bool) -> dict[str, Any]:
    controller = controller_registry.get(doctype)
    verbs = list(whitelisted_verbs(getattr(function, "__func__", function)) or ())
    entry = _entry(function, name)
    common = {"type": "method", "doctype": doctype, "method": name,
              "defined_in": f"{controller.__module__}.{controller.__qualname__}"}
    if static:
        return _without_none({
            **common, "kind": "doctype_function", "endpoint": f"/api/v2/method/{doctype}/{name}",
            "http_methods": verbs, "allow_guest": allows_guest(getattr(function, "__func__", function)),
            "params": _params(entry), "docstring": entry.docstring or None,
        })
    routed = [verb for verb in verbs if verb in DOCUMENT_VERBS]
    return _without_none({
        **common, "kind": "doctype", "endpoint": f"/api/v2/document/{doctype}/{{name}}/method/{name}",
        "http_methods": routed, "permission": {verb: DOCUMENT_VERBS[verb] for verb in routed},
        "params": _params(entry, skip_first=True), "docstring": entry.docstring or None,
    })


def _entry(function: Callable, name: str) -> WhitelistedMethod:
    return MethodRegistry().register(function, name=name)  # a throwaway registry inspects the signature


def _params(entry: WhitelistedMethod, *, skip_first: bool = False) -> list[dict[str, Any]]:
    parameters = list(entry.parameters)
    if skip_first and parameters and parameters[0].name in ("self", "cls"):
        parameters = parameters[1:]
    return [
        _without_none({
            "name": parameter.name, "required": parameter.required,
            "type": _annotation(parameter.annotation),
            "default": None if parameter.required else _jsonable(parameter.default),
        })
        for parameter in parameters
    ]


def _annotation(annotation: Any) -> str | None:
    if annotation is inspect.Parameter.empty:
        return None
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, list, tuple, dict)):
        return value
    return repr(value)


def _first_line(function: Callable) -> str | None:
    docstring = inspect.getdoc(function)
    return docstring.splitlines()[0] if docstring else None


def _search_entries() -> list[tuple[dict[str, Any], str]]:
    entries = []
    for summary in _summaries():
        if summary["kind"] == "rpc":
            docstring = method_registry.get(summary["path"]).docstring
        else:
            functions = {name: function for name, function, _ in controller_registry.whitelisted(summary["doctype"])}
            docstring = inspect.getdoc(functions[summary["method"]]) or ""
        text = " ".join(str(summary.get(key) or "") for key in ("kind", "path", "doctype", "method", "description"))
        entries.append(({"type": "method", **summary}, f"{text} {docstring}".lower()))
    return entries


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}
