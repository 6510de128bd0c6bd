"""Assignments (ToDo and ``_assign``), tags (``_user_tags``, Tag, Tag Link) and likes (``_liked_by``) over HTTP.

``jane`` (role ``Sales``) reads, writes and shares ``Deal``; ``bob`` holds no role on it.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from django_frappe_api import document
from tests.factories import UserFactory, make_doctype

from .rpc_support import body, pin_now

pytestmark = pytest.mark.django_db

BOB, JANE = "bob@example.com", "jane@example.com"
ASSIGN = "/api/method/frappe.desk.form.assign_to."
TAG = "/api/method/frappe.desk.doctype.tag.tag."


@pytest.fixture
def deals(admin_user, todo, monkeypatch):
    pin_now(monkeypatch)
    make_doctype("Deal", [{"fieldname": "title", "fieldtype": "Data"}], autoname="Prompt", permissions=[
        {"role": "Sales", "read": 1, "write": 1, "share": 1},
        {"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1, "share": 1}])
    for name in ("D1", "D2"):
        document.insert_doc("Deal", {"name": name, "title": f"Deal {name}"}, user=admin_user, honour_name=True)


def login(username: str, roles: list[str]) -> APIClient:
    client = APIClient()
    client.force_login(UserFactory(username=username, roles=roles))
    return client


@pytest.fixture
def jane(db) -> APIClient:
    return login(JANE, ["Sales"])


@pytest.fixture
def bob(db) -> APIClient:
    return login(BOB, [])


def column(name: str, fieldname: str):
    return document.get_all("Deal", fields=[fieldname], filters={"name": name})[0][fieldname]


def listed(client: APIClient, filters: list) -> list[str]:
    response = client.get("/api/resource/Deal", {"filters": json.dumps(filters)})
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["data"]]


def test_assigning_writes_a_todo_fills_assign_and_shares_for_reading(jane, bob, deals):
    response = jane.post(ASSIGN + "add", {"assign_to": json.dumps([BOB]), "doctype": "Deal", "name": "D1"},
                         format="json")
    assert response.status_code == 200, response.content
    data = body(response)
    todo = document.get_all("ToDo", fields=["name", "allocated_to", "reference_type", "reference_name", "status",
                                            "description", "priority", "date", "owner"])
    assert todo == [{"name": todo[0]["name"], "allocated_to": BOB, "reference_type": "Deal", "reference_name": "D1",
                     "status": "Open", "description": "Assignment for Deal D1", "priority": "Medium",
                     "date": "2024-05-10", "owner": JANE}]
    assert data["message"] == [{"owner": BOB, "name": todo[0]["name"]}]
    assert data["_server_messages"][0]["message"] == (
        f"Shared with the following Users with Read access:<br><br>{BOB}")
    assert column("D1", "_assign") == json.dumps([BOB])
    assert listed(jane, [["_assign", "like", "%bob%"]]) == ["D1"]
    assert bob.get("/api/resource/Deal/D1").status_code == 200
    response = jane.get("/api/v2/document/Deal/D1", {"include": "assignments"})
    assert response.json()["assignments"] == [{"user": BOB, "description": "Assignment for Deal D1",
                                               "priority": "Medium", "date": "2024-05-10"}]
    response = jane.get(ASSIGN + "get", {"doctype": "Deal", "name": "D1"})
    assert response.json() == {"message": [{"owner": BOB, "name": todo[0]["name"]}]}


def test_assigning_twice_keeps_one_open_todo(jane, deals):
    args = {"assign_to": json.dumps([JANE]), "doctype": "Deal", "name": "D1"}
    jane.post(ASSIGN + "add", args, format="json")
    response = jane.post(ASSIGN + "add", args, format="json")
    assert body(response)["_server_messages"][0]["message"] == (
        f"Already in the following Users ToDo list:<br><br>{JANE}")
    assert len(document.get_all("ToDo")) == 1


def test_only_the_assignee_closes_and_removing_cancels(jane, bob, deals):
    jane.post(ASSIGN + "add", {"assign_to": json.dumps([BOB, JANE]), "doctype": "Deal", "name": "D1"},
              format="json")
    assert sorted(json.loads(column("D1", "_assign"))) == [BOB, JANE]  # both ToDos made in one pinned instant
    response = jane.post(ASSIGN + "close", {"doctype": "Deal", "name": "D1", "assign_to": BOB}, format="json")
    assert response.status_code == 417
    assert body(response)["_server_messages"][0]["message"] == "Only the assignee can complete this to-do."
    response = bob.post(ASSIGN + "close", {"doctype": "Deal", "name": "D1", "assign_to": BOB}, format="json")
    assert response.status_code == 200
    assert [row["owner"] for row in response.json()["message"]] == [JANE]
    assert column("D1", "_assign") == json.dumps([JANE])
    response = jane.post(ASSIGN + "remove", {"doctype": "Deal", "name": "D1", "assign_to": JANE}, format="json")
    assert response.json() == {"message": []}
    assert column("D1", "_assign") == "[]"
    statuses = sorted((row["allocated_to"], row["status"]) for row in
                      document.get_all("ToDo", fields=["allocated_to", "status"]))
    assert statuses == [(BOB, "Closed"), (JANE, "Cancelled")]


def test_assigning_needs_read_on_the_document(bob, deals):
    response = bob.post(ASSIGN + "add", {"assign_to": json.dumps([BOB]), "doctype": "Deal", "name": "D2"},
                        format="json")
    assert response.status_code == 403
    assert document.get_all("ToDo") == []


def test_tags_are_kept_in_user_tags_and_tag_links(jane, deals):
    response = jane.post(TAG + "add_tag", {"tag": "urgent", "dt": "Deal", "dn": "D1"}, format="json")
    assert (response.status_code, response.json()) == (200, {"message": "urgent"})
    jane.post(TAG + "add_tag", {"tag": "later", "dt": "Deal", "dn": "D1"}, format="json")
    jane.post(TAG + "add_tag", {"tag": "later", "dt": "Deal", "dn": "D2"}, format="json")
    assert column("D1", "_user_tags") == ",urgent,later"
    assert listed(jane, [["_user_tags", "like", "%urgent%"]]) == ["D1"]
    assert jane.get(TAG + "get_tags", {"doctype": "Deal", "txt": "UR"}).json() == {"message": ["urgent"]}
    response = jane.get(TAG + "get_documents_for_tag", {"tag": "#urgent"})
    assert response.json() == {"message": [{"doctype": "Deal", "name": "D1", "content": "D1"}]}
    response = jane.post(TAG + "remove_tag", {"tag": "URGENT", "dt": "Deal", "dn": "D1"}, format="json")
    assert (response.status_code, response.json()) == (200, {})
    assert column("D1", "_user_tags") == ",later"
    assert jane.get("/api/v2/document/Deal/D1", {"include": "tags"}).json()["tags"] == ["later"]
    assert sorted(row["document_name"] for row in document.get_all("Tag Link", fields=["document_name"])) == [
        "D1", "D2"]


def test_tagging_needs_write_and_tagged_documents_are_shown_only_when_readable(jane, bob, deals):
    response = bob.post(TAG + "add_tag", {"tag": "urgent", "dt": "Deal", "dn": "D1"}, format="json")
    assert response.status_code == 403
    jane.post(TAG + "add_tag", {"tag": "urgent", "dt": "Deal", "dn": "D1"}, format="json")
    assert bob.get(TAG + "get_documents_for_tag", {"tag": "#urgent"}).json() == {"message": []}


def test_likes_toggle_liked_by_and_leave_a_like_comment(jane, deals):
    response = jane.post("/api/method/frappe.desk.like.toggle_like", {"doctype": "Deal", "name": "D1",
                                                                      "add": "Yes"}, format="json")
    assert (response.status_code, response.json()) == (200, {})
    assert column("D1", "_liked_by") == json.dumps([JANE])
    assert listed(jane, [["_liked_by", "like", "%jane%"]]) == ["D1"]
    assert jane.get("/api/v2/document/Deal/D1", {"include": "favourites"}).json()["favourites"] == [{"user": JANE}]
    assert document.get_all("Comment", fields=["comment_type", "content", "reference_name"]) == [
        {"comment_type": "Like", "content": "Liked", "reference_name": "D1"}]
    jane.post("/api/method/frappe.desk.like.toggle_like", {"doctype": "Deal", "name": "D1"}, format="json")
    assert column("D1", "_liked_by") == "[]"


def test_deleting_a_document_drops_its_shares_and_tag_links_and_cancels_its_todos(jane, bob, admin_client, deals):
    jane.post(ASSIGN + "add", {"assign_to": json.dumps([BOB]), "doctype": "Deal", "name": "D2"}, format="json")
    jane.post(TAG + "add_tag", {"tag": "urgent", "dt": "Deal", "dn": "D2"}, format="json")
    assert len(document.get_all("DocShare")) == 1
    assert admin_client.delete("/api/resource/Deal/D2").status_code == 202
    assert document.get_all("DocShare") == []
    assert document.get_all("Tag Link") == []
    assert document.get_all("ToDo", fields=["status"]) == [{"status": "Cancelled"}]
