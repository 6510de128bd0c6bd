"""Assertion helpers for Frappe wire bodies (double-encoded ``_server_messages``)."""

from __future__ import annotations

import copy
import json
from typing import Any
from unittest.mock import ANY


def decoded(response) -> dict[str, Any]:
    """The JSON body with ``_server_messages`` and ``exc`` decoded, so whole bodies can be compared."""
    body = copy.deepcopy(response.json())
    if "_server_messages" in body:
        assert isinstance(body["_server_messages"], str)
        body["_server_messages"] = [json.loads(item) for item in json.loads(body["_server_messages"])]
    if "exc" in body:
        assert isinstance(body["exc"], str)
        body["exc"] = json.loads(body["exc"])
    return body


def thrown(message: str, title: str = "Message") -> dict[str, Any]:
    """A message raised together with an exception (Frappe ``throw``)."""
    return {"message": message, "title": title, "indicator": "red", "raise_exception": 1, "__frappe_exc_id": ANY}


def error(exc_type: str, message: str | None = None, **extra: Any) -> dict[str, Any]:
    """A whole v1 error body (tracebacks off) as returned by ``decoded``."""
    body: dict[str, Any] = {"exc_type": exc_type, **extra}
    if message is not None:
        body["_server_messages"] = [thrown(message)]
    return body


def failure(response) -> tuple[int, str, list[str]]:
    """``(status, exc_type, messages)`` of a v1 or v2 error body, so one assertion covers both versions.

    Messages are in the order the client sees them: queued ``msgprint`` messages, then the thrown one.
    """
    body = response.json()
    if "errors" in body:
        error_ = body["errors"][0]
        messages = [m["message"] for m in body.get("messages", [])]
        if "message" in error_:
            messages.append(error_["message"])
        return response.status_code, error_["type"], messages
    messages = [json.loads(item)["message"] for item in json.loads(body.get("_server_messages", "[]"))]
    return response.status_code, body.get("exc_type"), messages
