"""The document layer: list, count, read, insert, update and delete with Frappe's rules.

Every caller -- v1 and v2 views, RPC methods, the admin -- goes through these functions, so
permissions, defaults, validation and naming apply the same way everywhere::

    from django_frappe_api import document
    doc = document.insert_doc("ToDo", {"description": "Call Bob"}, user=request.user)
    rows = document.get_list("ToDo", user=request.user, filters={"status": "Open"})

Functions that return a document return it in wire form *with* nulls; callers that answer like
Frappe's REST reads drop them with ``serialization.strip_nulls``-style ``doc_as_dict(nulls=False)``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlparse

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import doctype_resource, exceptions, fieldtypes, naming, nul_bytes, passwords, permissions, sanitizer
from .backends.base import get_backend
from .controllers import controller_registry
from .definition_checks import BUILTIN_LINK_TARGETS
from .field_access import FieldAccess
from .messages import msgprint
from .meta import FieldMeta, Meta, doctype_exists, get_meta
from .query import ListQuery, sql_integer
from .serialization import doc_as_dict, wire_datetime

EMAIL_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
# frappe.utils: PHONE_NUMBER_PATTERN and the pattern of validate_name.
PHONE_RE = re.compile(r"^[0-9 +_\-,.*#()]{1,20}$")
NAME_RE = re.compile(r"^[\w][\w'\-]*( \w[\w\-]*)*$")
DOCSTATUS_LABELS = {0: "Draft", 1: "Submitted", 2: "Cancelled"}
# Payload keys that never become field values.
_IGNORED_KEYS = frozenset(
    fieldtypes.STANDARD_FIELDS + fieldtypes.CHILD_STANDARD_FIELDS + ("doctype", "flags", "__islocal", "__unsaved")
)


# -- reading -------------------------------------------------------------------------------------


def get_list(
    doctype: str,
    *,
    user: Any,
    fields: Any = None,
    filters: Any = None,
    or_filters: Any = None,
    order_by: Any = None,
    group_by: Any = None,
    start: Any = 0,
    page_length: Any = None,
    as_dict: bool = True,
    parent: str | None = None,
    default_order: bool = True,
    distinct: bool = False,
    host_params: Any = None,
) -> list[Any]:
    """Rows of a DocType the user may read, filtered, sorted and paged in the database
    (``distinct``: SELECT DISTINCT, as a ``distinct`` first field also asks)."""
    if doctype == doctype_resource.DOCTYPE:
        if distinct:
            raise exceptions.ValidationError("distinct is not supported when listing DocTypes")
        return doctype_resource.get_list(fields, filters, order_by, start, page_length, user=user,
                                         as_dict=as_dict, or_filters=or_filters)
    meta = get_meta(doctype)
    perm_meta = permissions.permission_meta(meta, parent)
    permissions.check_doctype_permission(perm_meta, user, "read")
    access = FieldAccess(user, meta, perm_meta)
    fields, tables, added_name = _split_table_fields(meta, fields, access.readable(meta))
    query = ListQuery.build(
        meta,
        fields=fields,
        filters=filters,
        or_filters=or_filters,
        order_by=order_by,
        group_by=group_by,
        start=start,
        page_length=page_length,
        as_dict=as_dict,
        parent=parent,
        access=access,
        default_order=default_order,
        distinct=distinct,
    )
    query.host_params = host_params
    backend = get_backend(meta)
    row_condition = None if meta.istable else permissions.list_condition(
        perm_meta, user, backend.owner_lookup(meta), backend.name_lookup(meta)
    )
    rows = backend.get_list(query, row_condition)
    if meta.autoname.lower() == "autoincrement" and meta.backend == "generic":
        _integer_names(query, rows)
    if tables:
        position = next(i for i, item in enumerate(query.select) if item.key == "name")
        _nest_children(meta, perm_meta, rows, tables, user=user, added_name=added_name, name_position=position)
    return rows


def _split_table_fields(meta: Meta, fields: Any, readable: set[str] | None) -> tuple[Any, list[FieldMeta], bool]:
    """Bare Table fieldnames in ``fields`` (beyond Frappe): each row gets its child records nested.

    Returns the other fields, the Table fields and whether ``name`` had to be added to match children.
    """
    from .filters import load_json_param

    if not meta.table_fields or fields in (None, "") or (isinstance(fields, str) and fields.strip() == "*"):
        return fields, [], False
    items = load_json_param(fields, "fields")
    if isinstance(items, str):
        items = items.split(",")
    if not isinstance(items, list):
        return fields, [], False
    by_name = {table.fieldname: table for table in meta.table_fields}
    tables = [by_name[i.strip()] for i in items if isinstance(i, str) and i.strip() in by_name]
    if not tables:
        return fields, [], False
    tables = [t for t in dict.fromkeys(tables) if readable is None or t.fieldname in readable]
    rest = [i for i in items if not (isinstance(i, str) and i.strip() in by_name)]
    added_name = not any(isinstance(i, str) and i.strip() in ("name", "*") for i in rest)
    return (["name", *rest] if added_name else rest), tables, added_name


def _integer_names(query: ListQuery, rows: list[Any]) -> None:
    """Autoincrement names are stored as text by the generic backend and sent as integers."""
    positions = [i for i, item in enumerate(query.select)
                 if item.ref is not None and not item.ref.via and item.ref.fieldname == "name" and not item.aggregate]
    for row in rows:
        for position in positions:
            key = query.select[position].key if isinstance(row, dict) else position
            value = row[key]
            if isinstance(value, str) and value.isdigit():
                row[key] = int(value)


def _nest_children(meta: Meta, perm_meta: Meta, rows: list[Any], tables: list[FieldMeta], *, user: Any,
                   added_name: bool, name_position: int) -> None:
    """Child records of every row of the page, one query per Table field, ordered by ``idx``."""
    names = [str(row["name"] if isinstance(row, dict) else row[name_position]) for row in rows]
    for table in tables:
        child_meta = get_meta(table.options)
        by_parent: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        if names:
            query = ListQuery.build(
                child_meta, fields=["*"], filters=[["parent", "in", names], ["parentfield", "=", table.fieldname]],
                order_by="idx asc", parent=meta.name, access=FieldAccess(user, child_meta, perm_meta),
                default_order=False,
            )
            query.page_length = 0  # every child of the page, however many
            for child in get_backend(child_meta).get_list(query, None):
                child["doctype"] = child_meta.name
                by_parent.setdefault(str(child.get("parent")), []).append(child)
        for name, row in zip(names, rows, strict=True):
            if isinstance(row, dict):
                row[table.fieldname] = by_parent.get(name, [])
            else:
                row.append(by_parent.get(name, []))
    if added_name:
        for row in rows:
            if isinstance(row, dict):
                row.pop("name", None)
            else:
                row.pop(name_position)


def get_count(
    doctype: str,
    *,
    user: Any,
    filters: Any = None,
    or_filters: Any = None,
    distinct: bool = False,
    limit: int | None = None,
    parent: str | None = None,
    host_params: Any = None,
) -> int:
    """Number of rows the user may read that match the filters; ``limit`` stops counting there
    (``host_params``: the request's query parameters, for a registered model's FilterSet)."""
    if limit is not None and limit < 0:
        raise exceptions.FrappeValueError("'limit' must be a non-negative integer")
    if limit is not None:
        sql_integer(limit, "limit")
    meta = get_meta(doctype)
    perm_meta = permissions.permission_meta(meta, parent)
    permissions.check_doctype_permission(perm_meta, user, "read")
    query = ListQuery.build(meta, filters=filters, or_filters=or_filters, parent=parent, default_order=False,
                            access=FieldAccess(user, meta, perm_meta))
    query.host_params = host_params
    backend = get_backend(meta)
    row_condition = None if meta.istable else permissions.list_condition(
        perm_meta, user, backend.owner_lookup(meta), backend.name_lookup(meta)
    )
    return backend.get_count(query, row_condition, distinct=distinct, limit=limit)


def load_doc(meta: Meta, name: Any, *, for_update: bool = False) -> dict[str, Any]:
    """The stored document or ``DoesNotExistError`` ("ToDo abc not found").

    A Single DocType that was never saved reads as its defaults (Frappe keeps no row for it either).
    """
    doc = get_backend(meta).get_doc(meta, name, for_update=for_update)
    if doc is None:
        if meta.issingle and name == meta.name:
            return _unsaved_single(meta)
        raise exceptions.DoesNotExistError(f"{meta.name} {name} not found", doctype=meta.name)
    return doc


def _unsaved_single(meta: Meta) -> dict[str, Any]:
    from .conf import api_settings

    now = timezone.now()
    doc = new_doc(meta, user=None)
    doc.update(name=meta.name, owner=api_settings.ADMINISTRATOR, modified_by=api_settings.ADMINISTRATOR,
               creation=now, modified=now, __unsaved_single=True)
    return doc


def get_doc(doctype: str, name: Any, *, user: Any, nulls: bool = True) -> dict[str, Any]:
    """One document the user may read, in wire form."""
    if doctype == doctype_resource.DOCTYPE:
        return doctype_resource.get(name, user=user)
    meta = get_meta(doctype)
    doc = load_doc(meta, name)
    perm_meta = _check_doc(meta, doc, user, "read")
    return doc_as_dict(meta, doc, nulls=nulls, access=FieldAccess(user, meta, perm_meta))


def _check_doc(meta: Meta, doc: dict[str, Any], user: Any, right: str) -> Meta:
    """Check a right on a stored document (a child row is checked on its parent)."""
    if meta.istable:
        parent_meta = permissions.permission_meta(meta, doc.get("parenttype"))
        parent = load_doc(parent_meta, doc.get("parent"))
        permissions.check_doc_permission(parent_meta, parent["name"], parent.get("owner"), user, right)
        return parent_meta
    permissions.check_doc_permission(meta, doc["name"], doc.get("owner"), user, right)
    return meta


# -- writing -------------------------------------------------------------------------------------


def new_doc(meta: Meta, *, user: Any) -> dict[str, Any]:
    """A document holding the DocType's defaults (§9.5 step 1), not yet saved."""
    doc: dict[str, Any] = {"doctype": meta.name, "docstatus": 0, "idx": 0}
    for field in meta.data_fields:
        doc[field.fieldname] = _default_value(field, user)
    for table in meta.table_fields:
        doc[table.fieldname] = []
    return doc


