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

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import exceptions, fieldtypes, naming, permissions
from .backends.base import get_backend
from .messages import msgprint
from .meta import FieldMeta, Meta, get_meta
from .query import ListQuery
from .serialization import doc_as_dict, wire_datetime

EMAIL_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
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
) -> list[Any]:
    """Rows of a DocType the user may read, filtered, sorted and paged in the database."""
    meta = get_meta(doctype)
    perm_meta = permissions.permission_meta(meta, parent)
    permissions.check_doctype_permission(perm_meta, user, "read")
    readable = permissions.readable_fieldnames(meta, user, perm_meta if meta.istable else None)
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
        readable=readable,
        default_order=default_order,
    )
    backend = get_backend(meta)
    row_condition = None if meta.istable else permissions.list_condition(perm_meta, user, backend.owner_lookup(meta))
    return backend.get_list(query, row_condition)


def get_count(
    doctype: str,
    *,
    user: Any,
    filters: Any = None,
    or_filters: Any = None,
    distinct: bool = False,
    limit: int | None = None,
    parent: str | None = None,
) -> int:
    """Number of rows the user may read that match the filters."""
    meta = get_meta(doctype)
    perm_meta = permissions.permission_meta(meta, parent)
    permissions.check_doctype_permission(perm_meta, user, "read")
    query = ListQuery.build(meta, filters=filters, or_filters=or_filters, parent=parent, default_order=False)
    backend = get_backend(meta)
    row_condition = None if meta.istable else permissions.list_condition(perm_meta, user, backend.owner_lookup(meta))
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
    meta = get_meta(doctype)
    doc = load_doc(meta, name)
    perm_meta = _check_doc(meta, doc, user, "read")
    return doc_as_dict(meta, doc, nulls=nulls, readable=permissions.readable_fieldnames(meta, user, perm_meta))


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
) -> dict[str, Any]:
    """Create a document from a payload; returns it in wire form with nulls.

    ``honour_name`` keeps a client-supplied ``name`` whatever the naming rule (v2 create).
    """
    if not isinstance(values, dict):
        raise exceptions.ValidationError("Invalid request arguments")
    meta = get_meta(doctype)
    if meta.istable:
        raise exceptions.ValidationError(
            "Parenttype, Parent and Parentfield are required to insert a child record"
        )
    docstatus = _requested_docstatus(values, default=0)
    if docstatus == 2:
        raise exceptions.DocstatusTransitionError("Cannot change docstatus from 0 (Draft) to 2 (Cancelled)")
    now, uid = timezone.now(), permissions.user_id(user)
    doc = new_doc(meta, user=user)
    _apply_values(meta, doc, values, user=user, is_new=True)
    doc.update(owner=uid, modified_by=uid, creation=now, modified=now, docstatus=docstatus)
    _validate_links(meta, doc)
    permissions.check_doctype_permission(meta, user, "create")
    if docstatus == 1:
        permissions.check_doctype_permission(meta, user, "submit")
    _reset_unwritable(meta, doc, None, user)
    doc["name"] = naming.make_name(
        meta, doc, client_name=values.get("name", values.get("__newname")), honour_client_name=honour_name
    )
    _prepare_children(meta, doc, user=user)
    validate_doc(meta, doc)
    backend = get_backend(meta)
    if doc["name"] is not None and backend.exists(meta, doc["name"]):
        raise _duplicate(meta, doc["name"])
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
    return doc_as_dict(meta, doc, nulls=True)


