"""``/api/resource/DocType``: DocTypes created, read, changed and removed over REST, usable at once."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from django_frappe_api.backends import indexes
from django_frappe_api.models import DocType, Document
from tests.factories import UserFactory
from tests.helpers import decoded, error, thrown

pytestmark = pytest.mark.django_db

ADMIN = "Administrator"
NOTE = {
    "name": "Note",
    "module": "Custom",
    "autoname": "Prompt",
    "fields": [{"fieldname": "title", "label": "Title", "fieldtype": "Data", "reqd": 1}],
    "permissions": [{"role": "System Manager"}],
}


def expected_note(now: str) -> dict:
    """``GET /api/resource/DocType/Note`` after posting ``NOTE``: Frappe's DocType document shape."""
    audit = {"owner": ADMIN, "creation": now, "modified": now, "modified_by": ADMIN, "docstatus": 0,
             "parent": "Note", "parenttype": "DocType"}
    return {
        "name": "Note", "owner": ADMIN, "creation": now, "modified": now, "modified_by": ADMIN, "docstatus": 0,
        "idx": 0, "module": "Custom", "custom": 1, "istable": 0, "issingle": 0, "is_submittable": 0, "is_tree": 0,
        "editable_grid": 0, "quick_entry": 0, "track_changes": 0, "track_seen": 0, "allow_rename": 1,
        "allow_import": 0, "allow_copy": 0, "read_only": 0, "in_create": 0, "show_title_field_in_link": 0,
        "autoname": "Prompt", "naming_rule": "", "title_field": "", "search_fields": "", "sort_field": "modified",
        "sort_order": "DESC", "image_field": "", "document_type": "", "icon": "", "description": "",
        "max_attachments": 0,
        "fields": [{
            "name": "Note-field-1", **audit, "idx": 1, "fieldname": "title", "label": "Title", "fieldtype": "Data",
            "options": "", "default": "", "description": "", "reqd": 1, "unique": 0, "read_only": 0, "hidden": 0,
            "bold": 0, "in_list_view": 0, "in_standard_filter": 0, "in_global_search": 0, "search_index": 0,
            "no_copy": 0, "allow_on_submit": 0, "set_only_once": 0, "non_negative": 0,
            "ignore_user_permissions": 0, "print_hide": 0, "report_hide": 0, "permlevel": 0, "length": 0,
            "precision": "", "fetch_from": "", "depends_on": "", "mandatory_depends_on": "",
            "read_only_depends_on": "", "parentfield": "fields", "doctype": "DocField",
        }],
        "permissions": [{
            "name": "Note-perm-1", **audit, "idx": 1, "role": "System Manager", "permlevel": 0, "if_owner": 0,
            "select": 0, "read": 1, "write": 1, "create": 1, "delete": 1, "submit": 0, "cancel": 0, "amend": 0,
            "report": 1, "export": 1, "import": 0, "share": 1, "print": 1, "email": 1, "parentfield": "permissions",
            "doctype": "DocPerm",
        }],
        "actions": [], "links": [], "states": [], "doctype": "DocType",
        "__onload": {"indexed_fields": []},
    }


def test_create_doctype_returns_the_definition(admin_client, v1_url, frozen_now):
    response = admin_client.post(v1_url("DocType"), NOTE, format="json")

    assert response.status_code == 200
    assert response.json() == {"data": expected_note(frozen_now)}


def test_created_doctype_is_usable_at_once(admin_client, v1_url, frozen_now):
    admin_client.post(v1_url("DocType"), NOTE, format="json")

    created = admin_client.post(v1_url("Note"), {"name": "First note", "title": "Hello"}, format="json")
    listed = admin_client.get(v1_url("Note"), {"fields": '["name", "title"]', "filters": '{"title": "Hello"}'})
    read = admin_client.get(v1_url("Note", "First note"))

    assert created.status_code == 200
    assert read.json() == {"data": {"name": "First note", "owner": ADMIN, "creation": frozen_now,
                                    "modified": frozen_now, "modified_by": ADMIN, "docstatus": 0, "idx": 0,
                                    "title": "Hello", "doctype": "Note"}}
    assert listed.json() == {"data": [{"name": "First note", "title": "Hello"}]}


