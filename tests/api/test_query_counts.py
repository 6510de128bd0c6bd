"""Warm SQL query counts of the hot read and list paths, per caller kind (issue 13's budget).

Each count is taken on the second identical request (metas, the caller's identity and roles warm) with
``django_assert_num_queries``, outside any test transaction, as a server runs: a read is one query (one more for
all its child tables together) and a list one query, as Guest, with an API key and with a session, on the REST
routes of v1 and v2 and through ``frappe.client.get``/``get_list``. Reads run without a transaction, and
authentication costs no query on a warm cache: the settings are the README's production ones, a cache shared
between processes, ``cached_db`` sessions and ``CachedModelBackend``.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from django_frappe_api.models import ApiKey
from tests.factories import UserFactory, make_doctype

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("production_settings")]


FIELDS = [
    {"fieldname": "title", "fieldtype": "Data", "label": "Title"},
    {"fieldname": "status", "fieldtype": "Select", "label": "Status", "options": "Open\nClosed"},
    {"fieldname": "qty", "fieldtype": "Int", "label": "Qty"},
]
PERMISSIONS = [{"role": "Guest", "read": 1, "write": 0, "create": 0, "delete": 0},
               {"role": "Bench Reader", "read": 1, "write": 0, "create": 0, "delete": 0}]
LIST = {"fields": json.dumps(["name", "title", "status", "qty", "modified"]),
        "filters": json.dumps([["status", "=", "Open"]]), "order_by": "modified desc", "limit_page_length": 20}


@pytest.fixture
def items(admin_user):
    make_doctype("Bench Line", [{"fieldname": "item", "fieldtype": "Data", "label": "Item"}], istable=1)
    make_doctype("Bench Item", FIELDS, PERMISSIONS, autoname="field:title")
    make_doctype("Bench Order", [*FIELDS, {"fieldname": "lines", "fieldtype": "Table", "options": "Bench Line"},
                                 {"fieldname": "extras", "fieldtype": "Table", "options": "Bench Line"}],
                 PERMISSIONS, autoname="field:title")
    admin = APIClient()
    admin.force_authenticate(admin_user)
    for n in range(30):
        row = {"title": f"item-{n}", "status": ("Open", "Closed")[n % 2], "qty": n}
        assert admin.post("/api/resource/Bench Item", row, format="json").status_code == 200
    order = {"title": "order-1", "status": "Open", "lines": [{"item": "a"}, {"item": "b"}], "extras": [{"item": "c"}]}
    assert admin.post("/api/resource/Bench Order", order, format="json").status_code == 200


@pytest.fixture(params=["Guest", "token", "session"])
def caller(request, items) -> APIClient:
    client = APIClient()
    if request.param == "token":
        user = UserFactory(roles=["Bench Reader"])
        api_key, secret = ApiKey.objects.issue(user)
        client.credentials(HTTP_AUTHORIZATION=f"token {api_key.api_key}:{secret}")
    elif request.param == "session":
        client.force_login(UserFactory(roles=["Bench Reader"]))  # a real session row and cookie
    client.kind = request.param
    return client



ROUTES = {
    "v1 read": ("/api/resource/Bench Item/item-3", None),
    "v2 read": ("/api/v2/document/Bench Item/item-3", None),
    "client.get": ("/api/method/frappe.client.get", {"doctype": "Bench Item", "name": "item-3"}),
    "v1 list": ("/api/resource/Bench Item", LIST),
    "v2 list": ("/api/v2/document/Bench Item", LIST),
    "client.get_list": ("/api/method/frappe.client.get_list", {"doctype": "Bench Item", **LIST}),
}


def _warm(client: APIClient, path: str, params: dict | None):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("route", ROUTES)
def test_read_and_list_are_one_query_after_authentication(caller, route, django_assert_num_queries):
    path, params = ROUTES[route]
    rpc = path.startswith("/api/method/")
    if rpc and caller.kind == "Guest":
        assert caller.get(path, params).status_code == 403
        return
    _warm(caller, path, params)
    with django_assert_num_queries(1):
        response = _warm(caller, path, params)
    body = response.json()
    data = body.get("data", body.get("message"))
    if "list" in route:
        assert [row["name"] for row in data] == [f"item-{n}" for n in range(28, -1, -2)]
    else:
        assert data["name"] == "item-3"


COUNTS = {
    "v2 count": ("/api/v2/doctype/Bench Item/count", {"filters": LIST["filters"]}),
    "client.get_count": ("/api/method/frappe.client.get_count", {"doctype": "Bench Item", "filters": LIST["filters"]}),
}


@pytest.mark.parametrize("route", COUNTS)
def test_a_count_is_one_query_capped_and_timed_or_not(caller, route, django_assert_num_queries):
    """One statement compiled per shape: the v2 count's budget rides with it (PostgreSQL: in the same message)."""
    path, params = COUNTS[route]
    if path.startswith("/api/method/") and caller.kind == "Guest":
        assert caller.get(path, params).status_code == 403
        return
    _warm(caller, path, params)
    with django_assert_num_queries(1):
        body = _warm(caller, path, params).json()
    assert body.get("data", body.get("message")) == 15


