"""Compiled statements kept per query shape (``backends/statements.py``): what is a shape, what is a value."""

from __future__ import annotations

import json

import pytest
from django.db.models import Exists, Q
from rest_framework.test import APIClient

from django_frappe_api.backends import statements
from django_frappe_api.meta import get_meta, memo
from django_frappe_api.models import Document
from tests.factories import make_doctype

pytestmark = pytest.mark.django_db


def test_values_are_bound_and_their_sql_shaping_kinds_are_not():
    binder = statements.Binder()
    text = binder("Open", fieldtype_kind="text")
    number = binder(5, fieldtype_kind="int")
    assert isinstance(text, statements.Param) and isinstance(number, statements.Param)
    assert binder.values == ["Open", 5]
    assert binder(None, fieldtype_kind="text") is None  # `= NULL` is `IS NULL`: part of the shape
    assert binder(True, fieldtype_kind="int") is True  # isnull tests
    assert binder(2**70, fieldtype_kind="int") == 2**70  # Django answers it without the database
    items = binder(["a", "b", "a", None], fieldtype_kind="text")  # IN drops NULL and repeats, as Django does
    assert [binder.values[item.slot] for item in items] == ["a", "b"]


def test_two_conditions_differing_only_in_values_have_one_shape():
    def where(value):
        binder = statements.Binder()
        return statements.q_signature(Q(_f_status=binder(value, fieldtype_kind="text")) & Q(_f_status__isnull=False))

    assert where("Open") == where("Closed")
    assert where("Open") != statements.q_signature(Q(_f_status="Open") & Q(_f_status__isnull=False))
    assert statements.q_signature(Q(owner="jane@example.com")) != statements.q_signature(Q(owner="kim@example.com"))


def test_an_expression_in_the_conditions_is_not_a_shape():
    with pytest.raises(statements.Uncacheable):
        statements.q_signature(Q(Exists(Document.objects.all())))
    with pytest.raises(statements.Uncacheable):
        statements.q_signature(Q(name__in=Document.objects.values("name")))


@pytest.fixture
def notes(admin_user):
    make_doctype("Shape Note", [
        {"fieldname": "title", "fieldtype": "Data", "label": "Title"},
        {"fieldname": "status", "fieldtype": "Select", "label": "Status", "options": "Open\nClosed"},
        {"fieldname": "qty", "fieldtype": "Int", "label": "Qty"},
    ], autoname="field:title")
    client = APIClient()
    client.force_authenticate(admin_user)
    for n in range(6):
        row = {"title": f"n{n}", "status": ("Open", "Closed")[n % 2], "qty": n}
        assert client.post("/api/resource/Shape Note", row, format="json").status_code == 200
    return client


def _names(client, filters, **params):
    response = client.get("/api/resource/Shape Note", {"filters": json.dumps(filters), "order_by": "qty asc",
                                                       "fields": '["name"]', **params})
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["data"]]


def test_lists_of_one_shape_share_a_statement_and_bind_their_own_values_and_page(notes):
    assert _names(notes, [["status", "=", "Open"]]) == ["n0", "n2", "n4"]
    compiled = dict(memo(get_meta("Shape Note"), "statements"))
    assert _names(notes, [["status", "=", "Closed"]]) == ["n1", "n3", "n5"]
    assert _names(notes, [["status", "=", "Closed"]], limit_start=1, limit_page_length=1) == ["n3"]
    assert dict(memo(get_meta("Shape Note"), "statements")) == compiled  # no new statement for these
    assert _names(notes, [["qty", ">", 3]]) == ["n4", "n5"]
    assert _names(notes, [["qty", ">", 4]]) == ["n5"]
    assert len(memo(get_meta("Shape Note"), "statements")) == len(compiled) + 1


def test_an_in_list_of_nothing_but_null_lists_nothing(notes):
    assert _names(notes, [["creation", "in", ["", ""]]]) == []
    assert _names(notes, [["status", "in", ["Open", "Open", "Closed"]]]) == ["n0", "n1", "n2", "n3", "n4", "n5"]


