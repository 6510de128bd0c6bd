"""Named parts a v2 read returns beside ``data``: ``?include=permissions,comments,users`` (§6.4).

Usage::

    parts = parse_include(form.get("include"), META_PARTS)            # GET /api/v2/doctype/<dt>/meta
    extra = meta_parts("Task", parts)                                    # {"children": [<child meta>, ...]}
    parts = parse_include(form.get("include"), DOCUMENT_PARTS)     # 417 UnknownPartError for unknown names
    extra = document_parts("ToDo", stored_doc, parts, user=request.user)   # {"permissions": {...}, ...}

Each part becomes a top-level key of the success body, in the order asked, ``users`` last since it names
everyone the other parts mention. ``assignments`` are the Open ToDos, ``shares`` the DocShare rows, ``tags``
and ``favourites`` come from ``_user_tags`` and ``_liked_by``; ``seen`` is not kept and answers ``[]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from . import assignments, document, exceptions, tags
from .conf import api_settings
from .meta import Meta, get_meta

USERS_PART = "users"
DOCUMENT_PARTS = (
    "permissions", "attachments", "assignments", "shares", "tags", "favourites", "comments", "seen", "link_titles",
    USERS_PART,
)  # fmt: skip
LIST_PARTS = ("count",)
META_PARTS = ("children",)
# The parts that name users, and the key of their rows that holds the user id (None: the row is the id).
_USER_ROW_KEY = {"assignments": "user", "shares": "user", "favourites": "user", "comments": "owner", "seen": None}


def parse_include(value: Any, known: Iterable[str]) -> list[str]:
    """The part names of ``include`` (a comma-separated string), each one checked against ``known``."""
    if value in (None, ""):
        return []
    if not isinstance(value, str):
        raise exceptions.ValidationError("'include' must be a comma-separated string")
    known = tuple(known)
    parts = [part.strip() for part in value.split(",") if part.strip()]
    for part in parts:
        if part not in known:
            raise exceptions.UnknownPartError(f"Unknown include part {part}. Known parts: {', '.join(known)}")
    return list(dict.fromkeys(parts))


def document_parts(doctype: str, doc: dict[str, Any], parts: list[str], *, user: Any) -> dict[str, Any]:
    """The requested parts of one document the caller may read (``doc`` in stored form)."""
    meta = get_meta(doctype)
    result: dict[str, Any] = {}
    for part in parts:
        if part != USERS_PART:
            result[part] = _PARTS[part](meta, doc, user)
    if USERS_PART in parts:
        result[USERS_PART] = users(meta, doc, result)
    return result


def _permissions(meta: Meta, doc: dict[str, Any], user: Any) -> dict[str, int]:
    return document.get_doc_permissions(meta.name, doc["name"], user=user)


def _attachments(meta: Meta, doc: dict[str, Any], user: Any) -> list[dict[str, Any]]:
    # Frappe's frappe.desk.form.load.get_attachments: no permission check beyond the document's own.
    return _rows("File", ["name", "file_name", "file_url", "is_private"],
                 {"attached_to_doctype": meta.name, "attached_to_name": str(doc["name"])})


def _comments(meta: Meta, doc: dict[str, Any], user: Any) -> list[dict[str, Any]]:
    return _rows("Comment", ["name", "creation", "content", "owner", "comment_type"],
                 {"reference_doctype": meta.name, "reference_name": str(doc["name"]), "comment_type": "Comment"})


def _rows(doctype: str, fields: list[str], filters: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        return document.get_all(doctype, fields=fields, filters=filters, order_by="creation asc")
    except exceptions.DoesNotExistError:  # the host removed the built-in DocType
        return []


def _link_titles(meta: Meta, doc: dict[str, Any], user: Any) -> dict[str, Any]:
    """``{"<DocType>::<name>": title}`` of the Link and Dynamic Link values of the document and its rows,
    for target DocTypes with a title field shown in links (``show_title_field_in_link``), as Frappe's
    form load does; one query per target DocType."""
    wanted: dict[str, set[str]] = {}
    rows = [(meta, doc)] + [
        (get_meta(table.options), row) for table in meta.table_fields for row in doc.get(table.fieldname) or []
    ]
    for row_meta, row in rows:
        for field in row_meta.data_fields:
            value = row.get(field.fieldname)
            if field.fieldtype not in ("Link", "Dynamic Link") or value in (None, ""):
                continue
            target = field.options if field.fieldtype == "Link" else row.get(field.options)
            if target:
                wanted.setdefault(target, set()).add(str(value))
    titles: dict[str, Any] = {}
    for target, names in sorted(wanted.items()):
        try:
            target_meta = get_meta(target)
        except exceptions.DoesNotExistError:
            continue
        if not (target_meta.title_field and target_meta.properties.get("show_title_field_in_link")):
            continue
        found = document.get_all(target, fields=["name", target_meta.title_field],
                                 filters=[["name", "in", sorted(names)]])
        for record in found:
            titles[f"{target}::{record['name']}"] = record.get(target_meta.title_field) or str(record["name"])
    return titles


def _shares(meta: Meta, doc: dict[str, Any], user: Any) -> list[dict[str, Any]]:
    """The document's DocShare rows, oldest first; a row shared with everyone names ``everyone``."""
    rows = _rows("DocShare", ["user", "read", "write", "submit", "share", "everyone"],
                 {"share_doctype": meta.name, "share_name": str(doc["name"])})
    return [{"user": "everyone" if row.pop("everyone") else row["user"], **{k: v for k, v in row.items()
                                                                          if k != "user"}} for row in rows]