def _default_value(field: FieldMeta, user: Any) -> Any:
    default = field.default
    if default in (None, ""):
        if field.fieldtype == "Select":
            options = field.select_options
            return options[0] if options and options[0] else None
        if field.fieldtype in fieldtypes.NUMERIC_TYPES:
            return 0
        return None
    if default.startswith(":"):
        # A session default (``:Company``): Frappe takes the user's default for that DocType; there are
        # no per-user defaults here, so the field starts empty rather than holding the literal text.
        return None
    lowered = default.strip().lower()
    if lowered == "today" and field.fieldtype in ("Date", "Datetime"):
        return fieldtypes.coerce(field.fieldtype, timezone.localdate())
    if lowered == "now":
        now = timezone.localtime().replace(tzinfo=None)
        return fieldtypes.coerce(field.fieldtype, now.time() if field.fieldtype == "Time" else now)
    if lowered == "__user":
        return permissions.user_id(user)
    try:
        return fieldtypes.coerce(field.fieldtype, default)
    except exceptions.ValidationError:
        return None


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
    if doctype == doctype_resource.DOCTYPE:
        return doctype_resource.insert(values, user=user)
    meta = get_meta(doctype)
    if meta.istable:
        raise exceptions.ValidationError(
            "Parenttype, Parent and Parentfield are required to insert a child record"
        )
    docstatus = _requested_docstatus(values, default=0)
    if docstatus == 2:
        raise exceptions.DocstatusTransitionError("Cannot change docstatus from 0 (Draft) to 2 (Cancelled)")
    if docstatus == 1 and not meta.is_submittable:
        raise exceptions.DocstatusTransitionError("Cannot change docstatus from 0 (Draft) to 1 (Submitted)")
    now, uid = timezone.now(), permissions.user_id(user)
    doc = new_doc(meta, user=user)
    _apply_values(meta, doc, values, user=user, is_new=True)
    doc.update(owner=uid, modified_by=uid, creation=now, modified=now, docstatus=docstatus)
    _validate_links(meta, doc)
    if not ignore_permissions:
        permissions.check_doctype_permission(meta, user, "create")
        if docstatus == 1:
            permissions.check_doctype_permission(meta, user, "submit")
        _reset_unwritable(meta, doc, None, user)
    _hook(meta, "before_insert", doc, user)
    doc["name"] = naming.make_name(
        meta, doc, client_name=values.get("name", values.get("__newname")), honour_client_name=honour_name
    )
    _prepare_children(meta, doc, user=user)
    _run_validate_hooks(meta, doc, user, submitting=docstatus == 1)
    _prepare_children(meta, doc, user=user)
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


