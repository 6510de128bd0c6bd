"""``frappe.desk.form.load.getdoctype`` (frappe-ui's meta loader), ``frappe.desk.form.utils.add_comment`` and
the ``_comments`` cache it keeps; Frappe's optional columns (``_assign``, ``_user_tags``, ...) in list queries."""

from __future__ import annotations

import json

import pytest

from django_frappe_api import document
from tests.api.rpc_support import body, make_todo
from tests.factories import make_doctype

pytestmark = pytest.mark.django_db


def meta_of(client, doctype: str) -> dict:
    return client.get(f"/api/v2/doctype/{doctype}/meta").json()["data"]


# -- getdoctype ------------------------------------------------------------------------------------


def test_getdoctype_sends_the_meta_in_docs(user_client, rpc, todo):
    response = user_client.get(rpc.url("frappe.desk.form.load.getdoctype"), {"doctype": "ToDo"})

    assert response.status_code == 200
    assert response.json() == rpc.ok(docs=[meta_of(user_client, "ToDo")], user_settings="{}")


def test_getdoctype_bundles_child_tables_and_finds_the_parent(admin_client, rpc, task_doctype):
    bundle = [meta_of(admin_client, "Task"), meta_of(admin_client, "Task Item")]

    own = admin_client.get(rpc.url("frappe.desk.form.load.getdoctype"), {"doctype": "Task"})
    child = admin_client.get(rpc.url("frappe.desk.form.load.getdoctype"), {"doctype": "Task Item"})
    parent = admin_client.get(rpc.url("frappe.desk.form.load.getdoctype"), {"doctype": "Task Item", "with_parent": 1})

    assert own.json() == rpc.ok(docs=bundle, user_settings="{}")
    assert child.json() == rpc.ok(docs=[bundle[1]], user_settings="{}")
    assert parent.json() == rpc.ok(docs=bundle, user_settings="{}", parent_dt="Task")


def test_getdoctype_with_the_cached_timestamp_answers_use_cache(user_client, rpc, todo):
    modified = meta_of(user_client, "ToDo")["modified"]

    response = user_client.get(rpc.url("frappe.desk.form.load.getdoctype"),
                               {"doctype": "ToDo", "cached_timestamp": modified})

    assert response.json() == rpc.ok("use_cache", user_settings="{}")


def test_getdoctype_refuses_guests_and_unknown_doctypes(guest_client, user_client, rpc, todo):
    guest = guest_client.get(rpc.url("frappe.desk.form.load.getdoctype"), {"doctype": "ToDo"})
    unknown = user_client.get(rpc.url("frappe.desk.form.load.getdoctype"), {"doctype": "Nope"})

    assert guest.status_code == 403
    assert (unknown.status_code, body(unknown)) == (404, rpc.error("DoesNotExistError", "DocType Nope not found"))


# -- add_comment and the _comments cache ------------------------------------------------------------


def comment_args(name: str, content: str = "Called back") -> dict:
    return {"reference_doctype": "ToDo", "reference_name": name, "content": content,
            "comment_email": "jane@example.com", "comment_by": "Jane Doe"}


def cache_of(client, name: str):
    rows = client.get("/api/resource/ToDo", {"fields": '["name", "_comments"]', "filters": json.dumps({"name": name})})
    return rows.json()["data"][0]["_comments"]


def test_add_comment_stores_a_comment_and_returns_it(user_client, rpc, todo, user, now):
    target = make_todo(user)

    response = user_client.post(rpc.url("frappe.desk.form.utils.add_comment"), comment_args(target["name"]),
                                format="json")

    assert response.status_code == 200
    comment = response.json()["message" if rpc.version == "v1" else "data"]
    assert comment == {
        "name": comment["name"], "owner": "jane@example.com", "creation": now, "modified": now,
        "modified_by": "jane@example.com", "docstatus": 0, "idx": 0, "comment_type": "Comment",
        "comment_email": "jane@example.com", "comment_by": "Jane Doe", "published": 0, "seen": 0,
        "reference_doctype": "ToDo", "reference_name": target["name"], "content": "Called back", "doctype": "Comment",
    }
    assert json.loads(cache_of(user_client, target["name"])) == [
        {"comment": "Called back", "by": "jane@example.com", "name": comment["name"]}]
    after = user_client.get(f"/api/resource/ToDo/{target['name']}").json()["data"]
    assert after["modified"] == target["modified"]  # the cache does not touch the document
    assert "_comments" not in after