def _assignments(meta: Meta, doc: dict[str, Any], user: Any) -> list[dict[str, Any]]:
    return assignments.open_assignments(meta.name, doc["name"])


def _tags(meta: Meta, doc: dict[str, Any], user: Any) -> list[str]:
    return tags.document_tags(meta, doc["name"])


def _favourites(meta: Meta, doc: dict[str, Any], user: Any) -> list[dict[str, str]]:
    return [{"user": liker} for liker in tags.liked_by(meta, doc["name"])]


def _empty_list(meta: Meta, doc: dict[str, Any], user: Any) -> list[Any]:
    return []  # seen: not kept by this app


def users(meta: Meta, doc: dict[str, Any], parts: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{user id: {"full_name", "user_image"}}`` of the owner, the last modifier and the users the other
    parts name; ids without a Django user (``Guest``) are left out, as Frappe's query leaves them out."""
    names = {doc.get("owner"), doc.get("modified_by")}
    for part, key in _USER_ROW_KEY.items():
        for row in parts.get(part) or []:
            names.add(row if key is None else row.get(key))
    names.discard(None)
    names.discard("everyone")
    model = get_user_model()
    field = model.USERNAME_FIELD
    result = {}
    for found in model._default_manager.filter(**{f"{field}__in": sorted(names)}).order_by(field):
        full_name = f"{getattr(found, 'first_name', '')} {getattr(found, 'last_name', '')}".strip()
        result[found.get_username()] = {"full_name": full_name or None, "user_image": None}
    return result


_PARTS = {
    "permissions": _permissions,
    "attachments": _attachments,
    "assignments": _assignments,
    "shares": _shares,
    "tags": _tags,
    "favourites": _favourites,
    "comments": _comments,
    "seen": _empty_list,
    "link_titles": _link_titles,
}


def meta_parts(doctype: str, parts: list[str]) -> dict[str, Any]:
    """The requested parts of a v2 meta read: ``children`` is the metas of the child DocTypes of the
    DocType's Table fields, each once (two tables may share one), sorted by name, as Frappe sends them."""
    result: dict[str, Any] = {}
    if "children" in parts:
        children = sorted({table.options for table in get_meta(doctype).table_fields})
        result["children"] = [dict(get_meta(child).properties) for child in children]
    return result


def count_part(count: int | None) -> dict[str, Any]:
    """``include=count`` of a v2 list, from rows counted up to ``COUNT_CAP``: the count and whether it got there.

    As in Frappe, a count that reaches the cap is reported capped (the client shows "1000+"), and one stopped
    by ``COUNT_TIMEOUT_MS`` is ``null``.
    """
    if count is None:
        return {"count": None, "count_capped": False}
    cap = api_settings.COUNT_CAP
    return {"count": min(count, cap), "count_capped": count >= cap}


__all__ = [
    "DOCUMENT_PARTS", "LIST_PARTS", "META_PARTS", "count_part", "document_parts", "meta_parts", "parse_include",
    "users",
]  # fmt: skip
