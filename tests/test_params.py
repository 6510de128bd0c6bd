"""``params.py``: v1, v2, ``frappe.client`` and report-view arguments -> one ``ListRequest``."""

from __future__ import annotations

import dataclasses

import pytest

from django_frappe_api import document, exceptions
from django_frappe_api.params import MAX_SQL_INTEGER, ListRequest, page_size, sql_integer

FILTERS = '[["status", "=", "Open"]]'


def test_defaults():
    request = ListRequest()

    assert (request.fields, request.filters, request.or_filters, request.order_by, request.group_by) == (
        None, None, None, None, None
    )
    assert (request.start, request.page_length, request.as_dict, request.parent) == (0, None, True, None)
    assert (request.default_order, request.distinct, request.count_limit, request.host_params) == (
        True, False, None, None
    )


def test_paging_numbers_are_read_like_frappe_cint():
    assert ListRequest(start="12", page_length="7.9") == ListRequest(start=12, page_length=7)
    assert ListRequest(start="-5").start == 0
    assert ListRequest(start="abc").start == 0
    assert ListRequest(page_length="").page_length is None
    assert ListRequest(page_length="abc").page_length == 0


def test_v1_v2_and_client_arguments_give_the_same_request():
    v1 = ListRequest.from_v1({"fields": '["name"]', "filters": FILTERS, "order_by": "name asc", "limit_start": "5",
                              "limit_page_length": "10"})
    v2 = ListRequest.from_v2({"fields": '["name"]', "filters": FILTERS, "order_by": "name asc", "start": "5",
                              "limit": "10"})
    client = ListRequest.from_client(fields='["name"]', filters=FILTERS, order_by="name asc", limit_start="5",
                                     limit_page_length="10")

    assert v1 == ListRequest(fields='["name"]', filters=FILTERS, order_by="name asc", start=5, page_length=10)
    assert v2 == ListRequest(fields=["name"], filters=[["status", "=", "Open"]], order_by="name asc", start=5,
                             page_length=10)
    assert client == ListRequest(fields='["name"]', filters=FILTERS, order_by="name asc", start=5, page_length=10,
                                 default_order=False)


@pytest.mark.parametrize(("form", "page_length"), [
    ({}, None),
    ({"limit_page_length": "0"}, 0),
    ({"limit_page_length": 0}, 0),
    ({"limit_page_length": ""}, None),
    ({"limit_page_length": "5", "limit": "9"}, 5),
    ({"limit": "9"}, 9),
    ({"limit": "0"}, 0),
    ({"limit": 0}, None),  # a falsy limit is no limit (§4.1 step 3)
])
def test_v1_page_length(form, page_length):
    assert ListRequest.from_v1(form).page_length == page_length


@pytest.mark.parametrize(("value", "as_dict"), [
    (None, False), ("", False), ("0", False), ("false", False), ("1", True), ("true", True), (True, True),
    (False, False), ("yes", True),
])
def test_v1_and_client_as_dict(value, as_dict):
    assert ListRequest.from_v1({"as_dict": value}).as_dict is as_dict
    assert ListRequest.from_client(as_dict=value).as_dict is as_dict


def test_v1_empty_strings_are_absent():
    request = ListRequest.from_v1({"order_by": "", "group_by": "", "parent": "", "limit_start": ""},
                                  host_params={"x": "1"})

    assert request == ListRequest(host_params={"x": "1"})


def test_v2_defaults_and_bounds(settings):
    settings.FRAPPE_API = {"DEFAULT_PAGE_LENGTH": 3, "MAX_PAGE_LENGTH": 7}

    assert ListRequest.from_v2({}).page_length == 3
    assert ListRequest.from_v2({"limit": "100"}).page_length == 7
    assert ListRequest.from_v2({"limit": "0"}).page_length == 0
    assert ListRequest.from_v2({"limit_start": "4"}).start == 4
    assert ListRequest.from_v2({"fields": "*", "as_dict": False}) == ListRequest(fields=["*"], page_length=3,
                                                                                 as_dict=False)


@pytest.mark.parametrize(("form", "error", "message"), [
    ({"start": "-1"}, exceptions.FrappeValueError, "'start' and 'limit' must be non-negative integers"),
    ({"limit": "-1"}, exceptions.FrappeValueError, "'start' and 'limit' must be non-negative integers"),
    ({"start": str(MAX_SQL_INTEGER + 1)}, exceptions.FrappeValueError, f"'start' must be at most {MAX_SQL_INTEGER}"),
    ({"fields": '{"a": 1}'}, exceptions.FrappeValueError, "'fields' must be a list"),
    ({"filters": '"Open"'}, exceptions.FrappeValueError, "'filters' must be a list or dictionary"),
    ({"or_filters": "3"}, exceptions.FrappeValueError, "'or_filters' must be a list or dictionary"),
    ({"order_by": ["name"]}, exceptions.FrappeValueError, "'order_by' must be a string"),
    ({"group_by": 3}, exceptions.FrappeValueError, "'group_by' must be a string"),
])
def test_v2_refuses_bad_values(form, error, message):
    with pytest.raises(exceptions.FrappeError) as raised:
        ListRequest.from_v2(form)

    assert type(raised.value) is error
    assert raised.value.message == message


