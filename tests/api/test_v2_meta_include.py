"""``GET /api/v2/doctype/<doctype>/meta?include=children``: the child tables' metas beside ``data``."""

from __future__ import annotations

import pytest

from tests.factories import make_doctype

pytestmark = pytest.mark.django_db

URL = "/api/v2/doctype/{}/meta"


def meta_of(client, doctype: str) -> dict:
    response = client.get(URL.format(doctype))
    assert response.status_code == 200
    return response.json()["data"]


def test_children_are_the_metas_of_the_child_tables(admin_client, task_doctype):
    response = admin_client.get(URL.format("Task"), {"include": "children"})

    assert response.status_code == 200
    assert response.json() == {"data": meta_of(admin_client, "Task"), "children": [meta_of(admin_client, "Task Item")]}
    assert [field["fieldname"] for field in response.json()["children"][0]["fields"]] == [
        "item", "qty", "rate", "status"]


def test_a_child_shared_by_two_tables_comes_once_and_children_are_sorted(admin_client, db):
    for child in ("Line B", "Line A"):
        make_doctype(child, [{"fieldname": "item", "label": "Item", "fieldtype": "Data"}], istable=1)
    make_doctype("Deal", [
        {"fieldname": "b_rows", "label": "B", "fieldtype": "Table", "options": "Line B"},
        {"fieldname": "a_rows", "label": "A", "fieldtype": "Table", "options": "Line A"},
        {"fieldname": "more_b", "label": "More B", "fieldtype": "Table", "options": "Line B"},
    ])

    response = admin_client.get(URL.format("Deal"), {"include": "children"})

    assert response.status_code == 200
    assert response.json() == {"data": meta_of(admin_client, "Deal"),
                               "children": [meta_of(admin_client, "Line A"), meta_of(admin_client, "Line B")]}


def test_children_of_a_doctype_without_tables_is_an_empty_list(admin_client, todo):
    response = admin_client.get(URL.format("ToDo"), {"include": "children"})

    assert (response.status_code, response.json()) == (200, {"data": meta_of(admin_client, "ToDo"), "children": []})


def test_an_unknown_part_is_417(admin_client, todo):
    response = admin_client.get(URL.format("ToDo"), {"include": "children,permissions"})

    assert response.status_code == 417
    assert response.json() == {"errors": [{"type": "UnknownPartError", "title": "Message", "indicator": "red",
                                           "message": "Unknown include part permissions. Known parts: children"}]}


def test_include_must_be_a_string(admin_client, todo):
    response = admin_client.generic("GET", URL.format("ToDo"), '{"include": ["children"]}',
                                    content_type="application/json")

    assert response.status_code == 417
    assert response.json() == {"errors": [{"type": "ValidationError", "title": "Message", "indicator": "red",
                                           "message": "'include' must be a comma-separated string"}]}
