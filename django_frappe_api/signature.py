"""A whitelisted function's parameters: inspected once, at registration, then used per call to bind arguments.

Usage::

    signature = Signature.of(func)                       # at registration
    func(**signature.bind(form, request, name="app.api.stock"))   # per request

Binding drops what the function cannot take (unless it has ``**kwargs``), never passes Frappe's
``ignore_permissions``/``flags``, coerces annotated parameters the lax way Frappe v15 does for typed
whitelisted functions (§2.3), and reports missing arguments as Frappe's ``TypeError`` (417).
"""

from __future__ import annotations

import inspect
import math
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import exceptions

# Never accepted from a request, whatever the function's signature (§2.5).
FORBIDDEN_KWARGS = frozenset({"ignore_permissions", "flags"})


@dataclass(frozen=True)
class Parameter:
    name: str
    required: bool
    annotation: Any = inspect.Parameter.empty
    default: Any = None


@dataclass(frozen=True)
class Signature:
    """What a call may pass: named parameters, whether ``**kwargs`` is accepted, whether ``request`` is wanted."""

    parameters: tuple[Parameter, ...] = ()
    accepts_kwargs: bool = False
    wants_request: bool = False

    @classmethod
    def of(cls, func: Callable[..., Any]) -> Signature:
        """Inspect ``func`` (positional-only and ``*args`` parameters are never filled from a request)."""
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
        return cls(tuple(parameters), accepts_kwargs, wants_request)

    def bind(self, form: dict[str, Any], request: Any = None, *, name: str = "") -> dict[str, Any]:
        """Keyword arguments for a call: unknown keys dropped unless the function takes ``**kwargs``.

        ``name`` is the function's name in the message about missing arguments.
        """
        arguments = {key: value for key, value in form.items() if key not in FORBIDDEN_KWARGS}
        if not self.accepts_kwargs:
            names = {parameter.name for parameter in self.parameters}
            arguments = {key: value for key, value in arguments.items() if key in names}
        arguments.pop("request", None)
        for parameter in self.parameters:
            if parameter.name in arguments:
                arguments[parameter.name] = coerce_argument(parameter, arguments[parameter.name])
        missing = [p.name for p in self.parameters if p.required and p.name not in arguments]
        if missing:
            raise exceptions.FrappeTypeError(
                f"{name}() missing required argument{'s' if len(missing) > 1 else ''}: "
                + ", ".join(f"'{missing_name}'" for missing_name in missing)
            )
        if self.wants_request:
            arguments["request"] = request
        return arguments


def coerce_argument(parameter: Parameter, value: Any) -> Any:
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
