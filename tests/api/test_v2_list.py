"""``GET|QUERY /api/v2/document/<doctype>``: ``start``/``limit`` paging, ``has_next_page``, ``include=count``
(§6.2), and the same rows as v1 where the two overlap."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_frappe_api import document

pytestmark = pytest.mark.django_db

URL = "/api/v2/document/ToDo"
FIELDS = json.dumps(["name", "description"])


@pytest.fixture
def three(todo, admin_user):
    """ToDos a, b, c (listed by name)."""
    for name in ("a", "b", "c"):
        document.insert_doc("ToDo", {"name": name, "description": f"Call {name}"}, user=admin_user,
                            honour_name=True)
    return ["a", "b", "c"]


def rows(*names: str) -> list[dict[str, str]]:
    return [{"name": name, "description": f"Call {name}"} for name in names]


def page(client, **params):
    return client.get(URL, {"fields": FIELDS, "order_by": "name asc", **params})


@pytest.mark.parametrize(
    ("start", "limit", "names", "has_next_page"),
    [
        (0, 2, ("a", "b"), True),  # limit + 1 rows exist
        (0, 3, ("a", "b", "c"), False),  # exactly limit rows
        (0, 4, ("a", "b", "c"), False),
        (1, 1, ("b",), True),
        (2, 1, ("c",), False),
        (3, 1, (), False),
    ],
)
def test_has_next_page_at_the_boundaries(admin_client, three, start, limit, names, has_next_page):
    response = page(admin_client, start=start, limit=limit)

    assert response.status_code == 200
    assert response.json() == {"data": rows(*names), "has_next_page": has_next_page}


def test_limit_zero_returns_no_rows_and_says_whether_any_exist(admin_client, todo, admin_user):
    assert page(admin_client, limit=0).json() == {"data": [], "has_next_page": False}
    document.insert_doc("ToDo", {"name": "a", "description": "Call a"}, user=admin_user, honour_name=True)

    assert page(admin_client, limit=0).json() == {"data": [], "has_next_page": True}


@pytest.mark.parametrize("limit", [0, 2, 3, 4])
def test_include_count_counts_every_matching_row_whatever_the_page(admin_client, three, limit):
    response = page(admin_client, limit=limit, include="count")

    names = ("a", "b", "c")[:limit]
    assert response.json() == {"data": rows(*names), "has_next_page": limit < 3, "count": 3, "count_capped": False}


def test_include_count_applies_the_list_filters(admin_client, three):
    response = page(admin_client, filters=json.dumps({"name": ["!=", "b"]}), include="count", limit=1)

    assert response.json() == {"data": rows("a"), "has_next_page": True, "count": 2, "count_capped": False}


@pytest.mark.parametrize(("cap", "count", "capped"), [(2, 2, True), (3, 3, True), (4, 3, False)])
def test_count_stops_at_the_cap(admin_client, three, settings, cap, count, capped):
    # Frappe counts with limit=COUNT_CAP and reports capped when the count reaches it (frappe/api/include.py).
    settings.FRAPPE_API = {"COUNT_CAP": cap}

    response = page(admin_client, limit=1, include="count")

    assert response.json() == {"data": rows("a"), "has_next_page": True, "count": count, "count_capped": capped}


def test_unknown_list_include_part_is_417(admin_client, three):
    response = page(admin_client, include="count,permissions")

    assert response.status_code == 417
    assert response.json() == {"errors": [{"type": "UnknownPartError", "title": "Message", "indicator": "red",
                                           "message": "Unknown include part permissions. Known parts: count"}]}


def test_query_verb_lists_like_get_with_a_json_body(admin_client, three):
    body = {"fields": ["name", "description"], "order_by": "name asc", "limit": 2, "include": "count"}

    response = admin_client.generic("QUERY", URL, json.dumps(body), content_type="application/json")

    assert response.status_code == 200
    assert response.json() == {"data": rows("a", "b"), "has_next_page": True, "count": 3, "count_capped": False}


def test_query_verb_needs_read_permission(user_client, three):
    from tests.factories import make_doctype

    make_doctype("Secret", [{"fieldname": "title", "fieldtype": "Data"}])
    response = user_client.generic("QUERY", "/api/v2/document/Secret", "{}", content_type="application/json")

    assert response.status_code == 403
    assert response.json()["errors"][0]["type"] == "PermissionError"


@pytest.mark.parametrize(
    "params",
    [
        {"fields": FIELDS, "order_by": "name desc"},
        {"fields": FIELDS, "filters": json.dumps([["description", "like", "%b%"]])},
        {"fields": FIELDS, "or_filters": json.dumps({"name": "a", "description": "Call c"}), "order_by": "name asc"},
        {"fields": json.dumps(["status", "count(name) as n"]), "group_by": "status"},
    ],
)
def test_v1_and_v2_list_the_same_rows(admin_client, three, params):
    v1 = admin_client.get("/api/resource/ToDo", params)
    v2 = admin_client.get(URL, params)

    assert v1.status_code == v2.status_code == 200
    assert v2.json()["data"] == v1.json()["data"]
    assert v2.json()["has_next_page"] is False


def test_v2_pages_like_v1_with_start_and_limit(admin_client, three):
    v1 = admin_client.get("/api/resource/ToDo", {"fields": FIELDS, "order_by": "name asc", "limit_start": 1,
                                                "limit_page_length": 1})
    v2 = page(admin_client, start=1, limit=1)

    assert v1.json() == {"data": rows("b")}
    assert v2.json() == {"data": rows("b"), "has_next_page": True}


def test_include_count_costs_one_count_query_more(admin_client, three):
    page(admin_client, limit=1)  # warm caches (meta, roles)
    with CaptureQueriesContext(connection) as plain:
        page(admin_client, limit=1)
    with CaptureQueriesContext(connection) as counted:
        page(admin_client, limit=1, include="count")

    # PostgreSQL alone needs SQL of its own to bound the count: a savepoint holding its statement_timeout.
    def budget(captured) -> list[str]:
        return [q["sql"] for q in captured.captured_queries
                if q["sql"].startswith(("SAVEPOINT", "ROLLBACK TO SAVEPOINT", "RELEASE SAVEPOINT"))
                or "set_config('statement_timeout'" in q["sql"]]

    assert len(counted) - len(budget(counted)) == len(plain) - len(budget(plain)) + 1
    assert connection.vendor == "postgresql" or len(counted) == len(plain) + 1