def update_doc(doctype: str, name: Any, values: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """Merge a payload into a stored document (PUT/PATCH semantics, §4.4); wire form with nulls."""
    if not isinstance(values, dict):
        raise exceptions.ValidationError("Invalid request arguments")
    if doctype == doctype_resource.DOCTYPE:
        return doctype_resource.update(name, values, user=user)
    meta = get_meta(doctype)
    doc = load_doc(meta, name, for_update=True)
    if meta.istable:
        raise exceptions.ValidationError(f"Update {meta.name} rows through their parent document")
    permissions.check_doc_permission(meta, doc["name"], doc.get("owner"), user, "write")
    _check_modified(doc, values)
    stored_status = int(doc.get("docstatus") or 0)
    new_status = _requested_docstatus(values, default=stored_status)
    _check_transition(meta, doc, stored_status, new_status, user)
    before = dict(doc)
    tables = tuple(t.fieldname for t in meta.table_fields if t.fieldname in values)
    _apply_values(meta, doc, values, user=user, is_new=False)
    _reset_unwritable(meta, doc, before, user)
    if (stored_status, new_status) == (1, 1):
        _check_update_after_submit(meta, before, doc, tables)
    uid = permissions.user_id(user)
    doc.update(modified=timezone.now(), modified_by=uid, docstatus=new_status)
    _prepare_children(meta, doc, user=user)
    cancelling = stored_status == 1 and new_status == 2
    if cancelling:
        _check_no_links(meta, doc, cancelling=True)
        _hook(meta, "before_cancel", doc, user)
    else:
        _run_validate_hooks(meta, doc, user, submitting=stored_status == 0 and new_status == 1)
        _prepare_children(meta, doc, user=user)
        _validate_links(meta, doc)
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


def _save_version(meta: Meta, old: dict[str, Any], new: dict[str, Any], user: Any) -> None:
    """A ``Version`` record of what this save changed, when anything did (Frappe's ``save_version``)."""
    diff = version_diff(meta, old, new)
    if diff is None:
        return
    data = json.dumps(diff, indent=1, sort_keys=True, separators=(",", ": "), default=str)
    values = {"ref_doctype": meta.name, "docname": new["name"], "data": data}
    insert_doc("Version", values, user=user, ignore_permissions=True)


def version_diff(meta: Meta, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    """``{"changed": [[field, old, new]], "added": [[table, row]], "removed": [[table, row]],
    "row_changed": [[table, idx, row name, [[field, old, new]]]]}``, or ``None`` when nothing changed.

    Values are in wire form (Frappe stores them formatted for display); Password fields are left out.
    """
    out: dict[str, Any] = {"changed": [], "added": [], "removed": [], "row_changed": [],
                           "data_import": None, "updater_reference": None}
    out["changed"] = _changed_fields(meta, old, new)
    for table in meta.table_fields:
        child_meta = get_meta(table.options)
        old_rows = {str(row.get("name")): row for row in old.get(table.fieldname) or []}
        new_names = set()
        for position, row in enumerate(new.get(table.fieldname) or []):
            new_names.add(str(row.get("name")))
            previous = old_rows.get(str(row.get("name")))
            if previous is None:
                out["added"].append([table.fieldname, doc_as_dict(child_meta, row, nulls=True)])
            elif changed := _changed_fields(child_meta, previous, row):
                out["row_changed"].append([table.fieldname, position, row.get("name"), changed])
        for name, row in old_rows.items():
            if name not in new_names:
                out["removed"].append([table.fieldname, doc_as_dict(child_meta, row, nulls=True)])
    if int(old.get("docstatus") or 0) != int(new.get("docstatus") or 0):
        out["changed"].append(["docstatus", int(old.get("docstatus") or 0), int(new.get("docstatus") or 0)])
    if any(out[key] for key in ("changed", "added", "removed", "row_changed")):
        return out
    return None


def _changed_fields(meta: Meta, old: dict[str, Any], new: dict[str, Any]) -> list[list[Any]]:
    changed = []
    for field in meta.data_fields:
        if field.fieldtype == "Password":
            continue
        before = fieldtypes.to_wire(field.fieldtype, old.get(field.fieldname))
        after = fieldtypes.to_wire(field.fieldtype, new.get(field.fieldname))
        if before != after:
            changed.append([field.fieldname, before, after])
    return changed


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


def delete_doc(doctype: str, name: Any, *, user: Any) -> None:
    """Delete a document the user may delete; submitted or still-linked ones are refused."""
    if doctype == doctype_resource.DOCTYPE:
        doctype_resource.delete(name, user=user)
        return
    meta = get_meta(doctype)
    doc = get_backend(meta).get_doc(meta, name, for_update=True)
    if doc is None:
        raise exceptions.DoesNotExistError(doctype=meta.name)
    if meta.istable:
        raise exceptions.ValidationError(f"Delete {meta.name} rows through their parent document")
    if not permissions.has_doc_permission(meta, doc.get("owner"), user, "delete"):
        raise exceptions.PermissionError(f"User not allowed to delete {meta.name}: {doc['name']}")
    if meta.is_submittable and int(doc.get("docstatus") or 0) == 1:
        raise exceptions.ValidationError(
            f"{meta.name} {doc['name']}: Submitted Record cannot be deleted. You must Cancel it first."
        )
    _check_no_links(meta, doc)
    _hook(meta, "on_trash", doc, user)
    get_backend(meta).delete(meta, doc["name"])
    _hook(meta, "after_delete", doc, user)


# -- helpers -------------------------------------------------------------------------------------


def _duplicate(meta: Meta, name: Any) -> exceptions.DuplicateEntryError:
    return exceptions.DuplicateEntryError(f"{meta.name} <strong>{name}</strong> already exists", title="Duplicate Name")


def _requested_docstatus(values: dict[str, Any], *, default: int) -> int:
    if "docstatus" not in values or values["docstatus"] in (None, ""):
        return default
    status = fieldtypes.cint(values["docstatus"])
    if status not in (0, 1, 2):
        raise exceptions.ValidationError(f"Invalid docstatus: {values['docstatus']}")
    return status


def _check_modified(doc: dict[str, Any], values: dict[str, Any]) -> None:
    """Optimistic concurrency: a supplied ``modified`` must equal the stored one exactly (§9.7)."""
    if "modified" not in values or values["modified"] in (None, "") or doc.get("modified") is None:
        return  # nothing to compare: a registered model may have no modified field
    stored = wire_datetime(doc["modified"])
    supplied = str(values["modified"])
    if supplied != stored:
        message = (
            f"Error: Document has been modified after you have opened it ({stored}, {supplied}). "
            "Please refresh to get the latest document."
        )
        raise exceptions.TimestampMismatchError(message)


def _check_transition(meta: Meta, doc: dict[str, Any], old: int, new: int, user: Any) -> None:
    if old == 2:
        raise exceptions.ValidationError(detail="Cannot edit cancelled document")
    if new != old and not meta.is_submittable:
        raise exceptions.DocstatusTransitionError(
            f"Cannot change docstatus from {old} ({DOCSTATUS_LABELS[old]}) to {new} ({DOCSTATUS_LABELS[new]})"
        )
    if (old, new) in ((0, 2), (1, 0)):
        raise exceptions.DocstatusTransitionError(
            detail=f"Cannot change docstatus from {old} ({DOCSTATUS_LABELS[old]}) to {new} "
            f"({DOCSTATUS_LABELS[new]})"
        )
    right = {(0, 1): "submit", (1, 1): "submit", (1, 2): "cancel"}.get((old, new))
    if right:
        permissions.check_doc_permission(meta, doc["name"], doc.get("owner"), user, right)


def _check_update_after_submit(meta: Meta, old: dict[str, Any], new: dict[str, Any], tables: tuple[str, ...]) -> None:
    """A submitted document may only change ``allow_on_submit`` fields; a table that does not allow it keeps
    its rows (same count, same names) and their other fields (§9.6)."""
    _check_unchanged(meta, old, new, "")
    for table in meta.table_fields:
        if table.fieldname not in tables or table.allow_on_submit:
            continue
        old_rows = old.get(table.fieldname) or []
        new_rows = new.get(table.fieldname) or []
        by_name = {str(row.get("name")): row for row in old_rows}
        if len(old_rows) != len(new_rows) or any(str(row.get("name")) not in by_name for row in new_rows):
            _refuse_after_submit("", table.display_label, f"{len(old_rows)} rows", f"{len(new_rows)} rows")
        child_meta = get_meta(table.options)
        for row in new_rows:
            _check_unchanged(child_meta, by_name[str(row.get("name"))], row, f"Row #{row.get('idx')}:")


def _check_unchanged(meta: Meta, old: dict[str, Any], new: dict[str, Any], prefix: str) -> None:
    for field in meta.data_fields:
        if field.allow_on_submit or field.fieldtype == "Password":
            continue
        before = fieldtypes.to_wire(field.fieldtype, old.get(field.fieldname))
        after = fieldtypes.to_wire(field.fieldtype, new.get(field.fieldname))
        if before != after and (before or after):
            _refuse_after_submit(prefix, field.display_label, before, after)


def _refuse_after_submit(prefix: str, label: str, before: Any, after: Any) -> None:
    raise exceptions.UpdateAfterSubmitError(
        f"{prefix} Not allowed to change <strong>{label}</strong> after submission from <strong>{before}</strong> "
        f"to <strong>{after}</strong>",
        title="Cannot Update After Submit",
    )


def _apply_values(meta: Meta, doc: dict[str, Any], values: dict[str, Any], *, user: Any, is_new: bool) -> None:
    """Merge payload values into ``doc``: data fields coerced, Table fields replaced whole."""
    for key, value in values.items():
        if key in _IGNORED_KEYS or key.startswith("__"):
            continue
        field = meta.get_field(key)
        if field is None or not field.fieldname:
            continue  # unknown keys are ignored, as Frappe does
        if field.is_table:
            doc[key] = _table_rows(meta, field, value, doc.get(key) or [], user=user)
        elif field.fieldtype == "Password":
            _set_password(meta, doc, field, value)
        elif field.holds_value:
            # ``read_only`` is a form property: Frappe saves what the API sends (fetch_from fields are
            # refreshed from their link on save, in _validate_links).
            if not is_new and field.set_only_once and doc.get(key) not in (None, "", 0):
                incoming = _coerce_field(meta, field, value)
                if incoming != doc.get(key):
                    raise exceptions.CannotChangeConstantError(f"Value cannot be changed for {field.display_label}")
            doc[key] = _coerce_field(meta, field, value)


def _set_password(meta: Meta, doc: dict[str, Any], field: FieldMeta, value: Any) -> None:
    """Store a Password value encrypted (``passwords.py``: Frappe encrypts them, so ``get_password`` can
    read them back). Asterisks (what a form shows for a saved password) keep the stored one; a
    model-backed DocType gets the clear value, for its backend to hash (``set_password``)."""
    if isinstance(value, (list, dict)):
        raise exceptions.ValidationError(f"Value for {field.display_label} cannot be a list")
    nul_bytes.check_value(field.display_label, value)  # encryption would hide it from check_doc
    if value in (None, ""):
        doc[field.fieldname] = None
    elif isinstance(value, str) and set(value) == {"*"}:
        return
    else:
        doc[field.fieldname] = passwords.encrypt(str(value)) if meta.backend == "generic" else str(value)


def _coerce_field(meta: Meta, field: FieldMeta, value: Any) -> Any:
    if isinstance(value, (list, dict)) and field.fieldtype != "JSON":
        raise exceptions.ValidationError(f"Value for {field.display_label} cannot be a list")
    nul_bytes.check_value(field.display_label, value)  # before links and uniqueness query the database
    try:
        return fieldtypes.coerce(field.fieldtype, value)
    except exceptions.ValidationError as error:
        raise exceptions.ValidationError(f"{meta.name}: {field.display_label}: {error.message}") from None


def _table_rows(meta: Meta, field: FieldMeta, value: Any, existing: list[dict], *, user: Any) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise exceptions.ValidationError(f"Value for {field.display_label} must be a list of rows")
    child_meta = get_meta(field.options)
    by_name = {str(row.get("name")): row for row in existing}
    rows = []
    for position, incoming in enumerate(value, start=1):
        stored = by_name.pop(str(incoming.get("name")), None) if incoming.get("name") else None
        row = new_doc(child_meta, user=user)
        if stored is not None:
            # An existing row is rewritten from the supplied dict (omitted fields reset, §9.8).
            row.update({key: stored.get(key) for key in ("name", "owner", "creation")})
        _apply_values(child_meta, row, incoming, user=user, is_new=stored is None)
        row["idx"] = fieldtypes.cint(incoming.get("idx")) or position
        rows.append(row)
    return rows


def _prepare_children(meta: Meta, doc: dict[str, Any], *, user: Any) -> None:
    """Give child rows their names, parent links and the parent's audit fields."""
    uid = permissions.user_id(user)
    for table in meta.table_fields:
        child_meta = get_meta(table.options)
        for position, row in enumerate(doc.get(table.fieldname) or [], start=1):
            if not row.get("name"):
                row["name"] = naming.make_hash_name()
                row["owner"] = uid
                row["creation"] = doc["modified"]
            row.setdefault("owner", uid)
            row.setdefault("creation", doc["modified"])
            row.update(
                parent=doc["name"],
                parentfield=table.fieldname,
                parenttype=meta.name,
                docstatus=doc["docstatus"],
                modified=doc["modified"],
                modified_by=doc["modified_by"],
                doctype=child_meta.name,
            )
            row["idx"] = row.get("idx") or position


def _reset_unwritable(meta: Meta, doc: dict[str, Any], before: dict[str, Any] | None, user: Any) -> None:
    """Fields at permlevels the user cannot write keep their stored (or default) value (§11.5)."""
    levels = permissions.writable_levels(meta, user)
    if levels is None:
        return
    for field in meta.fields:
        if field.fieldname and field.permlevel not in levels:
            doc[field.fieldname] = (before or {}).get(field.fieldname, _default_value(field, user))


def validate_doc(meta: Meta, doc: dict[str, Any]) -> None:
    """Field validations of §9.10: mandatory first, then selects, formats, lengths, uniqueness."""
    _check_mandatory(meta, doc)
    for row_prefix, row_meta, row in _rows(meta, doc):
        for field in row_meta.data_fields:
            _validate_value(row_meta, field, row, row_prefix)
    backend = get_backend(meta)
    for field in meta.data_fields:
        value = doc.get(field.fieldname)
        if field.unique and value not in (None, "") and backend.value_exists(
            meta, field.fieldname, value, exclude_name=doc["name"]
        ):
            raise exceptions.UniqueValidationError(f"{field.display_label} must be unique")


def _rows(meta: Meta, doc: dict[str, Any]):
    yield "", meta, doc
    for table in meta.table_fields:
        child_meta = get_meta(table.options)
        for row in doc.get(table.fieldname) or []:
            yield f"Row #{row.get('idx')}:", child_meta, row


def _check_mandatory(meta: Meta, doc: dict[str, Any]) -> None:
    missing: list[str] = []
    for field in meta.fields:
        if not field.reqd or not field.fieldname:
            continue
        if field.is_table:
            if not doc.get(field.fieldname):
                msgprint(f"Error: Data missing in table: {field.display_label}", title="Message")
                missing.append(field.fieldname)
        elif _is_empty(doc.get(field.fieldname), field):
            msgprint(f"Error: Value missing for {meta.name}: {field.display_label}", title="Message")
            missing.append(field.fieldname)
    for table in meta.table_fields:
        child_meta = get_meta(table.options)
        for row in doc.get(table.fieldname) or []:
            for field in child_meta.data_fields:
                if field.reqd and _is_empty(row.get(field.fieldname), field):
                    msgprint(
                        f"Error: <strong>{child_meta.name}</strong> Row #{row.get('idx')}: "
                        f"Value missing for: {field.display_label}",
                        title="Message",
                    )
                    missing.append(f"{table.fieldname}[{row.get('idx')}].{field.fieldname}")
    if missing:
        raise exceptions.MandatoryError(detail=f"[{meta.name}, {doc.get('name')}]: {', '.join(missing)}")


def _is_empty(value: Any, field: FieldMeta) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        text = re.sub(r"<[^>]*>", "", value) if field.fieldtype in ("Text Editor", "HTML Editor") else value
        return not text.strip()
    return False


def _validate_value(meta: Meta, field: FieldMeta, doc: dict[str, Any], row_prefix: str) -> None:
    value = doc.get(field.fieldname)
    if value in (None, ""):
        return
    label = field.display_label
    if field.fieldtype == "Select":
        options = [o for o in field.select_options]
        if str(value).strip() not in options:
            quoted = ", ".join(f'"{o}"' for o in options if o)
            raise exceptions.ValidationError(f'{row_prefix} {label} cannot be "{value}". It should be one of {quoted}')
    _check_length(meta, field, doc, value, row_prefix)
    if field.non_negative and field.fieldtype in fieldtypes.NUMERIC_TYPES and value < 0:
        raise exceptions.NonNegativeError(f"Value cannot be negative for {meta.name}: <strong>{label}</strong>")
    if field.fieldtype == "Data" and field.options == "Email" and not _valid_emails(value):
        raise exceptions.InvalidEmailAddressError(f"{value} is not a valid Email Address")
    if (field.fieldtype == "Phone" or (field.fieldtype == "Data" and field.options == "Phone")) and not (
        PHONE_RE.match(str(value))
    ):
        raise exceptions.InvalidPhoneNumberError(f"{value} is not a valid Phone Number")
    if field.fieldtype == "Data" and field.options == "Name" and not NAME_RE.match(str(value)):
        raise exceptions.InvalidNameError(f"{value} is not a valid Name")
    if field.fieldtype == "Data" and field.options == "URL" and not _valid_url(str(value)):
        raise exceptions.ValidationError(f"'<strong>{value}</strong>' is not a valid URL")


def _check_length(meta: Meta, field: FieldMeta, doc: dict[str, Any], value: Any, row_prefix: str) -> None:
    """Frappe's ``_validate_length``: a varchar holds ``length`` (default 140) characters, an Int column a
    32-bit value (64-bit for Long Int or ``length`` > 11), whatever the database would accept."""
    limit = None if meta.issingle else fieldtypes.column_limit(field.fieldtype, field.length)
    if limit is None:
        return  # a Single's values are stored as text, whatever their fieldtype
    kind, maximum = limit
    too_big = len(str(value)) > maximum if kind == "varchar" else abs(fieldtypes.cint(value)) > maximum
    if too_big:
        reference = f"{meta.name}, Row {doc.get('idx')}" if row_prefix else f"{meta.name} {doc.get('name')}"
        raise exceptions.CharacterLengthExceededError(
            f"{reference}: '<strong>{field.display_label}</strong>' ({value}) will get truncated, "
            f"as max characters allowed is {maximum}",
            title="Value too big",
        )


def _valid_url(value: str) -> bool:
    # frappe.utils.validate_url: a network location, or a path on this site.
    return bool(urlparse(value).netloc) or value.startswith("/")


def _valid_emails(value: str) -> bool:
    return all(EMAIL_RE.match(part.strip()) for part in re.split(r"[,;\n]", value) if part.strip())


def _validate_links(meta: Meta, doc: dict[str, Any]) -> None:
    """Link values must name existing documents (§9.10); Dynamic Links need their type first.

    Also fills ``fetch_from`` fields, and refuses links from a submittable document to cancelled ones.
    """
    missing: list[str] = []
    cancelled: list[str] = []
    for row_prefix, row_meta, row in _rows(meta, doc):
        for field in row_meta.data_fields:
            value = row.get(field.fieldname)
            if value in (None, "") or field.fieldtype not in ("Link", "Dynamic Link"):
                continue
            target = field.options if field.fieldtype == "Link" else row.get(field.options)
            if field.fieldtype == "Dynamic Link" and not target:
                type_field = row_meta.get_field(field.options)
                label = type_field.display_label if type_field else field.options
                raise exceptions.ValidationError(f"{label} must be set first")
            if target in BUILTIN_LINK_TARGETS:  # a Link to DocType names a DocType (Dynamic Link's type)
                if not doctype_exists(str(value)):
                    missing.append(f"{row_prefix} {field.display_label}: {value}".strip())
                continue
            try:
                target_meta = get_meta(target)
            except exceptions.DoesNotExistError:
                missing.append(f"{row_prefix} {field.display_label}: {value}".strip())
                continue
            fetched = [f for f in row_meta.data_fields if f.fetch_from.startswith(f"{field.fieldname}.")]
            check_cancelled = (
                meta.is_submittable and target_meta.is_submittable and field.fieldname != "amended_from"
            )
            if not fetched and not check_cancelled:
                if not get_backend(target_meta).exists(target_meta, value):
                    missing.append(f"{row_prefix} {field.display_label}: {value}".strip())
                continue
            linked = get_backend(target_meta).get_doc(target_meta, value)
            if linked is None:
                missing.append(f"{row_prefix} {field.display_label}: {value}".strip())
                continue
            if check_cancelled and int(linked.get("docstatus") or 0) == 2:
                cancelled.append(f"{row_prefix} {field.display_label}: {value}".strip())
            _fetch_values(row, fetched, linked)
    if missing:
        raise exceptions.LinkValidationError(f"Could not find {', '.join(missing)}")
    if cancelled:
        raise exceptions.CancelledLinkError(f"Cannot link cancelled document: {', '.join(cancelled)}")


def _fetch_values(row: dict[str, Any], fields: list[FieldMeta], linked: dict[str, Any]) -> None:
    """``fetch_from`` fields mirror a value of the linked document (kept when ``fetch_if_empty`` and set)."""
    for field in fields:
        if field.properties.get("fetch_if_empty") and row.get(field.fieldname) not in (None, ""):
            continue
        source = field.fetch_from.split(".", 1)[1]
        row[field.fieldname] = fieldtypes.coerce(field.fieldtype, linked.get(source))


def _check_no_links(meta: Meta, doc: dict[str, Any], *, cancelling: bool = False) -> None:
    """Refuse deleting a document that a Link field of another document still points to, or cancelling
    one that a submitted document points to (``frappe.model.delete_doc.check_if_doc_is_linked``)."""
    from .models import DocField, Document

    links = DocField.objects.filter(fieldtype="Link", options=meta.name).values_list("doctype_id", "fieldname")
    for linking_doctype, fieldname in links:
        linking_meta = get_meta(linking_doctype)
        field = linking_meta.get_field(fieldname)
        if field is None or (cancelling and fieldname == "amended_from"):
            continue
        rows = Document.objects.filter(doctype_id=linking_doctype, **{f"data__{fieldname}": doc["name"]})
        rows = rows.filter(docstatus=1) if cancelling else rows.exclude(docstatus=2)
        rows = rows.exclude(parenttype=meta.name, parent=str(doc["name"]))  # its own child rows
        row = rows.values("name", "parent", "parenttype").first()
        if row is None:
            continue
        shown_doctype, shown_name = linking_doctype, row["name"]
        if row["parent"]:
            shown_doctype, shown_name = row["parenttype"], row["parent"]
        raise exceptions.LinkExistsError(
            f"Cannot delete or cancel because {meta.name} {doc['name']} is linked with "
            f"{shown_doctype} {shown_name}"
        )


# -- link expansion ------------------------------------------------------------------------------


def expand_list_links(doctype: str, rows: list[Any], expand: Any, *, user: Any) -> list[Any]:
    """Replace Link values named in ``expand`` by the linked records, one query per Link field.

    Records the user may not read stay as plain names. Only dict rows can be expanded.
    """
    from .filters import load_json_param

    fieldnames = load_json_param(expand, "expand") or []
    if isinstance(fieldnames, str):
        fieldnames = [fieldnames]
    if not isinstance(fieldnames, list):
        raise exceptions.ValidationError("'expand' must be a list")
    meta = get_meta(doctype)
    for fieldname in fieldnames:
        field = meta.get_field(fieldname) if isinstance(fieldname, str) else None
        if field is None or field.fieldtype not in ("Link", "Dynamic Link"):
            raise exceptions.DataError(f"Field not permitted in query: {fieldname}")
        targets = _link_targets(meta, field, rows)
        for target, names in targets.items():
            records = _records_by_name(target, names, user=user)
            for row in rows:
                if isinstance(row, dict) and _row_target(meta, field, row) == target:
                    value = row.get(field.fieldname)
                    if value in records:
                        row[field.fieldname] = records[value]
    return rows


def _row_target(meta: Meta, field: FieldMeta, row: dict[str, Any]) -> str | None:
    return field.options if field.fieldtype == "Link" else row.get(field.options)


def _link_targets(meta: Meta, field: FieldMeta, rows: list[Any]) -> dict[str, set[Any]]:
    targets: dict[str, set[Any]] = {}
    for row in rows:
        if not isinstance(row, dict) or row.get(field.fieldname) in (None, ""):
            continue
        target = _row_target(meta, field, row)
        if target:
            targets.setdefault(target, set()).add(row[field.fieldname])
    return targets


def _records_by_name(target: str, names: set[Any], *, user: Any) -> dict[Any, dict[str, Any]]:
    try:
        records = get_list(
            target, user=user, fields=["*"], filters=[["name", "in", sorted(map(str, names))]],
            page_length=len(names), default_order=False,
        )
    except (exceptions.PermissionError, exceptions.DoesNotExistError):
        return {}
    return {record["name"]: record for record in records}


def expand_doc_links(doctype: str, doc: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """Every Link field of a document and of its child rows replaced by the linked record."""
    meta = get_meta(doctype)
    for field in meta.data_fields:
        if field.fieldtype in ("Link", "Dynamic Link"):
            expand_list_links(doctype, [doc], [field.fieldname], user=user)
    for table in meta.table_fields:
        rows = doc.get(table.fieldname) or []
        child_meta = get_meta(table.options)
        for field in child_meta.data_fields:
            if field.fieldtype in ("Link", "Dynamic Link"):
                expand_list_links(child_meta.name, rows, [field.fieldname], user=user)
    return doc


def doc_from_values(
    doctype: str, values: dict[str, Any], *, stored: dict[str, Any] | None = None, user: Any
) -> dict[str, Any]:
    """An in-memory document (stored form) built from a client's document: the stored one, or the defaults
    of a new one, with the client's values merged. Nothing is checked or saved (v2 ``run_doc_method``)."""
    meta = get_meta(doctype)
    doc = dict(stored) if stored is not None else new_doc(meta, user=user)
    _apply_values(meta, doc, values, user=user, is_new=stored is None)
    if stored is None:
        doc.update(name=values.get("name") or None, owner=values.get("owner") or permissions.user_id(user),
                   docstatus=fieldtypes.cint(values.get("docstatus")))
    return doc


def copy_doc(doctype: str, name: Any, *, user: Any, keep_no_copy: bool = False) -> dict[str, Any]:
    """A template for duplicating a document: no name, audit fields or docstatus, nulls dropped.

    Fields flagged ``no_copy`` are left out unless ``keep_no_copy``; child rows are cleaned the same way.
    """
    meta = get_meta(doctype)
    doc = get_doc(doctype, name, user=user, nulls=False)
    return _clean_copy(meta, doc, keep_no_copy)


def _clean_copy(meta: Meta, doc: dict[str, Any], keep_no_copy: bool) -> dict[str, Any]:
    dropped = set(fieldtypes.STANDARD_FIELDS) - {"idx"} | set(fieldtypes.CHILD_STANDARD_FIELDS)
    if not meta.istable:
        dropped.add("idx")
    if not keep_no_copy:
        dropped |= {f.fieldname for f in meta.fields if f.no_copy}
    result = {}
    for key, value in doc.items():
        if key in dropped or key.startswith("_"):
            continue
        table = meta.get_field(key)
        if table is not None and table.is_table:
            child_meta = get_meta(table.options)
            value = [_clean_copy(child_meta, row, keep_no_copy) for row in value]
        result[key] = value
    return result


# -- whole-document operations of the RPC methods (frappe.client, desk) -------------------------


def get_all(
    doctype: str, *, fields: Any = None, filters: Any = None, order_by: Any = None, limit: int = 0
) -> list[Any]:
    """Rows without permission checks (Frappe's ``frappe.get_all``), for server code that has already
    checked access to the document they belong to: a form's comments, attachments and versions.
    ``limit`` 0 means all rows."""
    meta = get_meta(doctype)
    query = ListQuery.build(meta, fields=fields, filters=filters, order_by=order_by, page_length=limit)
    return get_backend(meta).get_list(query, None)


def check_permission(doctype: str, name: Any, right: str, *, user: Any) -> dict[str, Any]:
    """Raise 403 unless the user holds ``right`` on this stored document; returns it (stored form)."""
    meta = get_meta(doctype)
    doc = load_doc(meta, name)
    _check_doc(meta, doc, user, right)
    return doc


def has_permission(doctype: str, name: Any, right: str, *, user: Any) -> bool:
    """Whether the user holds ``right`` on this stored document (404 when it does not exist)."""
    try:
        check_permission(doctype, name, right, user=user)
    except exceptions.PermissionError:
        return False
    return True


def get_doc_permissions(doctype: str, name: Any, *, user: Any) -> dict[str, int]:
    """Every right the user holds on one document as 0/1 (``frappe.permissions.get_doc_permissions``)."""
    from .meta import PERMISSION_RIGHTS

    meta = get_meta(doctype)
    doc = load_doc(meta, name)
    if meta.istable:
        return {"read": 1, "write": 1}  # Frappe answers this for any child row
    owner = doc.get("owner")
    rights = {
        right: int(permissions.has_doc_permission(meta, owner, user, right, doc.get("name")))
        for right in PERMISSION_RIGHTS
    }
    if not meta.is_submittable:
        rights["submit"] = 0
    if not meta.properties.get("allow_import"):
        rights["import"] = 0
    return rights


def check_if_latest(doctype: str, name: Any, modified: Any) -> None:
    """For payloads that replace a whole document (§9.7): the client's ``modified`` must equal the
    stored one exactly, and an absent value never does."""
    doc = load_doc(get_meta(doctype), name)
    stored = wire_datetime(doc["modified"])
    if str(modified) != stored:
        raise exceptions.TimestampMismatchError(
            f"Error: Document has been modified after you have opened it ({stored}, {modified}). "
            "Please refresh to get the latest document."
        )


def save_doc(values: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """``frappe.client.save``: rebuild a document from ``values`` (``doctype`` included); wire form with nulls.

    A full replacement: fields absent from ``values`` become empty, absent Table fields lose their rows,
    ``docstatus`` defaults to 0 and ``modified`` is mandatory. Without ``name`` (or with ``__islocal``)
    the document is inserted instead.
    """
    if not isinstance(values, dict):
        raise exceptions.ValidationError("Invalid request arguments")
    meta = get_meta(values.get("doctype"))
    payload = {key: value for key, value in values.items() if key not in ("doctype", "flags")}
    if values.get("__islocal") or values.get("name") in (None, ""):
        return insert_doc(meta.name, payload, user=user)
    check_if_latest(meta.name, values["name"], values.get("modified"))
    full: dict[str, Any] = {field.fieldname: None for field in meta.data_fields}
    full.update({table.fieldname: [] for table in meta.table_fields})
    full["docstatus"] = 0
    full.update(payload)
    return update_doc(meta.name, values["name"], full, user=user)


def set_value(doctype: str, name: Any, values: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """Merge ``values`` into a document; a child row changes through its parent, which is returned."""
    meta = get_meta(doctype)
    if not meta.istable:
        return update_doc(meta.name, name, values, user=user)
    row = load_doc(meta, name)
    parent_meta = get_meta(row.get("parenttype"))
    parent = load_doc(parent_meta, row.get("parent"))
    rows = [
        {**stored, **values} if str(stored.get("name")) == str(row["name"]) else stored
        for stored in parent.get(row["parentfield"]) or []
    ]
    return update_doc(parent_meta.name, parent["name"], {row["parentfield"]: rows}, user=user)


def insert_child(values: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """``frappe.client.insert`` of a child row: appended to its parent, which is saved and returned."""
    parenttype, parent, parentfield = values.get("parenttype"), values.get("parent"), values.get("parentfield")
    if not (parenttype and parent and parentfield):
        raise exceptions.ValidationError("Parenttype, Parent and Parentfield are required to insert a child record")
    parent_meta = get_meta(parenttype)
    table = parent_meta.get_field(parentfield)
    if table is None or not table.is_table or table.options != values.get("doctype"):
        raise exceptions.ValidationError(f"Invalid field name: {parentfield}")
    stored = load_doc(parent_meta, parent)
    row = {key: value for key, value in values.items() if key not in _IGNORED_KEYS}
    rows = [*(stored.get(parentfield) or []), row]
    return update_doc(parent_meta.name, stored["name"], {parentfield: rows}, user=user)


def delete_child(doctype: str, name: Any, *, user: Any) -> None:
    """Remove a child row through its parent, which is saved (Frappe's ``frappe.client.delete``)."""
    meta = get_meta(doctype)
    row = get_backend(meta).get_doc(meta, name)
    if row is None:
        raise exceptions.DoesNotExistError(doctype=meta.name)
    parent_meta = get_meta(row.get("parenttype"))
    parent = load_doc(parent_meta, row.get("parent"))
    rows = [stored for stored in parent.get(row["parentfield"]) or [] if str(stored.get("name")) != str(row["name"])]
    update_doc(parent_meta.name, parent["name"], {row["parentfield"]: rows}, user=user)


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
    from .models import DocField, Document

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
    from .models import Document

    changed = []
    for row in rows.only("id", "data"):
        row.data = {**(row.data or {}), fieldname: new}
        changed.append(row)
    if changed:
        Document.objects.bulk_update(changed, ["data"])
