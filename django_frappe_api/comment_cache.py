"""Frappe's comment cache: the ``_comments`` column of a document lists its latest comments.

Usage: imported once from ``FrappeApiConfig.ready()``; every Comment of type ``Comment`` saved or
deleted through the document layer updates the ``_comments`` of the document it references::

    GET /api/resource/ToDo?fields=["name","_comments"]
    -> [{"name": "3k9q0v1m2r", "_comments": "[{\"comment\": \"Call back\", \"by\": \"jane@example.com\", ...}]"}]

As ``frappe/desk/form/utils.py`` and ``frappe/core/doctype/comment/comment.py`` keep it: JSON text of
``{"comment", "by", "name"}`` entries (text cut to 100 characters), the last 100 kept, written
without changing the document's ``modified``. Likes, assignments and other comment types leave it alone.
"""

from __future__ import annotations

import json
from typing import Any

from django.dispatch import receiver

from . import signals
from .backends.base import get_backend
from .meta import Meta, keeping_meta

COMMENT = "Comment"
KEPT = 100


def _truncated(content: str) -> str:
    return content[:97] + "..." if len(content) > 100 else content


def _reference(comment: dict[str, Any]) -> Meta | None:
    """The Meta of the commented DocType when it keeps a cache (not a child table, Single or unknown)."""
    return keeping_meta(comment.get("reference_doctype"), comment.get("reference_name"), "_comments")


def cached_comments(meta: Meta, name: Any) -> list[dict[str, Any]]:
    """The entries of a document's ``_comments`` (``[]`` when unset or not valid JSON)."""
    raw = get_backend(meta).get_optional(meta, name, "_comments")
    try:
        entries = json.loads(raw) if raw else []
    except (TypeError, ValueError):
        return []
    return entries if isinstance(entries, list) else []


def _store(meta: Meta, name: Any, entries: list[dict[str, Any]]) -> None:
    get_backend(meta).set_optional(meta, name, "_comments", json.dumps(entries[-KEPT:]))


# Connected for every sender and filtered inside: Django matches senders by identity, and DocType
# names are strings that need not be the same object.
@receiver(signals.on_update, dispatch_uid="frappe_api_comment_cache_update")
def comment_saved(sender: str, doc: dict[str, Any], **kwargs: Any) -> None:
    """Add or refresh the comment's entry (Frappe ``update_comment_in_doc``)."""
    meta = _reference(doc) if sender == COMMENT else None
    if meta is None or doc.get("comment_type") != COMMENT or not doc.get("content"):
        return
    entries = cached_comments(meta, doc["reference_name"])
    text = _truncated(str(doc["content"]))
    for entry in entries:
        if isinstance(entry, dict) and entry.get("name") == doc["name"]:
            entry["comment"] = text
            break
    else:
        entries.append({"comment": text, "by": doc.get("comment_email") or doc.get("owner"), "name": doc["name"]})
    _store(meta, doc["reference_name"], entries)


@receiver(signals.on_trash, dispatch_uid="frappe_api_comment_cache_trash")
def comment_deleted(sender: str, doc: dict[str, Any], **kwargs: Any) -> None:
    """Drop the comment's entry (Frappe ``Comment.remove_comment_from_cache``)."""
    meta = _reference(doc) if sender == COMMENT else None
    if meta is None:
        return
    entries = cached_comments(meta, doc["reference_name"])
    kept = [entry for entry in entries if not (isinstance(entry, dict) and entry.get("name") == doc["name"])]
    if kept != entries:
        _store(meta, doc["reference_name"], kept)
