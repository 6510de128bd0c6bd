"""Shared pieces of the built-in method tests: URLs and bodies of v1 ``/api/method`` and v2 ``/api/v2/method``."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django_frappe_api import document

NOW = "2024-05-10 12:01:33.224841"
_INSTANT = dt.datetime(2024, 5, 10, 12, 1, 33, 224841, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Rpc:
    """One API version of the RPC route: where to call and how the body looks."""

    version: str

    def url(self, method: str) -> str:
        return ("/api/method/" if self.version == "v1" else "/api/v2/method/") + method

    def ok(self, value: Any = None, **extra: Any) -> dict[str, Any]:
        body = dict(extra)
        if value is not None:
            body["message" if self.version == "v1" else "data"] = value
        return body

    def error(self, exc_type: str, message: str | None = None, *, title: str = "Message", **v1_extra: Any) -> dict:
        """A whole error body (tracebacks off), with v1 ``_server_messages`` decoded by ``body()``."""
        if self.version == "v2":
            error: dict[str, Any] = {"type": exc_type}
            if message is not None:
                error.update(message=message, title=title, indicator="red")
            return {"errors": [error]}
        result: dict[str, Any] = {"exc_type": exc_type, **v1_extra}
        if message is not None:
            result["_server_messages"] = [
                {"message": message, "title": title, "indicator": "red", "raise_exception": 1}
            ]
        return result


def body(response) -> dict[str, Any]:
    """The JSON body with v1 ``_server_messages`` decoded and the random exception ids dropped."""
    data = response.json()
    if "_server_messages" in data:
        data["_server_messages"] = [json.loads(item) for item in json.loads(data["_server_messages"])]
        for message in data["_server_messages"]:
            message.pop("__frappe_exc_id", None)
    return data


def pin_now(monkeypatch) -> str:
    """Pin ``timezone.now()``; returns the wire form of the instant."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: _INSTANT)
    return NOW


def todo_doc(name: str, *, nulls: bool = True, **values: Any) -> dict[str, Any]:
    """A ToDo as the API sends it, standard fields pinned to ``NOW`` and Administrator."""
    doc: dict[str, Any] = {
        "name": name, "owner": "Administrator", "creation": NOW, "modified": NOW, "modified_by": "Administrator",
        "docstatus": 0, "idx": 0, "status": "Open", "priority": "Medium", "date": None, "allocated_to": None,
        "description": None, "reference_type": None, "reference_name": None,
    }  # fmt: skip
    doc.update(values)
    doc["doctype"] = "ToDo"
    return doc if nulls else {key: value for key, value in doc.items() if value is not None}


def make_todo(user: Any, **values: Any) -> dict[str, Any]:
    values.setdefault("description", "Call Bob")
    return document.insert_doc("ToDo", values, user=user)
