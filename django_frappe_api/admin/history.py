"""A document's history page: its ``Version`` records, shaped as Django's history template reads ``LogEntry``.

Usage (``DocumentAdmin.history_view``)::

    return history_page(model_admin, request, obj)

Frappe keeps a ``Version`` per save of a DocType with ``track_changes``; the page lists them newest
first ("status: Open → Closed"), then the document's creation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.text import capfirst

from .. import document, fieldtypes

PER_PAGE = 100


@dataclass
class HistoryUser:
    """What the template asks of ``LogEntry.user``."""

    username: str

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return ""


@dataclass
class HistoryEntry:
    """One row of the history page."""

    action_time: Any
    user: HistoryUser
    message: str

    def get_change_message(self) -> str:
        return self.message

    @classmethod
    def from_version(cls, version: dict[str, Any]) -> HistoryEntry:
        try:
            data = json.loads(version.get("data") or "{}")
        except ValueError:
            data = {}
        parts = [f"{field}: {_shown(old)} → {_shown(new)}" for field, old, new in data.get("changed") or []]
        for key in ("added", "removed"):
            for table, row in data.get(key) or []:
                parts.append(f"{table} row {key} ({(row or {}).get('name', '')})")
        for table, idx, _name, changes in data.get("row_changed") or []:
            parts.append(f"{table} row {idx}: " + ", ".join(f"{f}: {_shown(o)} → {_shown(n)}" for f, o, n in changes))
        when = fieldtypes.parse_datetime(version["creation"]) if version.get("creation") else None
        return cls(when, HistoryUser(version.get("owner") or ""), "; ".join(parts) or "Saved.")


def _shown(value: Any) -> Any:
    return "—" if value in (None, "") else value


def history_page(model_admin: Any, request: Any, obj: Any, extra_context: dict[str, Any] | None = None) -> Any:
    """Django's ``object_history.html`` over the document's versions (read without permission checks: the
    caller checked the user may read the document)."""
    meta = model_admin.frappe_meta
    versions = document.get_all("Version", fields=["owner", "creation", "data"], order_by="creation desc",
                                filters={"ref_doctype": meta.name, "docname": obj.name})
    entries = [HistoryEntry.from_version(v) for v in versions]
    entries.append(HistoryEntry(obj.creation, HistoryUser(obj.owner), "Created."))
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get(PAGE_VAR, 1))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Change history: {obj.name}", "subtitle": None, "action_list": page,
        "page_range": page.paginator.get_elided_page_range(page.number), "page_var": PAGE_VAR,
        "pagination_required": page.paginator.count > PER_PAGE, "module_name": str(capfirst(meta.name)),
        "object": obj, "opts": model_admin.opts, "preserved_filters": model_admin.get_preserved_filters(request),
        **(extra_context or {}),
    }  # fmt: skip
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/object_history.html", context)
