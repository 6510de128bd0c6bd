"""Success and error bodies of API v1 and v2: the only module that knows envelope keys.

Usage::

    v1_success("message", value, messages)           # {"message": value, "_server_messages": "..."}
    v2_error(exc, messages, traceback_text=None)      # {"errors": [{"type": ..., "message": ...}]}

v1 sends messages as ``_server_messages``, a JSON string holding a JSON list of JSON strings
(§3.3); v2 sends a plain ``messages`` list and folds the message thrown with an exception into
``errors[0]`` (§3.5). ``None`` results add no key at all, so an RPC returning ``None`` answers ``{}``.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from .exceptions import FrappeError


def _exc_id() -> str:
    return secrets.token_hex(5)


def v1_server_messages(messages: list[dict[str, Any]]) -> str:
    """Frappe's double encoding: ``json.dumps([json.dumps(m) for m in messages])``."""
    return json.dumps([json.dumps(message, default=str) for message in messages])


def v1_success(key: str, value: Any, messages: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> dict:
    """A v1 body: ``message`` for RPC, ``data`` for REST."""
    body: dict[str, Any] = dict(extra or {})
    if value is not None:
        body[key] = value
    if messages:
        body["_server_messages"] = v1_server_messages(messages)
    return body


def v2_success(value: Any, messages: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> dict:
    """A v2 body: every result under ``data``, messages as a list."""
    body: dict[str, Any] = {}
    if value is not None:
        body["data"] = value
    body.update(extra or {})
    if messages:
        body["messages"] = messages
    return body


def _thrown_message(exc: FrappeError | BaseException) -> dict[str, Any] | None:
    if isinstance(exc, FrappeError) and exc.message:
        return {"message": exc.message, "title": exc.title, "indicator": "red"}
    return None


def exception_line(exc: BaseException) -> str:
    """Last traceback line as Frappe prints it: ``frappe.exceptions.PermissionError: Not permitted``."""
    if isinstance(exc, FrappeError):
        text = str(exc)
        name = f"frappe.exceptions.{exc.exc_type}"
        return f"{name}: {text}" if text else name
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def exc_type_of(exc: BaseException) -> str:
    return exc.exc_type if isinstance(exc, FrappeError) else type(exc).__name__


def v1_error(
    exc: BaseException,
    messages: list[dict[str, Any]],
    *,
    traceback_text: str | None,
    status: int,
) -> dict[str, Any]:
    """A v1 error body (§3.4); ``traceback_text`` is given only when tracebacks may be shown."""
    body: dict[str, Any] = {"exc_type": exc_type_of(exc)}
    if traceback_text is not None and status != 404:
        body["exception"] = exception_line(exc)
        body["exc"] = json.dumps([traceback_text])
    all_messages = list(messages)
    thrown = _thrown_message(exc)
    if thrown is not None:
        all_messages.append({**thrown, "raise_exception": 1, "__frappe_exc_id": _exc_id()})
    if all_messages:
        body["_server_messages"] = v1_server_messages(all_messages)
    if isinstance(exc, FrappeError) and exc.error_message:
        body["_error_message"] = exc.error_message
    if isinstance(exc, FrappeError):
        body.update(getattr(exc, "body", None) or {})
    return body


def v2_error(
    exc: BaseException,
    messages: list[dict[str, Any]],
    *,
    traceback_text: str | None,
    status: int,
) -> dict[str, Any]:
    """A v2 error body (§3.5): one error object, the thrown message folded into it."""
    error: dict[str, Any] = {"type": exc_type_of(exc)}
    thrown = _thrown_message(exc)
    if thrown is not None:
        error.update(thrown)
    remaining = list(messages)
    if traceback_text is not None and status != 404:
        error["exception"] = traceback_text
    body: dict[str, Any] = {"errors": [error]}
    if remaining:
        body["messages"] = remaining
    if isinstance(exc, FrappeError):
        body.update(getattr(exc, "body", None) or {})
    return body


def mark_session_expired(body: dict[str, Any]) -> None:
    """The ``sid`` the client sent was unknown or expired and the request ran as Guest (§8.3)."""
    body["session_expired"] = 1
