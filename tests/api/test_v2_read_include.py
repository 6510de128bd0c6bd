"""``GET /api/v2/document/<doctype>/<name>?include=...``: the parts beside ``data`` (§6.4)."""

from __future__ import annotations

import datetime as dt

import pytest

from django_frappe_api import document
from django_frappe_api.models import Document
from tests.api.rpc_support import pin_now, todo_doc
from tests.factories import make_doctype

pytestmark = pytest.mark.django_db

KNOWN = "permissions, attachments, assignments, shares, tags, favourites, comments, seen, link_titles, users"
# The ToDo rule of role All: report, export, share, print and email default to 1 in a DocPerm row.
JANE_RIGHTS = {"select": 0, "read": 1, "write": 1, "create": 1, "delete": 1, "submit": 0, "cancel": 0, "amend": 0,
               "report": 1, "export": 1, "import": 0, "share": 1, "print": 1, "email": 1}


@pytest.fixture
def call(todo, admin_user, user, monkeypatch):
    """ToDo ``call`` by Administrator, one attachment, two comments (by jane, then Administrator)."""
    pin_now(monkeypatch)
    document.insert_doc("ToDo", {"name": "call", "description": "Call Bob"}, user=admin_user, honour_name=True)
    document.insert_doc("File", {"file_name": "notes.txt", "file_url": "/files/notes.txt", "is_private": 0,
                                 "attached_to_doctype": "ToDo", "attached_to_name": "call"},
                        user=admin_user, ignore_permissions=True)
    for author, text in ((user, "first"), (admin_user, "second")):
        document.insert_doc("Comment", {"comment_type": "Comment", "reference_doctype": "ToDo",
                                        "reference_name": "call", "content": text}, user=author,
                            ignore_permissions=True)
    document.insert_doc("Comment", {"comment_type": "Info", "reference_doctype": "ToDo", "reference_name": "call",
                                    "content": "not a comment"}, user=admin_user, ignore_permissions=True)
    for minute, row in enumerate(Document.objects.filter(doctype_id="Comment").order_by("id")):
        Document.objects.filter(pk=row.pk).update(creation=dt.datetime(2024, 5, 10, 12, minute, tzinfo=dt.UTC))
    return "call"


def names_of(doctype: str) -> list[str]:
    return list(Document.objects.filter(doctype_id=doctype).order_by("id").values_list("name", flat=True))


def test_every_part_beside_data(user_client, call):
    file_name = names_of("File")[0]
    first, second = names_of("Comment")[:2]

    response = user_client.get(f"/api/v2/document/ToDo/{call}", {"include": KNOWN.replace(" ", "")})

    assert response.status_code == 200
    assert response.json() == {
        "data": todo_doc("call", nulls=False, description="Call Bob"),
        "permissions": JANE_RIGHTS,
        "attachments": [{"name": file_name, "file_name": "notes.txt", "file_url": "/files/notes.txt",
                         "is_private": 0}],
        "assignments": [],
        "shares": [],
        "tags": [],
        "favourites": [],
        "comments": [
            {"name": first, "creation": "2024-05-10 12:00:00", "content": "first", "owner": "jane@example.com",
             "comment_type": "Comment"},
            {"name": second, "creation": "2024-05-10 12:01:00", "content": "second", "owner": "Administrator",
             "comment_type": "Comment"},
        ],
        "seen": [],
        "link_titles": {},
        "users": {
            "Administrator": {"full_name": "Administrator", "user_image": None},
            "jane@example.com": {"full_name": "Jane Doe", "user_image": None},
        },
    }


def test_users_names_only_owner_and_modifier_without_other_parts(admin_client, call):
    response = admin_client.get(f"/api/v2/document/ToDo/{call}", {"include": "users"})

    assert response.json() == {"data": todo_doc("call", nulls=False, description="Call Bob"),
                               "users": {"Administrator": {"full_name": "Administrator", "user_image": None}}}


def test_parts_come_in_the_order_asked_and_once(admin_client, call):
    response = admin_client.get(f"/api/v2/document/ToDo/{call}", {"include": "tags, seen,tags"})

    assert list(response.json()) == ["data", "tags", "seen"]


def test_link_titles_of_targets_that_show_titles(admin_client, todo, admin_user, monkeypatch):
    pin_now(monkeypatch)
    make_doctype("Project", [{"fieldname": "project_name", "label": "Project Name", "fieldtype": "Data"}],
                 autoname="Prompt", title_field="project_name", show_title_field_in_link=1)
    make_doctype("Issue Row", [{"fieldname": "project", "label": "Project", "fieldtype": "Link",
                                "options": "Project"}], istable=1)
    make_doctype("Issue", [
        {"fieldname": "project", "label": "Project", "fieldtype": "Link", "options": "Project"},
        {"fieldname": "todo", "label": "ToDo", "fieldtype": "Link", "options": "ToDo"},
        {"fieldname": "ref_type", "label": "Ref Type", "fieldtype": "Data"},
        {"fieldname": "ref_name", "label": "Ref Name", "fieldtype": "Dynamic Link", "options": "ref_type"},
        {"fieldname": "rows", "label": "Rows", "fieldtype": "Table", "options": "Issue Row"},
    ], autoname="Prompt")
    for name, title in (("P1", "Apollo"), ("P2", "Gemini"), ("P3", "")):
        document.insert_doc("Project", {"name": name, "project_name": title}, user=admin_user)
    document.insert_doc("ToDo", {"name": "t1", "description": "x"}, user=admin_user, honour_name=True)
    document.insert_doc("Issue", {"name": "I1", "project": "P1", "todo": "t1", "ref_type": "Project",
                                  "ref_name": "P3", "rows": [{"project": "P2"}]}, user=admin_user)

    response = admin_client.get("/api/v2/document/Issue/I1", {"include": "link_titles"})

    # ToDo has a title field but does not show it in links; P3's empty title falls back to its name
    assert response.json()["link_titles"] == {"Project::P1": "Apollo", "Project::P2": "Gemini", "Project::P3": "P3"}


def test_unknown_part_is_417_naming_the_known_ones(admin_client, call):
    response = admin_client.get(f"/api/v2/document/ToDo/{call}", {"include": "permissions,timeline"})

    assert response.status_code == 417
    assert response.json() == {"errors": [{"type": "UnknownPartError", "title": "Message", "indicator": "red",
                                           "message": f"Unknown include part timeline. Known parts: {KNOWN}"}]}


def test_include_must_be_a_string(admin_client, call):
    response = admin_client.generic("GET", f"/api/v2/document/ToDo/{call}", '{"include": ["users"]}',
                                    content_type="application/json")

    assert response.status_code == 417
    assert response.json()["errors"][0] == {"type": "ValidationError", "title": "Message", "indicator": "red",
                                            "message": "'include' must be a comma-separated string"}


def test_parts_need_read_permission_on_the_document(guest_client, call):
    response = guest_client.get(f"/api/v2/document/ToDo/{call}", {"include": "comments"})

    assert response.status_code == 403
    assert "comments" not in response.json()
