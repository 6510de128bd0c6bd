"""User-facing messages of one request (Frappe's ``msgprint``), kept until the response is built.

Usage::

    from django_frappe_api.messages import msgprint
    msgprint("Stock is low", indicator="orange")

v1 sends them as ``_server_messages`` (a JSON string of JSON strings), v2 as ``messages``; the
envelopes module does the encoding. Views call ``reset()`` when a request starts.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

_messages: ContextVar[list[dict[str, Any]] | None] = ContextVar("frappe_api_messages", default=None)


def reset() -> None:
    """Start an empty message list for the current request."""
    _messages.set([])


def msgprint(message: Any, *, title: str | None = None, indicator: str | None = None, alert: bool = False) -> None:
    """Queue a message for the client, like ``frappe.msgprint``."""
    entry: dict[str, Any] = {"message": message, "title": title or "Message"}
    if indicator:
        entry["indicator"] = indicator
    if alert:
        entry["alert"] = 1
    current = _messages.get()
    if current is None:
        current = []
        _messages.set(current)
    current.append(entry)


def collected() -> list[dict[str, Any]]:
    """The messages queued so far in this request."""
    return list(_messages.get() or [])
