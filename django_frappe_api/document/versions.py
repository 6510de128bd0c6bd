"""What a save changed, in the shape of Frappe's ``Version`` record (``frappe/core/doctype/version``).

Pure: ``lifecycle`` stores the diff when the DocType tracks changes.
"""

from __future__ import annotations

from typing import Any

from .. import fieldtypes
from ..meta import Meta, get_meta
from ..serialization import doc_as_dict


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
