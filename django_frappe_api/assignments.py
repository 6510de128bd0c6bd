"""Assignments: open ``ToDo`` rows pointing at a document, mirrored in its ``_assign`` column.

Usage: imported once from ``FrappeApiConfig.ready()``; every ToDo saved or deleted through the document layer
rewrites the ``_assign`` of the document it references (Frappe's ``ToDo.update_in_reference``)::

    GET /api/resource/Deal?filters=[["_assign","like","%jane%"]]       # as frappe-ui filters "assigned to"
    open_assignments("Deal", "D1")   # [{"user": ..., "description": ..., "priority": ..., "date": ...}]

``_assign`` holds the JSON list of the users of the document's ToDos that are neither Closed nor Cancelled,
oldest first, written without changing ``modified``. Deleting a document deletes its DocShare and Tag Link rows
and cancels its unfinished ToDos. ToDo is the host's DocType (Frappe's shape: ``allocated_to``,
``reference_type``, ``reference_name``, ``status``, ``description``, ``priority``, ``date``); without one, no
document is assigned.
"""

from __future__ import annotations

import json
from typing import Any

from django.dispatch import receiver

from . import document, shares, signals
from .backends.base import get_backend
from .meta import doctype_exists, get_meta, keeping_meta
from .models import Document

TODO = "ToDo"
TAG_LINK = "Tag Link"
FINISHED = ("Cancelled", "Closed")


def todo_rows(doctype: str, name: Any, fields: list[str], *, open_only: bool = True, limit: int = 0,
              order_by: str = "creation asc") -> list[dict[str, Any]]:
    """ToDo rows referencing a document (not Closed or Cancelled when ``open_only``); ``[]`` without ToDo."""
    if not doctype_exists(TODO):
        return []
    filters: list[list[Any]] = [["reference_type", "=", doctype], ["reference_name", "=", str(name)]]
    if open_only:
        filters.append(["status", "not in", list(FINISHED)])
    return document.get_all(TODO, fields=fields, filters=filters, order_by=order_by, limit=limit)


def open_assignments(doctype: str, name: Any) -> list[dict[str, Any]]:
    """``include=assignments`` of a v2 read: the Open ToDos of the document, oldest first."""
    rows = todo_rows(doctype, name, ["allocated_to", "description", "priority", "date", "status"])
    return [{"user": row["allocated_to"], "description": row.get("description"), "priority": row.get("priority"),
             "date": row.get("date")} for row in rows if row.get("status") == "Open"]


def update_in_reference(todo: dict[str, Any]) -> None:
    """Rewrite the referenced document's ``_assign`` from its unfinished ToDos."""
    meta = keeping_meta(todo.get("reference_type"), todo.get("reference_name"), "_assign")
    if meta is None:
        return
    rows = todo_rows(meta.name, todo["reference_name"], ["allocated_to"])
    users = list(dict.fromkeys(row["allocated_to"] for row in rows if row.get("allocated_to")))
    get_backend(meta).set_optional(meta, todo["reference_name"], "_assign", json.dumps(users))


# Connected for every sender and filtered inside, as comment_cache does.
@receiver([signals.on_update, signals.after_delete], dispatch_uid="frappe_api_assignments_update")
def todo_changed(sender: str, doc: dict[str, Any], **kwargs: Any) -> None:
    if sender == TODO:
        update_in_reference(doc)


@receiver(signals.after_delete, dispatch_uid="frappe_api_assignments_document_deleted")
def document_deleted(sender: str, doc: dict[str, Any], **kwargs: Any) -> None:
    """A deleted document takes its shares and tag links with it, and its unfinished ToDos are Cancelled
    (``frappe.model.delete_doc``: DocShare rows deleted, ``assign_to.clear``)."""
    if sender in (TODO, shares.DOCTYPE, TAG_LINK) or doc.get("name") in (None, ""):
        return
    for doctype, match in ((shares.DOCTYPE, {"data__share_doctype": sender, "data__share_name": str(doc["name"])}),
                           (TAG_LINK, {"data__document_type": sender, "data__document_name": str(doc["name"])})):
        Document.objects.filter(doctype_id=doctype, **match).delete()
    if doctype_exists(TODO):
        todo_meta = get_meta(TODO)
        for row in todo_rows(sender, doc["name"], ["name"]):
            stored = document.load_doc(todo_meta, row["name"])
            stored["status"] = "Cancelled"
            get_backend(todo_meta).update(todo_meta, stored, tables=())
