"""Top-level keys a method adds to its success body beside ``message``/``data`` (Frappe's ``frappe.response``).

Usage::

    from django_frappe_api import response
    response.add_docs([doc])                 # the body gets "docs": [doc]
    response.set_key("docinfo", {...})       # ... and "docinfo": {...}

Frappe handlers such as ``getdoc``, ``savedocs`` and ``run_doc_method`` answer through these keys.
The views call ``reset()`` when a request starts and merge ``extra_keys()`` into the success envelope;
error bodies never carry them.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

_extras: ContextVar[dict[str, Any] | None] = ContextVar("frappe_api_response_extras", default=None)


def reset() -> None:
    """Start an empty set of extra keys for the current request."""
    _extras.set({})


def _current() -> dict[str, Any]:
    current = _extras.get()
    if current is None:
        current = {}
        _extras.set(current)
    return current


def set_key(key: str, value: Any) -> None:
    """Put ``key`` at the top level of the success body."""
    _current()[key] = value


def add_docs(docs: Iterable[dict[str, Any]]) -> None:
    """Append documents to the body's ``docs`` list (documents touched by the call)."""
    _current().setdefault("docs", []).extend(docs)


def extra_keys() -> dict[str, Any]:
    """The keys added so far in this request; an empty ``docs`` list is left out, as Frappe does."""
    return {key: value for key, value in (_extras.get() or {}).items() if not (key == "docs" and not value)}
