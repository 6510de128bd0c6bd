"""A document's form, generated from its DocType: widgets per fieldtype, layout, child rows, saves through the
document layer, refusals kept in the form, Submit / Cancel / Amend, delete, history.

Usage::

    pytest tests/admin/test_change_form.py
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.admin import widgets as admin_widgets
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from django_frappe_api import document
from django_frappe_api.admin.widgets import AttachInput, CodeTextarea, LinkSelect
from django_frappe_api.models import Document

from ..factories import make_doctype

ADD = "/admin/shop/gadget_order/add/"


def change_url(name: str, suffix: str = "change/") -> str:
    return f"/admin/shop/gadget_order/{Document.objects.get(doctype_id='Gadget Order', name=name).pk}/{suffix}"


def lines(*rows: dict[str, Any], initial: int = 0) -> dict[str, Any]:
    data = {"lines-TOTAL_FORMS": str(len(rows)), "lines-INITIAL_FORMS": str(initial), "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"lines-{i}-{key}": value for key, value in row.items()})
    return data


def order_form(*rows: dict[str, Any], **values: Any) -> dict[str, Any]:
    """The add form as a browser posts it: every field typed, then the child rows."""
    data = {
        "title": "Widget", "status": "Draft", "urgent": "on", "due": "2026-05-01", "qty": "3", "amount": "9.5",
        "ratio": "0.25", "at_0": "2026-05-01", "at_1": "10:30:00", "starts": "09:15:00", "notes": "two\nlines",
        "config": '{"a": 1}', "script": "print(1)", "todo": "", "secret": "s3cret", "cost": "12",
    }  # fmt: skip
    data.update(values)
    data.update(lines(*rows))
    return data


def stored(name: str) -> tuple[int, dict[str, Any], list[tuple[str, int, dict[str, Any]]]]:
    row = Document.objects.get(doctype_id="Gadget Order", name=name)
    children = [(c.parentfield, c.idx, c.data) for c in row.children.order_by("idx")]
    return row.docstatus, {k: v for k, v in row.data.items() if k != "secret"}, children


def test_add_form_has_a_widget_per_fieldtype_laid_out_by_breaks(staff_client, gadget_order):
    response = staff_client.get(ADD)

    assert response.status_code == 200
    form = response.context["adminform"].form
    widgets = {name: type(field.widget) for name, field in form.fields.items()}
    assert widgets == {
        "title": admin_widgets.AdminTextInputWidget, "status": type(form.fields["status"].widget),
        "urgent": type(form.fields["urgent"].widget), "due": admin_widgets.AdminDateWidget,
        "qty": admin_widgets.AdminIntegerFieldWidget, "amount": type(form.fields["amount"].widget),
        "ratio": type(form.fields["ratio"].widget), "at": admin_widgets.AdminSplitDateTime,
        "starts": admin_widgets.AdminTimeWidget, "notes": admin_widgets.AdminTextareaWidget,
        "config": CodeTextarea, "script": CodeTextarea, "todo": LinkSelect,
        "secret": type(form.fields["secret"].widget), "drawing": AttachInput, "cost": type(form.fields["cost"].widget),
        "amended_from": LinkSelect,
    }  # fmt: skip
    assert [type(form.fields[n].widget).__name__ for n in ("status", "urgent", "amount", "secret")] == [
        "Select", "CheckboxInput", "NumberInput", "PasswordInput"]
    assert form.fields["status"].choices == [("", "---------"), ("Draft", "Draft"), ("Open", "Open"),
                                             ("Closed", "Closed")]
    assert form.fields["title"].max_length == 60 and form.fields["title"].required
    assert form.fields["amended_from"].disabled  # read_only
    assert "internal" not in form.fields  # hidden
    assert form.initial["status"] == "Draft"  # the DocType's default
    assert response.context["adminform"].fieldsets == [
        (None, {"fields": [("title", "qty"), ("status", "amount"), ("urgent", "ratio"), ("due",)]}),
        ("Details", {"fields": [("at",), ("starts",), ("notes",), ("config",), ("script",), ("todo",), ("secret",),
                                ("drawing",), ("cost",)]}),
        ("Lines", {"fields": [("amended_from",)]}),
    ]
    assert 'data-ajax--url="/admin/link-search/ToDo/"' in response.text
    assert 'class="required" for="id_title"' in response.text
    [child] = response.context["inline_admin_formsets"]
    assert list(child.formset.empty_form.fields) == ["idx", "item", "qty", "delivery", "id", "DELETE",
                                                     "parent_document"]


def test_add_saves_every_fieldtype_and_the_child_rows_in_their_order(staff_client, gadget_order, admin_user):
    todo = document.insert_doc("ToDo", {"description": "Call"}, user=admin_user)
    data = order_form({"idx": "2", "item": "Bolt", "qty": "2", "delivery": "2026-05-02"},
                      {"idx": "1", "item": "Nut", "qty": "5", "delivery": ""}, todo=todo["name"],
                      drawing=SimpleUploadedFile("plan.txt", b"plan"))

    response = staff_client.post(ADD, data)

    assert (response.status_code, response["Location"]) == (302, "/admin/shop/gadget_order/")
    assert stored("GO-0001") == (0, {
        "title": "Widget", "status": "Draft", "urgent": 1, "due": "2026-05-01", "qty": 3, "amount": 9.5,
        "ratio": 0.25, "at": "2026-05-01 10:30:00.000000", "starts": "09:15:00.000000", "notes": "two\nlines",
        "config": '{"a": 1}', "script": "print(1)", "todo": todo["name"], "drawing": "/files/plan.txt", "cost": 12.0,
    }, [("lines", 1, {"item": "Nut", "qty": 5}), ("lines", 2, {"item": "Bolt", "qty": 2, "delivery": "2026-05-02"})])
    assert document.get_doc("Gadget Order", "GO-0001", user=admin_user)["owner"] == "Administrator"
    [attached] = document.get_all("File", fields=["file_url", "attached_to_doctype", "attached_to_field"])
    assert attached == {"file_url": "/files/plan.txt", "attached_to_doctype": "Gadget Order",
                        "attached_to_field": "drawing"}


def test_change_form_shows_the_stored_values(staff_client, gadget_order, admin_user):
    staff_client.post(ADD, order_form({"idx": "1", "item": "Nut", "qty": "5"}))

    response = staff_client.get(change_url("GO-0001"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert {name: form[name].value() for name in ("title", "urgent", "due", "at", "starts", "qty", "secret")} == {
        "title": "Widget", "urgent": True, "due": dt.date(2026, 5, 1), "at": dt.datetime(2026, 5, 1, 10, 30),
        "starts": dt.time(9, 15), "qty": 3, "secret": None,
    }
    [child] = response.context["inline_admin_formsets"][0].formset.forms
    assert (child["idx"].value(), child["item"].value(), child["qty"].value()) == (1, "Nut", 5)


def test_change_edits_removes_adds_and_reorders_child_rows(staff_client, gadget_order):
    staff_client.post(ADD, order_form({"idx": "1", "item": "Nut", "qty": "5"}, {"idx": "2", "item": "Bolt"}))
    nut, bolt = Document.objects.filter(doctype_id="Gadget Line").order_by("idx")
    secret = Document.objects.get(name="GO-0001").data["secret"]
    data = order_form(title="Widget v2", secret="")
    data.update(lines(
        {"id": str(nut.pk), "parent_document": str(nut.parent_document_id), "idx": "3", "item": "Nut", "qty": "6"},
        {"id": str(bolt.pk), "parent_document": str(bolt.parent_document_id), "idx": "2", "item": "Bolt",
         "DELETE": "on"},
        {"idx": "1", "item": "Washer", "qty": "9"},
        initial=2,
    ))

    response = staff_client.post(change_url("GO-0001"), data)

    assert response.status_code == 302
    docstatus, values, children = stored("GO-0001")
    assert (docstatus, values["title"]) == (0, "Widget v2")
    assert children == [("lines", 1, {"item": "Washer", "qty": 9}), ("lines", 2, {"item": "Nut", "qty": 6})]
    assert Document.objects.get(pk=nut.pk).data == {"item": "Nut", "qty": 6}  # the same row, edited
    assert Document.objects.get(name="GO-0001").data["secret"] == secret  # an empty Password input keeps it


def test_a_refused_save_shows_frappe_message_next_to_the_field_and_keeps_the_input(staff_client, gadget_order):
    staff_client.post(ADD, order_form())
    data = order_form({"idx": "1", "item": "Typed row", "qty": "4"}, title="Typed title", todo="nope", notes="typed")

    response = staff_client.post(change_url("GO-0001"), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"todo": ["Could not find ToDo: nope"]}
    assert (form["title"].value(), form["notes"].value(), form["todo"].value()) == ("Typed title", "typed", "nope")
    [row] = response.context["inline_admin_formsets"][0].formset.forms
    assert (row["item"].value(), row["qty"].value()) == ("Typed row", "4")
    assert stored("GO-0001")[1]["title"] == "Widget"
    assert stored("GO-0001")[2] == []


def test_a_refused_add_keeps_the_input_and_saves_nothing(staff_client, gadget_order):
    response = staff_client.post(ADD, order_form({"idx": "1", "item": "Bolt"}, todo="nope"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"todo": ["Could not find ToDo: nope"]}
    assert response.context["adminform"].form["title"].value() == "Widget"
    assert not Document.objects.filter(doctype_id__in=["Gadget Order", "Gadget Line"]).exists()


def test_a_refusal_naming_no_field_is_shown_on_top(staff_client, gadget_order):
    make_doctype("Gizmo", [{"fieldname": "code", "label": "Code", "fieldtype": "Data", "unique": 1}],
                 autoname="field:code")
    staff_client.post("/admin/custom/gizmo/add/", {"code": "G1"})

    response = staff_client.post("/admin/custom/gizmo/add/", {"code": "G1"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"__all__": ["Gizmo G1 already exists"]}


def test_submit_cancel_and_amend(staff_client, gadget_order):
    staff_client.post(ADD, order_form({"idx": "1", "item": "Nut"}))
    draft = staff_client.get(change_url("GO-0001"))
    assert (draft.context["frappe_docstatus"], draft.context["frappe_can_submit"]) == ("Draft", True)
    assert 'name="_frappe_submit"' in draft.text

    data = order_form(secret="")
    data.update(lines())
    response = staff_client.post(change_url("GO-0001"), {**data, "_frappe_submit": "Submit"})

    assert (response.status_code, response["Location"]) == (302, change_url("GO-0001"))
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == "Gadget Order GO-0001 submitted."
    assert stored("GO-0001")[0] == 1
    submitted = staff_client.get(change_url("GO-0001"))
    assert submitted.context["frappe_can_cancel"] is True
    assert all(field.disabled for field in submitted.context["adminform"].form.fields.values())

    response = staff_client.post(change_url("GO-0001"), {**data, "_frappe_cancel": "Cancel document"})

    assert response.status_code == 302
    assert stored("GO-0001")[0] == 2
    cancelled = staff_client.get(change_url("GO-0001"))
    assert cancelled.context["frappe_amend_url"] == f"{ADD}?amend=GO-0001"
    assert cancelled.context["has_change_permission"] is False

    amend_form = staff_client.get(f"{ADD}?amend=GO-0001")
    assert amend_form.context["adminform"].form["title"].value() == "Widget"
    response = staff_client.post(f"{ADD}?amend=GO-0001", order_form(title="Widget, amended"))

    assert response.status_code == 302
    docstatus, values, _ = stored("GO-0001-1")
    assert (docstatus, values["title"], values["amended_from"]) == (0, "Widget, amended", "GO-0001")


def test_delete_goes_through_the_document_layer(staff_client, gadget_order):
    staff_client.post(ADD, order_form({"idx": "1", "item": "Nut"}))
    url = change_url("GO-0001", "delete/")
    assert staff_client.get(url).status_code == 200

    response = staff_client.post(url, {"post": "yes"})

    assert (response.status_code, response["Location"]) == (302, "/admin/shop/gadget_order/")
    assert not Document.objects.filter(doctype_id__in=["Gadget Order", "Gadget Line"]).exists()


def test_a_refused_delete_shows_why_and_keeps_the_document(staff_client, gadget_order, admin_user):
    todo = document.insert_doc("ToDo", {"description": "Linked"}, user=admin_user)
    staff_client.post(ADD, order_form(todo=todo["name"]))
    todo_pk = Document.objects.get(doctype_id="ToDo").pk

    response = staff_client.post(f"/admin/custom/todo/{todo_pk}/delete/", {"post": "yes"})

    assert (response.status_code, response["Location"]) == (302, f"/admin/custom/todo/{todo_pk}/change/")
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        f"Not deleted: Cannot delete or cancel because ToDo {todo['name']} is linked with Gadget Order GO-0001"
    )
    assert Document.objects.filter(pk=todo_pk).exists()


def test_a_submitted_document_cannot_be_deleted(staff_client, gadget_order, admin_user):
    staff_client.post(ADD, order_form())
    document.update_doc("Gadget Order", "GO-0001", {"docstatus": 1}, user=admin_user)

    assert staff_client.post(change_url("GO-0001", "delete/"), {"post": "yes"}).status_code == 403
    assert stored("GO-0001")[0] == 1


def test_history_lists_the_versions_of_a_tracked_doctype(staff_client, todo, admin_user):
    make_doctype("Ticket", [{"fieldname": "status", "label": "Status", "fieldtype": "Data"}], track_changes=1)
    document.insert_doc("Ticket", {"name": "T-1", "status": "Open"}, user=admin_user)
    pk = Document.objects.get(doctype_id="Ticket").pk

    staff_client.post(f"/admin/custom/ticket/{pk}/change/", {"status": "Closed"})
    response = staff_client.get(f"/admin/custom/ticket/{pk}/history/")

    assert response.status_code == 200
    assert [(entry.user.get_username(), entry.get_change_message()) for entry in response.context["action_list"]] == [
        ("Administrator", "status: Open → Closed"), ("Administrator", "Created."),
    ]


def test_link_search_feeds_the_autocomplete_with_the_users_rights(staff_client, todo, admin_user):
    document.insert_doc("ToDo", {"name": "td-1", "description": "Call the printer"}, user=admin_user)
    Document.objects.filter(doctype_id="ToDo").update(name="td-1")

    response = staff_client.get("/admin/link-search/ToDo/", {"term": "printer"})

    assert response.status_code == 200
    assert response.json() == {"results": [{"id": "td-1", "text": "td-1 : Call the printer"}],
                               "pagination": {"more": False}}


@pytest.mark.parametrize("doctype", ["Nowhere", "Gadget%20Order"])
def test_link_search_of_an_unknown_or_unreadable_doctype_is_an_error(client, db, doctype, todo):
    from ..factories import UserFactory

    client.force_login(UserFactory(username="nobody@example.com", is_staff=True))

    response = client.get(f"/admin/link-search/{doctype}/", {"term": "x"})

    assert response.status_code in (403, 404)
    assert set(response.json()) == {"error"}


def test_dynamic_link_searches_the_doctype_its_doctype_field_names(staff_client, todo, admin_user):
    make_doctype("Note Ref", [
        {"fieldname": "ref_type", "label": "Ref Type", "fieldtype": "Link", "options": "DocType"},
        {"fieldname": "ref_name", "label": "Ref Name", "fieldtype": "Dynamic Link", "options": "ref_type"},
    ])
    add = "/admin/custom/note_ref/add/"

    form = staff_client.get(add)

    assert form.status_code == 200
    widget = form.context["adminform"].form.fields["ref_name"].widget
    assert (type(widget).__name__, widget.doctype_field) == ("DynamicLinkSelect", "ref_type")
    assert 'data-search-url="/admin/link-search/__doctype__/"' in form.text
    assert 'data-doctype-field="ref_type"' in form.text
    assert "/static/django_frappe_api/admin/dynamic_link.js" in form.text

    refused = staff_client.post(add, {"ref_type": "ToDo", "ref_name": "nope"})

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"ref_name": ["Could not find Ref Name: nope"]}
    todo_name = document.insert_doc("ToDo", {"description": "Call"}, user=admin_user)["name"]
    assert staff_client.post(add, {"ref_type": "ToDo", "ref_name": todo_name}).status_code == 302
