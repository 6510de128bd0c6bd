"""``/api/resource/<doctype>[/<name>]``: create, read, update, delete and document methods (§4.2-4.6)."""

from __future__ import annotations

import json
import re

import pytest

from django_frappe_api import document
from django_frappe_api.models import Document
from tests.factories import make_doctype
from tests.helpers import decoded, error, thrown

pytestmark = pytest.mark.django_db

HASH_NAME = re.compile(r"^[0-9a-v]{10}$")
ADMIN = "Administrator"


def standard(name: str, now: str, **values) -> dict:
    """Standard fields of a freshly saved document, in Frappe's key order."""
    return {"name": name, "owner": ADMIN, "creation": now, "modified": now, "modified_by": ADMIN,
            "docstatus": 0, "idx": 0, **values}


def child_row(name: str, parent: str, idx: int, now: str, **values) -> dict:
    return {"name": name, "owner": ADMIN, "creation": now, "modified": now, "modified_by": ADMIN,
            "docstatus": 0, "idx": idx, **values, "parent": parent, "parentfield": "items",
            "parenttype": "Task", "doctype": "Task Item"}


@pytest.fixture
def invoice(db):
    """A submittable DocType, for the built-in ``submit``/``cancel`` document methods."""
    return make_doctype(
        "Invoice",
        [{"fieldname": "customer", "label": "Customer", "fieldtype": "Data", "reqd": 1}],
        permissions=[{"role": "System Manager", "submit": 1, "cancel": 1}],
        is_submittable=1,
        autoname="Prompt",
    )


# -- create ------------------------------------------------------------------------------------


def test_create_with_json_body_returns_document_without_nulls(admin_client, todo, v1_url, frozen_now):
    response = admin_client.post(v1_url("ToDo"), {"description": "Call Bob", "priority": "High"}, format="json")

    assert response.status_code == 200
    body = response.json()
    name = body["data"]["name"]
    assert HASH_NAME.match(name)
    assert body == {"data": standard(name, frozen_now, status="Open", priority="High", description="Call Bob",
                                     doctype="ToDo")}
    assert response["Content-Type"] == "application/json"


