"""Controller classes per DocType: Frappe's hooks, whitelisted document methods and DocType-level functions.

Usage::

    from django_frappe_api import DocumentController, register_controller, whitelist_method

    @register_controller("ToDo")
    class ToDo(DocumentController):
        def validate(self): ...

        @whitelist_method(methods=["POST"])
        def close(self, reason: str = ""): ...

This module sits below the document layer: ``document`` calls ``controller_registry.run_hook`` and never
imports ``controllers`` (whose ``DocumentController.save()`` calls the document layer, above it). A
controller class is therefore only ever held here, never imported.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from . import signals
from .exceptions import AlreadyRegistered
from .registry import DEFAULT_METHODS, WhitelistedMethod

HOOKS = (
    "before_insert", "before_validate", "validate", "before_save", "before_submit", "before_cancel",
    "after_insert", "on_update", "on_submit", "on_cancel", "on_change", "on_trash", "after_delete",
)  # fmt: skip
_WHITELIST_ATTR = "_frappe_api_whitelist"
_GUEST_ATTR = "_frappe_api_allow_guest"

# A ``controllers.DocumentController`` subclass (that module is above this one, so it is not imported).
Controller = type


def whitelist_method(func: Callable | None = None, *, methods: Iterable[str] | None = None,
                     allow_guest: bool = False):
    """Make a controller method callable over HTTP.

    On a document method (``self``): v1 ``run_method``, v2 ``/document/<dt>/<name>/method/<m>`` and
    ``run_doc_method``. On a ``@staticmethod`` or ``@classmethod`` (either decorator order): a DocType-level
    function at ``/api/v2/method/<doctype>/<m>``, like a whitelisted function of a Frappe controller module;
    ``allow_guest`` applies to those only (document methods always need a user with rights on the document).
    """
    verbs = tuple(m.upper() for m in methods) if methods else DEFAULT_METHODS

    def mark(target: Callable) -> Callable:
        function = target.__func__ if isinstance(target, (staticmethod, classmethod)) else target
        setattr(function, _WHITELIST_ATTR, verbs)
        setattr(function, _GUEST_ATTR, bool(allow_guest))
        return target

    return mark(func) if func is not None else mark


def whitelisted_verbs(method: Callable) -> tuple[str, ...] | None:
    """HTTP verbs a controller method allows, or ``None`` when it is not whitelisted."""
    return getattr(method, _WHITELIST_ATTR, None)


def allows_guest(method: Callable) -> bool:
    return bool(getattr(method, _GUEST_ATTR, False))


class ControllerRegistry:
    """Controller classes by DocType name, with the entries of their DocType-level functions."""

    def __init__(self) -> None:
        self._registry: dict[str, Controller] = {}
        self._functions: dict[str, dict[str, WhitelistedMethod]] = {}

    def register(self, doctype: str, controller: Controller) -> None:
        existing = self._registry.get(doctype)
        if existing is not None and existing is not controller:
            raise AlreadyRegistered(f"DocType {doctype!r} already has the controller {existing!r}")
        self._registry[doctype] = controller
        self._functions[doctype] = _function_entries(controller)

    def unregister(self, doctype: str) -> None:
        self._registry.pop(doctype, None)
        self._functions.pop(doctype, None)

    def get(self, doctype: str) -> Controller | None:
        return self._registry.get(doctype)

    def run_hook(self, doctype: str, hook: str, doc: dict[str, Any], *, user: Any) -> None:
        """Call ``hook`` on the DocType's controller, if it defines one, and send the matching signal."""
        controller = self._registry.get(doctype)
        if controller is not None and callable(getattr(controller, hook, None)):
            getattr(controller(doctype, doc, user=user), hook)()
        signal = signals.DOC_EVENTS.get(hook)
        if signal is not None:
            signal.send(sender=doctype, doc=doc, user=user)

    def method(self, doctype: str, name: str) -> Callable | None:
        """The controller attribute ``name`` (whitelisted or not), ``None`` for hooks and private names."""
        controller = self._registry.get(doctype)
        if controller is None or name.startswith("_") or name in HOOKS:
            return None
        return getattr(controller, name, None)

    def function(self, doctype: str, name: str) -> WhitelistedMethod | None:
        """A whitelisted ``@staticmethod``/``@classmethod`` of the DocType's controller, ready for ``rpc``."""
        return self._functions.get(doctype, {}).get(name)

    def whitelisted(self, doctype: str) -> list[tuple[str, Callable, bool]]:
        """``(name, function, is_static)`` of every whitelisted method of the DocType's controller, by name."""
        controller = self._registry.get(doctype)
        return [] if controller is None else [(name, getattr(controller, name), static)
                                              for name, static in _whitelisted_names(controller)]

    def doctypes(self) -> list[str]:
        return sorted(self._registry)

    def snapshot(self) -> dict[str, Controller]:
        return dict(self._registry)

    def restore(self, snapshot: dict[str, Controller]) -> None:
        self._registry = dict(snapshot)
        self._functions = {doctype: _function_entries(controller) for doctype, controller in snapshot.items()}


def _whitelisted_names(controller: Controller) -> list[tuple[str, bool]]:
    """``(name, is_static)`` of the controller's whitelisted methods, hooks and private names left out."""
    found = []
    for name in sorted(dir(controller)):
        if name.startswith("_") or name in HOOKS:
            continue
        raw = inspect.getattr_static(controller, name, None)
        static = isinstance(raw, (staticmethod, classmethod))
        function = raw.__func__ if static else raw
        if callable(function) and whitelisted_verbs(function) is not None:
            found.append((name, static))
    return found


def _function_entries(controller: Controller) -> dict[str, WhitelistedMethod]:
    """The DocType-level functions, inspected once, named by dotted path as Frappe names them in messages."""
    entries = {}
    for name, static in _whitelisted_names(controller):
        if not static:
            continue
        target = inspect.getattr_static(controller, name).__func__
        entries[name] = WhitelistedMethod.of(
            getattr(controller, name), name=f"{target.__module__}.{target.__qualname__}",
            methods=whitelisted_verbs(target), allow_guest=allows_guest(target),
        )
    return entries


controller_registry = ControllerRegistry()


def register_controller(doctype: str):
    """Class decorator: use this controller for documents of ``doctype`` (JSON or model-backed)."""

    def decorator(controller: Controller) -> Controller:
        controller_registry.register(doctype, controller)
        return controller

    return decorator
