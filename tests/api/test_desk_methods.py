"""Desk helpers (form load/save, report view, link search), ``run_doc_method`` and ``add_comment``."""

from __future__ import annotations

import json
from unittest.mock import ANY

import pytest

from django_frappe_api import document
from django_frappe_api.builtin_doctypes import sync_builtin_doctypes
from django_frappe_api.models import DocType

from ..factories import make_doctype
from .rpc_support import NOW, Rpc, body, make_todo, todo_doc

pytestmark = pytest.mark.django_db

FULL_RIGHTS = {
    "select": 1, "read": 1, "write": 1, "create": 1, "delete": 1, "submit": 1, "cancel": 1, "amend": 1,
    "report": 1, "export": 1, "import": 0, "share": 1, "print": 1, "email": 1,
}  # fmt: skip


@pytest.fixture
def order(todo):
    """A submittable DocType named by its title."""
    return make_doctype(
        "Order",
        [{"fieldname": "title", "label": "Title", "fieldtype": "Data"},
         {"fieldname": "note", "label": "Note", "fieldtype": "Data"}],
        permissions=[{"role": "System Manager", "submit": 1, "cancel": 1}],
        is_submittable=1,
        autoname="field:title",
    )


def docinfo(doctype: str, name: str, *, permissions: dict, comments=(), attachments=(), versions=()) -> dict:
    return {
        "user_info": {}, "comments": list(comments), "shared": [], "assignment_logs": [], "attachment_logs": [],
        "info_logs": [], "like_logs": [], "workflow_logs": [], "doctype": doctype, "name": name,
        "attachments": list(attachments), "communications": [], "automated_messages": [],
        "total_comments": len(comments), "versions": list(versions), "assignments": [],
        "permissions": permissions, "views": [],
        "energy_point_logs": [], "additional_timeline_content": [], "milestones": [], "is_document_followed": False,
        "tags": "", "document_email": None,
    }  # fmt: skip


def add_comment(name: str, user, text: str) -> dict:
    return document.insert_doc(
        "Comment",
        {"comment_type": "Comment", "comment_email": "Administrator", "reference_doctype": "ToDo",
         "reference_name": name, "content": text},
        user=user,
    )


# -- built-in DocTypes ---------------------------------------------------------------------------


def test_builtin_doctypes_are_synced_after_migrate_and_idempotently(db):
    names = ["Comment", "File"]
    assert set(DocType.objects.filter(name__in=names).values_list("name", flat=True)) == set(names)
    before = dict(DocType.objects.filter(name__in=names).values_list("name", "modified"))
    assert set(names) <= set(sync_builtin_doctypes())
    assert dict(DocType.objects.filter(name__in=names).values_list("name", "modified")) == before


# -- form load / save ----------------------------------------------------------------------------


def test_getdoc_sends_the_document_and_its_docinfo(rpc, admin_client, admin_user, todo, now):
    created = make_todo(admin_user)
    comment = add_comment(created["name"], admin_user, "Looks good")
    response = admin_client.get(rpc.url("frappe.desk.form.load.getdoc"), {"doctype": "ToDo", "name": created["name"]})
    assert response.status_code == 200
    assert response.json() == {
        "docs": [todo_doc(created["name"], nulls=False, description="Call Bob")],
        "docinfo": docinfo(
            "ToDo", created["name"], permissions=FULL_RIGHTS | {"submit": 0},
            comments=[{"name": comment["name"], "creation": NOW, "content": "Looks good", "owner": "Administrator",
                       "comment_type": "Comment"}],
        ),
    }