def test_v2_refuses_malformed_json_like_every_json_parameter():
    with pytest.raises(exceptions.FrappeError) as raised:
        ListRequest.from_v2({"filters": "[["})

    with pytest.raises(exceptions.FrappeError) as expected:
        ListRequest.from_v2_count({"filters": "[["})
    assert (type(raised.value), raised.value.message) == (type(expected.value), expected.value.message)
    assert raised.value.http_status_code == 417


def test_v1_keeps_json_as_sent_for_the_list_query_to_decode():
    assert ListRequest.from_v1({"filters": "[["}).filters == "[["


def test_v2_lookahead():
    request = ListRequest.from_v2({"fields": '["title"]', "order_by": "title", "limit": "5"})

    assert request.with_lookahead().page_length == 6
    assert ListRequest.from_v2({"fields": '["title"]', "order_by": "title", "group_by": "title", "as_dict": 0,
                                "limit": "0"}).with_lookahead() == ListRequest(fields=["name"], page_length=1)


def test_v2_count():
    request = ListRequest.from_v2_count({"filters": FILTERS, "distinct": "true", "limit": "50", "parent": "Task"},
                                        host_params={"q": "x"})

    assert request == ListRequest(filters=[["status", "=", "Open"]], distinct=True, count_limit=50,
                                  count_timeout_ms=1000, host_params={"q": "x"})
    assert ListRequest.from_v2_count({"limit": "0", "distinct": "yes"}) == ListRequest(count_timeout_ms=1000)
    assert ListRequest(filters=FILTERS).counting(1000) == ListRequest(filters=FILTERS, count_limit=1000)
    assert ListRequest(filters=FILTERS).counting(1000, 50) == ListRequest(filters=FILTERS, count_limit=1000,
                                                                          count_timeout_ms=50)


def test_client_defaults():
    assert ListRequest.from_client() == ListRequest(page_length=20, as_dict=True, default_order=False)
    assert ListRequest.from_client(limit_page_length="0", group_by="", order_by="", parent="").page_length == 0


def test_reportview_paging_and_parent():
    assert ListRequest.from_reportview({}) == ListRequest(page_length=0)
    form = {"fields": "*", "start": "3", "limit_start": "9", "limit_page_length": "7", "page_length": "5",
            "parent_doctype": "Task", "parent": "Other", "distinct": "yes"}
    assert ListRequest.from_reportview(form) == ListRequest(fields=["*"], start=3, page_length=5, parent="Task",
                                                            distinct=True)
    assert ListRequest.from_reportview({"limit": "4", "page_length": "5"}).page_length == 4
    assert ListRequest.from_reportview({"distinct": "0"}).distinct is False


def test_reportview_count():
    form = {"filters": FILTERS, "distinct": "1", "limit": "10", "parent": "Task"}

    assert ListRequest.from_reportview_count(form) == ListRequest(filters=FILTERS, distinct=True, count_limit=10,
                                                                  parent="Task")
    assert ListRequest.from_reportview_count({"distinct": "yes", "limit": "x"}) == ListRequest()


@pytest.mark.parametrize(("value", "expected"), [
    (None, 20), ("", 20), ("5", 5), (5, 5), ("7.9", 7), ("0", 10_000), (0, 10_000), ("-3", 10_000),
    ("abc", 10_000), (50_000, 10_000),
])
def test_page_size(settings, value, expected):
    settings.FRAPPE_API = {}

    assert page_size(value) == expected


def test_page_size_follows_settings(settings):
    settings.FRAPPE_API = {"DEFAULT_PAGE_LENGTH": 3, "MAX_PAGE_LENGTH": 7}

    assert (page_size(None), page_size(0), page_size(100), page_size(5)) == (3, 7, 7, 5)


def test_sql_integer_names_the_parameter():
    assert sql_integer(MAX_SQL_INTEGER) == MAX_SQL_INTEGER
    with pytest.raises(exceptions.FrappeValueError, match="'limit' must be at most"):
        sql_integer(MAX_SQL_INTEGER + 1, "limit")


@pytest.mark.django_db
def test_document_layer_takes_a_request_or_its_keywords(todo, admin_user):
    for description in ("b", "a", "c"):
        document.insert_doc("ToDo", {"description": description}, user=admin_user)
    request = ListRequest(fields=["description"], filters=[["description", "!=", "c"]], order_by="description asc")

    assert document.get_list("ToDo", request, user=admin_user) == [{"description": "a"}, {"description": "b"}]
    assert document.get_list("ToDo", user=admin_user, fields=["description"], filters=[["description", "!=", "c"]],
                             order_by="description asc") == [{"description": "a"}, {"description": "b"}]
    assert document.get_count("ToDo", request, user=admin_user) == 2
    assert document.get_count("ToDo", user=admin_user, limit=1) == 1
    assert document.get_list_and_count("ToDo", dataclasses.replace(request, page_length=1, count_limit=5),
                                       user=admin_user) == ([{"description": "a"}], 2)
    with pytest.raises(TypeError, match="not both"):
        document.get_list("ToDo", request, user=admin_user, page_length=1)
