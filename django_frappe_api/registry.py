"""Registries the host project fills: whitelisted callables (``/api/method/...``).

Usage::

    from django_frappe_api import whitelist

    @whitelist(allow_guest=True, methods=["GET"])
    def ping() -> str:
        return "pong"

The decorator registers and returns the function unchanged. ``/api/method/<name>`` is a dictionary
lookup in ``method_registry``: a name that is not registered is refused without importing anything.
The signature is inspected once, at registration, so requests only filter and coerce arguments.
"""

from __future__ import annotations

import inspect
import math
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import exceptions

DEFAULT_METHODS = ("GET", "POST", "PUT", "DELETE")
# Never accepted from a request, whatever the function's signature (§2.5).
_FORBIDDEN_KWARGS = frozenset({"ignore_permissions", "flags"})


class AlreadyRegistered(Exception):
    """A callable is already registered under this name."""


class NotRegistered(Exception):
    """No callable is registered under this name."""


@dataclass(frozen=True)
class Parameter:
    name: str
    required: bool
    annotation: Any = inspect.Parameter.empty
    default: Any = None


@dataclass(frozen=True)
class WhitelistedMethod:
    """A registered callable with its Frappe options and its inspected signature."""

    name: str
    func: Callable[..., Any]
    allow_guest: bool = False
    xss_safe: bool = False
    methods: tuple[str, ...] = DEFAULT_METHODS
    parameters: tuple[Parameter, ...] = ()
    accepts_kwargs: bool = False
    wants_request: bool = False
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def docstring(self) -> str:
        return inspect.getdoc(self.func) or ""

    def bind(self, form: dict[str, Any], request: Any = None) -> dict[str, Any]:
        """Keyword arguments for a call: unknown keys dropped unless the function takes ``**kwargs``."""
        arguments = {key: value for key, value in form.items() if key not in _FORBIDDEN_KWARGS}
        if not self.accepts_kwargs:
            names = {parameter.name for parameter in self.parameters}
            arguments = {key: value for key, value in arguments.items() if key in names}
        arguments.pop("request", None)
        for parameter in self.parameters:
            if parameter.name in arguments:
                arguments[parameter.name] = _coerce_argument(parameter, arguments[parameter.name])
        missing = [p.name for p in self.parameters if p.required and p.name not in arguments]
        if missing:
            raise exceptions.FrappeTypeError(
                f"{self.name}() missing required argument{'s' if len(missing) > 1 else ''}: "
                + ", ".join(f"'{name}'" for name in missing)
            )
        if self.wants_request:
            arguments["request"] = request
        return arguments


def _coerce_argument(parameter: Parameter, value: Any) -> Any:
    """Lax coercion for annotated parameters (Frappe v15 typed whitelisted functions, §2.3)."""
    annotation = parameter.annotation
    if annotation is inspect.Parameter.empty or value is None:
        return value
    options = _annotation_options(annotation)
    if options is None or any(isinstance(value, option) and not (option is int and isinstance(value, bool))
                              for option in options):
        return value
    for option in options:
        converted = _convert(option, value)
        if converted is not _FAILED:
            return converted
    names = " | ".join(getattr(o, "__name__", str(o)) for o in options)
    raise exceptions.FrappeTypeError(
        f"Argument '{parameter.name}' should be of type '{names}' but got '{type(value).__name__}' instead."
    )


_FAILED = object()


def _annotation_options(annotation: Any) -> tuple[type, ...] | None:
    if isinstance(annotation, str):
        return None  # postponed annotations we cannot resolve safely: accept as is
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = []
        for arg in typing.get_args(annotation):
            nested = _annotation_options(arg)
            if nested is None:
                return None
            options.extend(nested)
        return tuple(options)
    if annotation is type(None):
        return (type(None),)
    if origin is not None:
        annotation = origin
    if annotation is Any or not isinstance(annotation, type):
        return None
    return (annotation,)