def test_getdoc_sends_the_versions_of_a_tracked_doctype(rpc, admin_client, admin_user, db, now):
    make_doctype("Lease", [{"fieldname": "rent", "label": "Rent", "fieldtype": "Int"}], autoname="Prompt",
                 track_changes=1)
    document.insert_doc("Lease", {"name": "L-1", "rent": 1}, user=admin_user)
    document.update_doc("Lease", "L-1", {"rent": 2}, user=admin_user)
    [version] = document.get_all("Version", fields=["name"])

    response = admin_client.get(rpc.url("frappe.desk.form.load.getdoc"), {"doctype": "Lease", "name": "L-1"})

    assert response.status_code == 200
    data = json.dumps({"added": [], "changed": [["rent", 1, 2]], "data_import": None, "removed": [],
                       "row_changed": [], "updater_reference": None}, indent=1, sort_keys=True)
    assert response.json() == {
        "docs": [{"name": "L-1", "owner": "Administrator", "creation": NOW, "modified": NOW,
                  "modified_by": "Administrator", "docstatus": 0, "idx": 0, "rent": 2, "doctype": "Lease"}],
        "docinfo": docinfo("Lease", "L-1", permissions=FULL_RIGHTS | {"submit": 0},
                           versions=[{"name": version["name"], "owner": "Administrator", "creation": NOW,
                                      "data": data}]),
    }


def test_getdoc_sends_the_ten_newest_versions_newest_first(rpc, admin_client, admin_user, db):
    make_doctype("Lease", [{"fieldname": "rent", "label": "Rent", "fieldtype": "Int"}], autoname="Prompt",
                 track_changes=1)
    document.insert_doc("Lease", {"name": "L-1", "rent": 0}, user=admin_user)
    for rent in range(1, 13):
        document.update_doc("Lease", "L-1", {"rent": rent}, user=admin_user)

    response = admin_client.get(rpc.url("frappe.desk.form.load.getdoc"), {"doctype": "Lease", "name": "L-1"})

    versions = response.json()["docinfo"]["versions"]
    assert [json.loads(v["data"])["changed"] for v in versions] == [
        [["rent", rent - 1, rent]] for rent in range(12, 2, -1)]
    assert [sorted(v) for v in versions] == [["creation", "data", "name", "owner"]] * 10


def test_getdoc_of_a_missing_document_is_an_empty_list(rpc, admin_client, todo):
    response = admin_client.get(rpc.url("frappe.desk.form.load.getdoc"), {"doctype": "ToDo", "name": "missing"})
    assert (response.status_code, response.json()) == (200, rpc.ok([]))


def test_getdoc_without_read_permission_is_403(rpc, user_client, admin_user, db):
    make_doctype("Secret", [{"fieldname": "code", "label": "Code", "fieldtype": "Data"}], autoname="Prompt")
    document.insert_doc("Secret", {"name": "S-1"}, user=admin_user)
    response = user_client.get(rpc.url("frappe.desk.form.load.getdoc"), {"doctype": "Secret", "name": "S-1"})
    assert response.status_code == 403
    message = "User <strong>jane@example.com</strong> does not have access to this document: Secret - S-1"
    if rpc.version == "v1":
        assert body(response) == rpc.error(
            "PermissionError", message, title="Not Permitted",
            _error_message="Insufficient Permission for <strong>Secret S-1</strong>",
        )
    else:
        assert body(response) == rpc.error("PermissionError", message, title="Not Permitted")


def test_savedocs_inserts_a_new_document(rpc, admin_client, todo, now):
    doc = {"doctype": "ToDo", "name": "new-todo-1", "__islocal": 1, "description": "Call Bob"}
    response = admin_client.post(
        rpc.url("frappe.desk.form.save.savedocs"), {"doc": json.dumps(doc), "action": "Save"}
    )
    assert response.status_code == 200
    data = response.json()
    name = data["docs"][0]["name"]
    saved = {"message": "Saved", "title": "Message", "indicator": "green", "alert": 1}
    expected = {
        "docs": [todo_doc(name, description="Call Bob") | {"localname": "new-todo-1"}],
        "docinfo": docinfo("ToDo", name, permissions=FULL_RIGHTS | {"submit": 0}),
    }
    if rpc.version == "v1":
        assert body(response) == expected | {"_server_messages": [saved]}
    else:
        assert data == expected | {"messages": [saved]}
    assert name != "new-todo-1"


