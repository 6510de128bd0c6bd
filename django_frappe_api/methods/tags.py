"""Tags on documents (``frappe/desk/doctype/tag/tag.py``) and likes (``frappe/desk/like.py``).

Usage::

    POST /api/method/frappe.desk.doctype.tag.tag.add_tag  tag=urgent&dt=Deal&dn=D1     -> {"message": "urgent"}
    GET  /api/method/frappe.desk.doctype.tag.tag.get_documents_for_tag?tag=%23urgent
    -> {"message": [{"doctype": "Deal", "name": "D1", "content": "<title>"}]}
    POST /api/method/frappe.desk.like.toggle_like  doctype=Deal&name=D1&add=Yes

A document keeps its tags in ``_user_tags`` (``",urgent,later"``, as Frappe 15 writes it) and one ``Tag Link`` row
per tag; tagging needs write on the document (and create on Tag for a new tag). Likes are the JSON list of user
ids in ``_liked_by``, plus a ``Like`` comment, for anyone who may read the document. Both columns are written
without changing ``modified`` and are filterable in lists (``["_user_tags", "like", "%urgent%"]``).
"""

from __future__ import annotations

import json
from typing import Any

from .. import document, exceptions, permissions
from ..backends.base import get_backend
from ..meta import Meta, doctype_exists, get_meta
from ..registry import whitelist
from ..tags import document_tags, liked_by, user_tags_value

WRITE_VERBS = ["POST", "PUT"]
TAG, TAG_LINK = "Tag", "Tag Link"


def _tagged(dt: str, dn: Any, user: Any) -> tuple[Meta, dict[str, Any]]:
    meta = get_meta(dt)
    if "_user_tags" not in meta.optional_fields:
        raise exceptions.ValidationError(f"{meta.name} documents cannot be tagged")
    return meta, document.check_permission(meta.name, dn, "write", user=user)


def _store(meta: Meta, doc: dict[str, Any], tags: list[str], user: Any) -> None:
    """``_user_tags`` and the Tag Link rows of the document (``DocTags.update`` and ``update_tags``)."""
    get_backend(meta).set_optional(meta, doc["name"], "_user_tags", user_tags_value(tags))
    rows = document.get_all(TAG_LINK, fields=["name", "tag"],
                            filters={"document_type": meta.name, "document_name": str(doc["name"])})
    link_meta = get_meta(TAG_LINK)
    for row in rows:
        if row["tag"] not in tags:
            get_backend(link_meta).delete(link_meta, row["name"])
    title = doc.get(meta.title_field) if meta.title_field else None
    for tag in [tag for tag in tags if tag not in {row["tag"] for row in rows}]:
        document.insert_doc(TAG_LINK, {"document_type": meta.name, "document_name": str(doc["name"]), "tag": tag,
                                       "title": str(title or doc["name"])}, user=user, ignore_permissions=True)


@whitelist(name="frappe.desk.doctype.tag.tag.add_tag", methods=WRITE_VERBS)
def add_tag(request: Any, tag: str, dt: str, dn: Any, color: str | None = None) -> str:
    """Tag a document, creating the Tag when it is new; answers the tag."""
    tag = str(tag).strip()
    if not tag or "," in tag:
        raise exceptions.ValidationError("Tag must have a name and cannot contain commas")
    meta, doc = _tagged(dt, dn, request.user)
    if not get_backend(get_meta(TAG)).exists(get_meta(TAG), tag):
        permissions.check_doctype_permission(get_meta(TAG), request.user, "create")
        document.insert_doc(TAG, {"name": tag}, user=request.user, honour_name=True)
    tags = document_tags(meta, doc["name"])
    if tag not in tags:
        _store(meta, doc, [*tags, tag], request.user)
    return tag


@whitelist(name="frappe.desk.doctype.tag.tag.remove_tag", methods=WRITE_VERBS)
def remove_tag(request: Any, tag: str, dt: str, dn: Any) -> None:
    """Take a tag off a document (compared without case, as Frappe does)."""
    meta, doc = _tagged(dt, dn, request.user)
    tags = document_tags(meta, doc["name"])
    _store(meta, doc, [kept for kept in tags if kept.lower() != str(tag).lower()], request.user)


@whitelist(name="frappe.desk.doctype.tag.tag.get_tags")
def get_tags(request: Any, doctype: str, txt: str = "") -> list[str]:
    """Names of the Tags the caller may read containing ``txt`` (case-insensitive), sorted."""
    found = document.get_list(TAG, user=request.user, fields=["name"], filters=[["name", "like", f"%{txt}%"]],
                              page_length=0)
    return sorted({row["name"] for row in found if str(txt).casefold() in row["name"].casefold()})


@whitelist(name="frappe.desk.doctype.tag.tag.get_documents_for_tag")
def get_documents_for_tag(request: Any, tag: str) -> list[dict[str, Any]]:
    """The documents tagged ``#tag`` (the leading character is dropped) that the caller may read."""
    rows = document.get_all(TAG_LINK, fields=["document_type", "document_name", "title"],
                            filters={"tag": str(tag)[1:]}, order_by="creation asc")
    result = []
    for row in rows:
        if not doctype_exists(row["document_type"]):
            continue
        try:
            readable = document.has_permission(row["document_type"], row["document_name"], "read",
                                               user=request.user)
        except exceptions.DoesNotExistError:
            continue
        if readable:
            result.append({"doctype": row["document_type"], "name": row["document_name"], "content": row["title"]})
    return result


@whitelist(name="frappe.desk.like.toggle_like", methods=WRITE_VERBS)
def toggle_like(request: Any, doctype: str, name: Any, add: Any = False) -> None:
    """``add="Yes"`` adds the caller to ``_liked_by`` (and a Like comment); anything else takes them off."""
    meta = get_meta(doctype)
    if "_liked_by" not in meta.optional_fields:
        raise exceptions.ValidationError(f"{meta.name} documents cannot be liked")
    doc = document.check_permission(meta.name, name, "read", user=request.user)
    uid = permissions.user_id(request.user)
    likers = liked_by(meta, doc["name"])
    if add == "Yes" and uid not in likers:
        likers.append(uid)
        document.insert_doc("Comment", {"comment_type": "Like", "reference_doctype": meta.name,
                                        "reference_name": str(doc["name"]), "comment_email": uid,
                                        "content": "Liked"}, user=request.user, ignore_permissions=True)
    elif add != "Yes" and uid in likers:
        likers.remove(uid)
    get_backend(meta).set_optional(meta, doc["name"], "_liked_by", json.dumps(likers))