def test_create_doctype_with_form_data_field(admin_client, v1_url, frozen_now):
    response = admin_client.post(v1_url("DocType"), {"data": json.dumps(NOTE)})

    assert response.status_code == 200
    assert response.json() == {"data": expected_note(frozen_now)}


def test_doctypes_with_child_table_over_rest(admin_client, v1_url):
    child = {"name": "Note Line", "istable": 1, "fields": [{"fieldname": "text", "fieldtype": "Data"}]}
    parent = {"name": "Memo", "autoname": "Prompt", "permissions": [{"role": "System Manager"}],
              "fields": [{"fieldname": "lines", "fieldtype": "Table", "options": "Note Line"}]}
    assert admin_client.post(v1_url("DocType"), child, format="json").status_code == 200
    assert admin_client.post(v1_url("DocType"), parent, format="json").status_code == 200

    created = admin_client.post(v1_url("Memo"), {"name": "M", "lines": [{"text": "a"}, {"text": "b"}]},
                                format="json")
    listed = admin_client.get(v1_url("Memo"), {"fields": '["name", "lines.text"]', "order_by": "lines.idx asc"})

    assert created.status_code == 200
    assert [(row["text"], row["idx"], row["parent"], row["parenttype"], row["parentfield"], row["doctype"])
            for row in created.json()["data"]["lines"]] == [("a", 1, "M", "Memo", "lines", "Note Line"),
                                                            ("b", 2, "M", "Memo", "lines", "Note Line")]
    assert listed.json() == {"data": [{"name": "M", "text": "a"}, {"name": "M", "text": "b"}]}


def test_read_doctype(admin_client, v1_url, frozen_now):
    admin_client.post(v1_url("DocType"), NOTE, format="json")

    response = admin_client.get(v1_url("DocType", "Note"))

    assert response.status_code == 200
    assert response.json() == {"data": expected_note(frozen_now)}


@pytest.mark.skipif(connection.vendor not in ("postgresql", "sqlite"),
                    reason="MariaDB/MySQL build them after the commit: tests/test_mysql_columns.py")
def test_doctype_answer_names_the_fields_the_database_indexes(admin_client, v1_url, frozen_now):
    fields = [{"fieldname": "status", "fieldtype": "Select", "options": "Open\nClosed", "search_index": 1},
              {"fieldname": "title", "fieldtype": "Data"}]
    created = admin_client.post(v1_url("DocType"), {**NOTE, "fields": fields}, format="json")
    read = admin_client.get(v1_url("DocType", "Note"))
    changed = admin_client.put(v1_url("DocType", "Note"), {"fields": [{**fields[0], "search_index": 0},
                                                                       {**fields[1], "unique": 1}]}, format="json")
    dropped = admin_client.put(v1_url("DocType", "Note"), {"fields": [fields[1]]}, format="json")

    assert created.json()["data"]["__onload"] == {"indexed_fields": ["status"]}
    assert read.json()["data"]["__onload"] == {"indexed_fields": ["status"]}
    assert changed.json()["data"]["__onload"] == {"indexed_fields": ["title"]}
    assert dropped.json()["data"]["__onload"] == {"indexed_fields": []}
    assert indexes.indexed_fieldnames("Note") == []
    assert indexes.indexed_fieldnames("Nope") == []


def test_read_unknown_doctype_is_404(admin_client, db, v1_url):
    response = admin_client.get(v1_url("DocType", "Nope"))

    assert response.status_code == 404
    assert decoded(response) == error("DoesNotExistError", "DocType Nope not found")


