"""``filters.py``: filter shapes, operators, timespans, and Frappe's NULL rules through ``document.get_list``."""

from __future__ import annotations

import datetime as dt

import pytest

from django_frappe_api import document, exceptions
from django_frappe_api.filters import (
    OPERATOR_ERROR,
    Condition,
    load_json_param,
    normalise_operator,
    parse_filters,
)
from django_frappe_api.models import Document
from django_frappe_api.timespans import timespan_dates
from tests.factories import make_doctype

# -- shapes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("filters", "expected"), [
    (None, []),
    ("", []),
    ("  ", []),
    ([], []),
    ({}, []),
    ({"status": "Open"}, [Condition("ToDo", "status", "=", "Open")]),
    ({"status": ["in", ["A", "B"]]}, [Condition("ToDo", "status", "in", ["A", "B"])]),
    ({"status": ["is"]}, [Condition("ToDo", "status", "is", None)]),
    ({"status": []}, [Condition("ToDo", "status", "=", None)]),
    ([["status", "=", "Open"]], [Condition("ToDo", "status", "=", "Open")]),
    ([("status", "LIKE", "%a%")], [Condition("ToDo", "status", "like", "%a%")]),
    ([["ToDo Row", "item", "Not  In", "x"]], [Condition("ToDo Row", "item", "not in", "x")]),
    ([["ToDo", "status", "=", "Open", 0, "ui flag"]], [Condition("ToDo", "status", "=", "Open")]),
    ([["status", None, "Open"]], [Condition("ToDo", "status", "=", "Open")]),
    ([["status", "", "Open"]], [Condition("ToDo", "status", "=", "Open")]),
    ([{"status": "Open", "priority": "High"}], [Condition("ToDo", "status", "=", "Open"),
                                                Condition("ToDo", "priority", "=", "High")]),
    ('{"status": "Open"}', [Condition("ToDo", "status", "=", "Open")]),
    ('[["status", "!=", null]]', [Condition("ToDo", "status", "!=", None)]),
    ([["`tabToDo`.`status`", "=", 1]], [Condition("ToDo", "status", "=", 1)]),
    ([["`tabToDo Row`.item", "=", 1]], [Condition("ToDo Row", "item", "=", 1)]),
    ({"`tabToDo Row`.`item`": 1}, [Condition("ToDo Row", "item", "=", 1)]),
    ([[" status ", "=", 1]], [Condition("ToDo", "status", "=", 1)]),
])
def test_parse_filters_shapes(filters, expected):
    assert parse_filters(filters, "ToDo") == expected


@pytest.mark.parametrize(("filters", "error", "message"), [
    ([["status", "Open"]], exceptions.ValidationError,
     'Filter must have 4 values (doctype, fieldname, operator, value): ["status", "Open"]'),
    ([["status"]], exceptions.ValidationError, 'Filter must have 4 values (doctype, fieldname, operator, value): '
                                               '["status"]'),
    ([1], exceptions.ValidationError, "Filter must be a tuple or list (in a list)"),
    ([None], exceptions.ValidationError, "Filter must be a tuple or list (in a list)"),
    (["status = 'Open'"], exceptions.DataError, "Field not permitted in query: status = 'Open'"),
    ([[1, "=", 1]], exceptions.DataError, "Field not permitted in query: 1"),
    ([["a.b", "=", 1]], exceptions.DataError, "Field not permitted in query: a.b"),
    ([["status; --", "=", 1]], exceptions.DataError, "Field not permitted in query: status; --"),
    ([["", "status", "=", 1]], exceptions.DataError, "Field not permitted in query: "),
    ([[None, "status", "=", 1]], exceptions.DataError, "Field not permitted in query: None"),
    ({"status": ["Open", "Closed"]}, exceptions.ValidationError, OPERATOR_ERROR),
    ([["status", "<>", 1]], exceptions.ValidationError, OPERATOR_ERROR),
    ([["status", "==", 1]], exceptions.ValidationError, OPERATOR_ERROR),
    ([["status", 1, 1]], exceptions.ValidationError, OPERATOR_ERROR),
    (42, exceptions.ValidationError, "'filters' must be a list or dictionary"),
    ('"text"', exceptions.ValidationError, "'filters' must be a list or dictionary"),
    ("[[", exceptions.ValidationError, "Invalid JSON in filters: [["),
])
def test_parse_filters_rejects(filters, error, message):
    with pytest.raises(error) as raised:
        parse_filters(filters, "ToDo")

    assert type(raised.value) is error
    assert raised.value.message == message


