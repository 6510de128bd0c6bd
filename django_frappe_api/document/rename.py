"""Renaming a document (§9.12): its key changes, and every Link, Dynamic Link and attachment naming it follows."""

from __future__ import annotations

from typing import Any

from .. import exceptions, naming, permissions
from ..backends.base import get_backend
from ..definitions import dynamic_link_fields, link_fields_to
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
    if not permissions.has_doc_permission(meta, stored.get("owner"), user, "write", doc=stored):
        raise exceptions.ValidationError("You need write permission to rename")
    # Only JSON-stored documents can change their key; a model's primary key is the host's business.
    if not meta.allow_rename or meta.backend != "generic" or meta.issingle or meta.istable:
        raise exceptions.ValidationError(f"{meta.name} not allowed to be renamed")
    new = naming.validate_name(meta, new)
    _move_document(meta, stored["name"], new, merge=merge)
    return new


def _move_document(meta: Meta, old: str, new: str, *, merge: bool) -> None:
    backend = get_backend(meta)
    if merge:
        backend.delete(meta, old)  # child rows go with it
    else:
        backend.rename(meta, old, new)
    for linking_doctype, fieldname in link_fields_to(meta.name):
        linking_meta = get_meta(linking_doctype)
        get_backend(linking_meta).replace_link(linking_meta, fieldname, old, new)
    for linking_doctype, fieldname, type_field in dynamic_link_fields():
        linking_meta = get_meta(linking_doctype)
        get_backend(linking_meta).replace_link(
            linking_meta, fieldname, old, new, type_field=type_field, type_value=meta.name
        )
    try:
        file_meta = get_meta("File")
    except exceptions.DoesNotExistError:
        return  # the File DocType is synced on migrate; without it nothing is attached
    get_backend(file_meta).replace_link(
        file_meta, "attached_to_name", old, new, type_field="attached_to_doctype", type_value=meta.name
    )