def test_a_v2_page_with_its_count_is_two_queries(caller, django_assert_num_queries):
    path, params = "/api/v2/document/Bench Item", {**LIST, "limit": 20, "include": "count"}
    _warm(caller, path, params)
    with django_assert_num_queries(2):
        body = _warm(caller, path, params).json()
    assert (len(body["data"]), body["count"], body["has_next_page"]) == (15, 15, False)


def test_a_keyset_page_reads_the_next_cursor_with_its_rows(caller, django_assert_num_queries):
    """One query per cursor page, its last row's sort values included; MariaDB/MySQL read the page's keys
    first, then its rows by primary key (``backends.keyset_statements``)."""
    from django.db import connection

    path = "/api/v2/document/Bench Item"
    params = {"fields": LIST["fields"], "filters": LIST["filters"], "order_by": "modified desc", "limit": 4}
    cursor = _warm(caller, path, {**params, "cursor": ""}).json()["next_cursor"]
    _warm(caller, path, {**params, "cursor": cursor})
    with django_assert_num_queries(2 if connection.vendor == "mysql" else 1):
        body = _warm(caller, path, {**params, "cursor": cursor}).json()
    assert [row["name"] for row in body["data"]] == [f"item-{n}" for n in (20, 18, 16, 14)]
    assert body["has_next_page"] is True and body["next_cursor"]


@pytest.mark.parametrize("path", ["/api/resource/Bench Order/order-1", "/api/v2/document/Bench Order/order-1"])
def test_child_tables_add_one_query_together(caller, path, django_assert_num_queries):
    _warm(caller, path, None)
    with django_assert_num_queries(2):
        response = _warm(caller, path, None)
    data = response.json()["data"]
    assert [row["item"] for row in data["lines"]] == ["a", "b"]
    assert [row["item"] for row in data["extras"]] == ["c"]


def test_a_warm_meta_is_the_process_copy_checked_by_its_stamp(items, django_assert_num_queries):
    """A DocType change made elsewhere replaces the stamp in the shared cache; this process then reads anew."""
    from django.core.cache import cache

    from django_frappe_api import meta as meta_module
    from django_frappe_api.models import DocType

    first = meta_module.get_meta("Bench Item")
    with django_assert_num_queries(0):
        assert meta_module.get_meta("Bench Item") is first  # no fetch and unpickle of the shared entry
    DocType.objects.filter(name="Bench Item").update(title_field="status")  # no signal: as in another process
    assert meta_module.get_meta("Bench Item").title_field == ""
    cache.delete(meta_module.CACHE_PREFIX + "Bench%20Item")
    cache.set(meta_module.STAMP_PREFIX + "Bench%20Item", "changed-elsewhere")
    assert meta_module.get_meta("Bench Item").title_field == "status"


def test_a_doctype_saved_in_this_process_is_seen_at_once(items):
    from django_frappe_api.meta import get_meta

    assert get_meta("Bench Item").get_field("qty").label == "Qty"
    make_doctype("Bench Item", [*FIELDS[:2], {**FIELDS[2], "label": "Quantity"}], PERMISSIONS)
    assert get_meta("Bench Item").get_field("qty").label == "Quantity"
