"""Row-level permission matrix: role by DocPerm rights by ``if_owner`` by User Permission by share, on every path.

``clerk`` holds the role ``Clerk``; ``Order`` (submittable) links to ``Company``. The Clerk's DocPerm row is one of:
none, read only, every right, every right ``if_owner``. A User Permission may allow Company ``Acme`` only; a share
of one Order (``theirs-Globex``) may grant read or write. Four Orders: owned by the clerk or by Administrator,
linking to ``Acme`` or ``Globex``.

For each cell the expected rights come from Frappe's rules (``frappe/permissions.py``, ``db_query.py``), written
out in ``expected()`` below, and every path must agree with them: list, count, v2 search and ``search_link``,
read, ``expand`` from a readable ``Ticket``, write, submit, delete, and create (link validation). Refused reads
answer Frappe's error and no data: no title of a hidden Order appears in any body, and counts equal the list.
"""

from __future__ import annotations

import itertools

import pytest
from rest_framework.test import APIClient

from django_frappe_api import document
from django_frappe_api.methods.share import add_docshare
from tests.factories import UserFactory, make_doctype

pytestmark = pytest.mark.django_db

CLERK = "clerk@example.com"
ALL_RIGHTS = {"read": 1, "write": 1, "create": 1, "delete": 1, "submit": 1, "share": 0}
ROLES = {
    "none": None,
    "read": {"read": 1, "write": 0, "create": 0, "delete": 0, "share": 0, "print": 0, "email": 0, "report": 0,
             "export": 0},
    "full": ALL_RIGHTS,
    "if_owner": {**ALL_RIGHTS, "if_owner": 1},
}
DOCS = {  # name -> (owned by the clerk, Company)
    "mine-Acme": (True, "Acme"), "mine-Globex": (True, "Globex"),
    "theirs-Acme": (False, "Acme"), "theirs-Globex": (False, "Globex"),
}
SHARED = "theirs-Globex"
CELLS = list(itertools.product(ROLES, [None, "Acme"], [None, "read", "write"]))


def expected(role: str, up: str | None, share: str | None, name: str, right: str) -> bool:
    """Frappe's answer for one document: role rights (``if_owner`` against the owner), narrowed by User
    Permissions (the owner keeps the ``if_owner`` rights), widened by a share (read, write)."""
    mine, company = DOCS[name]
    rights = ROLES[role] or {}
    granted = bool(rights.get(right)) and (right == "create" or not rights.get("if_owner") or mine)
    if granted and up is not None and company != up:
        granted = bool(rights.get("if_owner")) and mine and right != "create"
    if granted:
        return True
    shared = {"read"} | ({"write"} if share == "write" else set()) if share and name == SHARED else set()
    return right in shared


@pytest.fixture
def world(admin_user):
    def build(role: str, up: str | None, share: str | None) -> APIClient:
        perms = [{"role": "System Manager", **ALL_RIGHTS}]
        if ROLES[role]:
            perms.append({"role": "Clerk", **ROLES[role]})
        make_doctype("Company", [{"fieldname": "title", "fieldtype": "Data"}], autoname="Prompt",
                     permissions=[{"role": "All", "read": 1}, {"role": "System Manager", "read": 1, "create": 1}])
        make_doctype("Order", [{"fieldname": "title", "fieldtype": "Data"},
                               {"fieldname": "company", "fieldtype": "Link", "options": "Company"}],
                     permissions=perms, autoname="Prompt", is_submittable=1, search_fields="title")
        make_doctype("Ticket", [{"fieldname": "order", "fieldtype": "Link", "options": "Order"}],
                     permissions=[{"role": "All", "read": 1}], autoname="Prompt")
        clerk = UserFactory(username=CLERK, roles=["Clerk"])
        for company in ("Acme", "Globex"):
            document.insert_doc("Company", {"name": company}, user=admin_user, honour_name=True)
        for name, (mine, company) in DOCS.items():
            document.insert_doc("Order", {"name": name, "title": f"secret {name}", "company": company},
                                user=clerk if mine else admin_user, honour_name=True, ignore_permissions=True)
            document.insert_doc("Ticket", {"name": f"T {name}", "order": name}, user=admin_user, honour_name=True)
        if up:
            document.insert_doc("User Permission", {"user": CLERK, "allow": "Company", "for_value": up},
                                user=admin_user)
        if share:
            add_docshare("Order", SHARED, user=admin_user, share_with=CLERK, everyone=False, check=False,
                         rights={"read": 1, "write": int(share == "write"), "submit": 0, "share": 0})
        client = APIClient()
        client.force_login(clerk)
        return client

    return build