def test_savedocs_submit_and_cancel_existing(rpc, admin_client, admin_user, order, now):
    document.insert_doc("Order", {"title": "O-1"}, user=admin_user)
    doc = {"doctype": "Order", "name": "O-1", "title": "O-1", "note": "rush", "modified": now}
    submitted = admin_client.post(
        rpc.url("frappe.desk.form.save.savedocs"), {"doc": doc, "action": "Submit"}, format="json"
    )
    cancelled = admin_client.post(rpc.url("frappe.desk.form.save.cancel"), {"doctype": "Order", "name": "O-1"})
    assert submitted.status_code == cancelled.status_code == 200
    assert [d["docstatus"] for d in submitted.json()["docs"]] == [1]
    assert submitted.json()["docs"][0]["note"] == "rush"
    assert cancelled.json() == {
        "docs": [{"name": "O-1", "owner": "Administrator", "creation": now, "modified": now,
                  "modified_by": "Administrator", "docstatus": 2, "idx": 0, "title": "O-1", "note": "rush",
                  "doctype": "Order"}],
        "docinfo": docinfo("Order", "O-1", permissions=FULL_RIGHTS),
    }


def test_savedocs_with_a_stale_document_is_refused(rpc, admin_client, admin_user, todo, now):
    created = make_todo(admin_user)
    doc = {"doctype": "ToDo", "name": created["name"], "description": "x", "modified": "2020-01-01 00:00:00"}
    response = admin_client.post(rpc.url("frappe.desk.form.save.savedocs"), {"doc": doc, "action": "Save"},
                                 format="json")
    assert response.status_code == 417
    assert body(response) == rpc.error(
        "TimestampMismatchError",
        f"Error: Document has been modified after you have opened it ({now}, 2020-01-01 00:00:00). "
        "Please refresh to get the latest document.",
    )


# -- report view ---------------------------------------------------------------------------------


def test_reportview_get_compresses_rows(rpc, admin_client, admin_user, todo):
    make_todo(admin_user, description="a", priority="High")
    make_todo(admin_user, description="b", priority="Low")
    url = rpc.url("frappe.desk.reportview.get")
    params = {"doctype": "ToDo", "fields": '["description", "priority"]', "order_by": "description asc",
              "start": 0, "page_length": 20}
    response = admin_client.get(url, params)
    empty = admin_client.get(url, {**params, "filters": '[["status", "=", "Closed"]]'})
    assert response.json() == rpc.ok(
        {"keys": ["description", "priority"], "values": [["a", "High"], ["b", "Low"]], "user_info": {}}
    )
    assert empty.json() == rpc.ok([])


def test_reportview_get_list_and_count(rpc, admin_client, admin_user, todo):
    for text in ("a", "b", "c"):
        make_todo(admin_user, description=text)
    rows = admin_client.get(
        rpc.url("frappe.desk.reportview.get_list"),
        {"doctype": "ToDo", "fields": '["description"]', "order_by": "description asc", "start": 1, "page_length": 1},
    )
    count = admin_client.get(rpc.url("frappe.desk.reportview.get_count"), {"doctype": "ToDo"})
    capped = admin_client.get(rpc.url("frappe.desk.reportview.get_count"), {"doctype": "ToDo", "limit": 2})
    assert rows.json() == rpc.ok([{"description": "b"}])
    assert (count.json(), capped.json()) == (rpc.ok(3), rpc.ok(2))


def test_reportview_rejects_unknown_fields(rpc, admin_client, todo):
    response = admin_client.get(rpc.url("frappe.desk.reportview.get"), {"doctype": "ToDo", "fields": '["nope"]'})
    assert response.status_code == 417
    assert body(response) == rpc.error("DataError", "Field not permitted in query: nope")


