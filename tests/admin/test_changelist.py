"""A DocType's changelist: list-view columns, filters, search, sort, date hierarchy, capped count, bulk actions.

Usage::

    pytest tests/admin/test_changelist.py
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from django_frappe_api import document
from django_frappe_api.models import Document

URL = "/admin/shop/gadget_order/"


@pytest.fixture
def orders(gadget_order, admin_user) -> list[str]:
    """Three orders, inserted through the document layer (names GO-0001..3)."""
    rows = [
        {"title": "Bolts", "status": "Open", "due": "2026-03-01", "notes": "galvanised steel", "urgent": 1},
        {"title": "Anchors", "status": "Closed", "due": "2026-01-15", "notes": "concrete"},
        {"title": "Cables", "status": "Open", "due": "2026-02-10", "notes": "copper"},
    ]
    return [document.insert_doc("Gadget Order", row, user=admin_user)["name"] for row in rows]


def listed(response) -> list[str]:
    assert response.status_code == 200
    return [row.name for row in response.context["cl"].result_list]


def test_changelist_shows_name_title_and_list_view_columns(staff_client, orders):
    response = staff_client.get(URL)

    cl = response.context["cl"]
    headers = [column["text"] for column in response.context["result_headers"]][1:]  # after the checkbox
    assert headers == ["Name", "Title", "Status", "Due", "Document status", "Modified"]
    assert listed(response) == ["GO-0003", "GO-0002", "GO-0001"]  # the DocType's sort: modified desc
    assert cl.result_count == 3
    assert '<a href="/admin/shop/gadget_order/{}/change/">GO-0001</a>'.format(
        Document.objects.get(name="GO-0001").pk) in response.text


def test_changelist_filters_on_select_check_link_and_docstatus(staff_client, orders):
    response = staff_client.get(URL, {"status": "Open"})

    assert listed(response) == ["GO-0003", "GO-0001"]
    filters = {spec.title: spec.lookup_choices for spec in response.context["cl"].filter_specs}
    assert filters == {
        "Status": [("Draft", "Draft"), ("Open", "Open"), ("Closed", "Closed")],
        "Urgent": [("1", "Yes"), ("0", "No")],
        "document status": [("0", "Draft"), ("1", "Submitted"), ("2", "Cancelled")],
    }
    assert listed(staff_client.get(URL, {"urgent": "1"})) == ["GO-0001"]
    assert listed(staff_client.get(URL, {"urgent": "0"})) == ["GO-0003", "GO-0002"]
    assert listed(staff_client.get(URL, {"docstatus": "1"})) == []


def test_changelist_searches_name_title_and_search_fields(staff_client, orders):
    assert listed(staff_client.get(URL, {"q": "copper"})) == ["GO-0003"]  # notes: a search field
    assert listed(staff_client.get(URL, {"q": "ANCHOR"})) == ["GO-0002"]  # the title field, any case
    assert listed(staff_client.get(URL, {"q": "0001"})) == ["GO-0001"]  # the name


def test_changelist_sorts_by_clicked_columns(staff_client, orders):
    assert listed(staff_client.get(URL, {"o": "2"})) == ["GO-0002", "GO-0001", "GO-0003"]  # title asc
    assert listed(staff_client.get(URL, {"o": "-4"})) == ["GO-0001", "GO-0003", "GO-0002"]  # due desc
    assert listed(staff_client.get(URL, {"o": "1"})) == ["GO-0001", "GO-0002", "GO-0003"]  # name asc


def test_changelist_date_hierarchy_on_creation(staff_client, orders):
    Document.objects.filter(name="GO-0002").update(creation="2025-06-01T10:00:00Z")

    assert listed(staff_client.get(URL, {"creation__year": "2025"})) == ["GO-0002"]


def test_changelist_count_is_capped_like_the_api_counts(staff_client, orders, settings):
    settings.FRAPPE_API = {"COUNT_CAP": 2}

    response = staff_client.get(URL)

    assert response.context["cl"].result_count == 2


def test_changelist_answers_an_unknown_parameter_with_the_admin_error_redirect(staff_client, orders):
    response = staff_client.get(URL, {"colour": "red"})

    assert (response.status_code, response["Location"]) == (302, f"{URL}?e=1")


def action(client, name: str, names: list[str], **extra: Any):
    pks = [str(pk) for pk in Document.objects.filter(name__in=names).values_list("pk", flat=True)]
    return client.post(URL, {"action": name, "_selected_action": pks, **extra})


def test_bulk_delete_confirms_then_deletes_through_the_document_layer(staff_client, orders):
    confirm = action(staff_client, "delete_selected", ["GO-0001", "GO-0002"])
    assert confirm.status_code == 200
    assert confirm.context["queryset"].count() == 2

    response = action(staff_client, "delete_selected", ["GO-0001", "GO-0002"], post="yes")

    assert response.status_code == 302
    assert list(Document.objects.filter(doctype_id="Gadget Order").values_list("name", flat=True)) == ["GO-0003"]


def test_bulk_submit_and_cancel(staff_client, orders):
    response = action(staff_client, "submit_selected", ["GO-0001", "GO-0003"])

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["2 Gadget Order submitted."]
    docstatus = dict(Document.objects.filter(doctype_id="Gadget Order").values_list("name", "docstatus"))
    assert docstatus == {"GO-0001": 1, "GO-0002": 0, "GO-0003": 1}

    action(staff_client, "cancel_selected", ["GO-0001"])

    assert Document.objects.get(name="GO-0001").docstatus == 2


def test_a_refused_bulk_action_changes_no_row(staff_client, orders, admin_user):
    document.update_doc("Gadget Order", "GO-0003", {"docstatus": 1}, user=admin_user)

    # GO-0001 could be submitted, GO-0003 is submitted already and a draft cannot be cancelled.
    response = action(staff_client, "cancel_selected", ["GO-0001", "GO-0003"])

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Nothing cancelled: Cannot change docstatus from 0 (Draft) to 2 (Cancelled)"
    ]
    docstatus = dict(Document.objects.filter(doctype_id="Gadget Order").values_list("name", "docstatus"))
    assert docstatus == {"GO-0001": 0, "GO-0002": 0, "GO-0003": 1}


def test_a_refused_bulk_delete_deletes_nothing(staff_client, orders, admin_user):
    document.update_doc("Gadget Order", "GO-0003", {"docstatus": 1}, user=admin_user)
    document.update_doc("Gadget Order", "GO-0003", {"docstatus": 2}, user=admin_user)
    todo = document.insert_doc("ToDo", {"description": "Linked"}, user=admin_user)
    document.update_doc("Gadget Order", "GO-0001", {"todo": todo["name"]}, user=admin_user)

    response = staff_client.post("/admin/custom/todo/", {
        "action": "delete_selected", "post": "yes",
        "_selected_action": [str(Document.objects.get(doctype_id="ToDo").pk)],
    })

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Nothing deleted: Cannot delete or cancel because ToDo {todo['name']} is linked with Gadget Order GO-0001"
    ]
    assert Document.objects.filter(doctype_id="ToDo").count() == 1


def test_changelist_costs_the_same_queries_whatever_the_number_of_rows(staff_client, orders, admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff_client.get(URL)  # sections, metas and sessions warmed up
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(URL).status_code == 200
    for i in range(20):
        document.insert_doc("Gadget Order", {"title": f"Extra {i}", "status": "Open"}, user=admin_user)
    staff_client.get(URL)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(URL)

    assert len(listed(response)) == 20  # one full page
    assert len(many.captured_queries) == len(few.captured_queries)


def test_pages_past_the_capped_count_stay_reachable(staff_client, orders, settings, admin_user):
    for i in range(42):
        document.insert_doc("Gadget Order", {"title": f"Extra {i:02d}"}, user=admin_user)
    settings.FRAPPE_API = {"COUNT_CAP": 25}  # 45 rows, 20 a page: the links stop at page 2

    response = staff_client.get(URL, {"p": "3", "o": "1"})

    assert listed(response) == ["GO-0041", "GO-0042", "GO-0043", "GO-0044", "GO-0045"]
    assert (response.context["cl"].result_count, response.context["cl"].page_num) == (25, 3)