def test_list_doctypes(admin_client, v1_url, frozen_now):
    admin_client.post(v1_url("DocType"), NOTE, format="json")
    admin_client.post(v1_url("DocType"), {"name": "Line", "istable": 1, "fields": []}, format="json")

    response = admin_client.get(v1_url("DocType"), {"fields": '["name", "istable", "autoname", "creation"]',
                                                    "filters": '[["name", "in", ["Note", "Line"]]]',
                                                    "order_by": "name asc"})
    star = admin_client.get(v1_url("DocType"), {"fields": "*", "filters": '{"name": "Note"}', "as_dict": "false",
                                                "limit": "1"})

    assert response.json() == {"data": [
        {"name": "Line", "istable": 1, "autoname": "", "creation": frozen_now},
        {"name": "Note", "istable": 0, "autoname": "Prompt", "creation": frozen_now},
    ]}
    either = admin_client.get(v1_url("DocType"), {"or_filters": '{"name": "Note", "istable": 1}',
                                                  "filters": '[["custom", "=", 1]]', "order_by": "name desc"})

    assert star.status_code == 200
    assert star.json()["data"][0][0] == "Note"
    assert either.json() == {"data": [{"name": "Note"}, {"name": "Line"}]}


@pytest.mark.parametrize(("params", "exc_type", "message"), [
    ({"fields": '["nope"]'}, "DataError", "Field not permitted in query: nope"),
    ({"filters": '{"nope": 1}'}, "DataError", "Field not permitted in query: nope"),
    ({"order_by": "name; drop table x"}, "DataError", "Field not permitted in query: name; drop table x"),
    ({"filters": '[["name", "~", 1]]'}, "ValidationError",
     "Operator must be one of =, !=, >, <, >=, <=, like, not like, in, not in, is, between, timespan, previous, "
     "next, ancestors of, descendants of, not ancestors of, not descendants of, descendants of (inclusive)"),
])
def test_list_doctypes_rejects_bad_queries(admin_client, db, v1_url, params, exc_type, message):
    response = admin_client.get(v1_url("DocType"), params)

    assert response.status_code == 417
    assert decoded(response) == error(exc_type, message)


def test_update_doctype_adds_a_field_usable_at_once(admin_client, v1_url):
    admin_client.post(v1_url("DocType"), NOTE, format="json")
    admin_client.post(v1_url("Note"), {"name": "n1", "title": "x"}, format="json")

    response = admin_client.put(v1_url("DocType", "Note"), {"fields": [
        {"fieldname": "title", "label": "Title", "fieldtype": "Data", "reqd": 1},
        {"fieldname": "rating", "label": "Rating", "fieldtype": "Int"},
    ]}, format="json")
    updated = admin_client.put(v1_url("Note", "n1"), {"rating": "4"}, format="json")
    listed = admin_client.get(v1_url("Note"), {"fields": '["name", "rating"]', "filters": '[["rating", ">", 3]]'})

    assert response.status_code == 200
    assert [f["fieldname"] for f in response.json()["data"]["fields"]] == ["title", "rating"]
    assert updated.json()["data"]["rating"] == 4
    assert listed.json() == {"data": [{"name": "n1", "rating": 4}]}


def test_update_doctype_keeps_properties_not_sent(admin_client, v1_url):
    admin_client.post(v1_url("DocType"), NOTE, format="json")

    response = admin_client.put(v1_url("DocType", "Note"), "description=Short+notes",
                                content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["description"], data["autoname"], [f["fieldname"] for f in data["fields"]]) == (
        "Short notes", "Prompt", ["title"])


def test_delete_doctype_is_refused_while_documents_exist(admin_client, v1_url):
    admin_client.post(v1_url("DocType"), NOTE, format="json")
    admin_client.post(v1_url("Note"), {"name": "n1", "title": "x"}, format="json")

    refused = admin_client.delete(v1_url("DocType", "Note"))

    assert refused.status_code == 417
    assert decoded(refused) == error("LinkExistsError",
                                     "Cannot delete DocType Note: documents of it exist. Delete them first.")
    assert DocType.objects.filter(name="Note").exists()

    assert admin_client.delete(v1_url("Note", "n1")).status_code == 202
    deleted = admin_client.delete(v1_url("DocType", "Note"))

    assert (deleted.status_code, deleted.json()) == (202, {"data": "ok"})
    assert decoded(admin_client.get(v1_url("Note"))) == error("DoesNotExistError", "DocType Note not found")
    assert not Document.objects.filter(doctype_id="Note").exists()