@pytest.mark.parametrize("method", ["frappe.desk.reportview.get", "frappe.desk.reportview.get_list"])
@pytest.mark.parametrize(("key", "value"), [("aggregate_on_field", "priority"), ("aggregate_function", "sum")])
def test_reportview_refuses_arguments_it_does_not_implement(rpc, admin_client, todo, method, key, value):
    response = admin_client.get(rpc.url(method), {"doctype": "ToDo", key: value})

    assert response.status_code == 417
    assert body(response) == rpc.error("ValidationError", f"The report view argument {key} is not supported.")


def test_reportview_get_list_refuses_add_total_row(rpc, admin_client, todo):
    response = admin_client.get(rpc.url("frappe.desk.reportview.get_list"), {"doctype": "ToDo", "add_total_row": 1})

    assert response.status_code == 417
    assert body(response) == rpc.error(
        "ValidationError",
        "The report view argument add_total_row is not supported here; frappe.desk.reportview.get adds the "
        "total row.")


@pytest.mark.parametrize("method", ["frappe.desk.reportview.get", "frappe.desk.reportview.get_list"])
def test_reportview_with_comment_count_counts_the_comment_cache(rpc, admin_client, admin_user, todo, method):
    first = make_todo(admin_user, description="a")
    make_todo(admin_user, description="b")
    one = add_comment(first["name"], admin_user, "One")
    two = add_comment(first["name"], admin_user, "Two")
    params = {"doctype": "ToDo", "fields": '["description", "_comments"]', "order_by": "description asc",
              "with_comment_count": "true"}

    response = admin_client.get(rpc.url(method), params)
    bare = admin_client.get(rpc.url(method), {**params, "fields": '["description"]'})

    rows = [{"description": "a", "_comments": ANY, "_comment_count": 2},
            {"description": "b", "_comments": None, "_comment_count": 0}]
    bare_rows = [{"description": "a", "_comment_count": 0}, {"description": "b", "_comment_count": 0}]
    if method.endswith(".get"):
        rows = {"keys": ["description", "_comments", "_comment_count"],
                "values": [list(row.values()) for row in rows], "user_info": {}}
        bare_rows = {"keys": ["description", "_comment_count"], "values": [["a", 0], ["b", 0]], "user_info": {}}
    assert response.status_code == 200
    assert response.json() == rpc.ok(rows)
    assert bare.json() == rpc.ok(bare_rows)
    sent = response.json()["message" if rpc.version == "v1" else "data"]
    sent_cache = sent[0]["_comments"] if isinstance(sent, list) else sent["values"][0][1]
    assert json.loads(sent_cache) == [{"comment": "One", "by": "Administrator", "name": one["name"]},
                                      {"comment": "Two", "by": "Administrator", "name": two["name"]}]


@pytest.mark.parametrize("method", ["frappe.desk.reportview.get", "frappe.desk.reportview.get_list"])
def test_reportview_distinct_selects_distinct_rows(rpc, admin_client, admin_user, todo, method):
    for text, priority in (("a", "High"), ("b", "Low"), ("c", "High")):
        make_todo(admin_user, description=text, priority=priority)
    params = {"doctype": "ToDo", "fields": '["priority"]', "order_by": "priority asc"}

    distinct = admin_client.get(rpc.url(method), {**params, "distinct": "1"})
    every = admin_client.get(rpc.url(method), params)

    if method.endswith(".get"):
        assert distinct.json() == rpc.ok({"keys": ["priority"], "values": [["High"], ["Low"]], "user_info": {}})
        assert every.json() == rpc.ok({"keys": ["priority"], "values": [["High"], ["High"], ["Low"]],
                                       "user_info": {}})
    else:
        assert distinct.json() == rpc.ok([{"priority": "High"}, {"priority": "Low"}])
        assert every.json() == rpc.ok([{"priority": "High"}, {"priority": "High"}, {"priority": "Low"}])


