"""Renaming a document (§9.12): its key changes, and every Link, Dynamic Link and attachment naming it follows."""

from __future__ import annotations

from typing import Any

from .. import exceptions, naming, permissions
from ..backends.base import get_backend
from ..meta import Meta, get_meta


def rename_doc(doctype: str, old: Any, new: Any, *, merge: bool = False, user: Any) -> Any:
    """Rename a document (§9.12) and return the new name.

    Every Link and Dynamic Link value naming it follows, and so do the Files attached to it; with
    ``merge`` the document is folded into the existing ``new`` one and deleted. Checks run in
    Frappe's order (``frappe/model/rename_doc.py``), all as 417 ``ValidationError``.
    """
    meta = get_meta(doctype)
    backend = get_backend(meta)
    new = new.strip() if isinstance(new, str) else new
    stored = backend.get_doc(meta, old)
    if stored is None:
        raise exceptions.ValidationError(f"Can't rename {old} to {new} because {old} doesn't exist.")
    if str(old) == str(new):
        raise exceptions.ValidationError("No changes made because old and new name are the same.")
    exists = new not in (None, "") and backend.exists(meta, new)
    if merge and not exists:
        raise exceptions.ValidationError(f"{meta.name} {new} does not exist, select a new target to merge")
    if not merge and exists:
        raise exceptions.ValidationError(f"Another {meta.name} with name {new} exists, select another name")
    if not permissions.has_doc_permission(meta, stored.get("owner"), user, "write"):
        raise exceptions.ValidationError("You need write permission to rename")
    # Only JSON-stored documents can change their key; a model's primary key is the host's business.
    if not meta.allow_rename or meta.backend != "generic" or meta.issingle or meta.istable:
        raise exceptions.ValidationError(f"{meta.name} not allowed to be renamed")
    new = naming.validate_name(meta, new)
    _move_document(meta, stored["name"], new, merge=merge)
    return new


def _move_document(meta: Meta, old: str, new: str, *, merge: bool) -> None:
    from ..models import DocField, Document

    if merge:
        Document.objects.filter(doctype_id=meta.name, name=old).delete()  # child rows cascade
    else:
        row = Document.objects.get(doctype_id=meta.name, name=old)
        row.name = new
        if meta.autoname.lower().startswith("field:"):  # the name field mirrors the name
            row.data = {**(row.data or {}), meta.autoname.split(":", 1)[1].strip(): new}
        row.save(update_fields=["name", "data"])
        Document.objects.filter(parent_document=row).update(parent=new)
    links = DocField.objects.filter(fieldtype="Link", options=meta.name).values_list("doctype_id", "fieldname")
    for linking_doctype, fieldname in links:
        rows = Document.objects.filter(doctype_id=linking_doctype, **{f"data__{fieldname}": old})
        _replace_value(rows, fieldname, new)
    dynamic = DocField.objects.filter(fieldtype="Dynamic Link").values_list("doctype_id", "fieldname", "options")
    for linking_doctype, fieldname, type_field in dynamic:
        rows = Document.objects.filter(
            doctype_id=linking_doctype, **{f"data__{type_field}": meta.name, f"data__{fieldname}": old}
        )
        _replace_value(rows, fieldname, new)
    attachments = Document.objects.filter(
        doctype_id="File", data__attached_to_doctype=meta.name, data__attached_to_name=old
    )
    _replace_value(attachments, "attached_to_name", new)


def _replace_value(rows, fieldname: str, new: str) -> None:
    from ..models import Document

    changed = []
    for row in rows.only("id", "data"):
        row.data = {**(row.data or {}), fieldname: new}
        changed.append(row)
    if changed:
        Document.objects.bulk_update(changed, ["data"])
