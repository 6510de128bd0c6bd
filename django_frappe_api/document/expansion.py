"""Link expansion: Link values replaced by the linked records (v2 ``expand``, ``expand_links``).

Records the user may not read stay as plain names.
"""

from __future__ import annotations

from typing import Any

from .. import exceptions
from ..filters import load_json_param
from ..meta import FieldMeta, Meta, get_meta
from ..params import ListRequest
from .read import get_list


def expand_list_links(doctype: str, rows: list[Any], expand: Any, *, user: Any) -> list[Any]:
    """Replace Link values named in ``expand`` by the linked records, one query per Link field.

    Records the user may not read stay as plain names. Only dict rows can be expanded.
    """
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
        wanted = ListRequest(fields=["*"], filters=[["name", "in", sorted(map(str, names))]], page_length=len(names),
                             default_order=False)
        records = get_list(target, wanted, user=user)
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