def test_reportview_add_total_row_sums_numbers_and_averages_percents(rpc, admin_client, admin_user, db):
    make_doctype("Score", [
        {"fieldname": "label", "label": "Label", "fieldtype": "Data"},
        {"fieldname": "points", "label": "Points", "fieldtype": "Int"},
        {"fieldname": "share", "label": "Share", "fieldtype": "Percent"},
        {"fieldname": "price", "label": "Price", "fieldtype": "Currency"},
        {"fieldname": "code", "label": "Code", "fieldtype": "Data"},
    ], autoname="field:label")
    for label, points, share, price in (("a", 2, 50, 1.5), ("b", 3, 0, 2.25)):
        document.insert_doc("Score", {"label": label, "points": points, "share": share, "price": price,
                                      "code": "7"}, user=admin_user)
    params = {"doctype": "Score", "fields": '["label", "points", "share", "price", "code", "idx"]',
              "order_by": "label asc", "add_total_row": 1}

    response = admin_client.get(rpc.url("frappe.desk.reportview.get"), params)
    empty = admin_client.get(rpc.url("frappe.desk.reportview.get"),
                             {**params, "filters": '[["label", "=", "none"]]'})

    assert response.status_code == 200
    assert response.json() == rpc.ok({
        "keys": ["label", "points", "share", "price", "code", "idx"],
        "values": [["a", 2, 50.0, 1.5, "7", 0], ["b", 3, 0.0, 2.25, "7", 0], ["Total", 5.0, 25.0, 3.75, "", ""]],
        "user_info": {},
    })
    assert empty.json() == rpc.ok([])


def test_reportview_ignores_ignore_permissions_and_false_flags(rpc, admin_user, todo):
    from rest_framework.test import APIClient

    make_todo(admin_user, description="Not for guests")
    params = {"doctype": "ToDo", "fields": '["description"]', "with_comment_count": "0", "distinct": "false"}

    plain = APIClient().get(rpc.url("frappe.desk.reportview.get_list"), params)
    forced = APIClient().get(rpc.url("frappe.desk.reportview.get_list"), {**params, "ignore_permissions": "1"})

    assert plain.status_code == forced.status_code == 403
    assert body(forced) == body(plain)


# -- link search ---------------------------------------------------------------------------------


def test_search_link_matches_name_title_and_search_fields(rpc, user_client, admin_user, todo):
    bob = make_todo(admin_user, description="Call Bob", reference_type="Lead")
    make_todo(admin_user, description="Email Alice")
    ref = make_todo(admin_user, description="Review", reference_name="Bob's file")
    response = user_client.get(rpc.url("frappe.desk.search.search_link"), {"doctype": "ToDo", "txt": " bob "})
    assert response.status_code == 200
    # Neither name starts with "bob", so both follow the DocType's sort order: newest first.
    expected = [{"value": ref["name"], "description": "Review, Bob's file"},
                {"value": bob["name"], "description": "Call Bob, Lead"}]
    assert response.json() == rpc.ok(expected)


def test_search_link_pages_and_refuses_unknown_search_field(rpc, admin_client, admin_user, todo):
    for text in ("one", "two", "three"):
        make_todo(admin_user, description=text)
    url = rpc.url("frappe.desk.search.search_link")
    page = admin_client.get(url, {"doctype": "ToDo", "txt": "", "page_length": 2}).json()
    assert len(page["message" if rpc.version == "v1" else "data"]) == 2
    response = admin_client.get(url, {"doctype": "ToDo", "txt": "x", "searchfield": "nope"})
    assert response.status_code == 417
    assert body(response) == rpc.error("DataError", "Invalid Search Field nope")


# -- run_doc_method and add_comment --------------------------------------------------------------


