"""The whitelisted callables the host project exposes at ``/api/method/<name>``.

Usage::

    from django_frappe_api import whitelist

    @whitelist(allow_guest=True, methods=["GET"])
    def ping() -> str:
        return "pong"

The decorator registers and returns the function unchanged. ``/api/method/<name>`` is a dictionary
lookup in ``method_registry``: a name that is not registered is refused without importing anything.
The signature is inspected once, at registration (``signature.py``), so requests only filter and coerce.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .exceptions import AlreadyRegistered, NotRegistered
from .signature import Parameter, Signature

DEFAULT_METHODS = ("GET", "POST", "PUT", "DELETE")


@dataclass(frozen=True)
class WhitelistedMethod:
    """A registered callable with its Frappe options and its inspected signature."""

    name: str
    func: Callable[..., Any]
    allow_guest: bool = False
    xss_safe: bool = False
    methods: tuple[str, ...] = DEFAULT_METHODS
    # Beyond Frappe: the method never writes, so a GET call needs no transaction and may read from a replica.
    read_only: bool = False
    signature: Signature = field(default_factory=Signature)
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def of(
        cls,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        aliases: Iterable[str] = (),
        allow_guest: bool = False,
        xss_safe: bool = False,
        methods: Iterable[str] | None = None,
        read_only: bool = False,
    ) -> WhitelistedMethod:
        """The entry for ``func``, its signature inspected now; the name defaults to its dotted path."""
        return cls(
            name=name or f"{func.__module__}.{func.__qualname__}",
            func=func,
            allow_guest=allow_guest,
            xss_safe=xss_safe,
            methods=tuple(m.upper() for m in (methods or DEFAULT_METHODS)),
            read_only=read_only,
            signature=Signature.of(func),
            aliases=tuple(aliases),
        )

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return self.signature.parameters

    @property
    def accepts_kwargs(self) -> bool:
        return self.signature.accepts_kwargs

    @property
    def wants_request(self) -> bool:
        return self.signature.wants_request

    @property
    def docstring(self) -> str:
        return inspect.getdoc(self.func) or ""

    def bind(self, form: dict[str, Any], request: Any = None) -> dict[str, Any]:
        """Keyword arguments for a call: unknown keys dropped unless the function takes ``**kwargs``."""
        return self.signature.bind(form, request, name=self.name)


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
        read_only: bool = False,
    ) -> WhitelistedMethod:
        entry = WhitelistedMethod.of(
            func, name=name, aliases=aliases, allow_guest=allow_guest, xss_safe=xss_safe, methods=methods,
            read_only=read_only,
        )
        for path in (entry.name, *entry.aliases):
            existing = self._registry.get(path)
            if existing is not None and existing.func is not func:
                raise AlreadyRegistered(f"A method is already registered as {path!r}: {existing.func!r}")
        for path in (entry.name, *entry.aliases):
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
    read_only: bool = False,
    registry: MethodRegistry | None = None,
):
    """Expose a function at ``/api/method/<dotted.path>`` (and its ``aliases``); returns it unchanged.

    Usable bare (``@whitelist``) or with Frappe's options (``@whitelist(allow_guest=True)``). ``read_only``
    (beyond Frappe) promises that the function never writes: its GET calls then run without a transaction,
    and read from a replica when one is configured.
    """

    def decorator(target: Callable[..., Any]) -> Callable[..., Any]:
        (registry or method_registry).register(
            target, name=name, aliases=aliases, allow_guest=allow_guest, xss_safe=xss_safe, methods=methods,
            read_only=read_only,
        )
        return target

    return decorator(func) if func is not None else decorator


__all__ = ["MethodRegistry", "WhitelistedMethod", "method_registry", "whitelist"]