def test_operator_error_lists_frappes_operators_in_frappes_order():
    assert OPERATOR_ERROR == (
        "Operator must be one of =, !=, >, <, >=, <=, like, not like, in, not in, is, between, timespan, previous, "
        "next, ancestors of, descendants of, not ancestors of, not descendants of, descendants of (inclusive)"
    )


@pytest.mark.parametrize(("raw", "expected"), [
    (None, "="), ("", "="), ("=", "="), ("LIKE", "like"), ("  not   like ", "not like"), ("Is", "is"),
    ("descendants of (inclusive)", "descendants of (inclusive)"), ("TimeSpan", "timespan"),
])
def test_normalise_operator(raw, expected):
    assert normalise_operator(raw) == expected


def test_load_json_param_accepts_decoded_values_and_bytes():
    assert load_json_param(["name"], "fields") == ["name"]
    assert load_json_param(b'["name"]', "fields") == ["name"]
    assert load_json_param(" ", "fields") is None


# -- timespans ---------------------------------------------------------------------------------

FRIDAY = dt.date(2024, 5, 10)


@pytest.mark.parametrize(("span", "first", "last"), [
    ("yesterday", "2024-05-09", "2024-05-09"),
    ("today", "2024-05-10", "2024-05-10"),
    ("tomorrow", "2024-05-11", "2024-05-11"),
    ("last week", "2024-04-29", "2024-05-05"),
    ("this week", "2024-05-06", "2024-05-12"),
    ("next week", "2024-05-13", "2024-05-19"),
    ("last month", "2024-04-01", "2024-04-30"),
    ("this month", "2024-05-01", "2024-05-31"),
    ("next month", "2024-06-01", "2024-06-30"),
    ("last quarter", "2024-01-01", "2024-03-31"),
    ("this quarter", "2024-04-01", "2024-06-30"),
    ("next quarter", "2024-07-01", "2024-09-30"),
    ("last 6 months", "2023-10-01", "2024-03-31"),
    ("next 6 months", "2024-07-01", "2024-12-31"),
    ("last year", "2023-01-01", "2023-12-31"),
    ("this year", "2024-01-01", "2024-12-31"),
    ("next year", "2025-01-01", "2025-12-31"),
])
def test_timespan_dates(span, first, last):
    assert timespan_dates(span, FRIDAY) == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))