def update_doc(doctype: str, name: Any, values: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """Merge a payload into a stored document (PUT/PATCH semantics, §4.4); wire form with nulls."""
    if not isinstance(values, dict):
        raise exceptions.ValidationError("Invalid request arguments")
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
    if stored_status == 1:
        _check_update_after_submit(meta, doc, values, new_status)
    _apply_values(meta, doc, values, user=user, is_new=False)
    _reset_unwritable(meta, doc, before, user)
    uid = permissions.user_id(user)
    doc.update(modified=timezone.now(), modified_by=uid, docstatus=new_status)
    _prepare_children(meta, doc, user=user)
    if new_status != 2:
        _validate_links(meta, doc)
        validate_doc(meta, doc)
    if doc.pop("__unsaved_single", False):
        doc["creation"] = doc["modified"]
        get_backend(meta).insert(meta, doc)
    else:
        get_backend(meta).update(meta, doc, tables=tables)
    return doc_as_dict(meta, doc, nulls=True)


def delete_doc(doctype: str, name: Any, *, user: Any) -> None:
    """Delete a document the user may delete; submitted or still-linked ones are refused."""
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
    get_backend(meta).delete(meta, doc["name"])


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
    if "modified" not in values or values["modified"] in (None, ""):
        return
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


def _check_update_after_submit(meta: Meta, doc: dict[str, Any], values: dict[str, Any], new: int) -> None:
    if new != 1:
        return
    for field in meta.data_fields:
        if field.fieldname not in values or field.allow_on_submit:
            continue
        incoming = fieldtypes.coerce(field.fieldtype, values[field.fieldname])
        if incoming != doc.get(field.fieldname):
            raise exceptions.UpdateAfterSubmitError(
                f"Not allowed to change <strong>{field.display_label}</strong> after submission from "
                f"<strong>{doc.get(field.fieldname)}</strong> to <strong>{incoming}</strong>"
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
        elif field.holds_value:
            if not is_new and field.set_only_once and doc.get(key) not in (None, "", 0):
                incoming = _coerce_field(meta, field, value)
                if incoming != doc.get(key):
                    raise exceptions.CannotChangeConstantError(f"Value cannot be changed for {field.display_label}")
            doc[key] = _coerce_field(meta, field, value)


def _coerce_field(meta: Meta, field: FieldMeta, value: Any) -> Any:
    if isinstance(value, (list, dict)) and field.fieldtype != "JSON":
        raise exceptions.ValidationError(f"Value for {field.display_label} cannot be a list")
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
    if field.fieldtype in fieldtypes.VARCHAR_TYPES and isinstance(value, str):
        limit = field.length or fieldtypes.DEFAULT_VARCHAR_LENGTH
        if len(value) > limit:
            message = (
                f"{meta.name} {doc.get('name')}: '<strong>{label}</strong>' ({value}) will get truncated, "
                f"as max characters allowed is {limit}"
            )
            raise exceptions.CharacterLengthExceededError(message, title="Value too big")
    if field.non_negative and field.fieldtype in fieldtypes.NUMERIC_TYPES and value < 0:
        raise exceptions.NonNegativeError(f"Value cannot be negative for {meta.name}: <strong>{label}</strong>")
    if field.fieldtype == "Data" and field.options == "Email" and not _valid_emails(value):
        raise exceptions.InvalidEmailAddressError(f"{value} is not a valid Email Address")


def _valid_emails(value: str) -> bool:
    return all(EMAIL_RE.match(part.strip()) for part in re.split(r"[,;\n]", value) if part.strip())


def _validate_links(meta: Meta, doc: dict[str, Any]) -> None:
    """Link values must name existing documents (§9.10); Dynamic Links need their type first."""
    missing: list[str] = []
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
            try:
                target_meta = get_meta(target)
            except exceptions.DoesNotExistError:
                missing.append(f"{row_prefix} {field.display_label}: {value}".strip())
                continue
            if not get_backend(target_meta).exists(target_meta, value):
                missing.append(f"{row_prefix} {field.display_label}: {value}".strip())
    if missing:
        raise exceptions.LinkValidationError(f"Could not find {', '.join(missing)}")


def _check_no_links(meta: Meta, doc: dict[str, Any]) -> None:
    """Refuse deleting a document that a Link field of another document still points to."""
    from .models import DocField, Document

    links = DocField.objects.filter(fieldtype="Link", options=meta.name).values_list("doctype_id", "fieldname")
    for linking_doctype, fieldname in links:
        linking_meta = get_meta(linking_doctype)
        field = linking_meta.get_field(fieldname)
        if field is None:
            continue
        rows = Document.objects.filter(doctype_id=linking_doctype, **{f"data__{fieldname}": doc["name"]})
        rows = rows.exclude(docstatus=2)
        row = rows.values("name", "parent", "parenttype").first()
        if row is None:
            continue
        shown_doctype, shown_name = linking_doctype, row["name"]
        if row["parent"]:
            if row["parenttype"] == meta.name and row["parent"] == doc["name"]:
                continue
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
