"""Which changes an update may make: docstatus transitions (Draft, Submitted, Cancelled), optimistic
concurrency on ``modified``, and the fields a submitted document may still change (§9.6, §9.7)."""

from __future__ import annotations

from typing import Any

from .. import exceptions, fieldtypes, permissions
from ..meta import Meta, get_meta
from ..serialization import wire_datetime

DOCSTATUS_LABELS = {0: "Draft", 1: "Submitted", 2: "Cancelled"}


def requested_docstatus(values: dict[str, Any], *, default: int) -> int:
    if "docstatus" not in values or values["docstatus"] in (None, ""):
        return default
    status = fieldtypes.cint(values["docstatus"])
    if status not in (0, 1, 2):
        raise exceptions.ValidationError(f"Invalid docstatus: {values['docstatus']}")
    return status


def check_modified(doc: dict[str, Any], values: dict[str, Any]) -> None:
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


def check_transition(meta: Meta, doc: dict[str, Any], old: int, new: int, user: Any) -> None:
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
        permissions.check_doc_permission(meta, doc["name"], doc.get("owner"), user, right, doc=doc)


def check_update_after_submit(meta: Meta, old: dict[str, Any], new: dict[str, Any], tables: tuple[str, ...]) -> None:
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