def hidden_titles_absent(response, visible: set[str]) -> None:
    text = response.content.decode()
    for name in DOCS:
        if name not in visible:
            assert f"secret {name}" not in text, (name, text)


@pytest.mark.parametrize(("role", "up", "share"), CELLS, ids=["-".join(map(str, cell)) for cell in CELLS])
def test_every_path_agrees_with_frappes_rules(world, role, up, share):
    client = world(role, up, share)
    readable = {name for name in DOCS if expected(role, up, share, name, "read")}
    any_access = bool(ROLES[role]) or share is not None

    # lists, counts, searches: exactly the readable Orders, or 403 without any access
    listing = client.get("/api/resource/Order", {"fields": '["name", "title"]', "limit_page_length": 0})
    count = client.get("/api/v2/doctype/Order/count")
    search = client.get("/api/method/frappe.desk.search.search_link", {"doctype": "Order", "txt": ""})
    v2_search = client.get("/api/v2/method/frappe.desk.search.search_link", {"doctype": "Order", "txt": "secret"})
    if not any_access:
        for response in (listing, count, search, v2_search):
            assert response.status_code == 403, response.content
            hidden_titles_absent(response, set())
    else:
        assert sorted(row["name"] for row in listing.json()["data"]) == sorted(readable)
        assert count.json() == {"data": len(readable)}
        assert sorted(row["value"] for row in search.json()["message"]) == sorted(readable)
        assert sorted(row["value"] for row in v2_search.json()["data"]) == sorted(readable)
        for response in (listing, search, v2_search):
            hidden_titles_absent(response, readable)

    # expand from a Ticket every Clerk reads: the linked Order only when readable
    tickets = client.get("/api/resource/Ticket", {"fields": '["name", "order"]', "expand": '["order"]'})
    expanded = {row["name"][2:]: isinstance(row["order"], dict) for row in tickets.json()["data"]}
    assert expanded == {name: name in readable for name in DOCS}
    hidden_titles_absent(tickets, readable)

    for name in DOCS:
        # read: the document, or Frappe's 403 without its data
        read = client.get(f"/api/v2/document/Order/{name}")
        if name in readable:
            assert (read.status_code, read.json()["data"]["title"]) == (200, f"secret {name}")
        else:
            assert read.status_code == 403
            assert read.json() == {"errors": [{"type": "PermissionError", "title": "Not Permitted",
                                               "indicator": "red", "message": (
                                                   f"User <strong>{CLERK}</strong> does not have access to this "
                                                   f"document: Order - {name}")}]}
        # write (a title change leaves the link alone), then submit, then delete
        may_write = expected(role, up, share, name, "write")
        write = client.put(f"/api/v2/document/Order/{name}", {"title": f"changed {name}"}, format="json")
        assert write.status_code == (200 if may_write else 403), (name, write.content)
        stored = document.get_all("Order", fields=["title"], filters={"name": name})[0]["title"]
        assert stored == (f"changed {name}" if may_write else f"secret {name}")
        submit = client.put(f"/api/v2/document/Order/{name}", {"docstatus": 1}, format="json")
        may_submit = may_write and expected(role, up, share, name, "submit")
        assert submit.status_code == (200 if may_submit else 403), (name, submit.content)
        if not may_submit:
            delete = client.delete(f"/api/v2/document/Order/{name}")
            assert delete.status_code == (202 if expected(role, up, share, name, "delete") else 403), name

    # create: the create right, and a User Permission narrows the values a new document may link to
    for company in ("Acme", "Globex"):
        created = client.post("/api/v2/document/Order", {"name": f"new-{company}", "company": company},
                              format="json")
        may_create = bool((ROLES[role] or {}).get("create")) and (up is None or company == up)
        assert created.status_code == (200 if may_create else 403), (company, created.content)
        assert bool(document.get_all("Order", filters={"name": f"new-{company}"})) == may_create


def test_the_oracle_covers_each_rule():
    """The matrix's expectations themselves: each rule of Frappe decides at least one cell."""
    assert expected("full", "Acme", None, "theirs-Globex", "read") is False  # User Permission hides
    assert expected("full", "Acme", None, "theirs-Acme", "read") is True
    assert expected("if_owner", "Acme", None, "mine-Globex", "write") is True  # the owner keeps if_owner rights
    assert expected("if_owner", None, None, "theirs-Acme", "read") is False
    assert expected("none", None, "read", "theirs-Globex", "read") is True  # a share without any role
    assert expected("read", "Acme", "write", "theirs-Globex", "write") is True
    assert expected("read", None, "write", "theirs-Globex", "delete") is False  # delete is never shared
    assert expected("full", "Acme", None, "mine-Globex", "create") is False
