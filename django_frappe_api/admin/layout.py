"""A DocType's form layout as admin fieldsets: Tab and Section Breaks start fieldsets, Column Breaks columns.

Usage::

    fieldsets(meta, shown={"status", "date", "description"})
    # [(None, {"fields": [("status", "date"), ("description",)]}), ("Details", {"fields": [...]})]

Frappe lays a section's columns side by side, each a stack of fields; Django's fieldsets are rows of
fields, so the columns are zipped into rows (row *i* holds the *i*-th field of every column).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import zip_longest
from typing import Any

from ..meta import FieldMeta, Meta

# A depends_on that is false whatever the document holds: the field is never shown.
_NEVER = frozenset({"eval:0", "eval:false", "eval:null", "eval: 0", "eval: false", "0"})
# A read_only_depends_on / mandatory_depends_on that is always true.
_ALWAYS = frozenset({"eval:1", "eval:true", "eval: 1", "eval: true", "1"})


def statically_hidden(field: FieldMeta) -> bool:
    """Hidden, or shown only under a condition that never holds (the static cases of ``depends_on``)."""
    return field.hidden or str(field.properties.get("depends_on") or "").strip().lower() in _NEVER


def statically_read_only(field: FieldMeta) -> bool:
    return field.read_only or str(field.properties.get("read_only_depends_on") or "").strip().lower() in _ALWAYS


def statically_required(field: FieldMeta) -> bool:
    return field.reqd or str(field.properties.get("mandatory_depends_on") or "").strip().lower() in _ALWAYS


def fieldsets(meta: Meta, shown: Iterable[str], *,
              entry: Callable[[str], Any] = lambda fieldname: fieldname) -> list[tuple[str | None, dict[str, Any]]]:
    """The admin ``fieldsets`` of ``meta`` holding the fields in ``shown``; ``entry`` maps a fieldname to
    what the fieldset lists (a form field name, or a callable for read-only display)."""
    shown = set(shown)
    sections: list[tuple[str | None, list[list[str]], list[str]]] = [(None, [[]], [])]
    tab = ""
    for field in meta.fields:
        if field.fieldtype == "Tab Break":
            tab = field.label or ""
            sections.append((tab or None, [[]], []))
        elif field.fieldtype == "Section Break":
            title = " / ".join(part for part in (tab, field.label or "") if part) or None
            sections.append((title, [[]], ["collapse"] if field.properties.get("collapsible") else []))
        elif field.fieldtype == "Column Break":
            sections[-1][1].append([])
        elif field.fieldname in shown:
            sections[-1][1][-1].append(field.fieldname)
    result = []
    for title, columns, classes in sections:
        columns = [column for column in columns if column]
        if not columns:
            continue
        rows = [tuple(entry(name) for name in row if name) for row in zip_longest(*columns, fillvalue="")]
        options: dict[str, Any] = {"fields": rows}
        if classes:
            options["classes"] = classes
        result.append((title, options))
    return result
