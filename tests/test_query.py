"""``query.py``: ``fields``, ``order_by``, ``group_by`` and paging parsed into a validated ``ListQuery``."""

from __future__ import annotations

import pytest

from django_frappe_api import exceptions
from django_frappe_api.field_access import FieldAccess
from django_frappe_api.field_refs import FieldRef
from django_frappe_api.query import ListQuery, OrderItem, SelectItem

pytestmark = pytest.mark.django_db

TASK_STAR = ["name", "owner", "creation", "modified", "modified_by", "docstatus", "idx", "title", "status", "qty",
             "amount", "ratio", "done", "due", "at", "starts", "notes", "todo"]


def keys(query: ListQuery) -> list[str]:
    return [item.key for item in query.select]


def test_defaults(task_doctype):
    query = ListQuery.build(task_doctype)

    assert query.select == [SelectItem("name", FieldRef("name", "Data"))]
    assert query.order == [OrderItem("modified", FieldRef("modified", "Datetime"), True)]
    assert (query.start, query.page_length, query.as_dict, query.distinct) == (0, 20, True, False)
    assert not query.is_aggregate


@pytest.mark.parametrize("fields", ["*", ["*"], '["*"]', " * "])
def test_star_is_standard_then_data_fields_without_tables(task_doctype, fields):
    assert keys(ListQuery.build(task_doctype, fields=fields)) == TASK_STAR


def test_star_of_a_child_doctype_includes_parent_columns(task_doctype):
    from django_frappe_api.meta import get_meta

    query = ListQuery.build(get_meta("Task Item"), fields=["*"], parent="Task")

    assert keys(query) == ["name", "owner", "creation", "modified", "modified_by", "docstatus", "idx", "parent",
                           "parentfield", "parenttype", "item", "qty", "rate", "status"]


@pytest.mark.parametrize("fields", [None, "", [], "[]", [None, ""], '[null, ""]'])
def test_empty_fields_mean_name(task_doctype, fields):
    assert keys(ListQuery.build(task_doctype, fields=fields)) == ["name"]


def test_field_forms(task_doctype):
    query = ListQuery.build(task_doctype, fields=[
        "title", "qty as quantity", "`tabTask`.`due`", "items.item", "items.qty as item_qty", "todo.description",
        "count(name) as n", "sum(items.qty)", "count(distinct status) as kinds", "COUNT(*) as all_rows",
    ], group_by="title")

    assert query.select == [
        SelectItem("title", FieldRef("title", "Data")),
        SelectItem("quantity", FieldRef("qty", "Int")),
        SelectItem("due", FieldRef("due", "Date")),
        SelectItem("item", FieldRef("item", "Data", "items", "child", "Task Item")),
        SelectItem("item_qty", FieldRef("qty", "Int", "items", "child", "Task Item")),
        SelectItem("description", FieldRef("description", "Text Editor", "todo", "link", "ToDo")),
        SelectItem("n", FieldRef("name", "Data"), aggregate="count"),
        SelectItem("sum(items.qty)", FieldRef("qty", "Int", "items", "child", "Task Item"), aggregate="sum"),
        SelectItem("kinds", FieldRef("status", "Data"), aggregate="count", distinct_aggregate=True),
        SelectItem("all_rows", None, aggregate="count"),
    ]
    assert query.group_by == [FieldRef("title", "Data")]
    assert query.order == []  # no default ordering for grouped queries
    assert query.is_aggregate


def test_fields_as_comma_separated_plain_list(task_doctype):
    assert keys(ListQuery.build(task_doctype, fields=["name", "title"])) == ["name", "title"]


def test_distinct_disables_the_default_order(task_doctype):
    query = ListQuery.build(task_doctype, fields=["distinct status"])

    assert (keys(query), query.distinct, query.order) == (["status"], True, [])


def test_aggregate_without_group_by_has_no_default_order(task_doctype):
    assert ListQuery.build(task_doctype, fields=["count(name) as n"]).order == []


