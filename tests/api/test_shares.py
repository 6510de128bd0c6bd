"""Sharing over HTTP: ``frappe.share.*``, and a shared document readable, listed and writable as shared.

``bob`` holds no role on ``Deal``; ``jane`` (role ``Sales``) reads and writes every Deal and may share them.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from django_frappe_api import document
from django_frappe_api.methods.share import add_docshare
from tests.factories import UserFactory, make_doctype

from .rpc_support import NOW, body, pin_now

pytestmark = pytest.mark.django_db

BOB, JANE = "bob@example.com", "jane@example.com"
SHARE = "/api/method/frappe.share."


@pytest.fixture
def deals(admin_user, monkeypatch):
    pin_now(monkeypatch)
    make_doctype("Deal", [{"fieldname": "title", "fieldtype": "Data"}], autoname="Prompt", permissions=[
        {"role": "Sales", "read": 1, "write": 1, "share": 1},
        {"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1, "share": 1}])
    for name in ("D1", "D2", "D3"):
        document.insert_doc("Deal", {"name": name, "title": name}, user=admin_user, honour_name=True)


def login(username: str, roles: list[str]) -> APIClient:
    client = APIClient()
    client.force_login(UserFactory(username=username, roles=roles, first_name=username.split("@")[0].title(),
                                   last_name=""))
    return client


@pytest.fixture
def bob(db) -> APIClient:
    return login(BOB, [])


@pytest.fixture
def jane(db) -> APIClient:
    return login(JANE, ["Sales"])


def share_row(name: str, **rights) -> dict:
    return {"name": name, "owner": JANE, "creation": NOW, "modified": NOW, "modified_by": JANE, "docstatus": 0,
            "idx": 0, "user": BOB, "share_doctype": "Deal", "share_name": "D2", "read": 1, "write": 0,
            "share": 0, "submit": 0, "everyone": 0, "notify_by_email": 1, "doctype": "DocShare", **rights}


def test_without_a_share_nothing_is_listed_or_read(bob, deals):
    assert bob.get("/api/resource/Deal").status_code == 403
    assert bob.get("/api/resource/Deal/D2").status_code == 403
    assert bob.get("/api/v2/doctype/Deal/count").status_code == 403


def test_a_shared_document_is_listed_counted_and_read(bob, jane, deals):
    response = jane.post(SHARE + "add", {"doctype": "Deal", "name": "D2", "user": BOB}, format="json")
    assert response.status_code == 200, response.content
    row = response.json()["message"]
    assert row == share_row(row["name"])
    assert bob.get("/api/resource/Deal").json() == {"data": [{"name": "D2"}]}
    assert bob.get("/api/v2/doctype/Deal/count").json() == {"data": 1}
    assert bob.get("/api/resource/Deal/D2").json()["data"]["title"] == "D2"
    assert bob.get("/api/resource/Deal/D1").status_code == 403
    response = bob.put("/api/resource/Deal/D2", {"title": "changed"}, format="json")
    assert response.status_code == 403
    assert document.get_all("Deal", fields=["title"], filters={"name": "D2"}) == [{"title": "D2"}]


def test_write_share_lets_the_user_save_and_removing_takes_everything_back(bob, jane, deals):
    response = jane.post(SHARE + "add", {"doctype": "Deal", "name": "D2", "user": BOB, "write": 1}, format="json")
    assert response.json()["message"]["write"] == 1
    response = bob.put("/api/resource/Deal/D2", {"title": "changed"}, format="json")
    assert (response.status_code, response.json()["data"]["title"]) == (200, "changed")
    response = jane.post(SHARE + "remove", {"doctype": "Deal", "name": "D2", "user": BOB}, format="json")
    assert (response.status_code, response.json()) == (200, {})
    assert document.get_all("Comment", fields=["comment_type", "content", "reference_name", "comment_email"],
                            order_by="comment_type asc") == [
        {"comment_type": "Shared", "content": "Jane shared this document with Bob", "reference_name": "D2",
         "comment_email": JANE},
        {"comment_type": "Unshared", "content": "Jane un-shared this document with Bob", "reference_name": "D2",
         "comment_email": JANE}]
    assert bob.get("/api/resource/Deal/D2").status_code == 403
    assert bob.get("/api/resource/Deal").status_code == 403


def test_set_permission_grants_and_taking_read_back_deletes_the_row(bob, jane, deals):
    response = jane.post(SHARE + "set_permission", {"doctype": "Deal", "name": "D2", "user": BOB,
                                                    "permission_to": "write"}, format="json")
    row = response.json()["message"]
    assert row == share_row(row["name"], write=1)
    response = jane.post(SHARE + "set_permission", {"doctype": "Deal", "name": "D2", "user": BOB,
                                                    "permission_to": "write", "value": 0}, format="json")
    assert response.json()["message"] == share_row(row["name"])
    response = jane.post(SHARE + "set_permission", {"doctype": "Deal", "name": "D2", "user": BOB,
                                                    "permission_to": "read", "value": 0}, format="json")
    assert (response.status_code, response.json()) == (200, {})
    assert document.get_all("DocShare") == []


def test_get_users_and_include_shares_answer_the_rows(bob, jane, deals):
    jane.post(SHARE + "add", {"doctype": "Deal", "name": "D2", "user": BOB}, format="json")
    jane.post(SHARE + "add", {"doctype": "Deal", "name": "D2", "everyone": 1}, format="json")
    response = jane.get(SHARE + "get_users", {"doctype": "Deal", "name": "D2"})
    rows = sorted(response.json()["message"], key=lambda row: row["everyone"])  # both made in the same instant
    assert [{k: v for k, v in row.items() if k != "name"} for row in rows] == [
        {"user": BOB, "read": 1, "write": 0, "submit": 0, "share": 0, "everyone": 0, "owner": JANE, "creation": NOW},
        {"user": None, "read": 1, "write": 0, "submit": 0, "share": 0, "everyone": 1, "owner": JANE,
         "creation": NOW},
    ]
    response = jane.get("/api/v2/document/Deal/D2", {"include": "shares"})
    assert sorted(response.json()["shares"], key=lambda row: row["user"] == "everyone") == [
        {"user": BOB, "read": 1, "write": 0, "submit": 0, "share": 0},
        {"user": "everyone", "read": 1, "write": 0, "submit": 0, "share": 0}]
    assert bob.get(SHARE + "get_users", {"doctype": "Deal", "name": "D1"}).json() == {"message": []}


def test_everyone_share_reaches_every_logged_in_user_but_not_guest(bob, jane, deals, guest_client):
    jane.post(SHARE + "add", {"doctype": "Deal", "name": "D3", "everyone": 1}, format="json")
    assert bob.get("/api/resource/Deal").json() == {"data": [{"name": "D3"}]}
    assert guest_client.get("/api/resource/Deal/D3").status_code == 403


def test_sharing_needs_the_share_right_and_the_rights_passed_on(bob, jane, deals):
    response = bob.post(SHARE + "add", {"doctype": "Deal", "name": "D1", "user": JANE}, format="json")
    assert response.status_code == 403
    assert body(response)["_server_messages"][0]["message"] == "No permission to share Deal D1"
    response = jane.post(SHARE + "add", {"doctype": "Deal", "name": "D1", "user": BOB, "submit": 1}, format="json")
    assert response.status_code == 403
    assert body(response)["_server_messages"][0]["message"] == (
        "You cannot share `submit` on Deal `D1` as you do not have `submit` permission on `Deal`")
    assert document.get_all("DocShare") == []


def test_a_share_reopens_documents_hidden_by_user_permissions_and_if_owner(jane, deals, admin_client, admin_user):
    make_doctype("Note", [{"fieldname": "title", "fieldtype": "Data"}], autoname="Prompt",
                 permissions=[{"role": "Sales", "read": 1, "create": 1, "if_owner": 1},
                              {"role": "System Manager", "read": 1, "share": 1}])
    document.insert_doc("Note", {"name": "N1", "title": "admin's"}, user=admin_user, honour_name=True)
    assert jane.get("/api/resource/Note").json() == {"data": []}
    response = admin_client.post(SHARE + "add", {"doctype": "Note", "name": "N1", "user": JANE}, format="json")
    assert response.status_code == 200, response.content
    assert jane.get("/api/resource/Note").json() == {"data": [{"name": "N1"}]}
    assert jane.get("/api/resource/Note/N1").status_code == 200
    response = admin_client.post("/api/resource/User Permission",
                                 {"user": JANE, "allow": "Deal", "for_value": "D1"}, format="json")
    assert response.status_code == 200
    assert jane.get("/api/resource/Deal", {"order_by": "name asc"}).json() == {"data": [{"name": "D1"}]}
    admin_client.post(SHARE + "add", {"doctype": "Deal", "name": "D3", "user": JANE}, format="json")
    assert jane.get("/api/resource/Deal", {"order_by": "name asc"}).json() == {"data": [{"name": "D1"},
                                                                                       {"name": "D3"}]}


def test_a_shared_model_row_is_listed_and_read_without_the_model_permission(bob, admin_user):
    from tests.testapp.models import Customer

    acme = Customer.objects.create(customer_name="Acme")
    Customer.objects.create(customer_name="Bolt")
    assert bob.get("/api/resource/Customer").status_code == 403
    add_docshare("Customer", acme.pk, user=admin_user, share_with=BOB, everyone=False, check=False,
                 rights={"read": 1, "write": 0, "submit": 0, "share": 0})
    response = bob.get("/api/resource/Customer", {"fields": '["name", "customer_name"]'})
    assert response.json() == {"data": [{"name": acme.pk, "customer_name": "Acme"}]}
    assert bob.get(f"/api/resource/Customer/{acme.pk}").json()["data"]["customer_name"] == "Acme"
    assert bob.get("/api/v2/doctype/Customer/count").json() == {"data": 1}
