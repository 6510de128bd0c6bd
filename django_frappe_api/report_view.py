"""What the desk's report view adds to list rows: comment counts and the total row.

Usage::

    rows = document.get_list("ToDo", user=user, fields=["name", "_comments"])
    add_comment_counts(rows)                    # each row gains "_comment_count"
    values = total_row(keys, values, meta)      # values + ["Total", "", 42.0, ...]

As Frappe's ``DatabaseQuery`` (``with_comment_count``) and ``frappe.desk.reportview.add_total_row``
shape them, so the desk list and report views show the same badges and footers.
"""

from __future__ import annotations

import json
from typing import Any

from .fieldtypes import flt
from .meta import Meta

SUMMED_TYPES = ("Currency", "Int", "Float", "Percent", "Duration")
# A first column of these types keeps its total; any other first column reads "Total".
NUMERIC_FIRST_TYPES = ("Currency", "Int", "Float", "Percent", "Date")


def comment_count(comments: Any) -> int:
    """Entries in a ``_comments`` cache (JSON text of a list); 0 for none or anything unreadable."""
    if not comments:
        return 0
    try:
        entries = json.loads(comments) if isinstance(comments, str) else comments
    except ValueError:
        return 0
    return len(entries) if isinstance(entries, list) else 0


def add_comment_counts(rows: list[Any]) -> None:
    """``_comment_count`` on every dict row, counted from its ``_comments`` (0 when not selected)."""
    for row in rows:
        if isinstance(row, dict):
            row["_comment_count"] = comment_count(row.get("_comments"))


def total_row(keys: list[str], values: list[list[Any]], meta: Meta) -> list[list[Any]]:
    """``values`` followed by their total row: numeric columns summed (Percent averaged), "" elsewhere.

    A column's type is its field's; columns without a field (``idx``, aggregates) count as numeric
    when their first non-empty value is a number, as Frappe infers them. The first column reads
    ``"Total"`` since it is a field name, never a typed report column.
    """
    total: list[Any] = [""] * len(keys)
    percent: list[int] = []
    for i, key in enumerate(keys):
        field = meta.get_field(key)
        fieldtype = field.fieldtype if field is not None else None
        for row in values:
            if i >= len(row):
                continue
            cell = row[i]
            if fieldtype is None and not isinstance(cell, bool):
                fieldtype = "Int" if isinstance(cell, int) else "Float" if isinstance(cell, float) else None
            if fieldtype in SUMMED_TYPES and flt(cell):
                total[i] = flt(total[i]) + flt(cell)
            if fieldtype == "Percent" and i not in percent:
                percent.append(i)
    for i in percent:
        total[i] = flt(total[i]) / len(values)
    if keys:
        total[0] = "Total"
    return [*values, total]


__all__ = ["add_comment_counts", "comment_count", "total_row"]