@pytest.mark.parametrize(("order_by", "expected"), [
    ("title", [("title", False)]),
    ("title desc, name ASC", [("title", True), ("name", False)]),
    ("  qty   desc ,, ", [("qty", True)]),
    ("`tabTask`.`modified` desc", [("`tabTask`.`modified`", True)]),
    ("items.idx", [("items.idx", False)]),
])
def test_order_by(task_doctype, order_by, expected):
    query = ListQuery.build(task_doctype, order_by=order_by)

    assert [(item.key, item.descending) for item in query.order] == expected


def test_order_by_an_aggregate_alias(task_doctype):
    query = ListQuery.build(task_doctype, fields=["status", "count(name) as n"], group_by="status",
                            order_by="n desc")

    assert query.order == [OrderItem("n", None, True)]


def test_default_order_follows_multi_column_sort_field(db):
    from tests.factories import make_doctype

    meta = make_doctype("Sorted", [{"fieldname": "rank", "fieldtype": "Int"}], sort_field="rank asc, name desc")

    assert [(item.key, item.descending) for item in ListQuery.build(meta).order] == [("rank", False),
                                                                                     ("name", True)]


class _OnlyTitle(FieldAccess):
    def readable(self, meta):
        return {"title"}


def test_unreadable_fields_are_dropped(task_doctype):
    query = ListQuery.build(task_doctype, fields=["name", "title", "qty", "*"], access=_OnlyTitle(None, task_doctype))

    assert keys(query) == ["name", "title", "name", "owner", "creation", "modified", "modified_by", "docstatus",
                           "idx", "title"]


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"fields": '{"a": 1}'}, exceptions.ValidationError, "'fields' must be a list"),
    ({"fields": [1]}, exceptions.DataError, "Field not permitted in query: 1"),
    ({"fields": ["nope"]}, exceptions.DataError, "Field not permitted in query: nope"),
    ({"fields": ["items"]}, exceptions.DataError, "Field not permitted in query: items"),
    ({"fields": ["todo.nope"]}, exceptions.DataError, "Field not permitted in query: todo.nope"),
    ({"fields": ["sum(*)"]}, exceptions.DataError, "Field not permitted in query: sum(*)"),
    ({"fields": ["upper(title)"]}, exceptions.DataError, "Use of sub-query or function is restricted"),
    ({"fields": ["version()"]}, exceptions.DataError, "Use of function version in field is restricted"),
    ({"fields": ["name -- x"]}, exceptions.ValidationError, "Illegal SQL Query"),
    ({"order_by": 1}, exceptions.ValidationError, "'order_by' must be a string"),
    ({"order_by": "title sideways"}, exceptions.DataError, "Field not permitted in query: title sideways"),
    ({"order_by": "title; x"}, exceptions.ValidationError, "Illegal SQL Query"),
    ({"order_by": "(select name from x)"}, exceptions.ValidationError, "Cannot use sub-query in order by"),
    ({"group_by": ["title"]}, exceptions.ValidationError, "'group_by' must be a string"),
    ({"group_by": "sleep(1)"}, exceptions.ValidationError, "Cannot use sleep(...) in order/group by"),
    ({"filters": [["nope", "=", 1]]}, exceptions.DataError, "Field not permitted in query: nope"),
    ({"or_filters": [["Task Item", "nope", "=", 1]]}, exceptions.DataError, "Field not permitted in query: nope"),
    ({"filters": [["ToDo", "description", "=", 1]]}, exceptions.DataError,
     "Field not permitted in query: description"),
])
def test_invalid_parameters_are_frappe_errors(task_doctype, kwargs, error, message):
    with pytest.raises(error) as raised:
        ListQuery.build(task_doctype, **kwargs)

    assert type(raised.value) is error
    assert raised.value.message == message


def test_start_is_never_negative(task_doctype):
    assert ListQuery.build(task_doctype, start="-5").start == 0
    assert ListQuery.build(task_doctype, start="12").start == 12
