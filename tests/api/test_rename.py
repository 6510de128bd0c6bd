"""Renaming documents over HTTP (§9.12): ``frappe.client.rename_doc`` and the ``rename`` document method."""

from __future__ import annotations

import pytest

from django_frappe_api import document
from django_frappe_api.models import Document
from tests.factories import make_doctype
from tests.helpers import failure

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(admin_user, db):
    make_doctype("Project Member", [{"fieldname": "member", "label": "Member", "fieldtype": "Data"}], istable=1)
    make_doctype("Project", [
        {"fieldname": "title", "label": "Title", "fieldtype": "Data"},
        {"fieldname": "members", "label": "Members", "fieldtype": "Table", "options": "Project Member"},
    ], autoname="Prompt", allow_rename=1)
    make_doctype("Timesheet Row", [{"fieldname": "project", "label": "Project", "fieldtype": "Link",
                                    "options": "Project"}], istable=1)
    make_doctype("Timesheet", [
        {"fieldname": "project", "label": "Project", "fieldtype": "Link", "options": "Project"},
        {"fieldname": "ref_type", "label": "Reference Type", "fieldtype": "Data"},
        {"fieldname": "ref_name", "label": "Reference Name", "fieldtype": "Dynamic Link", "options": "ref_type"},
        {"fieldname": "rows", "label": "Rows", "fieldtype": "Table", "options": "Timesheet Row"},
    ], autoname="Prompt")
    for name in ("Apollo", "Gemini"):
        document.insert_doc("Project", {"name": name, "title": name, "members": [{"member": "amy"}]}, user=admin_user)
    document.insert_doc("Timesheet", {"name": "TS1", "project": "Apollo", "ref_type": "Project",
                                      "ref_name": "Apollo", "rows": [{"project": "Apollo"}]}, user=admin_user)


def rename(client, api_version, old, new, merge=None):
    prefix = "/api" if api_version == "v1" else "/api/v2"
    payload = {"doctype": "Project", "old_name": old, "new_name": new}
    if merge is not None:
        payload["merge"] = merge
    return client.post(f"{prefix}/method/frappe.client.rename_doc", payload, format="json")


def result(response, api_version):
    return response.json()["message" if api_version == "v1" else "data"]


def test_rename_returns_the_new_name_and_moves_the_document(admin_client, projects, api_url, api_version):
    response = rename(admin_client, api_version, "Apollo", "Artemis")

    assert (response.status_code, result(response, api_version)) == (200, "Artemis")
    assert admin_client.get(api_url("Project", "Apollo")).status_code == 404
    moved = admin_client.get(api_url("Project", "Artemis")).json()["data"]
    assert (moved["title"], [(m["member"], m["parent"]) for m in moved["members"]]) == ("Apollo",
                                                                                        [("amy", "Artemis")])


def test_rename_updates_links_dynamic_links_and_child_row_links(admin_client, projects, api_url, api_version):
    rename(admin_client, api_version, "Apollo", "Artemis")

    sheet = admin_client.get(api_url("Timesheet", "TS1")).json()["data"]
    assert (sheet["project"], sheet["ref_name"], sheet["rows"][0]["project"]) == ("Artemis", "Artemis", "Artemis")


def test_rename_as_a_document_method(admin_client, projects, api_url, api_version):
    if api_version == "v1":
        response = admin_client.post(api_url("Project", "Apollo"), {"run_method": "rename", "name": "Artemis"},
                                     format="json")
    else:
        response = admin_client.post(api_url("Project", "Apollo", "/method/rename"), {"name": "Artemis"},
                                     format="json")

    body = response.json()
    assert (response.status_code, "data" in body) == (200, False)  # the method returns None
    if api_version == "v2":  # v2 also sends the document as it is after the call
        assert [doc["name"] for doc in body.pop("docs")] == ["Artemis"]
    assert body == {}
    assert admin_client.get(api_url("Project", "Artemis")).status_code == 200


def test_merge_folds_the_document_into_the_target(admin_client, projects, api_url, api_version):
    response = rename(admin_client, api_version, "Apollo", "Gemini", merge=1)

    assert result(response, api_version) == "Gemini"
    assert list(Document.objects.filter(doctype_id="Project").values_list("name", flat=True)) == ["Gemini"]
    assert admin_client.get(api_url("Timesheet", "TS1")).json()["data"]["project"] == "Gemini"


@pytest.mark.parametrize(("old", "new", "merge", "message"), [
    ("Nope", "X", None, "Can't rename Nope to X because Nope doesn't exist."),
    ("Apollo", "Apollo", None, "No changes made because old and new name are the same."),
    ("Apollo", "Gemini", None, "Another Project with name Gemini exists, select another name"),
    ("Apollo", "Vostok", 1, "Project Vostok does not exist, select a new target to merge"),
])
def test_rename_refusals(admin_client, projects, api_version, old, new, merge, message):
    response = rename(admin_client, api_version, old, new, merge)

    assert failure(response) == (417, "ValidationError", [message])
    assert sorted(Document.objects.filter(doctype_id="Project").values_list("name", flat=True)) == ["Apollo",
                                                                                                 "Gemini"]


def test_rename_to_an_invalid_name_is_a_name_error(admin_client, projects, api_version):
    response = rename(admin_client, api_version, "Apollo", "a<b>")

    assert failure(response) == (409, "NameError", ["Name cannot contain special characters like '<', '>'"])


def test_doctype_without_allow_rename_refuses(admin_client, projects, api_version):
    make_doctype("Project", [{"fieldname": "title", "label": "Title", "fieldtype": "Data"}], autoname="Prompt",
                 allow_rename=0)

    response = rename(admin_client, api_version, "Apollo", "Artemis")

    assert failure(response) == (417, "ValidationError", ["Project not allowed to be renamed"])


def test_rename_needs_write_permission(user_client, projects, api_version):
    make_doctype("Project", [{"fieldname": "title", "label": "Title", "fieldtype": "Data"}], autoname="Prompt",
                 allow_rename=1, permissions=[{"role": "All", "read": 1, "write": 0, "create": 0, "delete": 0}])

    response = rename(user_client, api_version, "Apollo", "Artemis")

    assert failure(response) == (417, "ValidationError", ["You need write permission to rename"])
    assert Document.objects.filter(doctype_id="Project", name="Apollo").exists()


def test_field_named_doctype_keeps_the_field_in_step(admin_client, admin_user, api_url, api_version, db):
    make_doctype("Country", [{"fieldname": "country_name", "label": "Country Name", "fieldtype": "Data"}],
                 autoname="field:country_name", allow_rename=1)
    document.insert_doc("Country", {"country_name": "Burma"}, user=admin_user)

    prefix = "/api" if api_version == "v1" else "/api/v2"
    admin_client.post(f"{prefix}/method/frappe.client.rename_doc",
                      {"doctype": "Country", "old_name": "Burma", "new_name": "Myanmar"}, format="json")

    assert admin_client.get(api_url("Country", "Myanmar")).json()["data"]["country_name"] == "Myanmar"
