"""The host models exposed as DocTypes, and ``register_model``, the public way to add one.

Usage::

    from django_frappe_api import register_model
    register_model(Customer, doctype="Customer", title_field="customer_name")

Registrations are keyed by DocType name and by ``app_label.model_name``; registering either twice is an
error (django-reversion's ``register``). The registry builds each model's ``Meta`` and backend once and
hands itself to both as their ``ModelLookup``; ``get_backend`` and ``get_meta`` reach it through the
lookups that ``AppConfig.ready()`` fills, so nothing below imports this module.
"""

from __future__ import annotations

from typing import Any

from ...exceptions import AlreadyRegistered, NotRegistered
from ...hooks import controller_registry
from ...meta import Meta
from .backend import OrmBackend
from .fields import build_meta
from .options import ModelOptions, options_from_class


class ModelRegistry:
    """Host models exposed as DocTypes, keyed by DocType name and by ``app_label.model_name``."""

    def __init__(self) -> None:
        self._registry: dict[str, ModelOptions] = {}
        self._by_model: dict[str, str] = {}
        self._metas: dict[str, Meta] = {}
        self._backends: dict[str, OrmBackend] = {}

    def register(self, model: type, *, doctype: str | None = None, options: type | None = None,
                 **overrides: Any) -> ModelOptions:
        """Expose ``model`` as ``doctype`` (default: its verbose name, title-cased); returns the options.

        ``options`` is a plain class whose attributes are ``ModelOptions`` names (``doctype``,
        ``fields``, ``title_field``, ``controller``, ...); keyword arguments override them.
        """
        values = {**options_from_class(options), **overrides} if options is not None else dict(overrides)
        if doctype is not None:
            values["doctype"] = doctype
        name = values.pop("doctype", None) or str(model._meta.verbose_name).title()
        label = model._meta.label_lower
        if name in self._registry:
            raise AlreadyRegistered(f"DocType {name!r} is already registered for {self._registry[name].model!r}")
        if label in self._by_model:
            raise AlreadyRegistered(f"Model {label} is already registered as DocType {self._by_model[label]!r}")
        for key in ("fields", "exclude", "read_only_fields", "search_fields"):
            if isinstance(values.get(key), str):
                values[key] = [part.strip() for part in values[key].split(",") if part.strip()]
        for key in ("fields", "exclude", "read_only_fields", "search_fields", "permissions"):
            if key in values and values[key] is not None:
                values[key] = tuple(values[key])
        entry = ModelOptions(model=model, doctype=name, **values)
        if entry.controller is not None:
            controller_registry.register(name, entry.controller)
        self._registry[name] = entry
        self._by_model[label] = name
        self._metas.clear()
        self._backends.pop(name, None)
        return entry

    def unregister(self, doctype: str) -> None:
        entry = self._registry.pop(doctype, None)
        if entry is None:
            raise NotRegistered(f"No model is registered as DocType {doctype!r}")
        self._by_model.pop(entry.model._meta.label_lower, None)
        self._forget_controller(entry)
        self._metas.clear()
        self._backends.pop(doctype, None)

    def _forget_controller(self, entry: ModelOptions) -> None:
        if entry.controller is not None and controller_registry.get(entry.doctype) is entry.controller:
            controller_registry.unregister(entry.doctype)

    def is_registered(self, doctype: str) -> bool:
        return doctype in self._registry

    def get(self, doctype: str) -> ModelOptions:
        try:
            return self._registry[doctype]
        except KeyError:
            raise NotRegistered(f"No model is registered as DocType {doctype!r}") from None

    def options_for_model(self, model: type) -> ModelOptions | None:
        name = self._by_model.get(model._meta.label_lower)
        return self._registry.get(name) if name else None

    def doctype_for_model(self, model: type) -> str | None:
        return self._by_model.get(model._meta.label_lower)

    def entries(self) -> list[ModelOptions]:
        return [self._registry[name] for name in sorted(self._registry)]

    def build_meta(self, doctype: str) -> Meta | None:
        """Meta builder plugged into ``meta.get_meta``: ``None`` for names this registry does not own."""
        entry = self._registry.get(doctype)
        if entry is None:
            return None
        meta = self._metas.get(doctype)
        if meta is None:
            meta = build_meta(entry, self)
            if entry.backend_class is not None:
                meta = entry.backend_class.extend_meta(entry, meta)
            self._metas[doctype] = meta
        return meta

    def backend_for(self, doctype: str) -> OrmBackend:
        backend = self._backends.get(doctype)
        if backend is None:
            entry = self.get(doctype)
            backend = self._backends[doctype] = (entry.backend_class or OrmBackend)(entry, self)
        return backend

    def snapshot(self) -> tuple[dict[str, ModelOptions], dict[str, str]]:
        return dict(self._registry), dict(self._by_model)

    def restore(self, snapshot: tuple[dict[str, ModelOptions], dict[str, str]]) -> None:
        for name, entry in self._registry.items():
            if snapshot[0].get(name) is not entry:
                self._forget_controller(entry)
        for entry in snapshot[0].values():
            if entry.controller is not None and controller_registry.get(entry.doctype) is None:
                controller_registry.register(entry.doctype, entry.controller)
        self._registry, self._by_model = dict(snapshot[0]), dict(snapshot[1])
        self._metas.clear()
        self._backends.clear()


model_registry = ModelRegistry()


def register_model(model: type | None = None, *, doctype: str | None = None, options: type | None = None,
                   **overrides: Any):
    """Expose a Django model as a DocType, as a call or a class decorator (``@register_model(...)``).

    Settings come as keyword arguments, or as the attributes of an ``options`` class (keyword
    arguments win); a ``controller`` class gets Frappe's hooks and whitelisted document methods.
    """

    def decorator(target: type) -> type:
        model_registry.register(target, doctype=doctype, options=options, **overrides)
        return target

    return decorator(model) if model is not None else decorator
