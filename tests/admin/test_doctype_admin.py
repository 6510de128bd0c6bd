"""The DocType definition admin: fields and permissions inline, the API's definition checks, errors kept in the form.

Usage::

    pytest tests/admin/test_doctype_admin.py
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from django_frappe_api.admin.doctype import FIELDTYPE_CHOICES
from django_frappe_api.backends import indexes
from django_frappe_api.fieldtypes import ALL_TYPES
from django_frappe_api.meta import get_meta
from django_frappe_api.models import DocType


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
    assert [row.name for row in response.context["cl"].result_list] == [
        "Comment", "DocShare", "File", "Tag", "Tag Link", "ToDo", "User Permission", "Version"]
    assert '<a href="/admin/custom/todo/">ToDo documents</a>' in response.text


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


def test_doctype_add_refuses_a_link_to_a_missing_doctype_in_its_row_keeping_the_input(staff_client, db):
    data = doctype_form("Gadget", [field_row(1, "kind", "Link", options="Nowhere")], [perm_row(1, "System Manager")])

    response = staff_client.post(reverse("admin:django_frappe_api_doctype_add"), data)

    assert response.status_code == 200
    fields_formset = response.context["inline_admin_formsets"][0].formset
    assert fields_formset.errors == [{"options": ["Options must be a valid DocType: Nowhere does not exist"]}]
    assert response.context["adminform"].form["name"].value() == "Gadget"
    assert fields_formset.forms[0]["fieldname"].value() == "kind"
    assert not DocType.objects.filter(name="Gadget").exists()


def test_doctype_fieldtype_is_a_dropdown_of_the_supported_types(staff_client, db):
    response = staff_client.get(reverse("admin:django_frappe_api_doctype_add"))

    assert response.status_code == 200
    fieldtype = response.context["inline_admin_formsets"][0].formset.empty_form.fields["fieldtype"]
    assert fieldtype.choices == FIELDTYPE_CHOICES
    assert {value for value, _ in fieldtype.choices} == ALL_TYPES


def test_doctype_change_form_links_to_its_documents(staff_client, todo):
    response = staff_client.get(reverse("admin:django_frappe_api_doctype_change", args=["ToDo"]))

    assert response.status_code == 200
    assert '<a href="/admin/custom/todo/">ToDo documents</a>' in response.text


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


def test_doctype_change_refused_by_the_definition_checks_shows_why_keeping_the_input(staff_client, todo):
    # A new row reusing the fieldname "status".
    data = resubmitted_todo_form(field_row(8, "status", "Data"))
    data["module"] = "Desk"
    change_url = reverse("admin:django_frappe_api_doctype_change", args=["ToDo"])

    response = staff_client.post(change_url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == ["Fieldname status appears multiple times in rows 1, 8"]
    assert form["module"].value() == "Desk"
    assert response.context["inline_admin_formsets"][0].formset.forms[7]["fieldtype"].value() == "Data"
    stored = DocType.objects.get(name="ToDo")
    assert stored.module == "Custom"
    assert list(stored.fields.values_list("fieldname", flat=True)) == [
        "status", "priority", "date", "allocated_to", "description", "reference_type", "reference_name",
    ]


def test_doctype_saved_in_the_admin_gets_its_field_indexes(staff_client, todo):
    if connection.vendor not in indexes.ENGINES:
        pytest.skip("no field indexes on this database yet")
    if connection.vendor == "mysql":
        pytest.skip("MySQL's are built after the commit (DDL would commit the transaction): test_mysql_columns")
    data = doctype_form("Gadget", [field_row(1, "todo", "Link", options="ToDo")], [perm_row(1, "System Manager")])

    assert staff_client.post(reverse("admin:django_frappe_api_doctype_add"), data).status_code == 302

    wanted = {index.name for index in indexes.wanted(get_meta("Gadget"))}
    assert wanted and set(indexes.existing(indexes.doctype_prefix("Gadget"))) == wanted