def test_delete_child_doctype_used_by_a_table_is_refused(admin_client, v1_url):
    admin_client.post(v1_url("DocType"), {"name": "Line", "istable": 1, "fields": []}, format="json")
    admin_client.post(v1_url("DocType"), {"name": "Sheet", "fields": [
        {"fieldname": "lines", "fieldtype": "Table", "options": "Line"}]}, format="json")

    response = admin_client.delete(v1_url("DocType", "Line"))

    assert response.status_code == 417
    assert decoded(response) == error("LinkExistsError",
                                      "Cannot delete DocType Line because it is linked with DocType Sheet")


def test_create_existing_doctype_is_409(admin_client, v1_url):
    admin_client.post(v1_url("DocType"), NOTE, format="json")

    response = admin_client.post(v1_url("DocType"), NOTE, format="json")

    assert response.status_code == 409
    assert decoded(response) == {"exc_type": "DuplicateEntryError", "_server_messages": [
        {**thrown("DocType <strong>Note</strong> already exists"), "title": "Duplicate Name"}]}


@pytest.mark.parametrize(("definition", "message"), [
    ({"name": "1bad"}, "DocType name '1bad' is invalid: use letters, numbers, spaces, '-' or '_', starting with a "
                       "letter (at most 140 characters)"),
    ({"name": "Thing", "fields": [{"fieldname": "a b", "fieldtype": "Data"}]},
     "Fieldname a b can only have letters, numbers and underscores (row 1)"),
    ({"name": "Thing", "fields": [{"fieldname": "x", "fieldtype": "Bogus"}]}, "Fieldtype Bogus in row 1 is not valid"),
    ({"name": "Thing", "fields": [{"fieldname": "x", "fieldtype": "Link", "options": "Nope"}]},
     "Options must be a valid DocType for field x in row 1"),
    ({"name": "Thing", "fields": "x"}, "fields must be a list of objects"),
])
def test_invalid_definition_is_417_and_creates_nothing(admin_client, db, v1_url, definition, message):
    response = admin_client.post(v1_url("DocType"), definition, format="json")

    assert response.status_code == 417
    assert decoded(response) == error("ValidationError", message)
    assert not DocType.objects.filter(name="Thing").exists()


def test_non_system_manager_cannot_change_doctypes(user_client, admin_client, v1_url):
    admin_client.post(v1_url("DocType"), NOTE, format="json")

    created = user_client.post(v1_url("DocType"), {**NOTE, "name": "Other"}, format="json")
    updated = user_client.put(v1_url("DocType", "Note"), {"description": "x"}, format="json")
    deleted = user_client.delete(v1_url("DocType", "Note"))
    read = user_client.get(v1_url("DocType", "Note"))

    for response, right in ((created, "create"), (updated, "write"), (deleted, "delete")):
        assert response.status_code == 403
        assert decoded(response) == {
            "exc_type": "PermissionError",
            "_server_messages": [thrown(f"No permission for DocType (<strong>{right}</strong>)")],
            "_error_message": "No permission for DocType",
        }
    assert read.status_code == 200
    assert not DocType.objects.filter(name="Other").exists()


def test_guest_cannot_read_doctypes(guest_client, db, v1_url):
    response = guest_client.get(v1_url("DocType"))

    assert response.status_code == 403
    assert decoded(response)["exc_type"] == "PermissionError"


def test_system_manager_group_may_create_doctypes(db, v1_url):
    from rest_framework.test import APIClient

    manager = UserFactory(username="manager@example.com", roles=["System Manager"])
    client = APIClient()
    client.force_login(manager)

    response = client.post(v1_url("DocType"), {**NOTE, "name": "Managed"}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["owner"] == "manager@example.com"
