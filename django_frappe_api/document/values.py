"""A document's values: defaults of a new one, a payload merged into it, child rows made ready to store.

Nothing here checks rights on the document or reads other documents; ``lifecycle`` calls these in order.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .. import exceptions, fieldtypes, naming, nul_bytes, passwords, permissions, user_permissions
from ..meta import FieldMeta, Meta, get_meta

# Payload keys that never become field values.
IGNORED_KEYS = frozenset(
    fieldtypes.STANDARD_FIELDS + fieldtypes.CHILD_STANDARD_FIELDS + ("doctype", "flags", "__islocal", "__unsaved")
)


def new_doc(meta: Meta, *, user: Any) -> dict[str, Any]:
    """A document holding the DocType's defaults (§9.5 step 1), not yet saved."""
    doc: dict[str, Any] = {"doctype": meta.name, "docstatus": 0, "idx": 0}
    for field in meta.data_fields:
        doc[field.fieldname] = default_value(field, user)
        if field.fieldtype == "Link" and not field.properties.get("ignore_user_permissions"):
            # A User Permission's default (or only) value comes before the field's own default, as in Frappe.
            doc[field.fieldname] = user_permissions.user_default(meta, field.options, user) or doc[field.fieldname]
    for table in meta.table_fields:
        doc[table.fieldname] = []
    return doc


def default_value(field: FieldMeta, user: Any) -> Any:
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


def apply_values(meta: Meta, doc: dict[str, Any], values: dict[str, Any], *, user: Any, is_new: bool) -> None:
    """Merge payload values into ``doc``: data fields coerced, Table fields replaced whole."""
    for key, value in values.items():
        if key in IGNORED_KEYS or key.startswith("__"):
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
            # refreshed from their link on save, in validate_links).
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
        apply_values(child_meta, row, incoming, user=user, is_new=stored is None)
        row["idx"] = fieldtypes.cint(incoming.get("idx")) or position
        rows.append(row)
    return rows


def prepare_children(meta: Meta, doc: dict[str, Any], *, user: Any) -> None:
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


def reset_unwritable(meta: Meta, doc: dict[str, Any], before: dict[str, Any] | None, user: Any) -> None:
    """Fields at permlevels the user cannot write keep their stored (or default) value (§11.5)."""
    levels = permissions.writable_levels(meta, user)
    if levels is None:
        return
    for field in meta.fields:
        if field.fieldname and field.permlevel not in levels:
            doc[field.fieldname] = (before or {}).get(field.fieldname, default_value(field, user))


def doc_rows(meta: Meta, doc: dict[str, Any]):
    yield "", meta, doc
    for table in meta.table_fields:
        child_meta = get_meta(table.options)
        for row in doc.get(table.fieldname) or []:
            yield f"Row #{row.get('idx')}:", child_meta, row


def doc_from_values(
    doctype: str, values: dict[str, Any], *, stored: dict[str, Any] | None = None, user: Any
) -> dict[str, Any]:
    """An in-memory document (stored form) built from a client's document: the stored one, or the defaults
    of a new one, with the client's values merged. Nothing is checked or saved (v2 ``run_doc_method``)."""
    meta = get_meta(doctype)
    doc = dict(stored) if stored is not None else new_doc(meta, user=user)
    apply_values(meta, doc, values, user=user, is_new=stored is None)
    if stored is None:
        doc.update(name=values.get("name") or None, owner=values.get("owner") or permissions.user_id(user),
                   docstatus=fieldtypes.cint(values.get("docstatus")))
    return doc