def _convert(option: type, value: Any) -> Any:
    """``value`` as ``option`` in lax mode, or ``_FAILED``; never raises (nan, inf, huge numbers included)."""
    if option is bool:
        if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on", "false", "0", "no", "off"):
            return value.strip().lower() in ("true", "1", "yes", "on")
        return _FAILED
    if option is int and isinstance(value, (str, float)) and not isinstance(value, bool):
        number = _finite(value)
        return int(number) if number is not None and number == int(number) else _FAILED
    if option is float and isinstance(value, (str, int)) and not isinstance(value, bool):
        number = _finite(value)
        return _FAILED if number is None else number
    if option is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return _FAILED


def _finite(value: Any) -> float | None:
    """A finite float from a number or numeric string; ``None`` for ``nan``, ``inf`` and non-numbers."""
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _inspect(func: Callable[..., Any]) -> tuple[tuple[Parameter, ...], bool, bool]:
    signature = inspect.signature(func)
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # unresolvable forward references: fall back to the raw annotations
        hints = {}
    parameters, accepts_kwargs, wants_request = [], False, False
    for parameter in signature.parameters.values():
        if parameter.kind == inspect.Parameter.VAR_KEYWORD:
            accepts_kwargs = True
            continue
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.POSITIONAL_ONLY):
            continue
        if parameter.name == "request":
            wants_request = True
            continue
        parameters.append(
            Parameter(
                name=parameter.name,
                required=parameter.default is inspect.Parameter.empty,
                annotation=hints.get(parameter.name, parameter.annotation),
                default=None if parameter.default is inspect.Parameter.empty else parameter.default,
            )
        )
    return tuple(parameters), accepts_kwargs, wants_request


class MethodRegistry:
    """Whitelisted callables by dotted name (``frappe.client.get_list``, ``myapp.api.stock``)."""

    def __init__(self) -> None:
        self._registry: dict[str, WhitelistedMethod] = {}

    def register(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        aliases: Iterable[str] = (),
        allow_guest: bool = False,
        xss_safe: bool = False,
        methods: Iterable[str] | None = None,
    ) -> WhitelistedMethod:
        key = name or f"{func.__module__}.{func.__qualname__}"
        parameters, accepts_kwargs, wants_request = _inspect(func)
        entry = WhitelistedMethod(
            name=key,
            func=func,
            allow_guest=allow_guest,
            xss_safe=xss_safe,
            methods=tuple(m.upper() for m in (methods or DEFAULT_METHODS)),
            parameters=parameters,
            accepts_kwargs=accepts_kwargs,
            wants_request=wants_request,
            aliases=tuple(aliases),
        )
        for path in (key, *entry.aliases):
            existing = self._registry.get(path)
            if existing is not None and existing.func is not func:
                raise AlreadyRegistered(f"A method is already registered as {path!r}: {existing.func!r}")
        for path in (key, *entry.aliases):
            self._registry[path] = entry
        return entry

    def unregister(self, name: str) -> None:
        entry = self._registry.get(name)
        if entry is None:
            raise NotRegistered(f"No method is registered as {name!r}")
        for path in (entry.name, *entry.aliases):
            self._registry.pop(path, None)

    def is_registered(self, name: str) -> bool:
        return name in self._registry

    def get(self, name: str) -> WhitelistedMethod:
        try:
            return self._registry[name]
        except KeyError:
            raise NotRegistered(f"No method is registered as {name!r}") from None

    def names(self) -> list[str]:
        """Every name a method answers to, aliases included."""
        return list(self._registry)

    def entries(self) -> list[WhitelistedMethod]:
        """Each registered method once (aliases folded), sorted by name."""
        unique = {entry.name: entry for entry in self._registry.values()}
        return [unique[name] for name in sorted(unique)]

    def snapshot(self) -> dict[str, WhitelistedMethod]:
        return dict(self._registry)

    def restore(self, snapshot: dict[str, WhitelistedMethod]) -> None:
        self._registry = dict(snapshot)


