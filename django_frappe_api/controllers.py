"""Host code on documents: a controller class per DocType with Frappe's hooks and document methods.

Usage::

    from django_frappe_api import DocumentController, register_controller, whitelist_method

    @register_controller("ToDo")
    class ToDo(DocumentController):
        def validate(self):
            if self.priority == "High" and not self.date:
                raise exceptions.ValidationError("High priority ToDos need a date")

        @whitelist_method(methods=["POST"])
        def close(self, reason: str = ""):
            self.status = "Closed"
            return self.save()

        @whitelist_method(methods=["GET"])
        @staticmethod
        def open_count() -> int:          # a DocType-level function: GET /api/v2/method/ToDo/open_count
            return len(document.get_all("ToDo", filters={"status": "Open"}))

Hooks run inside the request's transaction, so an exception raised in one rolls the whole write back
and reaches the client as a Frappe error. Hooks see and may change the document's values
(``self.status``, ``self.doc["status"]``) before they are validated and stored.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

HOOKS = (
    "before_insert", "before_validate", "validate", "before_save", "before_submit", "before_cancel",
    "after_insert", "on_update", "on_submit", "on_cancel", "on_change", "on_trash", "after_delete",
)  # fmt: skip
_WHITELIST_ATTR = "_frappe_api_whitelist"
_GUEST_ATTR = "_frappe_api_allow_guest"


def whitelist_method(func: Callable | None = None, *, methods: Iterable[str] | None = None,
                     allow_guest: bool = False):
    """Make a controller method callable over HTTP.

    On a document method (``self``): v1 ``run_method``, v2 ``/document/<dt>/<name>/method/<m>`` and
    ``run_doc_method``. On a ``@staticmethod`` or ``@classmethod`` (either decorator order): a DocType-level
    function at ``/api/v2/method/<doctype>/<m>``, like a whitelisted function of a Frappe controller module;
    ``allow_guest`` applies to those only (document methods always need a user with rights on the document).
    """
    verbs = tuple(m.upper() for m in methods) if methods else ("GET", "POST", "PUT", "DELETE")

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


class DocumentController:
    """Wraps one document (a dict in stored form) for hooks and document methods."""

    def __init__(self, doctype: str, doc: dict[str, Any], *, user: Any = None) -> None:
        object.__setattr__(self, "doctype", doctype)
        object.__setattr__(self, "doc", doc)
        object.__setattr__(self, "user", user)

    def __getattr__(self, name: str) -> Any:
        doc = object.__getattribute__(self, "doc")
        if name in doc:
            return doc[name]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self).__dict__ or name in ("doctype", "doc", "user"):
            object.__setattr__(self, name, value)
        else:
            self.doc[name] = value

    def get(self, key: str, default: Any = None) -> Any:
        return self.doc.get(key, default)

    def save(self) -> dict[str, Any]:
        """Store the current values (an update through the document layer); returns the saved document."""
        from . import document

        values = {key: value for key, value in self.doc.items() if not key.startswith("_")}
        values.pop("modified", None)
        saved = document.update_doc(self.doctype, self.doc["name"], values, user=self.user)
        self.doc.update(saved)
        return saved


class ControllerRegistry:
    """Controller classes by DocType name."""

    def __init__(self) -> None:
        self._registry: dict[str, type[DocumentController]] = {}

    def register(self, doctype: str, controller: type[DocumentController]) -> None:
        from .registry import AlreadyRegistered

        existing = self._registry.get(doctype)
        if existing is not None and existing is not controller:
            raise AlreadyRegistered(f"DocType {doctype!r} already has the controller {existing!r}")
        self._registry[doctype] = controller

    def unregister(self, doctype: str) -> None:
        self._registry.pop(doctype, None)

    def get(self, doctype: str) -> type[DocumentController] | None:
        return self._registry.get(doctype)

    def run_hook(self, doctype: str, hook: str, doc: dict[str, Any], *, user: Any) -> None:
        """Call ``hook`` on the DocType's controller, if it defines one, and send the matching signal."""
        from . import signals

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

    def function(self, doctype: str, name: str) -> Callable | None:
        """A whitelisted ``@staticmethod``/``@classmethod`` of the DocType's controller, ready to call."""
        controller = self._registry.get(doctype)
        if controller is None or name.startswith("_") or name in HOOKS:
            return None
        raw = inspect.getattr_static(controller, name, None)
        if not isinstance(raw, (staticmethod, classmethod)) or whitelisted_verbs(raw.__func__) is None:
            return None
        return getattr(controller, name)

    def whitelisted(self, doctype: str) -> list[tuple[str, Callable, bool]]:
        """``(name, function, is_static)`` of every whitelisted method of the DocType's controller, by name."""
        controller = self._registry.get(doctype)
        if controller is None:
            return []
        found = []
        for name in sorted(dir(controller)):
            if name.startswith("_") or name in HOOKS:
                continue
            raw = inspect.getattr_static(controller, name, None)
            static = isinstance(raw, (staticmethod, classmethod))
            function = raw.__func__ if static else raw
            if callable(function) and whitelisted_verbs(function) is not None:
                found.append((name, getattr(controller, name), static))
        return found

    def doctypes(self) -> list[str]:
        return sorted(self._registry)

    def snapshot(self) -> dict[str, type[DocumentController]]:
        return dict(self._registry)

    def restore(self, snapshot: dict[str, type[DocumentController]]) -> None:
        self._registry = dict(snapshot)


controller_registry = ControllerRegistry()


def register_controller(doctype: str):
    """Class decorator: use this controller for documents of ``doctype`` (JSON or model-backed)."""

    def decorator(controller: type[DocumentController]) -> type[DocumentController]:
        controller_registry.register(doctype, controller)
        return controller

    return decorator
