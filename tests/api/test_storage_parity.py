"""The same HTTP cases over a JSON-stored ``Ticket`` and the ``Ticket`` model (``storage`` fixture), in v1 and v2.

Both storages must answer with the same bodies. The one difference allowed is the type of
autoincrement names: the model's key is an integer, the JSON rows keep names as text in some
responses; ``text_names`` compares them as text. Child rows of the JSON storage get hash names.
"""

from __future__ import annotations

import json
from typing import Any
from unittest.mock import ANY

import pytest

from django_frappe_api.controllers import DocumentController
from django_frappe_api.hooks import controller_registry, whitelist_method
from tests.factories import UserFactory
from tests.helpers import decoded

pytestmark = pytest.mark.django_db

ADMIN = "Administrator"


def text_names(value: Any) -> Any:
    """``name`` and ``parent`` values as text, everything else unchanged (recursively)."""
    if isinstance(value, list):
        return [text_names(item) for item in value]
    if isinstance(value, dict):
        return {key: str(item) if key in ("name", "parent") and isinstance(item, int) else text_names(item)
                for key, item in value.items()}
    return value


def ticket(name, now, **values) -> dict:
    """A Ticket as a single-document read returns it (nulls omitted)."""
    doc = {"name": name, "owner": ADMIN, "creation": now, "modified": now, "modified_by": ADMIN,
           "docstatus": 0, "idx": 0, "subject": "", "status": "Open", "priority": "Medium", "amount": 0,
           "done": 0, "doctype": "Ticket", "items": []}
    doc.update(values)
    return text_names(doc)


def item_row(parent, idx, now, **values) -> dict:
    return text_names({"name": ANY, "owner": ADMIN, "creation": now, "modified": now, "modified_by": ADMIN,
                       "docstatus": 0, "idx": idx, "qty": 0, "rate": 0, **values, "parent": parent,
                       "parentfield": "items", "parenttype": "Ticket", "doctype": "Ticket Item"})


def list_body(api_version: str, rows: list, has_next_page: bool = False) -> dict:
    return {"data": rows} if api_version == "v1" else {"data": rows, "has_next_page": has_next_page}


def page(api_version: str, start: int, length: int) -> dict:
    if api_version == "v1":
        return {"limit_start": start, "limit_page_length": length}
    return {"start": start, "limit": length}


SEED = [
    {"subject": "Alpha", "status": "Open", "priority": "High", "due_date": "2024-05-01", "amount": 100,
     "items": [{"item": "bolt", "qty": 3, "rate": 1.5}]},
    {"subject": "Beta", "status": "Replied", "priority": "Low", "amount": 20.5, "done": 1,
     "items": [{"item": "nut", "qty": 10}, {"item": "bolt", "qty": 1}]},
    {"subject": "Gamma", "status": "Closed", "due_date": "2024-06-15", "notes": "call back"},
]


@pytest.fixture
def tickets(storage, admin_client, frozen_now) -> list:
    """Three Tickets created over HTTP; returns their names."""
    names = []
    for values in SEED:
        response = admin_client.post("/api/resource/Ticket", values, format="json")
        assert response.status_code == 200, response.json()
        names.append(response.json()["data"]["name"])
    return names


# -- create and read ---------------------------------------------------------------------------


def test_create_then_read_returns_the_same_document(storage, admin_client, api_version, api_url, frozen_now):
    payload = {"subject": "Printer jam", "priority": "High", "due_date": "2024-05-12", "amount": "12.50",
               "items": [{"item": "toner", "qty": 2, "rate": 30}]}

    created = admin_client.post(api_url("Ticket"), payload, format="json")

    assert created.status_code == 200
    name = created.json()["data"]["name"]
    expected = ticket(name, frozen_now, subject="Printer jam", priority="High", due_date="2024-05-12",
                      amount=12.5, items=[item_row(name, 1, frozen_now, item="toner", qty=2, rate=30)])
    assert text_names(created.json()) == {"data": expected}
    read = admin_client.get(api_url("Ticket", name))
    assert read.status_code == 200
    assert text_names(read.json()) == {"data": expected}


def test_create_fills_model_or_doctype_defaults(storage, admin_client, api_url, frozen_now):
    response = admin_client.post(api_url("Ticket"), {"subject": "Defaults"}, format="json")

    assert text_names(response.json()) == {"data": ticket(response.json()["data"]["name"], frozen_now,
                                                          subject="Defaults")}


def test_create_without_mandatory_field_is_a_mandatory_error(storage, admin_client):
    response = admin_client.post("/api/resource/Ticket", {"status": "Open"}, format="json")

    assert response.status_code == 417
    assert decoded(response)["exc_type"] == "MandatoryError"


