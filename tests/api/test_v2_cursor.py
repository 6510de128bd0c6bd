"""v2 keyset pagination (beyond Frappe): ``cursor=`` asks for a ``next_cursor``; walking a list by cursor gives
the rows of offset paging in the list's order then ``name``, ties included, at a constant cost per page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_frappe_api import document
from django_frappe_api.models import Document

pytestmark = pytest.mark.django_db

URL = "/api/v2/document/ToDo"
# name -> (minutes after the base time for `modified`, date or None, status): ties on modified and on date.
ROWS = {
    "a": (1, "2024-01-03", "Open"), "b": (2, None, "Closed"), "c": (2, "2024-01-01", "Open"),
    "d": (2, "2024-01-03", "Open"), "e": (3, None, "Open"), "f": (5, "2024-01-02", "Closed"),
    "g": (5, "2024-01-01", "Open"),
}  # fmt: skip


@pytest.fixture
def todos(todo, admin_user):
    base = timezone.make_aware(dt.datetime(2024, 5, 1, 9, 0, 0, 123456))
    for name, (minutes, date, status) in ROWS.items():
        values = {"name": name, "description": f"Call {name}", "status": status}
        if date:
            values["date"] = date
        document.insert_doc("ToDo", values, user=admin_user, honour_name=True)
        Document.objects.filter(doctype_id="ToDo", name=name).update(modified=base + dt.timedelta(minutes=minutes))
    return ROWS


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["data"]]


def walk(client, limit: int, **params) -> tuple[list[str], int]:
    """Every row of the list by cursor; also how many pages it took."""
    seen, cursor, pages = [], "", 0
    while cursor is not None:
        response = client.get(URL, {"limit": limit, "cursor": cursor, **params})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["has_next_page"] is (body["next_cursor"] is not None)
        seen += names(response)
        cursor, pages = body["next_cursor"], pages + 1
    return seen, pages


def offset_order(client, order_by: str, **params) -> list[str]:
    return names(client.get(URL, {"limit": 100, "order_by": order_by, **params}))


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 10])
def test_walking_by_cursor_gives_the_offset_rows_with_ties_on_modified(admin_client, todos, limit):
    seen, pages = walk(admin_client, limit)

    assert seen == offset_order(admin_client, "modified desc, name desc") == ["g", "f", "e", "d", "c", "b", "a"]
    assert pages == max(1, -(-7 // limit))


@pytest.mark.parametrize("order_by", ["modified asc", "name asc", "creation desc", "status asc, modified desc",
                                      "date asc", "date desc", "status desc, date asc"])
def test_any_order_by_of_own_fields_walks_like_offset_paging_nulls_first(admin_client, todos, order_by):
    seen, _ = walk(admin_client, 2, order_by=order_by)

    last = order_by.split(",")[-1].split()[-1]
    assert seen == offset_order(admin_client, f"{order_by}, name {last}")
    assert sorted(seen) == sorted(ROWS)


def test_cursor_follows_the_filters(admin_client, todos):
    filters = json.dumps({"status": "Open"})

    seen, _ = walk(admin_client, 2, filters=filters)

    assert seen == ["g", "e", "d", "c", "a"]


def test_a_list_without_cursor_has_no_next_cursor(admin_client, todos):
    body = admin_client.get(URL, {"limit": 2}).json()

    assert body == {"data": [{"name": "g"}, {"name": "f"}], "has_next_page": True}


def test_last_page_has_a_null_next_cursor_and_count_still_counts_everything(admin_client, todos):
    first = admin_client.get(URL, {"limit": 5, "cursor": "", "include": "count"}).json()
    last = admin_client.get(URL, {"limit": 5, "cursor": first["next_cursor"], "include": "count"}).json()

    assert first["count"] == last["count"] == 7
    assert last == {"data": [{"name": "b"}, {"name": "a"}], "has_next_page": False, "count": 7,
                    "count_capped": False, "next_cursor": None}


def test_each_page_costs_the_same_queries(admin_client, todos):
    first = admin_client.get(URL, {"limit": 2, "cursor": ""}).json()  # warm caches (meta, roles)
    with CaptureQueriesContext(connection) as page_one:
        admin_client.get(URL, {"limit": 2, "cursor": ""})
    second = admin_client.get(URL, {"limit": 2, "cursor": first["next_cursor"]}).json()
    with CaptureQueriesContext(connection) as page_three:
        admin_client.get(URL, {"limit": 2, "cursor": second["next_cursor"]})

    # The last row's sort values come with the page; MariaDB/MySQL read the page's keys before its rows
    # (backends.keyset.rows_by_key).
    extra = 1 if connection.vendor == "mysql" else 0
    assert len(page_one) == len(page_three)
    assert len(page_one) == len(_plain_page(admin_client)) + extra


def _plain_page(client) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as plain:
        client.get(URL, {"limit": 2})
    return plain


def _error(response) -> tuple[int, str, str]:
    error = response.json()["errors"][0]
    return response.status_code, error["type"], error["message"]


def test_a_cursor_reused_with_other_filters_or_order_is_417(admin_client, todos):
    cursor = admin_client.get(URL, {"limit": 2, "cursor": ""}).json()["next_cursor"]
    message = "This cursor belongs to another list: send the same filters and order_by as the page it came from"

    other_filters = admin_client.get(URL, {"limit": 2, "cursor": cursor, "filters": json.dumps({"status": "Open"})})
    other_order = admin_client.get(URL, {"limit": 2, "cursor": cursor, "order_by": "name asc"})

    assert _error(other_filters) == (417, "ValidationError", message)
    assert _error(other_order) == (417, "ValidationError", message)


@pytest.mark.parametrize("tamper", [lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"), lambda c: "x" + c,
                                    lambda c: "garbage"])
def test_a_tampered_cursor_is_417(admin_client, todos, tamper):
    cursor = admin_client.get(URL, {"limit": 2, "cursor": ""}).json()["next_cursor"]

    assert _error(admin_client.get(URL, {"limit": 2, "cursor": tamper(cursor)})) == (
        417, "ValidationError", "Invalid cursor")


@pytest.mark.parametrize(("params", "message"), [
    ({"order_by": "count desc", "fields": json.dumps(["status", "count(name) as count"]), "group_by": "status"},
     "A cursor cannot page grouped, distinct or aggregated rows"),
    ({"start": 2, "cursor": "abc"}, "'start' cannot be combined with a cursor: the cursor says where to go on"),
])  # fmt: skip
def test_cursor_refuses_what_it_cannot_page(admin_client, todos, params, message):
    response = admin_client.get(URL, {"cursor": "", **params})

    assert _error(response) == (417, "ValidationError", message)


def test_start_still_pages_and_a_cursor_may_begin_after_it(admin_client, todos):
    body = admin_client.get(URL, {"limit": 2, "start": 2, "cursor": ""}).json()
    rest = admin_client.get(URL, {"limit": 10, "cursor": body["next_cursor"]}).json()

    assert names_of(body) == ["e", "d"]
    assert names_of(rest) == ["c", "b", "a"]


def names_of(body: dict) -> list[str]:
    return [row["name"] for row in body["data"]]


@pytest.mark.parametrize("order_by", [None, "subject asc", "amount desc"])
def test_cursor_walks_either_storage_like_offset_paging(storage, admin_client, admin_user, order_by):
    for subject, amount in [("b", 5), ("a", 5), ("c", 1), ("a", 2), ("d", 5)]:
        document.insert_doc(storage.doctype, {"subject": subject, "amount": amount, "status": "Open"},
                            user=admin_user)
    url = f"/api/v2/document/{storage.doctype}"
    params = {"order_by": order_by} if order_by else {}
    seen, cursor = [], ""
    while cursor is not None:
        body = admin_client.get(url, {"limit": 2, "cursor": cursor, **params}).json()
        seen += [row["name"] for row in body["data"]]
        cursor = body["next_cursor"]

    full = f"{order_by or 'modified desc'}, name {(order_by or 'desc').split()[-1]}"
    assert seen == [row["name"] for row in admin_client.get(url, {"limit": 100, "order_by": full}).json()["data"]]
    assert len(seen) == 5


def test_an_invalid_cursor_answers_frappes_whole_v2_error_body(admin_client, todos):
    response = admin_client.get(URL, {"limit": 2, "cursor": "garbage"})

    assert response.status_code == 417
    assert response.json() == {"errors": [{"type": "ValidationError", "message": "Invalid cursor",
                                           "title": "Message", "indicator": "red"}]}
