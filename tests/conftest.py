"""Fixtures: users and clients, the ToDo DocType, and the API-version parametrisation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from django_frappe_api.meta import Meta
from django_frappe_api.registry import method_registry

from .factories import TODO_FIELDS, UserFactory, make_doctype

API_PREFIXES = {"v1": "/api", "v1-explicit": "/api/v1", "v2": "/api/v2"}


@pytest.fixture(autouse=True)
def _clear_meta_cache():
    """Metas are cached per process; each test starts from its own DocType rows."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _statements_agree_with_django(monkeypatch):
    """Every list, keyset page and count served from a cached statement is also built by Django's ORM and must
    give the same answer (rows, the next cursor's sort values, the count).

    The statement cache (``backends.statements``) reuses one compiled SQL text for requests of the same shape;
    this cross-check, across the whole suite, is what shows the shape captures everything the SQL depends on.
    Requests run while queries are being counted are left alone (the second run would be counted), and so is a
    count stopped by its time budget.
    """
    from django.db import connections

    from django_frappe_api.backends import keyset_statements, list_statements

    def counting() -> bool:
        return any(connection.force_debug_cursor for connection in connections.all(initialized_only=True))

    def check(module, name: str, by_django: Callable) -> None:
        cached = getattr(module, name)

        def checked(backend, query, *args, **kwargs):
            answer = cached(backend, query, *args, **kwargs)
            if counting() or answer is None:
                return answer
            backend.reuses_statements = lambda query, count=False: False
            try:
                expected = by_django(backend, query, *args, **kwargs)
            finally:
                del backend.reuses_statements
            assert answer == expected, f"cached statement's {name} differs from Django's for {query}"
            return answer

        monkeypatch.setattr(module, name, checked)

    check(list_statements, "read_list", lambda backend, *args: backend.get_list(*args))
    check(list_statements, "count", lambda backend, *args, **kwargs: backend.get_count(*args, **kwargs))
    check(keyset_statements, "read_page", lambda backend, *args: backend.get_keyset_page(*args))
    yield


@pytest.fixture
def restore_methods():
    """Let a test register extra whitelisted methods without leaking them into others."""
    snapshot = method_registry.snapshot()
    yield method_registry
    method_registry.restore(snapshot)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="Administrator", email="admin@example.com", first_name="Administrator",
                       last_name="", is_superuser=True, is_staff=True)


@pytest.fixture
def user(db):
    return UserFactory(username="jane@example.com", first_name="Jane", last_name="Doe")


@pytest.fixture
def guest_client() -> APIClient:
    return APIClient()


@pytest.fixture
def admin_client(admin_user) -> APIClient:
    client = APIClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def user_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def todo(db) -> Meta:
    """Frappe's ToDo shape; every logged-in user may read and write, System Manager everything."""
    return make_doctype(
        "ToDo",
        TODO_FIELDS,
        permissions=[
            {"role": "All", "read": 1, "write": 1, "create": 1, "delete": 1},
            {"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1},
        ],
        autoname="hash",
        title_field="description",
        search_fields="description, reference_type, reference_name",
        sort_field="modified",
        sort_order="DESC",
    )


@pytest.fixture(params=["v1", "v1-explicit"])
def v1_prefix(request) -> str:
    """Both mount points of API v1."""
    return API_PREFIXES[request.param]


@pytest.fixture(params=["v1", "v2"])
def api_version(request) -> str:
    return request.param


@pytest.fixture
def api_url(api_version) -> Callable[..., str]:
    """URL of a document collection or document for the parametrised API version."""
    from urllib.parse import quote

    def build(doctype: str, name: str | None = None, suffix: str = "") -> str:
        collection = "resource" if api_version == "v1" else "document"
        url = f"{API_PREFIXES[api_version]}/{collection}/{quote(doctype)}"
        if name is not None:
            url += "/" + quote(str(name), safe="/")
        return url + suffix

    return build


# -- API v1 REST helpers (resource tests) --------------------------------------------------------

FROZEN_NOW = "2024-05-10 12:01:33.224841"


@pytest.fixture
def frozen_now(monkeypatch):
    """Pin ``timezone.now()`` (and so ``localdate()``) to 2024-05-10 12:01:33.224841 UTC.

    Returns the wire form of that instant, so tests can assert ``creation``/``modified`` exactly.
    """
    import datetime as dt

    from django.utils import timezone

    instant = dt.datetime(2024, 5, 10, 12, 1, 33, 224841, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return FROZEN_NOW


@pytest.fixture
def v1_url(v1_prefix) -> Callable[..., str]:
    """``/api[/v1]/resource/<doctype>[/<name>]`` with the name percent-encoded (slashes kept)."""
    from urllib.parse import quote

    def build(doctype: str, name: str | None = None, *, encode_slash: bool = False) -> str:
        url = f"{v1_prefix}/resource/{quote(doctype)}"
        if name is not None:
            url += "/" + quote(str(name), safe="" if encode_slash else "/")
        return url

    return build


@pytest.fixture
def task_doctype(todo) -> Meta:
    """``Task`` (client-named, one field per common fieldtype) with the child table ``Task Item``."""
    make_doctype(
        "Task Item",
        [
            {"fieldname": "item", "label": "Item", "fieldtype": "Data", "reqd": 1},
            {"fieldname": "qty", "label": "Qty", "fieldtype": "Int"},
            {"fieldname": "rate", "label": "Rate", "fieldtype": "Currency"},
            {"fieldname": "status", "label": "Status", "fieldtype": "Select", "options": "\nOpen\nDone"},
        ],
        istable=1,
    )
    return make_doctype(
        "Task",
        [
            {"fieldname": "title", "label": "Title", "fieldtype": "Data"},
            {"fieldname": "status", "label": "Status", "fieldtype": "Data"},
            {"fieldname": "qty", "label": "Qty", "fieldtype": "Int"},
            {"fieldname": "amount", "label": "Amount", "fieldtype": "Currency"},
            {"fieldname": "ratio", "label": "Ratio", "fieldtype": "Float"},
            {"fieldname": "done", "label": "Done", "fieldtype": "Check"},
            {"fieldname": "due", "label": "Due", "fieldtype": "Date"},
            {"fieldname": "at", "label": "At", "fieldtype": "Datetime"},
            {"fieldname": "starts", "label": "Starts", "fieldtype": "Time"},
            {"fieldname": "notes", "label": "Notes", "fieldtype": "Small Text"},
            {"fieldname": "todo", "label": "ToDo", "fieldtype": "Link", "options": "ToDo"},
            {"fieldname": "items", "label": "Items", "fieldtype": "Table", "options": "Task Item"},
        ],
        permissions=[{"role": "System Manager", "submit": 0}],
        autoname="Prompt",
        sort_field="modified",
        sort_order="DESC",
    )
