"""A document's tags (``_user_tags``) and likes (``_liked_by``) as Frappe stores them in its optional columns.

Usage::

    document_tags(meta, "D1")          # ["urgent", "later"]: from ",urgent,later", in the order added
    liked_by(meta, "D1")               # ["jane@example.com"]: from the JSON list

The methods that change them are in ``methods/tags.py``; v2's ``include=tags,favourites`` reads them here.
"""

from __future__ import annotations

import json
from typing import Any

from .backends.base import get_backend
from .meta import Meta


def document_tags(meta: Meta, name: Any) -> list[str]:
    """The tags of a document in the order they were added (``[]`` for DocTypes without the column)."""
    if "_user_tags" not in meta.optional_fields:
        return []
    raw = get_backend(meta).get_optional(meta, name, "_user_tags") or ""
    return list(dict.fromkeys(tag.strip() for tag in str(raw).split(",") if tag.strip()))


def user_tags_value(tags: list[str]) -> str:
    """``_user_tags`` as Frappe 15 writes it: a leading comma before each tag, ``""`` for none."""
    return "," + ",".join(tags) if tags else ""


def liked_by(meta: Meta, name: Any) -> list[str]:
    """The users who like a document (``[]`` when unset, not a JSON list, or no such column)."""
    if "_liked_by" not in meta.optional_fields:
        return []
    try:
        found = json.loads(get_backend(meta).get_optional(meta, name, "_liked_by") or "[]")
    except (TypeError, ValueError):
        return []
    return [user for user in found if isinstance(user, str)] if isinstance(found, list) else []
