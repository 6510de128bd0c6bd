"""Desk form helpers beside load/save: the meta loader and comments (``frappe/desk/form/load.py``, ``utils.py``).

Usage::

    GET  /api/method/frappe.desk.form.load.getdoctype?doctype=ToDo     -> {"docs": [<meta>, ...], "user_settings": "{}"}
    POST /api/method/frappe.desk.form.utils.add_comment  reference_doctype=ToDo&reference_name=...&content=...

``getdoctype`` is how frappe-ui loads a DocType's meta: the DocType and the metas of its child tables
in ``docs``. ``add_comment`` stores a Comment on a document the caller may read, as the desk's timeline does.
"""

from __future__ import annotations

from typing import Any

from .. import document, fieldtypes, response
from ..backends.orm.registry import model_registry
from ..meta import get_meta
from ..models import DocField
from ..registry import whitelist
from ..serialization import strip_nulls


def get_parent_dt(doctype: str) -> str:
    """The first DocType with a Table field of ``doctype`` (Frappe ``frappe.model.meta.get_parent_dt``)."""
    parent = (
        DocField.objects.filter(fieldtype__in=fieldtypes.TABLE_TYPES, options=doctype)
        .order_by("doctype_id").values_list("doctype_id", flat=True).first()
    )
    if parent:
        return parent
    for entry in model_registry.entries():
        if any(table.options == doctype for table in model_registry.build_meta(entry.doctype).table_fields):
            return entry.doctype
    return ""


def meta_bundle(doctype: str) -> list[dict[str, Any]]:
    """The DocType's meta followed by the metas of its child tables, as ``get_meta_bundle`` sends them."""
    meta = get_meta(doctype)
    bundle = [dict(meta.properties)]
    bundle.extend(dict(get_meta(table.options).properties) for table in meta.table_fields)
    return bundle


@whitelist(name="frappe.desk.form.load.getdoctype")
def getdoctype(doctype: str, with_parent: Any = False, cached_timestamp: Any = None) -> Any:
    """Metas in top-level ``docs`` and the caller's ``user_settings`` (JSON text, ``"{}"`` as none are kept).

    ``with_parent`` on a child table sends its parent's bundle and ``parent_dt``; a ``cached_timestamp``
    equal to the meta's ``modified`` answers ``"use_cache"`` instead of the metas.
    """
    docs: list[dict[str, Any]] = []
    parent_dt = get_parent_dt(doctype) if with_parent else ""
    if parent_dt:
        docs = meta_bundle(parent_dt)
        response.set_key("parent_dt", parent_dt)
    if not docs:
        docs = meta_bundle(doctype)
    response.set_key("user_settings", "{}")
    if cached_timestamp and docs[0].get("modified") == cached_timestamp:
        return "use_cache"
    response.add_docs(docs)
    return None


@whitelist(name="frappe.desk.form.utils.add_comment", methods=["POST", "PUT"])
def add_comment(
    request: Any, reference_doctype: str, reference_name: str, content: str, comment_email: str, comment_by: str
) -> dict[str, Any]:
    """A Comment on a document the caller may read; returns it without nulls.

    The Comment itself is inserted without permission checks, as Frappe does, and its text enters the
    document's ``_comments`` cache (``comment_cache.py``).
    """
    document.get_doc(reference_doctype, reference_name, user=request.user)  # 404, or 403 without read
    comment = document.insert_doc(
        "Comment",
        {
            "comment_type": "Comment",
            "reference_doctype": get_meta(reference_doctype).name,
            "reference_name": reference_name,
            "comment_email": comment_email,
            "comment_by": comment_by,
            "content": content,
        },
        user=request.user,
        ignore_permissions=True,
    )
    return strip_nulls(comment)
