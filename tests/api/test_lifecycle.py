"""The docstatus workflow over HTTP (§9.6, §9.11): submit, update after submit, cancel, amend, delete."""

from __future__ import annotations

import pytest

from django_frappe_api.models import Document
from tests.factories import UserFactory, make_doctype
from tests.helpers import decoded, failure, thrown

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(todo):
    make_doctype("Invoice Line", [
        {"fieldname": "item", "label": "Item", "fieldtype": "Data", "reqd": 1},
        {"fieldname": "qty", "label": "Qty", "fieldtype": "Int"},
        {"fieldname": "remark", "label": "Remark", "fieldtype": "Data", "allow_on_submit": 1},
    ], istable=1)
    return make_doctype("Invoice", [
        {"fieldname": "customer", "label": "Customer", "fieldtype": "Data", "reqd": 1},
        {"fieldname": "notes", "label": "Notes", "fieldtype": "Small Text", "allow_on_submit": 1},
        {"fieldname": "lines", "label": "Lines", "fieldtype": "Table", "options": "Invoice Line"},
        {"fieldname": "amended_from", "label": "Amended From", "fieldtype": "Link", "options": "Invoice",
         "read_only": 1, "no_copy": 1},
    ], permissions=[
        {"role": "All", "read": 1, "write": 1, "create": 1, "delete": 1},
        {"role": "Accounts Manager", "read": 1, "write": 1, "create": 1, "delete": 1, "submit": 1, "cancel": 1},
    ], is_submittable=1, autoname="INV-.####")


@pytest.fixture
def draft(admin_client, invoice, api_url):
    response = admin_client.post(api_url("Invoice"), {"customer": "Acme", "lines": [{"item": "a", "qty": 1}]},
                                 format="json")
    assert response.json()["data"]["name"] == "INV-0001"
    return response.json()["data"]


def put(client, api_url, name, values):
    return client.put(api_url("Invoice", name), values, format="json")


def status_of(name: str) -> int:
    return Document.objects.get(doctype_id="Invoice", name=name).docstatus


def submitted(client, api_url) -> dict:
    response = put(client, api_url, "INV-0001", {"docstatus": 1})
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def cancelled(client, api_url, name="INV-0001") -> dict:
    response = put(client, api_url, name, {"docstatus": 2})
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def test_submit_by_put_sets_docstatus_on_the_document_and_its_rows(admin_client, draft, api_url):
    body = submitted(admin_client, api_url)

    assert (body["docstatus"], [row["docstatus"] for row in body["lines"]]) == (1, [1])
    assert set(Document.objects.filter(doctype_id__in=["Invoice", "Invoice Line"]).values_list(
        "docstatus", flat=True)) == {1}


def test_create_with_docstatus_1_submits_directly(admin_client, invoice, api_url):
    response = admin_client.post(api_url("Invoice"), {"customer": "Acme", "docstatus": 1}, format="json")

    assert (response.status_code, response.json()["data"]["docstatus"]) == (200, 1)


def test_create_with_docstatus_2_is_a_transition_error(admin_client, invoice, api_url):
    response = admin_client.post(api_url("Invoice"), {"customer": "Acme", "docstatus": 2}, format="json")

    assert failure(response) == (417, "DocstatusTransitionError",
                                 ["Cannot change docstatus from 0 (Draft) to 2 (Cancelled)"])
    assert not Document.objects.filter(doctype_id="Invoice").exists()


def test_create_submitted_on_a_non_submittable_doctype_is_refused(admin_client, todo, api_url):
    response = admin_client.post(api_url("ToDo"), {"description": "x", "docstatus": 1}, format="json")

    assert failure(response) == (417, "DocstatusTransitionError",
                                 ["Cannot change docstatus from 0 (Draft) to 1 (Submitted)"])


@pytest.mark.parametrize(("setup", "docstatus"), [("draft", 2), ("submitted", 0)])
def test_forbidden_transitions(admin_client, draft, api_url, setup, docstatus):
    if setup == "submitted":
        submitted(admin_client, api_url)

    response = put(admin_client, api_url, "INV-0001", {"docstatus": docstatus})

    assert failure(response)[:2] == (417, "DocstatusTransitionError")
    assert status_of("INV-0001") == (0 if setup == "draft" else 1)


def test_submit_needs_the_submit_right(draft, api_url, invoice):
    from rest_framework.test import APIClient

    clerk, manager = APIClient(), APIClient()
    clerk.force_login(UserFactory(username="clerk@example.com"))
    manager.force_login(UserFactory(username="manager@example.com", roles=["Accounts Manager"]))

    refused = put(clerk, api_url, "INV-0001", {"docstatus": 1})
    allowed = put(manager, api_url, "INV-0001", {"docstatus": 1})

    assert failure(refused)[:2] == (403, "PermissionError")
    assert allowed.status_code == 200