def test_create_with_unknown_select_option_is_a_validation_error(storage, admin_client):
    response = admin_client.post("/api/v2/document/Ticket", {"subject": "x", "status": "Lost"}, format="json")

    assert response.status_code == 417
    assert response.json()["errors"][0]["type"] == "ValidationError"
    assert "Status cannot be \"Lost\"" in response.json()["errors"][0]["message"]


def test_read_missing_document_is_404(storage, admin_client, api_version, api_url):
    response = admin_client.get(api_url("Ticket", 999))

    assert response.status_code == 404
    body = response.json()
    assert (body["exc_type"] if api_version == "v1" else body["errors"][0]["type"]) == "DoesNotExistError"


# -- list --------------------------------------------------------------------------------------

LIST_CASES = [
    ({"fields": ["subject", "status"], "filters": {"status": "Open"}}, [{"subject": "Alpha", "status": "Open"}]),
    ({"filters": [["amount", ">", 10]], "order_by": "amount asc"}, [{"subject": "Beta"}, {"subject": "Alpha"}]),
    ({"filters": [["due_date", "<", "2024-06-01"]]}, [{"subject": "Alpha"}, {"subject": "Beta"}]),
    ({"filters": [["status", "!=", "Open"]]}, [{"subject": "Beta"}, {"subject": "Gamma"}]),
    ({"filters": [["subject", "like", "%mm%"]]}, [{"subject": "Gamma"}]),
    ({"filters": [["status", "in", "Open, Closed"]]}, [{"subject": "Alpha"}, {"subject": "Gamma"}]),
    ({"filters": [["notes", "is", "set"]]}, [{"subject": "Gamma"}]),
    ({"filters": [["notes", "is", "not set"]]}, [{"subject": "Alpha"}, {"subject": "Beta"}]),
    ({"filters": {"done": 1}}, [{"subject": "Beta"}]),
    ({"filters": [["due_date", "between", ["2024-06-01", "2024-06-30"]]]}, [{"subject": "Gamma"}]),
    ({"or_filters": [["priority", "=", "High"], ["status", "=", "Closed"]]},
     [{"subject": "Alpha"}, {"subject": "Gamma"}]),
    ({"filters": [["Ticket Item", "item", "=", "nut"]]}, [{"subject": "Beta"}]),
    ({"fields": ["subject", "items.item", "items.qty"], "filters": [["Ticket Item", "item", "=", "bolt"]]},
     [{"subject": "Alpha", "item": "bolt", "qty": 3}, {"subject": "Beta", "item": "bolt", "qty": 1}]),
    ({"fields": ["subject", "amount", "done", "due_date"], "filters": {"subject": "Alpha"}},
     [{"subject": "Alpha", "amount": 100, "done": 0, "due_date": "2024-05-01"}]),
    ({"fields": ["status", "count(name) as count"], "group_by": "status", "order_by": "status asc"},
     [{"status": "Closed", "count": 1}, {"status": "Open", "count": 1}, {"status": "Replied", "count": 1}]),
    ({"fields": ["sum(amount) as total", "max(due_date) as latest"], "order_by": None},
     [{"total": 120.5, "latest": "2024-06-15"}]),
]


@pytest.mark.parametrize(("params", "rows"), LIST_CASES, ids=[json.dumps(p)[:60] for p, _ in LIST_CASES])
def test_list_query_language(tickets, admin_client, api_version, api_url, params, rows):
    query = {"fields": ["subject"], "order_by": "subject asc", **params}
    query = {key: value if isinstance(value, str) else json.dumps(value) for key, value in query.items()
             if value is not None}

    response = admin_client.get(api_url("Ticket"), query)

    assert response.status_code == 200, response.json()
    assert response.json() == list_body(api_version, rows)


def test_list_star_fields_and_paging(tickets, admin_client, api_version, api_url, frozen_now):
    query = {"fields": '["*"]', "order_by": "subject desc", **page(api_version, 1, 1)}

    response = admin_client.get(api_url("Ticket"), query)

    row = {"name": tickets[1], "owner": ADMIN, "creation": frozen_now, "modified": frozen_now,
           "modified_by": ADMIN, "docstatus": 0, "idx": 0, "subject": "Beta", "status": "Replied",
           "priority": "Low", "due_date": None, "amount": 20.5, "done": 1, "notes": None}
    assert text_names(response.json()) == text_names(list_body(api_version, [row], has_next_page=True))


def test_list_as_arrays(tickets, admin_client, api_url):
    response = admin_client.get(api_url("Ticket"), {"fields": '["subject","amount"]', "order_by": "subject asc",
                                                    "as_dict": "", "filters": '{"done": 0}'})

    assert response.json()["data"] == [["Alpha", 100], ["Gamma", 0]]


