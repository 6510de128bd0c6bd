"""``frappe.client.*`` over ``/api/method`` (``message``) and ``/api/v2/method`` (``data``)."""

from __future__ import annotations

import json

import pytest

from django_frappe_api import document

from ..factories import make_doctype
from .rpc_support import body, make_todo, todo_doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(db):
    """A DocType only System Managers may touch."""
    return make_doctype("Secret", [{"fieldname": "code", "label": "Code", "fieldtype": "Data"}], autoname="hash")


@pytest.fixture
def order(todo):
    """A submittable DocType with a child table and a Link to ToDo."""
    make_doctype(
        "Order Line",
        [{"fieldname": "item", "label": "Item", "fieldtype": "Data", "reqd": 1},
         {"fieldname": "qty", "label": "Qty", "fieldtype": "Int"}],
        istable=1,
    )
    return make_doctype(
        "Order",
        [{"fieldname": "title", "label": "Title", "fieldtype": "Data"},
         {"fieldname": "todo", "label": "ToDo", "fieldtype": "Link", "options": "ToDo"},
         {"fieldname": "lines", "label": "Lines", "fieldtype": "Table", "options": "Order Line"}],
        permissions=[{"role": "System Manager", "submit": 1, "cancel": 1}],
        is_submittable=1,
        autoname="field:title",
    )


# -- reading -------------------------------------------------------------------------------------


def test_get_list_returns_rows_with_nulls(rpc, admin_client, admin_user, todo, now):
    first = make_todo(admin_user, description="Call Bob", priority="High")
    make_todo(admin_user, description="Write report", status="Closed")
    response = admin_client.get(
        rpc.url("frappe.client.get_list"),
        {"doctype": "ToDo", "fields": '["name", "priority", "date"]', "filters": '{"status": "Open"}'},
    )
    assert response.status_code == 200
    assert response.json() == rpc.ok([{"name": first["name"], "priority": "High", "date": None}])


