"""The audit trail over HTTP: a ``Version`` per change of a DocType with ``track_changes``, and comments."""

from __future__ import annotations

import json

import pytest

from django_frappe_api.models import Document
from tests.factories import make_doctype

pytestmark = pytest.mark.django_db



@pytest.fixture
def contract(admin_client, api_url, db):
    make_doctype("Contract Line", [{"fieldname": "item", "label": "Item", "fieldtype": "Data"},
                                   {"fieldname": "qty", "label": "Qty", "fieldtype": "Int"}], istable=1)
    make_doctype("Contract", [
        {"fieldname": "status", "label": "Status", "fieldtype": "Select", "options": "Draft\nSigned",
         "allow_on_submit": 1},
        {"fieldname": "amount", "label": "Amount", "fieldtype": "Currency"},
        {"fieldname": "pin", "label": "PIN", "fieldtype": "Password"},
        {"fieldname": "lines", "label": "Lines", "fieldtype": "Table", "options": "Contract Line"},
    ], autoname="Prompt", track_changes=1, is_submittable=1)
    response = admin_client.post(api_url("Contract"), {"name": "C1", "lines": [{"item": "a", "qty": 1}]},
                                 format="json")
    assert response.status_code == 200
    return response.json()["data"]


def versions(client, api_url, docname: str = "C1") -> list[dict]:
    response = client.get(api_url("Version"), {
        "filters": json.dumps([["ref_doctype", "=", "Contract"], ["docname", "=", docname]]),
        "fields": '["name", "owner", "creation", "ref_doctype", "docname", "data"]',
        "order_by": "creation asc",
    })
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def diff(version: dict) -> dict:
    return json.loads(version["data"])


def test_insert_records_no_version(admin_client, contract, api_url):
    assert versions(admin_client, api_url) == []


def test_an_update_records_who_changed_which_field_from_what_to_what(admin_client, contract, api_url,
                                                                   frozen_now):
    admin_client.put(api_url("Contract", "C1"), {"status": "Signed", "amount": 100}, format="json")

    [version] = versions(admin_client, api_url)
    assert {key: version[key] for key in ("owner", "creation", "ref_doctype", "docname")} == {
        "owner": "Administrator", "creation": frozen_now, "ref_doctype": "Contract", "docname": "C1"}
    assert diff(version) == {"changed": [["status", "Draft", "Signed"], ["amount", 0.0, 100.0]], "added": [],
                             "removed": [], "row_changed": [], "data_import": None, "updater_reference": None}


def test_child_rows_added_removed_and_changed(admin_client, contract, api_url):
    [line] = contract["lines"]

    admin_client.put(api_url("Contract", "C1"), {"lines": [{**line, "qty": 5}, {"item": "b"}]}, format="json")
    admin_client.put(api_url("Contract", "C1"), {"lines": []}, format="json")

    first, second = (diff(v) for v in versions(admin_client, api_url))
    assert first["row_changed"] == [["lines", 0, line["name"], [["qty", 1, 5]]]]
    assert [(table, row["item"], row["idx"]) for table, row in first["added"]] == [("lines", "b", 2)]
    assert sorted((table, row["item"]) for table, row in second["removed"]) == [("lines", "a"), ("lines", "b")]
    assert (first["changed"], second["changed"]) == ([], [])


def test_saves_without_changes_and_password_changes_record_nothing(admin_client, contract, api_url):
    admin_client.put(api_url("Contract", "C1"), {"status": "Draft"}, format="json")
    admin_client.put(api_url("Contract", "C1"), {"pin": "1234"}, format="json")

    assert versions(admin_client, api_url) == []


def test_submit_and_cancel_record_the_docstatus(admin_client, contract, api_url):
    admin_client.put(api_url("Contract", "C1"), {"docstatus": 1}, format="json")
    admin_client.put(api_url("Contract", "C1"), {"docstatus": 2}, format="json")

    assert [diff(v)["changed"] for v in versions(admin_client, api_url)] == [
        [["docstatus", 0, 1]], [["docstatus", 1, 2]]]


def test_doctypes_without_track_changes_record_nothing(admin_client, admin_user, todo, api_url):
    name = admin_client.post(api_url("ToDo"), {"description": "x"}, format="json").json()["data"]["name"]

    admin_client.put(api_url("ToDo", name), {"description": "y"}, format="json")

    assert not Document.objects.filter(doctype_id="Version").exists()


def test_versions_are_for_system_managers_only(user_client, contract, admin_client, api_url):
    admin_client.put(api_url("Contract", "C1"), {"status": "Signed"}, format="json")

    assert user_client.get(api_url("Version")).status_code == 403


def test_versions_follow_a_rename(admin_client, contract, api_url):
    admin_client.put(api_url("Contract", "C1"), {"amount": 5}, format="json")

    renamed = admin_client.post("/api/method/frappe.client.rename_doc",
                                {"doctype": "Contract", "old_name": "C1", "new_name": "C2"}, format="json")

    assert renamed.json() == {"message": "C2"}
    assert [v["docname"] for v in versions(admin_client, api_url, "C2")] == ["C2"]


# -- comments -------------------------------------------------------------------------------------


def test_comments_are_added_through_the_document_and_listed_over_rest(admin_client, contract, api_url,
                                                                      api_version):
    if api_version == "v1":
        added = admin_client.post(api_url("Contract", "C1"), {"run_method": "add_comment", "text": "Looks good"},
                                  format="json")
    else:
        added = admin_client.post(api_url("Contract", "C1", "/method/add_comment"), {"text": "Looks good"},
                                  format="json")
    listed = admin_client.get(api_url("Comment"), {
        "filters": json.dumps({"reference_doctype": "Contract", "reference_name": "C1"}),
        "fields": '["comment_type", "comment_email", "content", "owner"]',
    })

    assert added.status_code == 200
    assert (added.json()["data"]["content"], added.json()["data"]["doctype"]) == ("Looks good", "Comment")
    assert listed.json()["data"] == [{"comment_type": "Comment", "comment_email": "Administrator",
                                      "content": "Looks good", "owner": "Administrator"}]