def test_comment_cache_is_frappes_json_text_truncated_and_follows_deletes(admin_client, todo, admin_user):
    target = make_todo(admin_user)
    long_text = "x" * 120

    first = admin_client.post("/api/method/frappe.desk.form.utils.add_comment",
                              comment_args(target["name"], long_text), format="json").json()["message"]
    second = document.insert_doc("Comment", {"comment_type": "Comment", "reference_doctype": "ToDo",
                                             "reference_name": target["name"], "content": "Second"}, user=admin_user)
    document.insert_doc("Comment", {"comment_type": "Like", "reference_doctype": "ToDo",
                                    "reference_name": target["name"], "content": "Liked"}, user=admin_user)

    assert cache_of(admin_client, target["name"]) == json.dumps([
        {"comment": "x" * 97 + "...", "by": "jane@example.com", "name": first["name"]},
        {"comment": "Second", "by": "Administrator", "name": second["name"]},
    ])

    document.update_doc("ToDo", target["name"], {"status": "Closed"}, user=admin_user)  # a save keeps the cache
    assert admin_client.delete(f"/api/resource/Comment/{first['name']}").status_code == 202

    assert json.loads(cache_of(admin_client, target["name"])) == [
        {"comment": "Second", "by": "Administrator", "name": second["name"]}]


def test_document_method_add_comment_fills_the_cache_too(admin_client, todo, admin_user):
    target = make_todo(admin_user)

    admin_client.post(f"/api/v2/document/ToDo/{target['name']}/method/add_comment", {"text": "Via method"},
                      format="json")

    assert [entry["comment"] for entry in json.loads(cache_of(admin_client, target["name"]))] == ["Via method"]


def test_add_comment_needs_read_on_the_document_and_a_write_verb(user_client, rpc, todo, admin_user, db):
    make_doctype("Secret", [{"fieldname": "title", "label": "Title", "fieldtype": "Data"}], autoname="hash")
    secret = document.insert_doc("Secret", {"title": "s"}, user=admin_user)
    args = {**comment_args(secret["name"]), "reference_doctype": "Secret"}

    refused = user_client.post(rpc.url("frappe.desk.form.utils.add_comment"), args, format="json")
    missing = user_client.post(rpc.url("frappe.desk.form.utils.add_comment"), comment_args("nope"), format="json")
    by_get = user_client.get(rpc.url("frappe.desk.form.utils.add_comment"), comment_args("nope"))

    assert refused.status_code == 403
    assert (missing.status_code, body(missing)) == (404, rpc.error("DoesNotExistError", "ToDo nope not found"))
    assert (by_get.status_code, body(by_get)) == (403, rpc.error("PermissionError"))
    assert document.get_all("Comment", fields=["name"]) == []


# -- optional columns in list queries ----------------------------------------------------------------


OPTIONAL = ["_assign", "_user_tags", "_liked_by", "_comments", "_seen"]


def test_optional_columns_are_queryable_and_null_by_default(admin_client, storage, admin_user, api_url):
    document.insert_doc(storage.doctype, {"subject": "One"}, user=admin_user)

    response = admin_client.get(api_url(storage.doctype), {
        "fields": json.dumps(["subject", *OPTIONAL]),
        "filters": json.dumps([["_assign", "is", "not set"], ["_comments", "not like", "%x%"]]),
        "order_by": "_liked_by desc, _seen asc",
    })

    assert response.status_code == 200
    assert response.json()["data"] == [{"subject": "One", **dict.fromkeys(OPTIONAL)}]
    none = admin_client.get(api_url(storage.doctype), {"filters": json.dumps([["_user_tags", "is", "set"]])})
    assert none.json()["data"] == []


def test_child_tables_have_no_optional_columns(admin_client, storage, api_url, api_version):
    from tests.api.rpc_support import Rpc

    response = admin_client.get(api_url(storage.doctype), {"fields": '["items._comments"]'})

    assert response.status_code == 417
    assert body(response) == Rpc(api_version).error("DataError", "Field not permitted in query: items._comments")


def test_comment_cache_is_filterable_for_json_doctypes(admin_client, todo, admin_user):
    commented = make_todo(admin_user)
    make_todo(admin_user, description="Quiet")
    admin_client.post("/api/method/frappe.desk.form.utils.add_comment", comment_args(commented["name"]), format="json")

    response = admin_client.get("/api/v2/document/ToDo", {
        "fields": '["name"]', "filters": '[["_comments", "like", "%Called back%"]]'})

    assert response.json() == {"data": [{"name": commented["name"]}], "has_next_page": False}