def test_get_list_as_lists_with_order_and_paging(rpc, admin_client, admin_user, todo):
    for text in ("a", "b", "c"):
        make_todo(admin_user, description=text)
    response = admin_client.post(
        rpc.url("frappe.client.get_list"),
        {"doctype": "ToDo", "fields": ["description"], "order_by": "description desc", "limit_start": 1,
         "limit_page_length": 1, "as_dict": False, "limit": 100},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == rpc.ok([["b"]])


def test_get_list_rejects_unknown_field(rpc, admin_client, todo):
    response = admin_client.get(rpc.url("frappe.client.get_list"), {"doctype": "ToDo", "fields": '["nope"]'})
    assert response.status_code == 417
    assert body(response) == rpc.error("DataError", "Field not permitted in query: nope")


def test_get_list_refuses_guests(rpc, guest_client, todo):
    response = guest_client.get(rpc.url("frappe.client.get_list"), {"doctype": "ToDo"})
    assert response.status_code == 403
    assert body(response) == rpc.error(
        "PermissionError",
        "<details><summary>You are not permitted to access this resource.</summary>Function "
        "<strong>frappe.client.get_list</strong> is not whitelisted.</details>",
        title="Method Not Allowed",
    )


def test_get_count_with_filters_and_a_plain_name(rpc, admin_client, admin_user, todo):
    first = make_todo(admin_user)
    make_todo(admin_user, status="Closed")
    url = rpc.url("frappe.client.get_count")
    assert admin_client.get(url, {"doctype": "ToDo"}).json() == rpc.ok(2)
    assert admin_client.get(url, {"doctype": "ToDo", "filters": '[["status", "=", "Closed"]]'}).json() == rpc.ok(1)
    assert admin_client.get(url, {"doctype": "ToDo", "filters": first["name"]}).json() == rpc.ok(1)


def test_get_count_of_unknown_doctype_is_404(rpc, admin_client, db):
    response = admin_client.get(rpc.url("frappe.client.get_count"), {"doctype": "Nope"})
    assert response.status_code == 404
    assert body(response) == rpc.error("DoesNotExistError", "DocType Nope not found")


def test_get_returns_the_document_with_nulls(rpc, admin_client, admin_user, todo, now):
    created = make_todo(admin_user, description="Call Bob")
    by_name = admin_client.get(rpc.url("frappe.client.get"), {"doctype": "ToDo", "name": created["name"]})
    by_filters = admin_client.get(
        rpc.url("frappe.client.get"), {"doctype": "ToDo", "filters": '{"description": "Call Bob"}'}
    )
    assert by_name.status_code == by_filters.status_code == 200
    assert by_name.json() == by_filters.json() == rpc.ok(todo_doc(created["name"], description="Call Bob"))


def test_get_missing_document_is_404(rpc, admin_client, todo):
    response = admin_client.get(rpc.url("frappe.client.get"), {"doctype": "ToDo", "name": "missing"})
    assert response.status_code == 404
    assert body(response) == rpc.error("DoesNotExistError", "ToDo missing not found")


def test_get_value_shapes(rpc, admin_client, admin_user, todo):
    created = make_todo(admin_user, description="Call Bob", priority="High")
    url = rpc.url("frappe.client.get_value")
    as_dict = admin_client.get(
        url, {"doctype": "ToDo", "fieldname": '["status", "priority"]', "filters": created["name"]}
    )
    scalar = admin_client.post(
        url, {"doctype": "ToDo", "fieldname": "priority", "filters": {"description": "Call Bob"}, "as_dict": False},
        format="json",
    )
    several = admin_client.post(
        url, {"doctype": "ToDo", "fieldname": ["status", "priority"], "filters": created["name"], "as_dict": False},
        format="json",
    )
    no_match = admin_client.get(url, {"doctype": "ToDo", "fieldname": "status", "filters": '{"status": "Closed"}'})
    nothing = admin_client.post(
        url, {"doctype": "ToDo", "fieldname": "status", "filters": "missing", "as_dict": False}, format="json"
    )
    assert as_dict.json() == rpc.ok({"status": "Open", "priority": "High"})
    assert scalar.json() == rpc.ok("High")
    assert several.json() == rpc.ok(["Open", "High"])
    assert no_match.json() == rpc.ok({})
    assert nothing.status_code == 200
    assert nothing.json() == {}


def test_get_value_without_read_permission_is_403(rpc, user_client, secret):
    response = user_client.get(rpc.url("frappe.client.get_value"), {"doctype": "Secret", "fieldname": "code"})
    assert response.status_code == 403
    assert body(response) == rpc.error("PermissionError", "No permission for Secret")


def test_get_single_value(rpc, admin_client, db):
    make_doctype(
        "Shop Settings",
        [{"fieldname": "currency", "label": "Currency", "fieldtype": "Data", "default": "EUR"}],
        issingle=1,
    )
    url = rpc.url("frappe.client.get_single_value")
    assert admin_client.get(url, {"doctype": "Shop Settings", "field": "currency"}).json() == rpc.ok("EUR")
    response = admin_client.get(url, {"doctype": "Shop Settings", "field": "nope"})
    assert response.status_code == 417
    assert body(response) == rpc.error(
        "ValidationError", "Field <strong>nope</strong> does not exist on <strong>Shop Settings</strong>"
    )


# -- writing -------------------------------------------------------------------------------------


def test_set_value_one_field_and_a_json_object(rpc, admin_client, admin_user, todo, now):
    created = make_todo(admin_user)
    url = rpc.url("frappe.client.set_value")
    one = admin_client.post(url, {"doctype": "ToDo", "name": created["name"], "fieldname": "status", "value": "Closed"})
    many = admin_client.post(
        url, {"doctype": "ToDo", "name": created["name"], "fieldname": {"priority": "Low", "date": "2024-05-11"}},
        format="json",
    )
    assert one.status_code == many.status_code == 200
    assert one.json() == rpc.ok(todo_doc(created["name"], description="Call Bob", status="Closed"))
    assert many.json() == rpc.ok(
        todo_doc(created["name"], description="Call Bob", status="Closed", priority="Low", date="2024-05-11")
    )


def test_set_value_refuses_standard_fields_and_get(rpc, admin_client, admin_user, todo):
    created = make_todo(admin_user)
    url = rpc.url("frappe.client.set_value")
    standard = admin_client.post(url, {"doctype": "ToDo", "name": created["name"], "fieldname": "owner", "value": "x"})
    by_get = admin_client.get(url, {"doctype": "ToDo", "name": created["name"], "fieldname": "status", "value": "x"})
    assert standard.status_code == 417
    assert body(standard) == rpc.error("ValidationError", "Cannot edit standard fields")
    assert by_get.status_code == 403
    assert body(by_get) == rpc.error("PermissionError")


def test_set_value_on_a_child_row_returns_the_parent(rpc, admin_client, admin_user, order):
    saved = document.insert_doc("Order", {"title": "O-1", "lines": [{"item": "pen", "qty": 1}]}, user=admin_user)
    row = saved["lines"][0]["name"]
    response = admin_client.post(
        rpc.url("frappe.client.set_value"), {"doctype": "Order Line", "name": row, "fieldname": "qty", "value": 5}
    )
    assert response.status_code == 200
    data = response.json()["message" if rpc.version == "v1" else "data"]
    assert data["name"] == "O-1"
    assert data["doctype"] == "Order"
    assert [(line["name"], line["item"], line["qty"]) for line in data["lines"]] == [(row, "pen", 5)]


def test_insert_returns_the_document_with_nulls(rpc, admin_client, todo, now):
    response = admin_client.post(
        rpc.url("frappe.client.insert"), {"doc": {"doctype": "ToDo", "description": "Call Bob"}}, format="json"
    )
    assert response.status_code == 200
    name = response.json()["message" if rpc.version == "v1" else "data"]["name"]
    assert response.json() == rpc.ok(todo_doc(name, description="Call Bob"))


def test_insert_child_row_appends_to_parent_and_needs_its_parent(rpc, admin_client, admin_user, order):
    document.insert_doc("Order", {"title": "O-1"}, user=admin_user)
    url = rpc.url("frappe.client.insert")
    row = {"doctype": "Order Line", "item": "pen", "parent": "O-1", "parenttype": "Order", "parentfield": "lines"}
    appended = admin_client.post(url, {"doc": json.dumps(row)})
    orphan = admin_client.post(url, {"doc": {"doctype": "Order Line", "item": "pen"}}, format="json")
    assert appended.status_code == 200
    parent = appended.json()["message" if rpc.version == "v1" else "data"]
    assert (parent["name"], [line["item"] for line in parent["lines"]]) == ("O-1", ["pen"])
    assert orphan.status_code == 417
    assert body(orphan) == rpc.error(
        "ValidationError", "Parenttype, Parent and Parentfield are required to insert a child record"
    )


def test_insert_many_returns_names_and_caps_at_200(rpc, admin_client, order):
    url = rpc.url("frappe.client.insert_many")
    docs = [{"doctype": "Order", "title": "A"}, {"doctype": "Order", "title": "B"}]
    created = admin_client.post(url, {"docs": docs}, format="json")
    too_many = admin_client.post(url, {"docs": [{"doctype": "Order", "title": str(i)} for i in range(201)]},
                                 format="json")
    assert created.json() == rpc.ok(["A", "B"])
    assert too_many.status_code == 417
    assert body(too_many) == rpc.error("ValidationError", "Only 200 inserts allowed in one request")


def test_save_replaces_the_whole_document(rpc, admin_client, admin_user, todo, now):
    created = make_todo(admin_user, description="Call Bob", priority="High", date="2024-05-01")
    doc = {"doctype": "ToDo", "name": created["name"], "modified": now, "description": "Call Alice"}
    response = admin_client.post(rpc.url("frappe.client.save"), {"doc": doc}, format="json")
    assert response.status_code == 200
    # priority and date were absent from the payload: Frappe rebuilds the document from it.
    assert response.json() == rpc.ok(todo_doc(created["name"], description="Call Alice", status=None, priority=None))


def test_save_requires_the_current_modified(rpc, admin_client, admin_user, todo, now):
    created = make_todo(admin_user)
    response = admin_client.post(
        rpc.url("frappe.client.save"), {"doc": {"doctype": "ToDo", "name": created["name"], "description": "x"}},
        format="json",
    )
    assert response.status_code == 417
    assert body(response) == rpc.error(
        "TimestampMismatchError",
        f"Error: Document has been modified after you have opened it ({now}, None). "
        "Please refresh to get the latest document.",
    )


def test_submit_and_cancel(rpc, admin_client, admin_user, order, now):
    document.insert_doc("Order", {"title": "O-1"}, user=admin_user)
    submitted = admin_client.post(
        rpc.url("frappe.client.submit"), {"doc": {"doctype": "Order", "name": "O-1", "title": "O-1", "modified": now}},
        format="json",
    )
    cancelled = admin_client.post(rpc.url("frappe.client.cancel"), {"doctype": "Order", "name": "O-1"})
    again = admin_client.post(rpc.url("frappe.client.cancel"), {"doctype": "Order", "name": "O-1"})
    expected = {"name": "O-1", "owner": "Administrator", "creation": now, "modified": now,
                "modified_by": "Administrator", "idx": 0, "title": "O-1", "todo": None, "doctype": "Order",
                "lines": []}
    assert submitted.json() == rpc.ok({**expected, "docstatus": 1})
    assert cancelled.json() == rpc.ok({**expected, "docstatus": 2})
    assert again.status_code == 417
    assert body(again) == rpc.error("ValidationError")


def test_delete_answers_empty_body_and_404_when_missing(rpc, admin_client, admin_user, todo):
    created = make_todo(admin_user)
    url = rpc.url("frappe.client.delete")
    deleted = admin_client.post(url, {"doctype": "ToDo", "name": created["name"]})
    missing = admin_client.delete(f"{url}?doctype=ToDo&name={created['name']}")
    assert (deleted.status_code, deleted.json()) == (200, {})
    assert missing.status_code == 404
    assert body(missing) == rpc.error("DoesNotExistError")


def test_delete_child_row_goes_through_the_parent(rpc, admin_client, admin_user, order):
    saved = document.insert_doc("Order", {"title": "O-1", "lines": [{"item": "a"}, {"item": "b"}]}, user=admin_user)
    response = admin_client.post(
        rpc.url("frappe.client.delete"), {"doctype": "Order Line", "name": saved["lines"][0]["name"]}
    )
    assert (response.status_code, response.json()) == (200, {})
    assert [line["item"] for line in document.get_doc("Order", "O-1", user=admin_user)["lines"]] == ["b"]


def test_rename_doc_updates_links_and_returns_the_new_name(rpc, admin_client, admin_user, order):
    created = make_todo(admin_user)
    document.insert_doc("Order", {"title": "O-1", "todo": created["name"]}, user=admin_user)
    response = admin_client.post(
        rpc.url("frappe.client.rename_doc"), {"doctype": "ToDo", "old_name": created["name"], "new_name": "T-new"}
    )
    assert response.json() == rpc.ok("T-new")
    assert document.get_doc("Order", "O-1", user=admin_user)["todo"] == "T-new"
    assert document.get_doc("ToDo", "T-new", user=admin_user)["description"] == "Call Bob"


def test_rename_doc_to_an_existing_name_is_refused(rpc, admin_client, admin_user, todo):
    first, second = make_todo(admin_user), make_todo(admin_user)
    response = admin_client.post(
        rpc.url("frappe.client.rename_doc"),
        {"doctype": "ToDo", "old_name": first["name"], "new_name": second["name"]},
    )
    assert response.status_code == 417
    assert body(response) == rpc.error(
        "ValidationError", f"Another ToDo with name {second['name']} exists, select another name"
    )


def test_rename_doc_merge_folds_into_the_target(rpc, admin_client, admin_user, order):
    first, second = make_todo(admin_user), make_todo(admin_user)
    document.insert_doc("Order", {"title": "O-1", "todo": first["name"]}, user=admin_user)
    response = admin_client.post(
        rpc.url("frappe.client.rename_doc"),
        {"doctype": "ToDo", "old_name": first["name"], "new_name": second["name"], "merge": 1},
    )
    assert response.json() == rpc.ok(second["name"])
    assert document.get_count("ToDo", user=admin_user) == 1
    assert document.get_doc("Order", "O-1", user=admin_user)["todo"] == second["name"]


def test_bulk_update_reports_failures_and_keeps_going(rpc, admin_client, admin_user, todo):
    first, second = make_todo(admin_user), make_todo(admin_user)
    docs = [
        {"doctype": "ToDo", "docname": first["name"], "status": "Closed"},
        {"doctype": "ToDo", "docname": "missing", "status": "Closed"},
        {"doctype": "ToDo", "docname": second["name"], "priority": "Urgent"},
    ]
    response = admin_client.post(rpc.url("frappe.client.bulk_update"), {"docs": json.dumps(docs)})
    assert response.status_code == 200
    assert response.json()["message" if rpc.version == "v1" else "data"] == {
        "failed_docs": [
            {"doc": docs[1], "exc": "DoesNotExistError: ToDo missing not found"},
            {"doc": docs[2], "exc": 'ValidationError:  Priority cannot be "Urgent". It should be one of '
                                    '"High", "Medium", "Low"'},
        ]
    }
    assert document.get_doc("ToDo", first["name"], user=admin_user)["status"] == "Closed"


# -- permissions and links -----------------------------------------------------------------------


def test_has_permission_and_get_doc_permissions(rpc, user_client, admin_user, todo):
    created = make_todo(admin_user)
    params = {"doctype": "ToDo", "docname": created["name"]}
    write = user_client.get(rpc.url("frappe.client.has_permission"), {**params, "perm_type": "Write"})
    submit = user_client.get(rpc.url("frappe.client.has_permission"), {**params, "perm_type": "submit"})
    rights = user_client.get(rpc.url("frappe.client.get_doc_permissions"), params)
    assert write.json() == rpc.ok({"has_permission": True})
    assert submit.json() == rpc.ok({"has_permission": False})
    assert rights.json() == rpc.ok({"permissions": {
        "select": 0, "read": 1, "write": 1, "create": 1, "delete": 1, "submit": 0, "cancel": 0, "amend": 0,
        "report": 1, "export": 1, "import": 0, "share": 1, "print": 1, "email": 1,
    }})


def test_has_permission_on_missing_document_is_404(rpc, admin_client, todo):
    response = admin_client.get(rpc.url("frappe.client.has_permission"), {"doctype": "ToDo", "docname": "missing"})
    assert response.status_code == 404


def test_validate_link(rpc, user_client, admin_user, todo, secret):
    created = make_todo(admin_user, priority="High")
    url = rpc.url("frappe.client.validate_link")
    found = user_client.get(url, {"doctype": "ToDo", "docname": created["name"], "fields": '["priority"]'})
    missing = user_client.get(url, {"doctype": "ToDo", "docname": "missing"})
    forbidden = user_client.get(url, {"doctype": "Secret", "docname": "x"})
    assert found.json() == rpc.ok({"name": created["name"], "priority": "High"})
    assert missing.json() == rpc.ok({"name": None})
    assert forbidden.status_code == 403
    assert body(forbidden) == rpc.error(
        "PermissionError", "You do not have Read or Select Permissions for <strong>Secret</strong>"
    )


def test_is_document_amended_without_amended_from_is_false(rpc, admin_client, todo):
    response = admin_client.get(rpc.url("frappe.client.is_document_amended"), {"doctype": "ToDo", "docname": "x"})
    assert response.json() == rpc.ok(False)