def test_submitted_document_refuses_changes_except_allow_on_submit(admin_client, draft, api_url):
    body = submitted(admin_client, api_url)
    line = body["lines"][0]

    refused = put(admin_client, api_url, "INV-0001", {"customer": "Other", "notes": "n"})
    allowed = put(admin_client, api_url, "INV-0001", {"notes": "paid late", "lines": [{**line, "remark": "ok"}]})

    assert failure(refused) == (417, "UpdateAfterSubmitError", [
        " Not allowed to change <strong>Customer</strong> after submission from <strong>Acme</strong> to "
        "<strong>Other</strong>"])
    assert allowed.status_code == 200
    assert (allowed.json()["data"]["notes"], allowed.json()["data"]["lines"][0]["remark"]) == ("paid late", "ok")
    assert allowed.json()["data"]["docstatus"] == 1


def test_submitted_rows_keep_their_count_and_fields(admin_client, draft, api_url):
    line = submitted(admin_client, api_url)["lines"][0]

    changed = put(admin_client, api_url, "INV-0001", {"lines": [{**line, "qty": 9}]})
    added = put(admin_client, api_url, "INV-0001", {"lines": [line, {"item": "b"}]})
    removed = put(admin_client, api_url, "INV-0001", {"lines": []})

    assert failure(changed) == (417, "UpdateAfterSubmitError", [
        "Row #1: Not allowed to change <strong>Qty</strong> after submission from <strong>1</strong> to "
        "<strong>9</strong>"])
    assert failure(added)[2] == [" Not allowed to change <strong>Lines</strong> after submission from "
                                 "<strong>1 rows</strong> to <strong>2 rows</strong>"]
    assert failure(removed)[:2] == (417, "UpdateAfterSubmitError")
    assert Document.objects.filter(doctype_id="Invoice Line").count() == 1


def test_cancel_then_every_edit_is_refused(admin_client, draft, api_url):
    submitted(admin_client, api_url)
    body = cancelled(admin_client, api_url)

    edit = put(admin_client, api_url, "INV-0001", {"notes": "x"})
    back = put(admin_client, api_url, "INV-0001", {"docstatus": 1})

    assert body["docstatus"] == 2
    assert failure(edit) == (417, "ValidationError", [])  # raised bare: "Cannot edit cancelled document"
    assert failure(back)[:2] == (417, "ValidationError")
    assert status_of("INV-0001") == 2


def test_submit_and_cancel_as_document_methods(admin_client, draft, api_url, api_version):
    def call(method):
        if api_version == "v1":
            return admin_client.post(api_url("Invoice", "INV-0001"), {"run_method": method}, format="json")
        return admin_client.post(api_url("Invoice", "INV-0001", f"/method/{method}"), {}, format="json")

    assert call("submit").json()["data"]["docstatus"] == 1
    assert call("cancel").json()["data"]["docstatus"] == 2


@pytest.mark.parametrize(("state", "status"), [("draft", 202), ("submitted", 417), ("cancelled", 202)])
def test_delete_only_drafts_and_cancelled_documents(admin_client, draft, api_url, state, status):
    if state != "draft":
        submitted(admin_client, api_url)
    if state == "cancelled":
        cancelled(admin_client, api_url)

    response = admin_client.delete(api_url("Invoice", "INV-0001"))

    assert response.status_code == status
    if status == 417:
        assert failure(response) == (417, "ValidationError", [
            "Invoice INV-0001: Submitted Record cannot be deleted. You must Cancel it first."])


# -- amend ------------------------------------------------------------------------------------------


def amend(client, api_url, name, **values):
    return client.post(api_url("Invoice"), {"customer": "Acme", "amended_from": name, **values}, format="json")


def test_amending_a_cancelled_document_names_it_after_the_original(admin_client, draft, api_url):
    submitted(admin_client, api_url)
    cancelled(admin_client, api_url)

    response = amend(admin_client, api_url, "INV-0001", lines=[{"item": "a", "qty": 2}])

    body = response.json()["data"]
    assert (body["name"], body["amended_from"], body["docstatus"]) == ("INV-0001-1", "INV-0001", 0)
    assert [row["parent"] for row in body["lines"]] == ["INV-0001-1"]


def test_amending_an_amendment_counts_up(admin_client, draft, api_url):
    submitted(admin_client, api_url)
    cancelled(admin_client, api_url)
    amend(admin_client, api_url, "INV-0001", docstatus=1)
    cancelled(admin_client, api_url, "INV-0001-1")

    response = amend(admin_client, api_url, "INV-0001-1")

    assert (response.json()["data"]["name"], response.json()["data"]["amended_from"]) == ("INV-0001-2",
                                                                                          "INV-0001-1")


def test_amending_the_same_document_twice_is_a_duplicate(admin_client, draft, api_url):
    submitted(admin_client, api_url)
    cancelled(admin_client, api_url)
    amend(admin_client, api_url, "INV-0001")

    response = amend(admin_client, api_url, "INV-0001")

    assert failure(response) == (409, "DuplicateEntryError", ["Invoice <strong>INV-0001-1</strong> already exists"])


