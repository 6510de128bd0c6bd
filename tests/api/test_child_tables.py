"""Child tables through their parent (§9.8): create, replace, reorder, delete, read, filter, v1 and v2."""

from __future__ import annotations

import pytest

from django_frappe_api.models import Document
from tests.helpers import failure

pytestmark = pytest.mark.django_db

ADMIN = "Administrator"


def row(name: str, idx: int, now: str, **values) -> dict:
    """A child row of Task as every read returns it (nulls omitted)."""
    return {"name": name, "owner": ADMIN, "creation": now, "modified": now, "modified_by": ADMIN, "docstatus": 0,
            "idx": idx, **values, "parent": "T", "parentfield": "items", "parenttype": "Task", "doctype": "Task Item"}


@pytest.fixture
def task(admin_client, task_doctype, api_url, frozen_now):
    response = admin_client.post(api_url("Task"), {"name": "T", "items": [
        {"item": "bolt", "qty": 2, "doctype": "Wrong Doctype"}, {"item": "nut", "qty": 5}, {"item": "gear"}]},
        format="json")
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def rows_of(client, api_url) -> list[dict]:
    return client.get(api_url("Task", "T")).json()["data"]["items"]


def items(rows: list[dict]) -> list[tuple]:
    return [(r["item"], r["idx"]) for r in rows]


def test_create_numbers_rows_and_links_them_to_the_parent(task, frozen_now):
    names = [r["name"] for r in task["items"]]

    assert task["items"] == [
        row(names[0], 1, frozen_now, item="bolt", qty=2, rate=0.0),
        row(names[1], 2, frozen_now, item="nut", qty=5, rate=0.0),
        row(names[2], 3, frozen_now, item="gear", qty=0, rate=0.0),
    ]
    assert len(set(names)) == 3


def test_read_returns_rows_in_idx_order(admin_client, task, api_url):
    assert rows_of(admin_client, api_url) == task["items"]


def test_put_with_the_full_list_updates_inserts_and_deletes(admin_client, task, api_url, frozen_now):
    bolt, nut, _gear = task["items"]

    response = admin_client.put(api_url("Task", "T"), {"items": [
        {"name": nut["name"], "item": "nut", "qty": 6}, {"item": "washer", "qty": 1},
        {"name": bolt["name"], "item": "bolt"}]}, format="json")

    assert response.status_code == 200
    rows = rows_of(admin_client, api_url)
    assert rows[0] == row(nut["name"], 1, frozen_now, item="nut", qty=6, rate=0.0)
    assert (rows[1]["item"], rows[1]["idx"], rows[1]["qty"]) == ("washer", 2, 1)
    # A named row is rewritten from the supplied dict: fields not sent are reset (send the full row).
    assert rows[2] == row(bolt["name"], 3, frozen_now, item="bolt", qty=0, rate=0.0)
    assert Document.objects.filter(doctype_id="Task Item").count() == 3


def test_reordering_rows_without_idx_numbers_them_by_position(admin_client, task, api_url):
    reordered = [{key: value for key, value in r.items() if key != "idx"} for r in reversed(task["items"])]

    admin_client.put(api_url("Task", "T"), {"items": reordered}, format="json")

    assert items(rows_of(admin_client, api_url)) == [("gear", 1), ("nut", 2), ("bolt", 3)]
    assert [r["name"] for r in rows_of(admin_client, api_url)] == [r["name"] for r in reordered]


def test_rows_sent_back_unchanged_keep_their_idx_whatever_their_order(admin_client, task, api_url):
    admin_client.put(api_url("Task", "T"), {"items": list(reversed(task["items"]))}, format="json")

    assert items(rows_of(admin_client, api_url)) == [("bolt", 1), ("nut", 2), ("gear", 3)]


def test_an_explicit_idx_is_kept(admin_client, task, api_url):
    bolt, nut, gear = task["items"]

    admin_client.put(api_url("Task", "T"), {"items": [{**bolt, "idx": 3}, {**nut, "idx": 1}, {**gear, "idx": 2}]},
                     format="json")

    assert items(rows_of(admin_client, api_url)) == [("nut", 1), ("gear", 2), ("bolt", 3)]


@pytest.mark.parametrize("empty", [[], None])
def test_an_empty_list_deletes_every_row(admin_client, task, api_url, empty):
    response = admin_client.put(api_url("Task", "T"), {"items": empty}, format="json")

    assert (response.status_code, response.json()["data"]["items"]) == (200, [])
    assert not Document.objects.filter(doctype_id="Task Item").exists()


def test_a_put_without_the_table_leaves_rows_untouched(admin_client, task, api_url):
    admin_client.put(api_url("Task", "T"), {"title": "renamed"}, format="json")

    assert [r["name"] for r in rows_of(admin_client, api_url)] == [r["name"] for r in task["items"]]