def test_a_changed_doctype_compiles_anew(notes):
    assert _names(notes, [["status", "=", "Open"]]) == ["n0", "n2", "n4"]
    before = get_meta("Shape Note")
    make_doctype("Shape Note", [
        {"fieldname": "title", "fieldtype": "Data", "label": "Title"},
        {"fieldname": "status", "fieldtype": "Data", "label": "Status"},
        {"fieldname": "qty", "fieldtype": "Float", "label": "Qty"},
    ], autoname="field:title")
    assert get_meta("Shape Note") is not before
    assert memo(get_meta("Shape Note"), "statements") == {}
    assert _names(notes, [["qty", ">", 3.5]]) == ["n4", "n5"]


def _count(client, filters, **params):
    response = client.get("/api/v2/doctype/Shape Note/count", {"filters": json.dumps(filters), **params})
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_counts_of_one_shape_share_a_statement_and_bind_their_own_values_and_limit(notes):
    assert _count(notes, [["status", "=", "Open"]]) == 3
    compiled = dict(memo(get_meta("Shape Note"), "statements"))
    assert _count(notes, [["status", "=", "Closed"]]) == 3
    assert _count(notes, [["status", "=", "Closed"]], limit=2) == 2  # the limit is bound too
    assert dict(memo(get_meta("Shape Note"), "statements")) == compiled
    assert _count(notes, [["qty", ">", 3]]) == 2
    assert _count(notes, [["qty", ">", 4]]) == 1
    assert len(memo(get_meta("Shape Note"), "statements")) == len(compiled) + 1


def _page(client, cursor, order_by="qty asc"):
    response = client.get("/api/v2/document/Shape Note", {"fields": '["name"]', "order_by": order_by, "limit": 2,
                                                          "cursor": cursor})
    assert response.status_code == 200, response.content
    body = response.json()
    return [row["name"] for row in body["data"]], body["next_cursor"]


def _page_statements() -> set:
    """The compiled statements but MariaDB's rows-by-key ones (one per number of keys)."""
    return {key for key in memo(get_meta("Shape Note"), "statements") if key[1][0] != "keyset rows"}


@pytest.mark.parametrize(("order_by", "pages"), [
    ("qty asc", [["n0", "n1"], ["n2", "n3"], ["n4", "n5"]]),
    ("title desc", [["n5", "n4"], ["n3", "n2"], ["n1", "n0"]]),  # a key annotated as LOWER(title)
])  # fmt: skip
def test_keyset_pages_after_a_cursor_share_one_statement(notes, order_by, pages):
    first, cursor = _page(notes, "", order_by)
    second, cursor = _page(notes, cursor, order_by)
    compiled = _page_statements()
    third, cursor = _page(notes, cursor, order_by)

    assert [first, second, third] == pages
    assert cursor is None
    assert _page_statements() == compiled  # the third page bound its cursor into the second's statement


def test_an_expression_in_the_row_condition_counts_and_pages_with_django(notes):
    from django.db.models import OuterRef

    from django_frappe_api.backends import list_statements
    from django_frappe_api.backends.generic import generic_backend
    from django_frappe_api.query import ListQuery

    query = ListQuery.build(get_meta("Shape Note"), fields=["name"], filters=[["status", "=", "Open"]],
                            order_by="qty asc", page_length=2, cursor="")
    condition = Q(Exists(Document.objects.filter(pk=OuterRef("pk"))))
    with pytest.raises(statements.Uncacheable):
        list_statements.count(generic_backend, query, condition, distinct=False, limit=None, timeout_ms=None)

    assert generic_backend.get_count(query, condition) == generic_backend.get_count(query, None) == 3
    page = ([{"name": "n0"}, {"name": "n2"}], [0, "n0"])  # the next cursor after the first row
    assert generic_backend.get_keyset_page(query, condition, 1) == generic_backend.get_keyset_page(query, None, 1)
    assert generic_backend.get_keyset_page(query, None, 1) == page
