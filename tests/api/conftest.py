"""The ``storage`` fixture: one ``Ticket`` DocType (with its ``Ticket Item`` child table) stored two ways.

``json`` saves DocType rows, so documents are JSON rows of ``Document``; ``orm`` registers the test
app's ``Ticket`` and ``TicketItem`` models under the same names. Tests written against ``storage``
run once per storage and must see the same wire bodies.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from django_frappe_api.backends.orm.registry import model_registry
from django_frappe_api.hooks import controller_registry
from django_frappe_api.meta import Meta
from tests.factories import make_doctype

from .rpc_support import Rpc, pin_now


@pytest.fixture(params=["v1", "v2"])
def rpc(request) -> Rpc:
    """URL and body helpers for RPC tests, once per API version."""
    return Rpc(request.param)


@pytest.fixture
def now(monkeypatch) -> str:
    """The pinned clock of RPC tests."""
    return pin_now(monkeypatch)


@pytest.fixture(autouse=True)
def restore_controllers():
    """Controllers registered by a test do not leak into the next one."""
    snapshot = controller_registry.snapshot()
    yield
    controller_registry.restore(snapshot)

TICKET_PERMISSIONS = [
    {"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1},
    {"role": "Support", "read": 1, "write": 1, "create": 1, "delete": 0},
]
TICKET_FIELDS = [
    {"fieldname": "subject", "label": "Subject", "fieldtype": "Data", "reqd": 1, "length": 140},
    {"fieldname": "status", "label": "Status", "fieldtype": "Select", "options": "Open\nReplied\nClosed",
     "default": "Open", "length": 20},
    {"fieldname": "priority", "label": "Priority", "fieldtype": "Select", "options": "Low\nMedium\nHigh",
     "default": "Medium", "length": 20},
    {"fieldname": "due_date", "label": "Due Date", "fieldtype": "Date"},
    {"fieldname": "amount", "label": "Amount", "fieldtype": "Currency", "precision": "2", "default": "0"},
    {"fieldname": "done", "label": "Done", "fieldtype": "Check", "default": "0"},
    {"fieldname": "notes", "label": "Notes", "fieldtype": "Text"},
    {"fieldname": "items", "label": "Items", "fieldtype": "Table", "options": "Ticket Item"},
]
TICKET_ITEM_FIELDS = [
    {"fieldname": "item", "label": "Item", "fieldtype": "Data", "reqd": 1, "length": 140},
    {"fieldname": "qty", "label": "Qty", "fieldtype": "Int", "default": "0"},
    {"fieldname": "rate", "label": "Rate", "fieldtype": "Currency", "precision": "2", "default": "0"},
]


@dataclass(frozen=True)
class Storage:
    kind: str  # "json" or "orm"
    meta: Meta

    @property
    def doctype(self) -> str:
        return self.meta.name


def register_ticket_models() -> None:
    from tests.testapp.models import Ticket, TicketItem

    model_registry.register(TicketItem, doctype="Ticket Item", istable=True, parent_field="ticket")
    model_registry.register(
        Ticket,
        doctype="Ticket",
        title_field="subject",
        search_fields=["subject", "status"],
        owner_field="owner",
        creation_field="creation",
        modified_field="modified",
        modified_by_field="modified_by",
        sort_field="modified",
        child_tables={"items": "items"},
        permissions=TICKET_PERMISSIONS,
    )


@pytest.fixture(params=["json", "orm"])
def storage(request, db) -> Storage:
    """The ``Ticket`` DocType, JSON-stored or backed by the ``Ticket`` model."""
    from django_frappe_api.meta import get_meta

    if request.param == "json":
        make_doctype("Ticket Item", TICKET_ITEM_FIELDS, istable=1)
        make_doctype("Ticket", TICKET_FIELDS, permissions=TICKET_PERMISSIONS, autoname="autoincrement",
                     title_field="subject", search_fields="subject, status", sort_field="modified",
                     sort_order="DESC")
        yield Storage("json", get_meta("Ticket"))
        return
    snapshot = model_registry.snapshot()
    register_ticket_models()
    try:
        yield Storage("orm", get_meta("Ticket"))
    finally:
        model_registry.restore(snapshot)


@pytest.fixture
def production_settings(settings, tmp_path):
    """The README's production settings: a cache shared between processes, cached sessions and the cached
    user backend (the warm query-count tests use them)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.AUTHENTICATION_BACKENDS = ["django_frappe_api.auth_backend.CachedModelBackend"]