def test_list_rejects_unknown_field(tickets, admin_client):
    response = admin_client.get("/api/resource/Ticket", {"fields": '["subject","nickname"]'})

    assert response.status_code == 417
    assert decoded(response)["exc_type"] == "DataError"


def test_list_filters_by_owner_and_modified(tickets, admin_client, frozen_now):
    response = admin_client.get("/api/resource/Ticket", {
        "filters": json.dumps([["owner", "=", ADMIN], ["modified", ">=", "2024-05-10"]]),
        "fields": '["subject"]', "order_by": "subject asc"})

    assert response.json() == {"data": [{"subject": "Alpha"}, {"subject": "Beta"}, {"subject": "Gamma"}]}


def test_v2_count_and_include_count(tickets, admin_client):
    count = admin_client.get("/api/v2/doctype/Ticket/count", {"filters": '[["amount", ">", 10]]'})
    listed = admin_client.get("/api/v2/document/Ticket", {"limit": 1, "include": "count"})

    assert count.json() == {"data": 2}
    assert listed.json()["count"] == 3
    assert listed.json()["has_next_page"] is True


def test_get_count_method(tickets, admin_client):
    response = admin_client.get("/api/method/frappe.client.get_count",
                                {"doctype": "Ticket", "filters": '{"status": "Open"}'})

    assert response.json() == {"message": 1}


# -- update, copy, delete ----------------------------------------------------------------------


def test_update_merges_fields_and_replaces_child_rows(tickets, admin_client, api_version, api_url, frozen_now):
    name = tickets[1]
    stored = admin_client.get(api_url("Ticket", name)).json()["data"]
    kept = stored["items"][1]
    verb = admin_client.put if api_version == "v1" else admin_client.patch

    response = verb(api_url("Ticket", name), {"status": "Closed", "items": [
        {"name": kept["name"], "item": "bolt", "qty": 5}, {"item": "washer", "rate": 0.25},
    ]}, format="json")

    assert response.status_code == 200
    expected = ticket(name, frozen_now, subject="Beta", status="Closed", priority="Low", amount=20.5, done=1,
                      items=[item_row(name, 1, frozen_now, item="bolt", qty=5),
                             item_row(name, 2, frozen_now, item="washer", rate=0.25)])
    assert text_names(response.json()) == {"data": expected}
    read = admin_client.get(api_url("Ticket", name)).json()
    assert text_names(read) == {"data": expected}
    assert read["data"]["items"][0]["name"] == kept["name"]


def test_update_with_stale_modified_is_a_timestamp_mismatch(tickets, admin_client, api_url):
    response = admin_client.put(api_url("Ticket", tickets[0]),
                                {"subject": "x", "modified": "2020-01-01 00:00:00"}, format="json")

    assert response.status_code == 417
    body = response.json()
    assert "TimestampMismatchError" in (body.get("exc_type") or body["errors"][0]["type"])


def test_update_with_current_modified_succeeds(tickets, admin_client, api_url, frozen_now):
    response = admin_client.put(api_url("Ticket", tickets[0]), {"subject": "Alpha 2", "modified": frozen_now},
                                format="json")

    assert response.status_code == 200
    assert response.json()["data"]["subject"] == "Alpha 2"


def test_v2_copy_drops_name_and_audit_fields(tickets, admin_client):
    response = admin_client.get(f"/api/v2/document/Ticket/{tickets[0]}/copy")

    assert response.json() == {"data": {
        "subject": "Alpha", "status": "Open", "priority": "High", "due_date": "2024-05-01", "amount": 100,
        "done": 0, "doctype": "Ticket",
        "items": [{"idx": 1, "item": "bolt", "qty": 3, "rate": 1.5, "doctype": "Ticket Item"}],
    }}


def test_delete_then_read_is_404(tickets, admin_client, api_url):
    response = admin_client.delete(api_url("Ticket", tickets[2]))

    assert response.status_code == 202
    assert response.json() == {"data": "ok"}
    assert admin_client.get(api_url("Ticket", tickets[2])).status_code == 404
    assert admin_client.delete(api_url("Ticket", tickets[2])).status_code == 404


# -- permissions and document methods ----------------------------------------------------------


@pytest.fixture
def support_client(db):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(UserFactory(username="agent@example.com", roles=["Support"]))
    return client


def test_role_permission_rows_apply_to_both_storages(tickets, support_client, client, api_url):
    assert support_client.get(api_url("Ticket", tickets[0])).status_code == 200
    assert support_client.put(api_url("Ticket", tickets[0]), {"subject": "x"}, format="json").status_code == 200
    assert support_client.delete(api_url("Ticket", tickets[0])).status_code == 403
    assert client.get(api_url("Ticket")).status_code == 403