method_registry = MethodRegistry()


def whitelist(
    func: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    aliases: Iterable[str] = (),
    allow_guest: bool = False,
    xss_safe: bool = False,
    methods: Iterable[str] | None = None,
    registry: MethodRegistry | None = None,
):
    """Expose a function at ``/api/method/<dotted.path>`` (and its ``aliases``); returns it unchanged.

    Usable bare (``@whitelist``) or with Frappe's options (``@whitelist(allow_guest=True)``).
    """

    def decorator(target: Callable[..., Any]) -> Callable[..., Any]:
        (registry or method_registry).register(
            target, name=name, aliases=aliases, allow_guest=allow_guest, xss_safe=xss_safe, methods=methods
        )
        return target

    return decorator(func) if func is not None else decorator


class ModelRegistry:
    """Host models exposed as DocTypes, keyed by DocType name and by ``app_label.model_name``."""

    def __init__(self) -> None:
        self._registry: dict[str, Any] = {}
        self._by_model: dict[str, str] = {}
        self._metas: dict[str, Any] = {}
        self._backends: dict[str, Any] = {}

    def register(self, model: type, *, doctype: str | None = None, options: type | None = None,
                 **overrides: Any) -> Any:
        """Expose ``model`` as ``doctype`` (default: its verbose name, title-cased); returns the options.

        ``options`` is a plain class whose attributes are ``ModelOptions`` names (``doctype``,
        ``fields``, ``title_field``, ``controller``, ...); keyword arguments override them.
        """
        from .backends.orm import ModelOptions, options_from_class

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
            from .controllers import controller_registry

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

    def _forget_controller(self, entry: Any) -> None:
        from .controllers import controller_registry

        if entry.controller is not None and controller_registry.get(entry.doctype) is entry.controller:
            controller_registry.unregister(entry.doctype)

    def is_registered(self, doctype: str) -> bool:
        return doctype in self._registry

    def get(self, doctype: str) -> Any:
        try:
            return self._registry[doctype]
        except KeyError:
            raise NotRegistered(f"No model is registered as DocType {doctype!r}") from None

    def options_for_model(self, model: type) -> Any:
        name = self._by_model.get(model._meta.label_lower)
        return self._registry.get(name) if name else None

    def doctype_for_model(self, model: type) -> str | None:
        return self._by_model.get(model._meta.label_lower)

    def entries(self) -> list[Any]:
        return [self._registry[name] for name in sorted(self._registry)]

    def build_meta(self, doctype: str) -> Any:
        """Meta builder plugged into ``meta.get_meta``: ``None`` for names this registry does not own."""
        entry = self._registry.get(doctype)
        if entry is None:
            return None
        meta = self._metas.get(doctype)
        if meta is None:
            from .backends.orm import build_meta

            meta = build_meta(entry, self.doctype_for_model)
            if entry.backend_class is not None:
                meta = entry.backend_class.extend_meta(entry, meta)
            self._metas[doctype] = meta
        return meta

    def backend_for(self, doctype: str) -> Any:
        backend = self._backends.get(doctype)
        if backend is None:
            from .backends.orm import OrmBackend

            entry = self.get(doctype)
            backend = self._backends[doctype] = (entry.backend_class or OrmBackend)(entry)
        return backend

    def snapshot(self) -> tuple[dict[str, Any], dict[str, str]]:
        return dict(self._registry), dict(self._by_model)

    def restore(self, snapshot: tuple[dict[str, Any], dict[str, str]]) -> None:
        from .controllers import controller_registry

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


__all__ = [
    "AlreadyRegistered",
    "MethodRegistry",
    "ModelRegistry",
    "NotRegistered",
    "WhitelistedMethod",
    "method_registry",
    "model_registry",
    "register_model",
    "whitelist",
]

