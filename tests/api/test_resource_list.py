"""``GET /api/resource/<doctype>``: fields, filters, ordering, grouping, paging and speed (§4.1, §7)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_frappe_api import document
from django_frappe_api.models import Document
from tests.factories import make_doctype
from tests.helpers import decoded, error, thrown

pytestmark = pytest.mark.django_db

ADMIN = "Administrator"
ROWS = {
    "T-1": {"title": "Alpha", "status": "Open", "qty": 5, "amount": "100.50", "ratio": 0.5, "done": 1,
            "due": "2024-01-15", "at": "2024-01-15 10:00:00", "starts": "09:00:00", "notes": "alpha notes",
            "items": [{"item": "bolt", "qty": 2, "rate": 1.5}, {"item": "nut", "qty": 3}]},
    "T-2": {"title": "beta", "status": "Closed", "qty": 10, "amount": 20, "done": 0, "due": "2024-03-01",
            "at": "2024-03-01 00:00:00.250000", "notes": "", "items": [{"item": "nut", "qty": 7}]},
    "T-3": {"title": "Gamma", "status": "", "qty": 0, "amount": 0, "notes": "50\\% off a\\_b"},
    "T-4": {"title": None, "status": None, "qty": None, "amount": None, "ratio": None},
}


def moment(day: int) -> dt.datetime:
    return dt.datetime(2024, 5, day, 8, 30, 0, tzinfo=dt.UTC)


def stamp(day: int) -> str:
    return f"2024-05-{day:02d} 08:30:00"


@pytest.fixture
def tasks(task_doctype, admin_user):
    """Four Tasks, T-1 oldest to T-4 newest; T-4 holds NULL in every optional field.

    Frappe saves a null number as 0, so T-4's numbers are removed afterwards, as for a document saved
    before its DocType gained those fields.
    """
    for position, (name, values) in enumerate(ROWS.items(), start=1):
        document.insert_doc("Task", {"name": name, **values}, user=admin_user)
        Document.objects.filter(name=name, doctype_id="Task").update(creation=moment(position),
                                                                      modified=moment(position))
    row = Document.objects.get(doctype_id="Task", name="T-4")
    row.data = {key: value for key, value in row.data.items() if key not in ("qty", "amount", "ratio")}
    row.save(update_fields=["data"])
    return list(ROWS)


def get_list(client, url, **params):
    encoded = {key: value if isinstance(value, str) else json.dumps(value) for key, value in params.items()}
    return client.get(url, encoded)


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["data"]]


# -- defaults ----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_list_defaults_to_names_in_doctype_sort_order(admin_client, tasks, v1_url, suffix):
    response = admin_client.get(v1_url("Task") + suffix)

    assert response.status_code == 200
    assert response.json() == {"data": [{"name": "T-4"}, {"name": "T-3"}, {"name": "T-2"}, {"name": "T-1"}]}


def test_list_with_empty_order_by_uses_doctype_sort_order(admin_client, tasks, v1_url):
    assert names(admin_client.get(v1_url("Task"), {"order_by": ""})) == ["T-4", "T-3", "T-2", "T-1"]


def test_list_default_order_follows_sort_field_and_sort_order(admin_client, db, v1_url, admin_user):
    make_doctype("Ranked", [{"fieldname": "rank", "fieldtype": "Int"}], autoname="Prompt", sort_field="rank",
                 sort_order="ASC")
    for name, rank in (("b", 2), ("c", 3), ("a", 1)):
        document.insert_doc("Ranked", {"name": name, "rank": rank}, user=admin_user)

    assert names(admin_client.get(v1_url("Ranked"))) == ["a", "b", "c"]


def test_list_accepts_json_content_type_on_get_without_body(admin_client, tasks, v1_url):
    response = admin_client.get(v1_url("Task"), {"fields": '["name"]', "limit": "1"}, CONTENT_TYPE="application/json")

    assert response.json() == {"data": [{"name": "T-4"}]}


# -- fields ------------------------------------------------------------------------------------


def test_list_rows_keep_nulls_and_use_frappe_value_formats(admin_client, tasks, v1_url):
    fields = ["name", "title", "qty", "amount", "ratio", "done", "due", "at", "starts", "notes"]

    response = get_list(admin_client, v1_url("Task"), fields=fields, order_by="name asc")

    assert response.status_code == 200
    assert response.json() == {"data": [
        {"name": "T-1", "title": "Alpha", "qty": 5, "amount": 100.5, "ratio": 0.5, "done": 1, "due": "2024-01-15",
         "at": "2024-01-15 10:00:00", "starts": "9:00:00", "notes": "alpha notes"},
        {"name": "T-2", "title": "beta", "qty": 10, "amount": 20.0, "ratio": 0, "done": 0, "due": "2024-03-01",
         "at": "2024-03-01 00:00:00.250000", "starts": None, "notes": ""},
        {"name": "T-3", "title": "Gamma", "qty": 0, "amount": 0.0, "ratio": 0, "done": 0, "due": None, "at": None,
         "starts": None, "notes": "50\\% off a\\_b"},
        {"name": "T-4", "title": None, "qty": None, "amount": None, "ratio": None, "done": 0, "due": None,
         "at": None, "starts": None, "notes": None},
    ]}


@pytest.mark.parametrize("fields", ["*", '["*"]'])
def test_list_star_selects_standard_and_data_fields(admin_client, todo, v1_url, admin_user, fields):
    doc = document.insert_doc("ToDo", {"description": "All fields", "date": "2024-05-10"}, user=admin_user)
    Document.objects.filter(name=doc["name"]).update(creation=moment(1), modified=moment(2))

    response = admin_client.get(v1_url("ToDo"), {"fields": fields})

    assert response.status_code == 200
    assert response.json() == {"data": [{
        "name": doc["name"], "owner": ADMIN, "creation": stamp(1), "modified": stamp(2), "modified_by": ADMIN,
        "docstatus": 0, "idx": 0, "status": "Open", "priority": "Medium", "date": "2024-05-10",
        "allocated_to": None, "description": "All fields", "reference_type": None, "reference_name": None,
    }]}


def test_list_field_aliases_and_qualified_names(admin_client, tasks, v1_url):
    response = get_list(admin_client, v1_url("Task"), fields=["name as id", "`tabTask`.`title`", "qty as q"],
                        filters=[["name", "in", ["T-1", "T-2"]]], order_by="name asc")

    assert response.json() == {"data": [{"id": "T-1", "title": "Alpha", "q": 5}, {"id": "T-2", "title": "beta",
                                                                                 "q": 10}]}


def test_list_child_table_fields_give_one_row_per_child(admin_client, tasks, v1_url):
    response = get_list(admin_client, v1_url("Task"), fields=["name", "items.item", "items.qty as item_qty"],
                        filters=[["name", "in", ["T-1", "T-2", "T-3"]]],
                        order_by="name asc, items.idx asc")

    assert response.json() == {"data": [
        {"name": "T-1", "item": "bolt", "item_qty": 2},
        {"name": "T-1", "item": "nut", "item_qty": 3},
        {"name": "T-2", "item": "nut", "item_qty": 7},
        {"name": "T-3", "item": None, "item_qty": None},
    ]}


def test_list_link_fields_read_the_linked_document(admin_client, task_doctype, v1_url, admin_user):
    target = document.insert_doc("ToDo", {"description": "Linked text", "priority": "High"}, user=admin_user)
    document.insert_doc("Task", {"name": "L-1", "todo": target["name"]}, user=admin_user)
    document.insert_doc("Task", {"name": "L-2"}, user=admin_user)

    response = get_list(admin_client, v1_url("Task"), fields=["name", "todo.description as text", "todo.priority"],
                        order_by="name asc")

    assert response.json() == {"data": [{"name": "L-1", "text": "Linked text", "priority": "High"},
                                        {"name": "L-2", "text": None, "priority": None}]}


def test_list_expand_replaces_link_values_by_records(admin_client, task_doctype, v1_url, admin_user):
    target = document.insert_doc("ToDo", {"description": "Linked"}, user=admin_user)
    Document.objects.filter(name=target["name"]).update(creation=moment(1), modified=moment(1))
    document.insert_doc("Task", {"name": "L-1", "todo": target["name"]}, user=admin_user)
    document.insert_doc("Task", {"name": "L-2"}, user=admin_user)

    response = get_list(admin_client, v1_url("Task"), fields=["name", "todo"], expand=["todo"], order_by="name")

    assert response.json() == {"data": [
        {"name": "L-1", "todo": {"name": target["name"], "owner": ADMIN, "creation": stamp(1), "modified": stamp(1),
                                 "modified_by": ADMIN, "docstatus": 0, "idx": 0, "status": "Open",
                                 "priority": "Medium", "date": None, "allocated_to": None, "description": "Linked",
                                 "reference_type": None, "reference_name": None}},
        {"name": "L-2", "todo": None},
    ]}


def test_list_aggregates_with_group_by(admin_client, tasks, v1_url):
    response = get_list(admin_client, v1_url("Task"),
                        fields=["done", "count(name) as n", "sum(amount) as total", "avg(qty) as mean",
                                "min(due) as first", "max(at) as last"],
                        group_by="done", order_by="done asc")

    assert response.status_code == 200
    assert response.json() == {"data": [
        {"done": 0, "n": 3, "total": 20.0, "mean": 5.0, "first": "2024-03-01", "last": "2024-03-01 00:00:00.250000"},
        {"done": 1, "n": 1, "total": 100.5, "mean": 5.0, "first": "2024-01-15", "last": "2024-01-15 10:00:00"},
    ]}


def test_list_aggregate_without_group_by_is_one_row(admin_client, tasks, v1_url):
    response = get_list(admin_client, v1_url("Task"), fields=["count(name) as n", "max(qty) as top"])

    assert response.json() == {"data": [{"n": 4, "top": 10}]}


def test_list_group_by_orders_by_aggregate_alias(admin_client, tasks, v1_url):
    response = get_list(admin_client, v1_url("Task"), fields=["items.item as item", "sum(items.qty) as total"],
                        filters=[["Task Item", "item", "is", "set"]], group_by="items.item", order_by="total desc")

    assert response.json() == {"data": [{"item": "nut", "total": 10}, {"item": "bolt", "total": 2}]}


def test_list_distinct_field(admin_client, tasks, v1_url):
    response = get_list(admin_client, v1_url("Task"), fields=["distinct done"], order_by="done desc")

    assert response.json() == {"data": [{"done": 1}, {"done": 0}]}


@pytest.mark.parametrize(("as_dict", "expected"), [
    ("false", [["T-1", 5], ["T-2", 10]]),
    ("0", [["T-1", 5], ["T-2", 10]]),
    ("true", [{"name": "T-1", "qty": 5}, {"name": "T-2", "qty": 10}]),
    ("1", [{"name": "T-1", "qty": 5}, {"name": "T-2", "qty": 10}]),
])
def test_list_as_dict_strings(admin_client, tasks, v1_url, as_dict, expected):
    response = get_list(admin_client, v1_url("Task"), fields=["name", "qty"], as_dict=as_dict, order_by="name",
                        limit_page_length="2")

    assert response.json() == {"data": expected}


def test_list_as_dict_false_with_aggregates(admin_client, tasks, v1_url):
    response = get_list(admin_client, v1_url("Task"), fields=["done", "count(name) as n"], group_by="done",
                        order_by="done", as_dict="false")

    assert response.json() == {"data": [[0, 3], [1, 1]]}


# -- filters: shapes ---------------------------------------------------------------------------


@pytest.mark.parametrize("filters", [
    {"status": "Open"},
    {"status": ["=", "Open"]},
    [["status", "=", "Open"]],
    [["Task", "status", "=", "Open"]],
    [["Task", "status", "=", "Open", False]],
    [{"status": "Open"}],
    json.dumps({"status": "Open"}),
    json.dumps([["status", "=", "Open"]]),
])
def test_list_filter_shapes(admin_client, tasks, v1_url, filters):
    response = admin_client.get(v1_url("Task"), {"filters": filters if isinstance(filters, str) else json.dumps(
        filters)})

    assert names(response) == ["T-1"]


def test_list_filters_in_json_body(admin_client, tasks, v1_url):
    response = admin_client.generic(
        "GET", v1_url("Task"), json.dumps({"filters": [["qty", ">", 4]], "order_by": "name asc", "fields": ["name"]}),
        content_type="application/json",
    )

    assert names(response) == ["T-1", "T-2"]


@pytest.mark.parametrize("filters", [[], {}, ""])
def test_list_empty_filters_match_everything(admin_client, tasks, v1_url, filters):
    response = admin_client.get(v1_url("Task"), {"filters": filters if filters == "" else json.dumps(filters)})

    assert len(names(response)) == 4


def test_list_or_filters_are_anded_with_filters(admin_client, tasks, v1_url):
    response = get_list(admin_client, v1_url("Task"), filters=[["qty", ">=", 0]],
                        or_filters=[["status", "=", "Open"], ["title", "=", "Gamma"], ["Task", "qty", "=", 99]],
                        order_by="name asc")

    assert names(response) == ["T-1", "T-3"]


def test_list_or_filters_dict_form(admin_client, tasks, v1_url):
    response = get_list(admin_client, v1_url("Task"), or_filters={"status": "Closed", "qty": 5}, order_by="name")

    assert names(response) == ["T-1", "T-2"]


def test_list_filter_on_child_table_field_by_doctype_and_by_bare_name(admin_client, tasks, v1_url):
    by_doctype = get_list(admin_client, v1_url("Task"), filters=[["Task Item", "item", "=", "bolt"]])
    by_name = get_list(admin_client, v1_url("Task"), filters={"item": "bolt"})
    by_dotted = get_list(admin_client, v1_url("Task"), filters=[["Task Item", "qty", ">", 2]], order_by="name")

    assert names(by_doctype) == ["T-1"]
    assert names(by_name) == ["T-1"]
    assert names(by_dotted) == ["T-1", "T-2"]


def test_list_of_child_doctype_needs_parent(admin_client, tasks, v1_url):
    without = admin_client.get(v1_url("Task Item"))
    with_parent = get_list(admin_client, v1_url("Task Item"), parent="Task", fields=["item", "parent", "idx"],
                           order_by="parent asc, idx asc")

    assert without.status_code == 403
    assert decoded(without)["exc_type"] == "PermissionError"
    assert with_parent.json() == {"data": [{"item": "bolt", "parent": "T-1", "idx": 1},
                                           {"item": "nut", "parent": "T-1", "idx": 2},
                                           {"item": "nut", "parent": "T-2", "idx": 1}]}


# -- filters: NULL rules (§7.3.1), one test per row of the table -------------------------------

NULL_TABLE = [
    # (filter, names matched among T-1 'Open', T-2 'Closed', T-3 '', T-4 NULL)
    (["status", "=", "Open"], ["T-1"]),
    (["status", "=", ""], ["T-3", "T-4"]),
    (["status", "=", None], ["T-3", "T-4"]),
    (["status", "!=", "Open"], ["T-2", "T-3", "T-4"]),
    (["status", "not in", ["Open"]], ["T-2", "T-3", "T-4"]),
    (["status", "in", ["Open", ""]], ["T-1", "T-3", "T-4"]),
    (["status", "not like", "%pe%"], ["T-2", "T-3", "T-4"]),
    (["due", "<", "2024-02-01"], ["T-1", "T-3", "T-4"]),
    (["due", ">", "2024-02-01"], ["T-2"]),
    (["qty", "<", 5], ["T-3"]),
    (["amount", "<", 50], ["T-2", "T-3"]),
    (["status", "is", "not set"], ["T-3", "T-4"]),
    (["status", "is", "set"], ["T-1", "T-2"]),
]


@pytest.mark.parametrize(("condition", "expected"), NULL_TABLE, ids=[json.dumps(c) for c, _ in NULL_TABLE])
def test_list_null_rules(admin_client, tasks, v1_url, condition, expected):
    response = get_list(admin_client, v1_url("Task"), filters=[condition], order_by="name asc")

    assert names(response) == expected


# -- filters: operators and coercion -----------------------------------------------------------

OPERATORS = [
    (["status", "like", "open"], ["T-1"]),
    (["title", "like", "%A"], ["T-1", "T-2", "T-3"]),
    (["title", "like", "_eta"], ["T-2"]),
    (["status", "in", "Open, Closed"], ["T-1", "T-2"]),
    (["status", "not in", "Open"], ["T-2", "T-3", "T-4"]),
    (["status", "in", []], ["T-3", "T-4"]),
    (["status", "IN", ["Closed"]], ["T-2"]),
    (["qty", ">", 4], ["T-1", "T-2"]),
    (["qty", ">=", "5"], ["T-1", "T-2"]),
    (["qty", "<=", 5], ["T-1", "T-3"]),
    (["qty", "!=", 5], ["T-2", "T-3"]),
    (["qty", "=", "5"], ["T-1"]),
    (["qty", "=", "abc"], ["T-3"]),
    (["qty", "in", ["5", 10]], ["T-1", "T-2"]),
    (["done", "=", "1"], ["T-1"]),
    (["done", "=", True], ["T-1"]),
    (["amount", ">", "50"], ["T-1"]),
    (["amount", "=", 100.5], ["T-1"]),
    (["due", "=", "2024-01-15 14:00:00"], ["T-1"]),
    (["due", ">=", "2024-01-15"], ["T-1", "T-2"]),
    (["due", "<=", "2024-01-15"], ["T-1", "T-3", "T-4"]),
    (["at", "=", "2024-01-15 10:00:00"], ["T-1"]),
    (["at", ">", "2024-03-01"], ["T-2"]),
    (["starts", "=", "9:00"], ["T-1"]),
    (["due", "between", ["2024-01-01", "2024-01-31"]], ["T-1"]),
    (["at", "between", ["2024-03-01", "2024-03-01"]], ["T-2"]),
    (["qty", "between", [1, 6]], ["T-1"]),
    (["creation", "between", ["2024-05-02", "2024-05-03"]], ["T-2", "T-3"]),
    (["creation", ">", "2024-05-03"], ["T-3", "T-4"]),
    (["modified", "<", "2024-05-02 08:30:00"], ["T-1"]),
    (["modified", "=", "2024-05-02 08:30:00"], ["T-2"]),
    (["name", "like", "T-%"], ["T-1", "T-2", "T-3", "T-4"]),
    (["name", "not in", ["T-1", "T-2"]], ["T-3", "T-4"]),
    (["docstatus", "=", 0], ["T-1", "T-2", "T-3", "T-4"]),
    (["owner", "=", ADMIN], ["T-1", "T-2", "T-3", "T-4"]),
    (["qty", "is", "set"], ["T-1", "T-2"]),
    (["qty", "is", "not set"], ["T-3", "T-4"]),
    (["status", "", "Open"], ["T-1"]),
    (["qty", "like", "1%"], ["T-2"]),
    (["amount", "like", "100.5%"], ["T-1"]),
    (["creation", "like", "2024-05-02%"], ["T-2"]),
    (["creation", "not like", "2024-05-0_ 08:30%"], []),
    (["creation", "timespan", "this month"], ["T-1", "T-2", "T-3", "T-4"]),
    (["notes", "like", "%\\%"], ["T-3"]),
    (["notes", "like", "50\\%%"], ["T-3"]),
    (["notes", "like", "%a\\_b%"], ["T-3"]),
    (["`tabTask Item`.`qty`", "=", 7], ["T-2"]),
    (["`tabTask`.`qty`", "=", 5], ["T-1"]),
]


@pytest.mark.parametrize(("condition", "expected"), OPERATORS, ids=[json.dumps(c) for c, _ in OPERATORS])
def test_list_operators(admin_client, tasks, v1_url, condition, expected, frozen_now):
    response = get_list(admin_client, v1_url("Task"), filters=[condition], order_by="name asc")

    assert names(response) == expected


@pytest.fixture
def dated(task_doctype, admin_user, frozen_now):
    """Tasks due around Friday 2024-05-10 (the frozen today)."""
    days = {"mon": "2024-05-06", "yesterday": "2024-05-09", "today": "2024-05-10", "tomorrow": "2024-05-11",
            "last-month": "2024-04-30", "next-month": "2024-06-03", "last-year": "2023-12-31",
            "next-quarter": "2024-08-01"}
    for name, day in days.items():
        document.insert_doc("Task", {"name": name, "due": day}, user=admin_user)
    document.insert_doc("Task", {"name": "none"}, user=admin_user)


TIMESPANS = [
    ("timespan", "today", ["today"]),
    ("timespan", "yesterday", ["yesterday"]),
    ("timespan", "tomorrow", ["tomorrow"]),
    ("timespan", "this week", ["mon", "today", "tomorrow", "yesterday"]),
    ("timespan", "last week", ["last-month"]),
    ("timespan", "this month", ["mon", "today", "tomorrow", "yesterday"]),
    ("timespan", "last month", ["last-month"]),
    ("timespan", "next month", ["next-month"]),
    ("timespan", "this quarter", ["last-month", "mon", "next-month", "today", "tomorrow", "yesterday"]),
    ("timespan", "next quarter", ["next-quarter"]),
    ("timespan", "last year", ["last-year"]),
    ("timespan", "this year", ["last-month", "mon", "next-month", "next-quarter", "today", "tomorrow",
                               "yesterday"]),
    ("timespan", "next 6 months", ["next-quarter"]),
    ("previous", "1 month", ["last-month"]),
    ("previous", "1 year", ["last-year"]),
    ("next", "1 month", ["next-month"]),
    ("next", "3 months", ["next-quarter"]),
]


@pytest.mark.parametrize(("operator", "value", "expected"), TIMESPANS, ids=[f"{o} {v}" for o, v, _ in TIMESPANS])
def test_list_timespan_previous_and_next(admin_client, dated, v1_url, operator, value, expected):
    response = get_list(admin_client, v1_url("Task"), filters=[["due", operator, value]], order_by="name asc")

    assert names(response) == expected


# -- ordering and paging -----------------------------------------------------------------------


@pytest.mark.parametrize(("order_by", "expected"), [
    ("qty desc, name asc", ["T-2", "T-1", "T-3", "T-4"]),
    ("qty asc", ["T-4", "T-3", "T-1", "T-2"]),
    ("title", ["T-4", "T-1", "T-2", "T-3"]),
    ("amount desc", ["T-1", "T-2", "T-3", "T-4"]),
    ("due asc, name desc", ["T-4", "T-3", "T-1", "T-2"]),
    ("creation asc", ["T-1", "T-2", "T-3", "T-4"]),
    ("`tabTask`.`modified` desc", ["T-4", "T-3", "T-2", "T-1"]),
    ("  name   DESC ", ["T-4", "T-3", "T-2", "T-1"]),
])
def test_list_order_by(admin_client, tasks, v1_url, order_by, expected):
    assert names(admin_client.get(v1_url("Task"), {"order_by": order_by})) == expected


@pytest.mark.parametrize(("params", "expected"), [
    ({"limit_page_length": "2"}, ["T-1", "T-2"]),
    ({"limit_start": "1", "limit_page_length": "2"}, ["T-2", "T-3"]),
    ({"limit": "3"}, ["T-1", "T-2", "T-3"]),
    ({"limit": "3", "limit_page_length": "1"}, ["T-1"]),
    ({"limit_start": "3"}, ["T-4"]),
    ({"limit_start": "9"}, []),
    ({"limit_page_length": "0"}, ["T-1", "T-2", "T-3", "T-4"]),
    ({"limit": "0"}, ["T-1", "T-2", "T-3", "T-4"]),
    ({"limit_page_length": "abc"}, ["T-1", "T-2", "T-3", "T-4"]),
])
def test_list_paging(admin_client, tasks, v1_url, params, expected):
    assert names(admin_client.get(v1_url("Task"), {"order_by": "name", **params})) == expected


def test_list_default_page_length_is_20(admin_client, todo, v1_url, admin_user):
    for number in range(21):
        document.insert_doc("ToDo", {"description": f"#{number}"}, user=admin_user)

    assert len(names(admin_client.get(v1_url("ToDo")))) == 20
    assert len(names(admin_client.get(v1_url("ToDo"), {"limit_page_length": "0"}))) == 21


def test_list_all_rows_is_bounded_by_max_page_length(admin_client, tasks, v1_url, settings):
    settings.FRAPPE_API = {"MAX_PAGE_LENGTH": 3}

    assert names(admin_client.get(v1_url("Task"), {"limit_page_length": "0", "order_by": "name"})) == [
        "T-1", "T-2", "T-3"]
    assert len(names(admin_client.get(v1_url("Task"), {"limit_page_length": "50"}))) == 3


def test_list_json_body_limit_zero_is_the_default_page(admin_client, tasks, v1_url, settings):
    settings.FRAPPE_API = {"DEFAULT_PAGE_LENGTH": 2}
    response = admin_client.generic("GET", v1_url("Task"), json.dumps({"limit": 0}), content_type="application/json")

    assert len(names(response)) == 2


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "exc_type", "message", "title"), [
    ({"fields": '["nope"]'}, "DataError", "Field not permitted in query: nope", "Message"),
    ({"fields": '["name", "items.nope"]'}, "DataError", "Field not permitted in query: items.nope", "Message"),
    ({"fields": '["title.name"]'}, "DataError", "Field not permitted in query: title.name", "Message"),
    ({"fields": '["sum(nope) as x"]'}, "DataError", "Field not permitted in query: sum(nope) as x", "Message"),
    ({"filters": '[["nope", "=", 1]]'}, "DataError", "Field not permitted in query: nope", "Message"),
    ({"filters": '{"nope": 1}'}, "DataError", "Field not permitted in query: nope", "Message"),
    ({"filters": '[["Other", "name", "=", 1]]'}, "DataError", "Field not permitted in query: name", "Message"),
    ({"order_by": "nope desc"}, "DataError", "Field not permitted in query: nope", "Message"),
    ({"group_by": "nope"}, "DataError", "Field not permitted in query: nope", "Message"),
    ({"filters": '[["status", "~", 1]]'}, "ValidationError",
     "Operator must be one of =, !=, >, <, >=, <=, like, not like, in, not in, is, between, timespan, previous, "
     "next, ancestors of, descendants of, not ancestors of, not descendants of, descendants of (inclusive)", "Message"),
    ({"filters": '[["status", "<>", 1]]'}, "ValidationError",
     "Operator must be one of =, !=, >, <, >=, <=, like, not like, in, not in, is, between, timespan, previous, "
     "next, ancestors of, descendants of, not ancestors of, not descendants of, descendants of (inclusive)", "Message"),
    ({"filters": '{"status": ["Open", "Closed"]}'}, "ValidationError",
     "Operator must be one of =, !=, >, <, >=, <=, like, not like, in, not in, is, between, timespan, previous, "
     "next, ancestors of, descendants of, not ancestors of, not descendants of, descendants of (inclusive)", "Message"),
    ({"filters": '[["status", "Open"]]'}, "ValidationError",
     'Filter must have 4 values (doctype, fieldname, operator, value): ["status", "Open"]', "Message"),
    ({"filters": "[1]"}, "ValidationError", "Filter must be a tuple or list (in a list)", "Message"),
    ({"filters": '["status = 1"]'}, "DataError", "Field not permitted in query: status = 1", "Message"),
    ({"filters": '"status"'}, "ValidationError", "'filters' must be a list or dictionary", "Message"),
    ({"filters": '[["status", "is", "maybe"]]'}, "ValidationError",
     "Invalid value for 'is' operator: maybe. Use 'set' or 'not set'", "Message"),
    ({"filters": '[["due", "=", "not a date"]]'}, "ValidationError", "not a date is not a valid date string.",
     "Invalid Date"),
    ({"filters": '[["due", "timespan", "someday"]]'}, "ValidationError", "Invalid timespan: someday", "Message"),
    ({"filters": '[["due", "previous", "2 days"]]'}, "ValidationError",
     "Invalid value for 'previous' operator: 2 days", "Message"),
    ({"filters": '[["due", "between", ["2024-01-01"]]]'}, None, None, None),
])
def test_list_rejects_bad_queries_with_frappe_errors(admin_client, tasks, v1_url, params, exc_type, message,
                                                     title):
    response = admin_client.get(v1_url("Task"), params)

    if exc_type is None:  # a one-sided between runs up to today
        assert response.status_code == 200
        return
    assert response.status_code == 417
    assert decoded(response) == {"exc_type": exc_type, "_server_messages": [{**thrown(message), "title": title}]}


@pytest.mark.parametrize("param", ["fields", "filters", "or_filters"])
def test_list_malformed_json_is_417(admin_client, tasks, v1_url, param):
    response = admin_client.get(v1_url("Task"), {param: '["name"'})

    assert response.status_code == 417
    assert decoded(response) == error("ValidationError", f'Invalid JSON in {param}: ["name"')


INJECTIONS = [
    ("fields", '["name; drop table x"]', "ValidationError", "Illegal SQL Query"),
    ("fields", '["name from tabUser --"]', "ValidationError", "Illegal SQL Query"),
    ("fields", '["(select name from auth_user)"]', "DataError", "Use of sub-query or function is restricted"),
    ("fields", '["concat(name, title)"]', "DataError", "Use of function concat in field is restricted"),
    ("fields", '["sleep(5) as s"]', "DataError", "Use of function sleep in field is restricted"),
    ("fields", '["name union select 1"]', "ValidationError", "Illegal SQL Query"),
    ("fields", '["@@version"]', "ValidationError", "Illegal SQL Query"),
    ("fields", '["name as x, title"]', "DataError", "Field not permitted in query: name as x, title"),
    ("fields", '["title`, `name"]', "DataError", "Field not permitted in query: title`, `name"),
    ("fields", '["name as \'x\'"]', "DataError", "Field not permitted in query: name as 'x'"),
    ("fields", '[{"COUNT": "*"}]', "DataError", "Field not permitted in query: {'COUNT': '*'}"),
    ("order_by", "name; drop table x", "ValidationError", "Illegal SQL Query"),
    ("order_by", "(select 1 from auth_user)", "ValidationError", "Cannot use sub-query in order by"),
    ("order_by", "sleep(5)", "ValidationError", "Cannot use sleep(...) in order/group by"),
    ("order_by", "name desc --", "DataError", "Field not permitted in query: name desc --"),
    ("order_by", "name desc, 1", "DataError", "Field not permitted in query: 1"),
    ("order_by", "if(1,name,title)", "ValidationError", "Illegal SQL Query"),
    ("order_by", "`tabUser`.`password`", "DataError", "Field not permitted in query: `tabUser`.`password`"),
    ("group_by", "name; drop table x", "ValidationError", "Illegal SQL Query"),
    ("filters", '[["name` = 1 or 1=1 --", "=", 1]]', "DataError",
     "Field not permitted in query: name` = 1 or 1=1 --"),
    ("filters", '{"name) or (1": 1}', "DataError", "Field not permitted in query: name) or (1"),
    ("filters", '[["Task", "name; --", "=", 1]]', "DataError", "Field not permitted in query: name; --"),
    ("or_filters", '["1=1"]', "DataError", "Field not permitted in query: 1=1"),
]


@pytest.mark.parametrize(("param", "value", "exc_type", "message"), INJECTIONS,
                         ids=[f"{p}:{v}" for p, v, _, _ in INJECTIONS])
def test_list_refuses_sql_injection(admin_client, tasks, v1_url, param, value, exc_type, message):
    response = admin_client.get(v1_url("Task"), {param: value})

    assert response.status_code == 417
    assert decoded(response) == error(exc_type, message)


def test_list_filter_values_are_parameters_not_sql(admin_client, tasks, v1_url):
    response = get_list(admin_client, v1_url("Task"), filters=[["title", "=", "x' OR '1'='1"]])

    assert response.json() == {"data": []}
    assert Document.objects.filter(doctype_id="Task").count() == 4


def test_list_unknown_doctype_is_404(admin_client, db, v1_url):
    response = admin_client.get(v1_url("Nope"))

    assert response.status_code == 404
    assert decoded(response) == error("DoesNotExistError", "DocType Nope not found")


# -- speed -------------------------------------------------------------------------------------


@pytest.fixture
def many_tasks(task_doctype, admin_user):
    target = document.insert_doc("ToDo", {"description": "linked"}, user=admin_user)
    for number in range(25):
        document.insert_doc("Task", {"name": f"M-{number:02d}", "todo": target["name"], "qty": number,
                                     "items": [{"item": "a", "qty": 1}, {"item": "b", "qty": 2}]}, user=admin_user)


LIST_QUERIES = [
    {"fields": '["*"]'},
    {"fields": '["name", "todo.description as text", "items.item"]', "filters": '[["Task Item", "qty", ">", 0]]'},
    {"fields": '["name", "todo"]', "expand": '["todo"]', "or_filters": '{"qty": [">", 1], "title": ["is", "set"]}'},
    {"fields": '["todo", "count(name) as n"]', "group_by": "todo"},
]


@pytest.mark.parametrize("params", LIST_QUERIES)
def test_list_query_count_does_not_grow_with_page_size(admin_client, many_tasks, v1_url, params,
                                                       django_assert_num_queries):
    admin_client.get(v1_url("Task"), {**params, "limit_page_length": "1"})  # warm the meta cache
    with CaptureQueriesContext(connection) as small:
        response = admin_client.get(v1_url("Task"), {**params, "limit_page_length": "2"})
    assert response.status_code == 200

    with django_assert_num_queries(len(small.captured_queries)):
        response = admin_client.get(v1_url("Task"), {**params, "limit_page_length": "20"})

    assert response.status_code == 200
    document_queries = [q for q in small.captured_queries if "django_frappe_api_document" in q["sql"]]
    assert len(document_queries) == (2 if "expand" in params else 1)


def test_read_query_count_does_not_grow_with_child_rows(admin_client, task_doctype, v1_url, admin_user,
                                                        django_assert_num_queries):
    document.insert_doc("Task", {"name": "few", "items": [{"item": "x"}] * 2}, user=admin_user)
    document.insert_doc("Task", {"name": "many", "items": [{"item": "x"}] * 40}, user=admin_user)
    admin_client.get(v1_url("Task", "few"))  # warm the meta cache
    with CaptureQueriesContext(connection) as few:
        assert len(admin_client.get(v1_url("Task", "few")).json()["data"]["items"]) == 2

    with django_assert_num_queries(len(few.captured_queries)):
        assert len(admin_client.get(v1_url("Task", "many")).json()["data"]["items"]) == 40