def test_row_errors_name_the_row_and_change_nothing(admin_client, task, api_url):
    bad_select = admin_client.put(api_url("Task", "T"), {"items": [{"item": "a"}, {"item": "b", "status": "Lost"}]},
                                  format="json")
    missing = admin_client.put(api_url("Task", "T"), {"items": [{"qty": 1}]}, format="json")
    not_rows = admin_client.put(api_url("Task", "T"), {"items": "bolt"}, format="json")

    assert failure(bad_select) == (417, "ValidationError",
                                   ['Row #2: Status cannot be "Lost". It should be one of "Open", "Done"'])
    assert failure(missing) == (417, "MandatoryError",
                                ["Error: <strong>Task Item</strong> Row #1: Value missing for: Item"])
    assert failure(not_rows) == (417, "ValidationError", ["Value for Items must be a list of rows"])
    assert rows_of(admin_client, api_url) == task["items"]


def test_a_row_reads_directly_by_its_name(admin_client, task, v1_url):
    bolt = task["items"][0]

    response = admin_client.get(v1_url("Task Item", bolt["name"]))

    assert response.json() == {"data": bolt}


def test_deleting_the_parent_deletes_its_rows(admin_client, task, api_url):
    assert admin_client.delete(api_url("Task", "T")).status_code == 202
    assert not Document.objects.filter(doctype_id="Task Item").exists()


# -- lists of the parent -----------------------------------------------------------------------------


@pytest.fixture
def two_tasks(admin_client, task, api_url):
    admin_client.post(api_url("Task"), {"name": "U", "items": [{"item": "gear", "qty": 9}]}, format="json")


@pytest.mark.parametrize("filters", [
    '[["Task Item", "item", "=", "bolt"]]',
    '[["Task Item", "item", "like", "bo%"]]',
    '{"item": "bolt"}',
])
def test_parent_list_filters_on_child_fields(admin_client, two_tasks, api_url, filters):
    response = admin_client.get(api_url("Task"), {"filters": filters})

    assert response.json()["data"] == [{"name": "T"}]


def test_parent_list_filter_matching_several_rows_of_one_parent(admin_client, two_tasks, api_url):
    response = admin_client.get(api_url("Task"), {"filters": '[["Task Item", "qty", ">", 1]]',
                                                  "fields": '["name"]', "order_by": "name asc"})

    # Frappe joins the child table: one row per matching child (use distinct or group_by to fold them).
    assert response.json()["data"] == [{"name": "T"}, {"name": "T"}, {"name": "U"}]


def test_parent_list_selects_child_fields_with_table_dot_field(admin_client, two_tasks, api_url):
    response = admin_client.get(api_url("Task"), {"fields": '["name", "items.item", "items.qty"]',
                                                  "filters": '[["name", "=", "U"]]'})

    assert response.json()["data"] == [{"name": "U", "item": "gear", "qty": 9}]


def test_child_doctype_list_needs_the_parent(admin_client, two_tasks, api_url):
    refused = admin_client.get(api_url("Task Item"))
    listed = admin_client.get(api_url("Task Item"), {"parent": "Task", "fields": '["item", "parent"]',
                                                     "order_by": "item asc, parent asc"})

    assert refused.status_code == 403
    assert listed.json()["data"] == [{"item": "bolt", "parent": "T"}, {"item": "gear", "parent": "T"},
                                     {"item": "gear", "parent": "U"}, {"item": "nut", "parent": "T"}]


def test_bare_table_field_in_fields_nests_the_child_records(admin_client, two_tasks, api_url, frozen_now):
    response = admin_client.get(api_url("Task"), {"fields": '["name", "items"]', "order_by": "name asc"})

    body = response.json()["data"]
    assert [entry["name"] for entry in body] == ["T", "U"]
    assert [(r["item"], r["idx"], r["parent"], r["doctype"]) for r in body[0]["items"]] == [
        ("bolt", 1, "T", "Task Item"), ("nut", 2, "T", "Task Item"), ("gear", 3, "T", "Task Item")]
    assert [(r["item"], r["qty"]) for r in body[1]["items"]] == [("gear", 9)]


def test_nested_child_records_without_name_and_as_lists(admin_client, two_tasks, api_url):
    dicts = admin_client.get(api_url("Task"), {"fields": '["title", "items"]', "filters": '{"name": "U"}'})
    lists = admin_client.get(api_url("Task"), {"fields": '["name", "items"]', "filters": '{"name": "U"}',
                                               "as_dict": 0 if api_url("x").startswith("/api/resource") else ""})

    [row] = dicts.json()["data"]
    assert (sorted(row), [child["item"] for child in row["items"]]) == (["items", "title"], ["gear"])
    [values] = lists.json()["data"]
    assert (values[0], [child["item"] for child in values[1]]) == ("U", ["gear"])


def test_nested_child_records_cost_one_query_per_page(admin_client, task_doctype, api_url, admin_user):
    from django_frappe_api import document

    for i in range(6):
        document.insert_doc("Task", {"name": f"N{i}", "items": [{"item": "a"}, {"item": "b"}]}, user=admin_user)
    admin_client.get(api_url("Task"), {"fields": '["name"]', "limit": 2})  # warm session and metas

    def count(limit: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(api_url("Task"), {"fields": '["name", "items"]', "limit": limit})
        assert all(len(entry["items"]) == 2 for entry in response.json()["data"])
        return len(captured)

    assert count(2) == count(6)