def test_v2_meta_has_the_same_fields(storage, admin_client):
    response = admin_client.get("/api/v2/doctype/Ticket/meta")

    data = response.json()["data"]
    core = ("fieldname", "label", "fieldtype", "options", "reqd", "default", "length", "idx", "doctype")
    assert [{key: field.get(key) for key in core} for field in data["fields"]] == [
        {"fieldname": "subject", "label": "Subject", "fieldtype": "Data", "options": "", "reqd": 1, "default": "",
         "length": 140, "idx": 1, "doctype": "DocField"},
        {"fieldname": "status", "label": "Status", "fieldtype": "Select", "options": "Open\nReplied\nClosed",
         "reqd": 0, "default": "Open", "length": 20, "idx": 2, "doctype": "DocField"},
        {"fieldname": "priority", "label": "Priority", "fieldtype": "Select", "options": "Low\nMedium\nHigh",
         "reqd": 0, "default": "Medium", "length": 20, "idx": 3, "doctype": "DocField"},
        {"fieldname": "due_date", "label": "Due Date", "fieldtype": "Date", "options": "", "reqd": 0, "default": "",
         "length": 0, "idx": 4, "doctype": "DocField"},
        {"fieldname": "amount", "label": "Amount", "fieldtype": "Currency", "options": "", "reqd": 0, "default": "0",
         "length": 0, "idx": 5, "doctype": "DocField"},
        {"fieldname": "done", "label": "Done", "fieldtype": "Check", "options": "", "reqd": 0, "default": "0",
         "length": 0, "idx": 6, "doctype": "DocField"},
        {"fieldname": "notes", "label": "Notes", "fieldtype": "Text", "options": "", "reqd": 0, "default": "",
         "length": 0, "idx": 7, "doctype": "DocField"},
        {"fieldname": "items", "label": "Items", "fieldtype": "Table", "options": "Ticket Item", "reqd": 0,
         "default": "", "length": 0, "idx": 8, "doctype": "DocField"},
    ]
    assert {key: data[key] for key in ("name", "istable", "autoname", "title_field", "search_fields",
                                       "sort_field", "sort_order", "doctype")} == {
        "name": "Ticket", "istable": 0, "autoname": "autoincrement", "title_field": "subject",
        "search_fields": "subject, status", "sort_field": "modified", "sort_order": "DESC", "doctype": "DocType"}
    assert [(p["role"], p["read"], p["delete"], p["report"]) for p in data["permissions"]] == [
        ("System Manager", 1, 1, 1), ("Support", 1, 0, 1)]


class TicketController(DocumentController):
    def validate(self):
        if self.subject == "forbidden":
            from django_frappe_api import exceptions

            raise exceptions.ValidationError("No forbidden tickets")


    @whitelist_method(methods=["POST"])
    def close(self, reason: str = ""):
        self.status = "Closed"
        self.notes = reason
        self.save()
        return {"closed": str(self.name)}


@pytest.fixture
def ticket_controller(storage):
    snapshot = controller_registry.snapshot()
    controller_registry.register("Ticket", TicketController)
    yield
    controller_registry.restore(snapshot)


def test_controller_hooks_run_for_both_storages(tickets, ticket_controller, admin_client):
    refused = admin_client.post("/api/v2/document/Ticket", {"subject": "forbidden"}, format="json")
    renamed = admin_client.put(f"/api/resource/Ticket/{tickets[0]}", {"subject": "forbidden"}, format="json")

    assert refused.status_code == 417
    assert refused.json()["errors"][0]["message"] == "No forbidden tickets"
    assert renamed.status_code == 417
    assert admin_client.get(f"/api/resource/Ticket/{tickets[0]}").json()["data"]["subject"] == "Alpha"


def test_builtin_document_method(tickets, admin_client, frozen_now):
    response = admin_client.post(f"/api/v2/document/Ticket/{tickets[0]}/method/add_comment", {"text": "hello"},
                                 format="json")

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["content"], data["reference_doctype"], str(data["reference_name"])) == (
        "hello", "Ticket", str(tickets[0]))


def test_whitelisted_controller_method(tickets, ticket_controller, admin_client):
    response = admin_client.post(f"/api/v2/document/Ticket/{tickets[0]}/method/close", {"reason": "fixed"},
                                 format="json")

    assert response.status_code == 200
    assert response.json()["data"] == {"closed": str(tickets[0])}
    stored = admin_client.get(f"/api/resource/Ticket/{tickets[0]}").json()["data"]
    assert (stored["status"], stored["notes"]) == ("Closed", "fixed")