def test_create_with_form_encoded_body_uses_string_values(admin_client, todo, v1_url, frozen_now):
    response = admin_client.post(v1_url("ToDo"), "description=From+a+form&date=2024-05-10&priority=Low",
                                 content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    name = response.json()["data"]["name"]
    assert response.json() == {"data": standard(name, frozen_now, status="Open", priority="Low", date="2024-05-10",
                                                description="From a form", doctype="ToDo")}


@pytest.mark.parametrize("fmt", ["multipart", "urlencoded"])
def test_create_with_data_form_field(admin_client, todo, v1_url, frozen_now, fmt):
    payload = {"data": json.dumps({"description": "Via data", "status": "Closed"})}
    if fmt == "multipart":
        response = admin_client.post(v1_url("ToDo"), payload)
    else:
        response = admin_client.post(v1_url("ToDo"), f"data={json.dumps(payload['data'])[1:-1]}".replace(
            '\\"', '"'), content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    name = response.json()["data"]["name"]
    assert response.json() == {"data": standard(name, frozen_now, status="Closed", priority="Medium",
                                                description="Via data", doctype="ToDo")}


def test_create_with_data_key_in_json_body(admin_client, todo, v1_url, frozen_now):
    response = admin_client.post(v1_url("ToDo"), {"data": {"description": "Nested"}}, format="json")

    assert response.status_code == 200
    name = response.json()["data"]["name"]
    assert response.json() == {"data": standard(name, frozen_now, status="Open", priority="Medium",
                                                description="Nested", doctype="ToDo")}


def test_create_ignores_doctype_and_server_fields_in_payload(admin_client, todo, v1_url, frozen_now):
    response = admin_client.post(
        v1_url("ToDo"),
        {"doctype": "Other", "description": "x", "owner": "mallory", "creation": "2000-01-01 00:00:00",
         "modified_by": "mallory", "name": "chosen", "unknown_key": 1},
        format="json",
    )

    assert response.status_code == 200
    name = response.json()["data"]["name"]
    assert name != "chosen"
    assert response.json() == {"data": standard(name, frozen_now, status="Open", priority="Medium",
                                                description="x", doctype="ToDo")}


def test_create_serialises_values_in_frappe_formats(admin_client, admin_user, todo, task_doctype, v1_url, frozen_now):
    todo_doc = document.insert_doc("ToDo", {"description": "linked"}, user=admin_user)
    payload = {
        "name": "T-1", "title": "Values", "qty": "7", "amount": "12.50", "ratio": 0.25, "done": "1",
        "due": "10-05-2024", "at": "2024-05-10T14:00:00", "starts": "9:05", "notes": "", "todo": todo_doc["name"],
        "items": [{"item": "bolt", "qty": 2, "rate": "1.5"}, {"item": "nut", "status": "Open"}],
    }

    response = admin_client.post(v1_url("Task"), payload, format="json")

    assert response.status_code == 200
    body = response.json()
    rows = body["data"]["items"]
    assert body == {"data": standard(
        "T-1", frozen_now, title="Values", qty=7, amount=12.5, ratio=0.25, done=1, due="2024-05-10",
        at="2024-05-10 14:00:00", starts="9:05:00", notes="", todo=todo_doc["name"], doctype="Task",
        items=[
            child_row(rows[0]["name"], "T-1", 1, frozen_now, item="bolt", qty=2, rate=1.5),
            child_row(rows[1]["name"], "T-1", 2, frozen_now, item="nut", qty=0, rate=0.0, status="Open"),
        ],
    )}
    assert all(HASH_NAME.match(row["name"]) for row in rows)


def test_create_keeps_microseconds_of_datetime_values(admin_client, task_doctype, v1_url, frozen_now):
    response = admin_client.post(v1_url("Task"), {"name": "T", "at": "2024-05-10 14:00:00.5"}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["at"] == "2024-05-10 14:00:00.500000"


def test_create_with_bad_child_row_leaves_nothing_behind(admin_client, task_doctype, v1_url):
    response = admin_client.post(
        v1_url("Task"), {"name": "T-bad", "items": [{"item": "ok"}, {"qty": 1}]}, format="json"
    )

    assert response.status_code == 417
    assert decoded(response) == {
        "exc_type": "MandatoryError",
        "_server_messages": [
            {"message": "Error: <strong>Task Item</strong> Row #2: Value missing for: Item", "title": "Message"}
        ],
    }
    assert not Document.objects.filter(doctype_id__in=["Task", "Task Item"]).exists()


def test_create_with_invalid_child_select_leaves_nothing_behind(admin_client, task_doctype, v1_url):
    response = admin_client.post(
        v1_url("Task"), {"name": "T-bad", "items": [{"item": "x", "status": "Nope"}]}, format="json"
    )

    assert response.status_code == 417
    assert decoded(response) == error(
        "ValidationError", 'Row #1: Status cannot be "Nope". It should be one of "Open", "Done"'
    )
    assert not Document.objects.filter(doctype_id__in=["Task", "Task Item"]).exists()


def test_create_with_existing_prompt_name_is_a_duplicate(admin_client, task_doctype, v1_url):
    assert admin_client.post(v1_url("Task"), {"name": "T-1"}, format="json").status_code == 200

    response = admin_client.post(v1_url("Task"), {"name": "T-1", "title": "again"}, format="json")

    assert response.status_code == 409
    assert decoded(response) == {
        "exc_type": "DuplicateEntryError",
        "_server_messages": [{**thrown("Task <strong>T-1</strong> already exists"), "title": "Duplicate Name"}],
    }
    assert Document.objects.filter(doctype_id="Task").count() == 1


# -- read --------------------------------------------------------------------------------------


def test_read_omits_null_fields_and_returns_child_rows(admin_client, task_doctype, v1_url, frozen_now):
    created = admin_client.post(
        v1_url("Task"), {"name": "T-1", "title": "Read me", "items": [{"item": "bolt", "qty": 3}]}, format="json"
    ).json()["data"]

    response = admin_client.get(v1_url("Task", "T-1"))

    assert response.status_code == 200
    row = created["items"][0]["name"]
    assert response.json() == {"data": standard(
        "T-1", frozen_now, title="Read me", qty=0, amount=0.0, ratio=0.0, done=0, doctype="Task",
        items=[child_row(row, "T-1", 1, frozen_now, item="bolt", qty=3, rate=0.0)],
    )}


def test_read_lists_every_table_field_even_when_empty(admin_client, task_doctype, v1_url, frozen_now):
    admin_client.post(v1_url("Task"), {"name": "T-1"}, format="json")

    response = admin_client.get(v1_url("Task", "T-1"))

    assert response.status_code == 200
    assert response.json() == {"data": standard("T-1", frozen_now, qty=0, amount=0.0, ratio=0.0, done=0,
                                                 doctype="Task", items=[])}


def test_read_with_expand_links_replaces_links_and_keeps_nulls(admin_client, admin_user, todo, task_doctype, v1_url,
                                                               frozen_now):
    linked = document.insert_doc("ToDo", {"description": "target"}, user=admin_user)
    admin_client.post(v1_url("Task"), {"name": "T-1", "todo": linked["name"]}, format="json")

    response = admin_client.get(v1_url("Task", "T-1"), {"expand_links": "true"})

    assert response.status_code == 200
    assert response.json() == {"data": standard(
        "T-1", frozen_now, title=None, status=None, qty=0, amount=0.0, ratio=0.0, done=0, due=None, at=None,
        starts=None, notes=None,
        todo={"name": linked["name"], "owner": ADMIN, "creation": frozen_now, "modified": frozen_now,
              "modified_by": ADMIN, "docstatus": 0, "idx": 0, "status": "Open", "priority": "Medium",
              "date": None, "allocated_to": None, "description": "target", "reference_type": None,
              "reference_name": None},
        doctype="Task", items=[],
    )}


def test_read_unknown_document_is_404_with_message(admin_client, todo, v1_url):
    response = admin_client.get(v1_url("ToDo", "doesnotexist"))

    assert response.status_code == 404
    assert decoded(response) == error("DoesNotExistError", "ToDo doesnotexist not found")


@pytest.mark.parametrize("suffix", ["", "/"])
def test_read_accepts_trailing_slash_and_json_content_type_without_body(admin_client, admin_user, todo, v1_url, suffix):
    doc = document.insert_doc("ToDo", {"description": "x"}, user=admin_user)

    response = admin_client.get(v1_url("ToDo", doc["name"]) + suffix, CONTENT_TYPE="application/json")

    assert response.status_code == 200
    assert response.json()["data"]["name"] == doc["name"]


# -- update ------------------------------------------------------------------------------------


def test_put_merges_json_payload_into_stored_document(admin_client, admin_user, todo, v1_url, frozen_now):
    doc = document.insert_doc("ToDo", {"description": "Before", "priority": "High", "date": "2024-01-01"},
                              user=admin_user)

    response = admin_client.put(v1_url("ToDo", doc["name"]), {"status": "Closed", "date": None}, format="json")

    assert response.status_code == 200
    assert response.json() == {"data": {**standard(doc["name"], frozen_now, status="Closed", priority="High",
                                                    description="Before", doctype="ToDo"),
                                         }}


def test_put_with_form_encoded_body(admin_client, admin_user, todo, v1_url, frozen_now):
    doc = document.insert_doc("ToDo", {"description": "Before"}, user=admin_user)

    response = admin_client.put(v1_url("ToDo", doc["name"]), "description=After&priority=Low",
                                content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert response.json()["data"] == {**standard(doc["name"], frozen_now, status="Open", priority="Low",
                                                  description="After", doctype="ToDo")}


@pytest.mark.parametrize("fmt", ["multipart", "urlencoded"])
def test_put_with_data_form_field(admin_client, admin_user, todo, v1_url, frozen_now, fmt):
    from urllib.parse import urlencode

    doc = document.insert_doc("ToDo", {"description": "Before"}, user=admin_user)
    data = json.dumps({"description": "After", "status": "Cancelled"})

    if fmt == "multipart":
        response = admin_client.put(v1_url("ToDo", doc["name"]), {"data": data}, format="multipart")
    else:
        response = admin_client.put(v1_url("ToDo", doc["name"]), urlencode({"data": data}),
                                    content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert response.json()["data"] == {**standard(doc["name"], frozen_now, status="Cancelled", priority="Medium",
                                                  description="After", doctype="ToDo")}


def test_put_replaces_child_rows_keeping_named_ones(admin_client, task_doctype, v1_url, frozen_now):
    created = admin_client.post(
        v1_url("Task"), {"name": "T-1", "items": [{"item": "keep", "qty": 1}, {"item": "drop", "qty": 2}]},
        format="json",
    ).json()["data"]
    keep = created["items"][0]["name"]

    response = admin_client.put(
        v1_url("Task", "T-1"), {"items": [{"name": keep, "item": "kept"}, {"item": "new", "qty": 5}]}, format="json"
    )

    assert response.status_code == 200
    rows = response.json()["data"]["items"]
    assert rows == [
        child_row(keep, "T-1", 1, frozen_now, item="kept", qty=0, rate=0.0),
        child_row(rows[1]["name"], "T-1", 2, frozen_now, item="new", qty=5, rate=0.0),
    ]
    assert admin_client.get(v1_url("Task", "T-1")).json()["data"]["items"] == rows
    assert Document.objects.filter(doctype_id="Task Item").count() == 2


def test_put_without_table_field_leaves_child_rows_alone(admin_client, task_doctype, v1_url, frozen_now):
    created = admin_client.post(v1_url("Task"), {"name": "T-1", "items": [{"item": "a"}]}, format="json").json()

    response = admin_client.put(v1_url("Task", "T-1"), {"title": "renamed"}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["items"] == created["data"]["items"]


def test_failed_put_leaves_document_unchanged(admin_client, task_doctype, v1_url):
    admin_client.post(v1_url("Task"), {"name": "T-1", "title": "old", "items": [{"item": "a"}]}, format="json")
    before = admin_client.get(v1_url("Task", "T-1")).json()

    response = admin_client.put(v1_url("Task", "T-1"), {"title": "new", "items": [{"qty": 1}]}, format="json")

    assert response.status_code == 417
    assert decoded(response)["exc_type"] == "MandatoryError"
    assert admin_client.get(v1_url("Task", "T-1")).json() == before


def test_put_with_stale_modified_is_a_timestamp_mismatch(admin_client, admin_user, todo, v1_url, frozen_now):
    doc = document.insert_doc("ToDo", {"description": "x"}, user=admin_user)

    response = admin_client.put(v1_url("ToDo", doc["name"]), {"description": "y", "modified": "2020-01-01 00:00:00"},
                                format="json")

    assert response.status_code == 417
    assert decoded(response) == error(
        "TimestampMismatchError",
        f"Error: Document has been modified after you have opened it ({frozen_now}, 2020-01-01 00:00:00). "
        "Please refresh to get the latest document.",
    )


def test_put_unknown_document_is_404(admin_client, todo, v1_url):
    response = admin_client.put(v1_url("ToDo", "nope"), {"description": "x"}, format="json")

    assert response.status_code == 404
    assert decoded(response) == error("DoesNotExistError", "ToDo nope not found")


# -- delete ------------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", [None, "application/json"])
def test_delete_answers_202_ok_and_removes_child_rows(admin_client, task_doctype, v1_url, content_type):
    admin_client.post(v1_url("Task"), {"name": "T-1", "items": [{"item": "a"}]}, format="json")

    response = admin_client.delete(v1_url("Task", "T-1"), content_type=content_type)

    assert response.status_code == 202
    assert response.json() == {"data": "ok"}
    assert not Document.objects.filter(doctype_id__in=["Task", "Task Item"]).exists()
    assert admin_client.get(v1_url("Task", "T-1")).status_code == 404


def test_delete_unknown_document_is_bare_404(admin_client, todo, v1_url):
    response = admin_client.delete(v1_url("ToDo", "nope"))

    assert response.status_code == 404
    assert response.json() == {"exc_type": "DoesNotExistError"}


# -- document methods --------------------------------------------------------------------------


def test_post_run_method_submit_then_cancel(admin_client, invoice, v1_url, frozen_now):
    admin_client.post(v1_url("Invoice"), {"name": "INV-1", "customer": "Acme"}, format="json")

    submitted = admin_client.post(v1_url("Invoice", "INV-1"), {"run_method": "submit"}, format="json")
    cancelled = admin_client.post(v1_url("Invoice", "INV-1"), "run_method=cancel",
                                  content_type="application/x-www-form-urlencoded")

    assert submitted.status_code == 200
    assert submitted.json() == {"data": {**standard("INV-1", frozen_now, customer="Acme", doctype="Invoice"),
                                         "docstatus": 1}}
    assert cancelled.status_code == 200
    assert cancelled.json() == {"data": {**standard("INV-1", frozen_now, customer="Acme", doctype="Invoice"),
                                         "docstatus": 2}}
    assert admin_client.get(v1_url("Invoice", "INV-1")).json()["data"]["docstatus"] == 2


def test_get_with_run_method_runs_the_method(admin_client, invoice, v1_url, frozen_now):
    admin_client.post(v1_url("Invoice"), {"name": "INV-1", "customer": "Acme"}, format="json")

    response = admin_client.get(v1_url("Invoice", "INV-1"), {"run_method": "submit"})

    assert response.status_code == 200
    assert response.json() == {"data": {**standard("INV-1", frozen_now, customer="Acme", doctype="Invoice"),
                                        "docstatus": 1}}


def test_run_method_unknown_method_is_404(admin_client, invoice, v1_url):
    admin_client.post(v1_url("Invoice"), {"name": "INV-1", "customer": "Acme"}, format="json")

    response = admin_client.post(v1_url("Invoice", "INV-1"), {"run_method": "explode"}, format="json")

    assert response.status_code == 404
    assert decoded(response) == error("DoesNotExistError", "Method explode not found on Invoice")


def test_run_method_on_unknown_document_is_404(admin_client, invoice, v1_url):
    response = admin_client.post(v1_url("Invoice", "nope"), {"run_method": "submit"}, format="json")

    assert response.status_code == 404
    assert decoded(response) == error("DoesNotExistError", "Invoice nope not found")


def test_post_to_document_without_run_method_is_417(admin_client, invoice, v1_url):
    admin_client.post(v1_url("Invoice"), {"name": "INV-1", "customer": "Acme"}, format="json")

    response = admin_client.post(v1_url("Invoice", "INV-1"), {"customer": "x"}, format="json")

    assert response.status_code == 417
    assert decoded(response) == error("ValidationError", "run_method is required")


def test_submit_on_non_submittable_doctype_is_refused(admin_client, admin_user, todo, v1_url):
    doc = document.insert_doc("ToDo", {"description": "x"}, user=admin_user)

    response = admin_client.post(v1_url("ToDo", doc["name"]), {"run_method": "submit"}, format="json")

    assert response.status_code == 417
    assert decoded(response) == error(
        "DocstatusTransitionError", "Cannot change docstatus from 0 (Draft) to 1 (Submitted)"
    )