def test_timespan_dates_across_year_end():
    assert timespan_dates("next month", dt.date(2024, 12, 31)) == (dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert timespan_dates("last quarter", dt.date(2024, 2, 29)) == (dt.date(2023, 10, 1), dt.date(2023, 12, 31))


# -- NULL rules per fieldtype, through document.get_list ---------------------------------------


@pytest.fixture
def samples(db, admin_user):
    """``full`` has a value in every field, ``empty`` the empty value (0 for numbers, as Frappe saves them),
    ``null`` SQL NULL in every field (no key stored, as for a field added after the document was saved)."""
    make_doctype("Sample", [
        {"fieldname": "code", "fieldtype": "Link", "options": "Sample"},
        {"fieldname": "kind", "fieldtype": "Select", "options": "\nA\nB"},
        {"fieldname": "day", "fieldtype": "Date"},
        {"fieldname": "moment", "fieldtype": "Datetime"},
        {"fieldname": "clock", "fieldtype": "Time"},
        {"fieldname": "body", "fieldtype": "Text"},
        {"fieldname": "count", "fieldtype": "Int"},
        {"fieldname": "price", "fieldtype": "Currency"},
        {"fieldname": "flag", "fieldtype": "Check"},
    ], autoname="Prompt")
    document.insert_doc("Sample", {"name": "empty", "code": "", "kind": "", "body": ""}, user=admin_user)
    document.insert_doc("Sample", {"name": "full", "code": "empty", "kind": "A", "day": "2024-05-10",
                                   "moment": "2024-05-10 10:00:00", "clock": "10:00", "body": "text", "count": 3,
                                   "price": 2.5, "flag": 1}, user=admin_user)
    document.insert_doc("Sample", {"name": "null"}, user=admin_user)
    Document.objects.filter(doctype_id="Sample", name="null").update(data={})


def matching(admin_user, *condition) -> list[str]:
    rows = document.get_list("Sample", user=admin_user, filters=[list(condition)], order_by="name asc")
    return [row["name"] for row in rows]


@pytest.mark.parametrize(("condition", "expected"), [
    (("code", "=", "empty"), ["full"]),
    (("code", "!=", "empty"), ["empty", "null"]),
    (("code", "=", ""), ["empty", "null"]),
    (("kind", "=", ""), ["empty", "null"]),
    (("kind", "in", ["A", ""]), ["empty", "full", "null"]),
    (("kind", "not in", ["B"]), ["empty", "full", "null"]),
    (("kind", "not in", ["", "B"]), ["full"]),
    (("body", "like", ""), ["empty", "null"]),
    (("body", "like", "%"), ["empty", "full"]),
    (("body", "not like", "t%"), ["empty", "null"]),
    (("body", ">", ""), ["full"]),
    (("body", "<", "u"), ["empty", "full", "null"]),
    (("day", "=", ""), ["empty", "null"]),
    (("day", "!=", "2024-05-10"), ["empty", "null"]),
    (("day", "<=", "2024-05-10"), ["empty", "full", "null"]),
    (("day", ">=", "2000-01-01"), ["full"]),
    (("day", ">", "0001-01-01"), ["full"]),
    (("day", "between", ["2024-05-01", "2024-05-31"]), ["full"]),
    (("moment", "<", "2024-05-10 10:00:00"), ["empty", "null"]),
    (("moment", ">=", "2024-05-10"), ["full"]),
    (("moment", "between", ["2024-05-10", "2024-05-10"]), ["full"]),
    (("clock", "<", "11:00"), ["empty", "full", "null"]),
    (("clock", ">", "09:30"), ["full"]),
    (("count", "=", 0), ["empty"]),
    (("count", "<", 10), ["empty", "full"]),
    (("count", "!=", 1), ["empty", "full"]),
    (("price", "<=", 2.5), ["empty", "full"]),
    (("flag", "=", 0), ["empty"]),
    (("flag", "!=", 1), ["empty"]),
    (("kind", "is", "set"), ["full"]),
    (("kind", "is", "not set"), ["empty", "null"]),
    (("day", "is", "set"), ["full"]),
    (("day", "is", "not set"), ["empty", "null"]),
    (("count", "is", "set"), ["full"]),
    (("count", "is", "not set"), ["empty", "null"]),
    (("creation", "is", "set"), ["empty", "full", "null"]),
    (("creation", "is", "not set"), []),
])
def test_null_rules_by_fieldtype(samples, admin_user, condition, expected):
    assert matching(admin_user, *condition) == expected


def test_in_with_an_empty_list_matches_only_empty_values(samples, admin_user):
    assert matching(admin_user, "kind", "in", []) == ["empty", "null"]
    assert matching(admin_user, "kind", "not in", []) == ["full"]


def test_tree_operators_are_refused_on_plain_doctypes(samples, admin_user):
    with pytest.raises(exceptions.ValidationError) as raised:
        matching(admin_user, "code", "descendants of", "empty")

    assert raised.value.message == "Operator 'descendants of' is only supported on tree DocTypes"


def test_list_value_for_scalar_operator_is_refused(samples, admin_user):
    with pytest.raises(exceptions.ValidationError) as raised:
        matching(admin_user, "kind", "=", ["A"])

    assert raised.value.message == "Invalid filter value for Select field: ['A']"
