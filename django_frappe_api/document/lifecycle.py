"""Insert, update and delete one document, with Frappe's order of defaults, hooks, naming and checks (§9.5).

Hooks run through the controller registry, which also sends the doc-event signals.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import exceptions, naming, nul_bytes, permissions, sanitizer
from ..backends.base import get_backend, whole_request_backend
from ..hooks import controller_registry
from ..meta import Meta, get_meta
from ..serialization import doc_as_dict
from .docstatus import check_modified, check_transition, check_update_after_submit, requested_docstatus
from .links import check_no_links, validate_links
from .read import load_doc
from .validation import validate_doc
from .values import apply_values, new_doc, prepare_children, reset_unwritable
from .versions import version_diff


def insert_doc(
    doctype: str,
    values: dict[str, Any],
    *,
    user: Any,
    honour_name: bool = False,
    ignore_permissions: bool = False,
) -> dict[str, Any]:
    """Create a document from a payload; returns it in wire form with nulls.

    ``honour_name`` keeps a client-supplied ``name`` whatever the naming rule (v2 create).
    ``ignore_permissions`` is for server-side records only (a Comment added by ``add_comment``, a
    guest's File), never for a payload a client addressed to this DocType.
    """
    if not isinstance(values, dict):
        raise exceptions.ValidationError("Invalid request arguments")
    whole = whole_request_backend(doctype)
    if whole is not None:
        return whole.serve_insert(values, user=user)
    meta = get_meta(doctype)
    if meta.istable:
        raise exceptions.ValidationError(
            "Parenttype, Parent and Parentfield are required to insert a child record"
        )
    docstatus = requested_docstatus(values, default=0)
    if docstatus == 2:
        raise exceptions.DocstatusTransitionError("Cannot change docstatus from 0 (Draft) to 2 (Cancelled)")
    if docstatus == 1 and not meta.is_submittable:
        raise exceptions.DocstatusTransitionError("Cannot change docstatus from 0 (Draft) to 1 (Submitted)")
    now, uid = timezone.now(), permissions.user_id(user)
    doc = new_doc(meta, user=user)
    apply_values(meta, doc, values, user=user, is_new=True)
    doc.update(owner=uid, modified_by=uid, creation=now, modified=now, docstatus=docstatus)
    validate_links(meta, doc)
    if not ignore_permissions:
        permissions.check_doctype_permission(meta, user, "create")
        permissions.check_linked_values(meta, doc, user, "create")
        if docstatus == 1:
            permissions.check_doctype_permission(meta, user, "submit")
        reset_unwritable(meta, doc, None, user)
    _hook(meta, "before_insert", doc, user)
    doc["name"] = naming.make_name(
        meta, doc, client_name=values.get("name", values.get("__newname")), honour_client_name=honour_name
    )
    prepare_children(meta, doc, user=user)
    _run_validate_hooks(meta, doc, user, submitting=docstatus == 1)
    prepare_children(meta, doc, user=user)
    validate_doc(meta, doc)
    sanitizer.sanitize_doc(meta, doc, keep_submitted=False)
    nul_bytes.check_doc(meta, doc)
    backend = get_backend(meta)
    if doc["name"] is not None and backend.exists(meta, doc["name"]):
        raise _duplicate(meta, doc["name"])
    if doc.get("amended_from") and meta.has_field("amended_from"):
        naming.check_amended_from(meta, doc["amended_from"])
    try:
        with transaction.atomic():
            backend.insert(meta, doc)
        for table in meta.table_fields:  # a database-assigned name is known only now
            for row in doc.get(table.fieldname) or []:
                row["parent"] = doc["name"]
    except IntegrityError:
        if backend.exists(meta, doc["name"]):
            raise _duplicate(meta, doc["name"]) from None
        raise exceptions.UniqueValidationError("Value must be unique") from None
    _hook(meta, "after_insert", doc, user)
    _hook(meta, "on_submit" if docstatus == 1 else "on_update", doc, user)
    _hook(meta, "on_change", doc, user)
    return _saved(meta, doc)


def update_doc(doctype: str, name: Any, values: dict[str, Any], *, user: Any,
               ignore_permissions: bool = False) -> dict[str, Any]:
    """Merge a payload into a stored document (PUT/PATCH semantics, §4.4); wire form with nulls.

    ``ignore_permissions`` is for server-side records only (an assignment's ToDo closed by its assignee).
    """
    if not isinstance(values, dict):
        raise exceptions.ValidationError("Invalid request arguments")
    whole = whole_request_backend(doctype)
    if whole is not None:
        return whole.serve_update(name, values, user=user)
    meta = get_meta(doctype)
    doc = load_doc(meta, name, for_update=True)
    if meta.istable:
        raise exceptions.ValidationError(f"Update {meta.name} rows through their parent document")
    if not ignore_permissions:
        permissions.check_doc_permission(meta, doc["name"], doc.get("owner"), user, "write", doc=doc)
    check_modified(doc, values)
    stored_status = int(doc.get("docstatus") or 0)
    new_status = requested_docstatus(values, default=stored_status)
    check_transition(meta, doc, stored_status, new_status, user)
    before = dict(doc)
    tables = tuple(t.fieldname for t in meta.table_fields if t.fieldname in values)
    apply_values(meta, doc, values, user=user, is_new=False)
    if not ignore_permissions:
        reset_unwritable(meta, doc, before, user)
        permissions.check_linked_values(meta, doc, user, "write")
    if (stored_status, new_status) == (1, 1):
        check_update_after_submit(meta, before, doc, tables)
    uid = permissions.user_id(user)
    doc.update(modified=timezone.now(), modified_by=uid, docstatus=new_status)
    prepare_children(meta, doc, user=user)
    cancelling = stored_status == 1 and new_status == 2
    if cancelling:
        check_no_links(meta, doc, cancelling=True)
        _hook(meta, "before_cancel", doc, user)
    else:
        _run_validate_hooks(meta, doc, user, submitting=stored_status == 0 and new_status == 1)
        prepare_children(meta, doc, user=user)
        validate_links(meta, doc)
        validate_doc(meta, doc)
        sanitizer.sanitize_doc(meta, doc, keep_submitted=stored_status == 1)
    nul_bytes.check_doc(meta, doc)
    if doc.pop("__unsaved_single", False):
        doc["creation"] = doc["modified"]
        get_backend(meta).insert(meta, doc)
    else:
        get_backend(meta).update(meta, doc, tables=tables)
    if meta.properties.get("track_changes"):
        _save_version(meta, before, doc, user)
    if cancelling:
        _hook(meta, "on_cancel", doc, user)
    else:
        _hook(meta, "on_submit" if (stored_status, new_status) == (0, 1) else "on_update", doc, user)
    _hook(meta, "on_change", doc, user)
    return _saved(meta, doc)


def delete_doc(doctype: str, name: Any, *, user: Any) -> None:
    """Delete a document the user may delete; submitted or still-linked ones are refused."""
    whole = whole_request_backend(doctype)
    if whole is not None:
        whole.serve_delete(name, user=user)
        return
    meta = get_meta(doctype)
    doc = get_backend(meta).get_doc(meta, name, for_update=True)
    if doc is None:
        raise exceptions.DoesNotExistError(doctype=meta.name)
    if meta.istable:
        raise exceptions.ValidationError(f"Delete {meta.name} rows through their parent document")
    if not permissions.has_doc_permission(meta, doc.get("owner"), user, "delete", doc=doc):
        raise exceptions.PermissionError(f"User not allowed to delete {meta.name}: {doc['name']}")
    if meta.is_submittable and int(doc.get("docstatus") or 0) == 1:
        raise exceptions.ValidationError(
            f"{meta.name} {doc['name']}: Submitted Record cannot be deleted. You must Cancel it first."
        )
    check_no_links(meta, doc)
    _hook(meta, "on_trash", doc, user)
    get_backend(meta).delete(meta, doc["name"])
    _hook(meta, "after_delete", doc, user)


def _save_version(meta: Meta, old: dict[str, Any], new: dict[str, Any], user: Any) -> None:
    """A ``Version`` record of what this save changed, when anything did (Frappe's ``save_version``)."""
    diff = version_diff(meta, old, new)
    if diff is None:
        return
    data = json.dumps(diff, indent=1, sort_keys=True, separators=(",", ": "), default=str)
    values = {"ref_doctype": meta.name, "docname": new["name"], "data": data}
    insert_doc("Version", values, user=user, ignore_permissions=True)


def _hook(meta: Meta, hook: str, doc: dict[str, Any], user: Any) -> None:
    controller_registry.run_hook(meta.name, hook, doc, user=user)


def _run_validate_hooks(meta: Meta, doc: dict[str, Any], user: Any, *, submitting: bool) -> None:
    """before_validate, validate, then before_save or before_submit (§9.5 step 7)."""
    _hook(meta, "before_validate", doc, user)
    _hook(meta, "validate", doc, user)
    _hook(meta, "before_submit" if submitting else "before_save", doc, user)


def _saved(meta: Meta, doc: dict[str, Any]) -> dict[str, Any]:
    """The document as stored. Model-backed DocTypes are read back: the database may have filled
    defaults, keys and computed fields that the in-memory document does not know."""
    if meta.backend != "generic":
        doc = get_backend(meta).get_doc(meta, doc["name"]) or doc
    return doc_as_dict(meta, doc, nulls=True)


def _duplicate(meta: Meta, name: Any) -> exceptions.DuplicateEntryError:
    return exceptions.DuplicateEntryError(f"{meta.name} <strong>{name}</strong> already exists", title="Duplicate Name")
