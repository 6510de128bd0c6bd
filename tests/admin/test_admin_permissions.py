"""Staff users who are not superusers see exactly the DocTypes, documents and fields their roles allow.

Usage::

    pytest tests/admin/test_admin_permissions.py
"""

from __future__ import annotations

import pytest

from django_frappe_api import document
from django_frappe_api.models import Document

from ..factories import UserFactory
from .conftest import logged_in
from .test_change_form import ADD, change_url, order_form
from .test_sections import sections

URL = "/admin/shop/gadget_order/"


@pytest.fixture
def orders(gadget_order, admin_user, clerk) -> None:
    """GO-0001 belongs to the Administrator, GO-0002 to the clerk."""
    document.insert_doc("Gadget Order", {"title": "Admin's"}, user=admin_user)
    document.insert_doc("Gadget Order", {"title": "Clerk's"}, user=clerk)


def test_if_owner_role_lists_and_opens_only_own_documents(orders, clerk):
    client = logged_in(clerk)

    response = client.get(URL)

    assert response.status_code == 200
    assert [row.name for row in response.context["cl"].result_list] == ["GO-0002"]
    assert sections(client.get("/admin/"))["Shop"] == [("Gadget Order", URL, ADD)]
    assert client.get(change_url("GO-0002")).status_code == 200
    other = client.get(change_url("GO-0001"))
    assert (other.status_code, other["Location"]) == (302, "/admin/")  # as if it did not exist


def test_if_owner_role_adds_owned_documents_without_the_fields_of_higher_permlevels(orders, clerk):
    client = logged_in(clerk)
    form = client.get(ADD).context["adminform"].form
    assert "cost" not in form.fields

    response = client.post(ADD, order_form(title="Mine", cost="99"))

    assert response.status_code == 302
    created = Document.objects.get(doctype_id="Gadget Order", data__title="Mine")
    assert (created.owner, created.data.get("cost", 0)) == ("clerk@example.com", 0)  # 99 was not written


def test_rights_the_role_lacks_are_neither_offered_nor_accepted(orders, clerk):
    client = logged_in(clerk)
    response = client.get(URL)
    assert response.context["action_form"] is None  # neither delete, submit nor cancel

    assert client.post(change_url("GO-0002", "delete/"), {"post": "yes"}).status_code == 403
    change = client.get(change_url("GO-0002"))
    assert change.context.get("frappe_can_submit") is False
    assert Document.objects.filter(name="GO-0002").exists()


def test_read_only_role_sees_every_document_read_only(orders, viewer):
    client = logged_in(viewer)

    response = client.get(URL)

    assert [row.name for row in response.context["cl"].result_list] == ["GO-0002", "GO-0001"]
    assert sections(client.get("/admin/"))["Shop"] == [("Gadget Order", URL, None)]
    change = client.get(change_url("GO-0001"))
    assert change.status_code == 200
    assert change.context["has_change_permission"] is False
    assert change.context["adminform"].readonly_fields[0].__name__ == "title"
    assert "Admin&#x27;s" in change.text or "Admin's" in change.text
    assert client.post(change_url("GO-0001"), order_form(title="Edited")).status_code == 403
    assert client.get(ADD).status_code == 403
    assert Document.objects.get(name="GO-0001").data["title"] == "Admin's"


def test_staff_without_a_role_on_the_doctype_does_not_see_it(orders, db):
    client = logged_in(UserFactory(username="staff@example.com", is_staff=True))

    listed = sections(client.get("/admin/"))

    assert "Shop" not in listed
    assert listed["Custom"] == [("ToDo", "/admin/custom/todo/", "/admin/custom/todo/add/")]  # "All" may
    assert client.get(URL).status_code == 403
    assert client.get(change_url("GO-0001")).status_code == 403