def test_run_doc_method_by_dt_and_dn_sends_the_document_back(admin_client, admin_user, todo, now):
    """v1 only: v2's run_doc_method takes the whole ``document`` (see the test below)."""
    rpc = Rpc("v1")
    created = make_todo(admin_user)
    response = admin_client.post(
        rpc.url("run_doc_method"),
        {"dt": "ToDo", "dn": created["name"], "method": "add_comment", "args": json.dumps({"text": "hi"})},
    )
    assert response.status_code == 200
    data = response.json()
    comment = data["message" if rpc.version == "v1" else "data"]
    assert comment == {
        "name": ANY, "owner": "Administrator", "creation": now, "modified": now, "modified_by": "Administrator",
        "docstatus": 0, "idx": 0, "comment_type": "Comment", "comment_email": "Administrator", "published": 0,
        "seen": 0, "reference_doctype": "ToDo", "reference_name": created["name"], "content": "hi",
        "doctype": "Comment",
    }
    assert data["docs"] == [todo_doc(created["name"], nulls=False, description="Call Bob")]


def test_run_doc_method_with_a_document_checks_modified(rpc, admin_client, admin_user, order, now):
    document.insert_doc("Order", {"title": "O-1"}, user=admin_user)
    url = rpc.url("runserverobj" if rpc.version == "v1" else "run_doc_method")
    current = {"doctype": "Order", "name": "O-1", "modified": now}
    submitted = admin_client.post(url, {"method": "submit", "docs": current, "document": current}, format="json")
    stale = admin_client.post(
        url, {"method": "submit", "docs": current | {"modified": "x"}, "document": current | {"modified": "x"}},
        format="json",
    )
    doc = {"name": "O-1", "owner": "Administrator", "creation": now, "modified": now,
           "modified_by": "Administrator", "docstatus": 1, "idx": 0, "title": "O-1", "doctype": "Order"}
    assert submitted.json() == rpc.ok(doc, docs=[doc])
    assert stale.status_code == 417
    assert body(stale) == rpc.error(
        "TimestampMismatchError",
        f"Error: Document has been modified after you have opened it ({now}, x). "
        "Please refresh to get the latest document.",
    )


def test_run_doc_method_v2_kwargs_drop_unknown_keys(admin_client, admin_user, todo, now):
    created = make_todo(admin_user)
    response = admin_client.get(
        "/api/v2/method/run_doc_method",
        {"method": "add_comment", "document": json.dumps({"doctype": "ToDo", "name": created["name"], "modified": now}),
         "kwargs": json.dumps({"text": "seen", "unknown": 1})},
    )
    assert response.status_code == 200
    assert response.json()["data"]["content"] == "seen"
    assert len(response.json()["docs"]) == 1


def test_run_doc_method_needs_write_for_post(rpc, user_client, admin_user, order, now):
    document.insert_doc("Order", {"title": "O-1"}, user=admin_user)
    current = {"doctype": "Order", "name": "O-1", "modified": now}
    response = user_client.post(
        rpc.url("run_doc_method"), {"dt": "Order", "dn": "O-1", "method": "submit"} if rpc.version == "v1" else
        {"document": current, "method": "submit"}, format="json",
    )
    assert response.status_code == 403
    assert body(response) == rpc.error("PermissionError")


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_add_comment_document_method(api, admin_client, admin_user, todo):
    created = make_todo(admin_user)
    if api == "v1":
        url = f"/api/resource/ToDo/{created['name']}"
        response = admin_client.post(url, {"run_method": "add_comment", "text": "x"})
    else:
        response = admin_client.post(f"/api/v2/document/ToDo/{created['name']}/method/add_comment", {"text": "x"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["doctype"], data["content"], data["reference_name"], data["comment_email"]) == (
        "Comment", "x", created["name"], "Administrator"
    )
    assert "comment_by" not in data  # a returned document has no null fields


def test_rename_document_method_moves_comments(admin_client, admin_user, todo):
    created = make_todo(admin_user)
    add_comment(created["name"], admin_user, "follow me")
    response = admin_client.post(f"/api/resource/ToDo/{created['name']}", {"run_method": "rename", "name": "T-2"})
    assert (response.status_code, response.json()) == (200, {})
    rows = document.get_all("Comment", fields=["reference_name"], filters={"reference_doctype": "ToDo"})
    assert rows == [{"reference_name": "T-2"}]
