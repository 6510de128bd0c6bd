"""The Django admin: DocTypes with their fields and permissions, documents edited through the document layer.

Usage::

    pytest tests/admin/test_admin.py
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from django_frappe_api.backends import indexes
from django_frappe_api.meta import Meta, get_meta
from django_frappe_api.models import DocType, Document


@pytest.fixture
def staff_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def doctype_form(name: str, fields: list[dict[str, Any]], perms: list[dict[str, Any]]) -> dict[str, Any]:
    """POST data of the DocType add form with its two inlines, as the browser sends it."""
    data: dict[str, Any] = {
        "name": name, "module": "Custom", "custom": "on", "sort_field": "modified", "sort_order": "DESC",
        "max_attachments": "0", "properties": "{}", "autoname": "", "title_field": "", "search_fields": "",
    }
    for prefix, rows in (("fields", fields), ("permissions", perms)):
        data.update({f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def field_row(idx: int, fieldname: str, fieldtype: str, **extra: Any) -> dict[str, Any]:
    return {"idx": str(idx), "fieldname": fieldname, "label": fieldname.title(), "fieldtype": fieldtype,
            "options": "", "default": "", "permlevel": "0", **extra}


def perm_row(idx: int, role: str) -> dict[str, Any]:
    return {"idx": str(idx), "role": role, "permlevel": "0", "read": "on", "write": "on", "create": "on",
            "delete_right": "on"}


# -- DocType ------------------------------------------------------------------------------------------


def test_doctype_changelist_lists_doctypes(staff_client, todo):
    response = staff_client.get(reverse("admin:django_frappe_api_doctype_changelist"))

    assert response.status_code == 200
    assert "ToDo" in response.text


def test_doctype_change_form_shows_fields_and_permissions_in_order(staff_client, todo):
    response = staff_client.get(reverse("admin:django_frappe_api_doctype_change", args=["ToDo"]))

    assert response.status_code == 200
    fields_formset, perms_formset = response.context["inline_admin_formsets"]
    assert [form.instance.fieldname for form in fields_formset.formset.forms] == [
        "status", "priority", "date", "allocated_to", "description", "reference_type", "reference_name",
    ]
    assert [form.instance.role for form in perms_formset.formset.forms] == ["All", "System Manager"]


def test_doctype_add_saves_a_valid_definition(staff_client, admin_user, db):
    data = doctype_form(
        "Gadget",
        [field_row(1, "title", "Data", reqd="on"), field_row(2, "kind", "Select", options="Big\nSmall")],
        [perm_row(1, "System Manager")],
    )

    response = staff_client.post(reverse("admin:django_frappe_api_doctype_add"), data)

    assert response.status_code == 302
    meta = get_meta("Gadget")
    assert [(f.fieldname, f.fieldtype, f.reqd) for f in meta.fields] == [("title", "Data", True),
                                                                         ("kind", "Select", False)]
    assert meta.get_field("kind").select_options == ["Big", "Small"]
    assert [rule.role for rule in meta.permissions] == ["System Manager"]
    assert DocType.objects.get(name="Gadget").owner == admin_user.username


def test_doctype_add_refuses_invalid_definition_showing_why_and_saving_nothing(staff_client, db):
    data = doctype_form("Gadget", [field_row(1, "kind", "Link", options="Nowhere")], [perm_row(1, "System Manager")])

    response = staff_client.post(reverse("admin:django_frappe_api_doctype_add"), data, follow=True)

    assert response.status_code == 200
    assert "Options must be a valid DocType for field Kind in row 1" in response.text
    assert not DocType.objects.filter(name="Gadget").exists()


def resubmitted_todo_form(*extra_rows: dict[str, Any]) -> dict[str, Any]:
    """The ToDo change form as stored, with rows appended to the fields inline."""
    stored = list(DocType.objects.get(name="ToDo").fields.all())
    rows = [{**field_row(f.idx, f.fieldname, f.fieldtype, options=f.options, default=f.default),
             "id": str(f.pk), "doctype": "ToDo"} for f in stored]
    data = doctype_form("ToDo", [*rows, *extra_rows], [])
    data["fields-INITIAL_FORMS"] = str(len(rows))
    return data


def test_doctype_change_adds_a_field_and_refreshes_the_meta(staff_client, todo, django_capture_on_commit_callbacks):
    get_meta("ToDo")  # cached before the change
    change_url = reverse("admin:django_frappe_api_doctype_change", args=["ToDo"])

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url, resubmitted_todo_form(field_row(8, "color", "Color")))

    assert response.status_code == 302
    assert get_meta("ToDo").get_field("color").fieldtype == "Color"


def test_doctype_change_bumps_modified(staff_client, todo):
    before = DocType.objects.get(name="ToDo").modified
    change_url = reverse("admin:django_frappe_api_doctype_change", args=["ToDo"])

    staff_client.post(change_url, resubmitted_todo_form(field_row(8, "color", "Color")))

    assert DocType.objects.get(name="ToDo").modified > before


def test_doctype_change_refuses_invalid_definition_and_keeps_the_saved_one(staff_client, todo):
    # A new row reusing the fieldname "status".
    data = resubmitted_todo_form(field_row(8, "status", "Data"))
    change_url = reverse("admin:django_frappe_api_doctype_change", args=["ToDo"])

    response = staff_client.post(change_url, data, follow=True)

    assert response.status_code == 200
    assert "Fieldname status appears multiple times in rows 1, 8" in response.text
    assert list(DocType.objects.get(name="ToDo").fields.values_list("fieldname", flat=True)) == [
        "status", "priority", "date", "allocated_to", "description", "reference_type", "reference_name",
    ]


# -- Document -----------------------------------------------------------------------------------------


@pytest.fixture
def stored_todo(todo: Meta) -> Document:
    return Document.objects.create(
        doctype_id="ToDo", name="td-0001", owner="Administrator", modified_by="Administrator",
        data={"status": "Open", "priority": "High", "description": "Call the printer"},
    )


def test_document_changelist_lists_documents_without_child_rows(staff_client, stored_todo):
    Document.objects.create(doctype_id="ToDo", name="row-0001", parent="td-0001", parenttype="ToDo",
                            parentfield="items", parent_document=stored_todo, data={"description": "child"})

    response = staff_client.get(reverse("admin:django_frappe_api_document_changelist"), {"doctype__exact": "ToDo"})

    assert response.status_code == 200
    assert "td-0001" in response.text
    assert "row-0001" not in response.text


def test_document_change_form_shows_data_as_indented_json(staff_client, stored_todo):
    response = staff_client.get(reverse("admin:django_frappe_api_document_change", args=[stored_todo.pk]))

    assert response.status_code == 200
    textarea = response.context["adminform"].form["data"].value()
    assert json.loads(textarea) == {"status": "Open", "priority": "High", "description": "Call the printer"}
    assert '\n  "description": "Call the printer"' in textarea


def test_document_add_form_renders(staff_client, todo):
    response = staff_client.get(reverse("admin:django_frappe_api_document_add"))

    assert response.status_code == 200


def test_document_change_saves_through_the_document_layer(staff_client, admin_user, stored_todo):
    pytest.importorskip("django_frappe_api.document")
    change_url = reverse("admin:django_frappe_api_document_change", args=[stored_todo.pk])

    response = staff_client.post(change_url, {"data": json.dumps({"status": "Closed",
                                                                   "description": "Printer called"})})

    assert response.status_code == 302
    stored_todo.refresh_from_db()
    assert stored_todo.data["status"] == "Closed"
    assert stored_todo.data["description"] == "Printer called"
    assert stored_todo.modified_by == admin_user.username


def test_document_change_refused_by_the_document_layer_shows_why_and_changes_nothing(staff_client, stored_todo):
    pytest.importorskip("django_frappe_api.document")
    change_url = reverse("admin:django_frappe_api_document_change", args=[stored_todo.pk])

    response = staff_client.post(change_url, {"data": json.dumps({"status": "Someday"})}, follow=True)

    assert response.status_code == 200
    assert "Status cannot be &quot;Someday&quot;" in response.text
    stored_todo.refresh_from_db()
    assert stored_todo.data["status"] == "Open"


def test_document_change_refuses_invalid_json(staff_client, stored_todo):
    change_url = reverse("admin:django_frappe_api_document_change", args=[stored_todo.pk])

    response = staff_client.post(change_url, {"data": '{"status": '})

    assert response.status_code == 200
    assert "Invalid JSON" in response.text
    stored_todo.refresh_from_db()
    assert stored_todo.data["status"] == "Open"


def test_document_add_inserts_through_the_document_layer_with_defaults(staff_client, admin_user, todo):
    pytest.importorskip("django_frappe_api.document")

    response = staff_client.post(reverse("admin:django_frappe_api_document_add"),
                                 {"doctype": "ToDo", "name": "", "data": json.dumps({"description": "Water plants"})})

    assert response.status_code == 302
    created = Document.objects.get(doctype_id="ToDo")
    assert created.data == {"status": "Open", "priority": "Medium", "description": "Water plants"}
    assert created.owner == admin_user.username
    assert len(created.name) == 10  # autoname "hash"


def test_document_add_refuses_missing_mandatory_field(staff_client, todo):
    pytest.importorskip("django_frappe_api.document")

    response = staff_client.post(reverse("admin:django_frappe_api_document_add"),
                                 {"doctype": "ToDo", "name": "", "data": json.dumps({"status": "Open"})}, follow=True)

    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    assert re.fullmatch(r"Document not saved: \[ToDo, \w+\]: description", message)
    assert not Document.objects.filter(doctype_id="ToDo").exists()


def test_doctype_saved_in_the_admin_gets_its_field_indexes(staff_client, todo):
    if connection.vendor not in indexes.ENGINES:
        pytest.skip("no field indexes on this database yet")
    data = doctype_form("Gadget", [field_row(1, "todo", "Link", options="ToDo")], [perm_row(1, "System Manager")])

    assert staff_client.post(reverse("admin:django_frappe_api_doctype_add"), data).status_code == 302

    wanted = {index.name for index in indexes.wanted(get_meta("Gadget"))}
    assert wanted and set(indexes.existing(indexes.doctype_prefix("Gadget"))) == wanted