NOT_CANCELLED = ('<a href="/app/invoice/INV-0001">INV-0001</a> cannot be amended because it is not cancelled. '
                 "Please cancel the document before creating an amendment.")


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_amending_a_document_that_is_not_cancelled_is_refused(admin_client, draft, api_url, api_version, state):
    if state == "submitted":
        submitted(admin_client, api_url)

    response = amend(admin_client, api_url, "INV-0001", lines=[{"item": "a", "qty": 2}])

    assert response.status_code == 417
    if api_version == "v2":
        assert response.json() == {"errors": [{"type": "ValidationError", "message": NOT_CANCELLED,
                                               "title": "Amendment Not Allowed", "indicator": "red"}]}
    else:
        assert decoded(response) == {"exc_type": "ValidationError",
                                     "_server_messages": [thrown(NOT_CANCELLED, "Amendment Not Allowed")]}
    assert list(Document.objects.filter(doctype_id="Invoice").values_list("name", flat=True)) == ["INV-0001"]
    assert Document.objects.filter(doctype_id="Invoice Line").count() == 1


@pytest.mark.parametrize("autoname", ["hash", "field:title", "Prompt"])
def test_amendment_is_named_after_the_original_whatever_the_naming_rule(admin_client, db, api_url, autoname):
    make_doctype("Memo", [
        {"fieldname": "title", "label": "Title", "fieldtype": "Data"},
        {"fieldname": "amended_from", "label": "Amended From", "fieldtype": "Link", "options": "Memo",
         "read_only": 1, "no_copy": 1},
    ], permissions=[{"role": "System Manager", "read": 1, "write": 1, "create": 1, "submit": 1, "cancel": 1}],
        is_submittable=1, autoname=autoname)
    original = admin_client.post(api_url("Memo"), {"name": "M", "title": "M", "docstatus": 1},
                                 format="json").json()["data"]["name"]
    admin_client.put(api_url("Memo", original), {"docstatus": 2}, format="json")

    first = admin_client.post(api_url("Memo"), {"name": "other", "title": "other", "amended_from": original},
                              format="json")
    admin_client.put(api_url("Memo", f"{original}-1"), {"docstatus": 1}, format="json")
    admin_client.put(api_url("Memo", f"{original}-1"), {"docstatus": 2}, format="json")
    second = admin_client.post(api_url("Memo"), {"title": "again", "amended_from": f"{original}-1"},
                               format="json")

    assert (first.status_code, first.json()["data"]["name"]) == (200, f"{original}-1")
    assert (second.status_code, second.json()["data"]["name"]) == (200, f"{original}-2")


def test_amending_a_missing_document_is_a_link_error(admin_client, invoice, api_url):
    response = amend(admin_client, api_url, "INV-9999")

    assert failure(response) == (417, "LinkValidationError", ["Could not find Amended From: INV-9999"])


# -- links between submitted documents --------------------------------------------------------------


@pytest.fixture
def payment_doctype(invoice):
    return make_doctype("Payment", [
        {"fieldname": "invoice", "label": "Invoice", "fieldtype": "Link", "options": "Invoice"},
    ], is_submittable=1, autoname="PAY-.##")


def test_linking_a_cancelled_document_from_a_submittable_one_is_refused(admin_client, draft, payment_doctype,
                                                                        api_url):
    submitted(admin_client, api_url)
    cancelled(admin_client, api_url)

    response = admin_client.post(api_url("Payment"), {"invoice": "INV-0001"}, format="json")

    assert failure(response) == (417, "CancelledLinkError", ["Cannot link cancelled document: Invoice: INV-0001"])


def test_cancel_is_refused_while_a_submitted_document_links_to_it(admin_client, draft, payment_doctype, api_url):
    submitted(admin_client, api_url)
    admin_client.post(api_url("Payment"), {"invoice": "INV-0001", "docstatus": 1}, format="json")

    blocked = put(admin_client, api_url, "INV-0001", {"docstatus": 2})
    admin_client.put(api_url("Payment", "PAY-01"), {"docstatus": 2}, format="json")
    allowed = put(admin_client, api_url, "INV-0001", {"docstatus": 2})

    assert failure(blocked) == (417, "LinkExistsError", [
        "Cannot delete or cancel because Invoice INV-0001 is linked with Payment PAY-01"])
    assert allowed.status_code == 200


def test_delete_is_refused_while_a_draft_links_to_it(admin_client, draft, payment_doctype, api_url):
    admin_client.post(api_url("Payment"), {"invoice": "INV-0001"}, format="json")

    response = admin_client.delete(api_url("Invoice", "INV-0001"))

    assert failure(response) == (417, "LinkExistsError", [
        "Cannot delete or cancel because Invoice INV-0001 is linked with Payment PAY-01"])
