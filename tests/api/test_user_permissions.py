"""User Permissions over HTTP: lists, counts, reads, writes and searches narrowed to the allowed values.

``jane`` (role ``Sales``) reads and writes ``Deal`` and reads ``Company``; one User Permission allows her
Company ``Acme`` only. ``Deal.company`` links to Company, ``Deal.partner`` too but with
``ignore_user_permissions``. The same cases run over the registered ``Customer`` model, whose ``territory``
foreign key links to ``Territory``.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from django_frappe_api import document
from tests.factories import UserFactory, make_doctype

from .rpc_support import body

pytestmark = pytest.mark.django_db

JANE = "jane@example.com"
SALES = [{"role": "Sales", "read": 1, "write": 1, "create": 1}, {"role": "System Manager", "read": 1, "write": 1,
                                                                  "create": 1, "delete": 1}]
UP_METHOD = "/api/method/frappe.core.doctype.user_permission.user_permission.get_user_permissions"


@pytest.fixture
def deals(admin_user):
    make_doctype("Company", [{"fieldname": "title", "fieldtype": "Data"}],
                 permissions=[{"role": "Sales", "read": 1}, {"role": "System Manager", "read": 1, "create": 1}],
                 autoname="Prompt")
    make_doctype("Deal", [
        {"fieldname": "title", "fieldtype": "Data"},
        {"fieldname": "company", "fieldtype": "Link", "options": "Company"},
        {"fieldname": "partner", "fieldtype": "Link", "options": "Company", "ignore_user_permissions": 1},
    ], permissions=SALES, autoname="Prompt")
    for name in ("Acme", "Globex"):
        document.insert_doc("Company", {"name": name, "title": name}, user=admin_user, honour_name=True)
    for name, company in (("D1", "Acme"), ("D2", "Globex"), ("D3", None)):
        document.insert_doc("Deal", {"name": name, "title": name, "company": company, "partner": "Globex"},
                            user=admin_user, honour_name=True)


@pytest.fixture
def jane(db):
    return UserFactory(username=JANE, roles=["Sales"])


@pytest.fixture
def client(jane) -> APIClient:
    client = APIClient()
    client.force_login(jane)
    return client


def allow(admin_client, allow: str, value: str, **extra) -> dict:
    response = admin_client.post("/api/resource/User Permission",
                                 {"user": JANE, "allow": allow, "for_value": value, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["data"]


@pytest.fixture
def acme_only(deals, admin_client):
    return allow(admin_client, "Company", "Acme")


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["data"])


def test_list_keeps_allowed_and_empty_links_and_ignores_exempt_fields(client, acme_only):
    assert names(client.get("/api/resource/Deal", {"fields": '["name"]'})) == ["D1", "D3"]
    assert names(client.get("/api/v2/document/Deal", {"fields": '["name"]'})) == ["D1", "D3"]
    assert names(client.get("/api/resource/Company", {"fields": '["name"]'})) == ["Acme"]


def test_counts_never_reveal_hidden_rows(client, acme_only):
    response = client.get("/api/v2/doctype/Deal/count")
    assert (response.status_code, response.json()) == (200, {"data": 2})
    response = client.get("/api/method/frappe.client.get_count", {"doctype": "Deal"})
    assert (response.status_code, response.json()) == (200, {"message": 2})
    response = client.get("/api/v2/document/Deal", {"fields": '["name"]', "include": "count"})
    assert response.json() == {"data": [{"name": "D3"}, {"name": "D1"}], "has_next_page": False, "count": 2,
                               "count_capped": False}
    response = client.get("/api/resource/Deal", {"fields": '["company", "count(name) as n"]',
                                                 "group_by": "company", "order_by": "company asc"})
    assert response.json() == {"data": [{"company": None, "n": 1}, {"company": "Acme", "n": 1}]}


@pytest.mark.parametrize("url", ["/api/resource/Deal/D2", "/api/v2/document/Deal/D2"])
def test_reading_a_restricted_document_is_refused_without_its_data(client, acme_only, url):
    response = client.get(url)
    assert response.status_code == 403
    assert "Globex" not in response.content.decode() and "D2" in response.content.decode()
    if url.startswith("/api/v2"):
        assert response.json() == {"errors": [{"type": "PermissionError", "title": "Not Permitted",
                                               "indicator": "red", "message": (
                                                   f"User <strong>{JANE}</strong> does not have access to this "
                                                   "document: Deal - D2")}]}


def test_get_value_and_search_see_allowed_rows_only(client, acme_only):
    response = client.get("/api/method/frappe.client.get_value",
                          {"doctype": "Deal", "fieldname": "title", "filters": json.dumps({"name": "D2"})})
    assert (response.status_code, response.json()) == (200, {"message": {}})
    response = client.get("/api/method/frappe.desk.search.search_link", {"doctype": "Company", "txt": ""})
    assert response.json() == {"message": [{"value": "Acme", "description": ""}]}


def test_writes_may_link_only_to_allowed_values(client, acme_only):
    response = client.post("/api/v2/document/Deal", {"name": "D9", "company": "Globex"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"errors": [{"type": "PermissionError", "title": "Not Permitted", "indicator": "red",
                                           "message": "You are not allowed to access this Deal record because it "
                                                      "is linked to Company 'Globex' in field Company"}]}
    assert not document.get_all("Deal", filters={"name": "D9"})
    response = client.put("/api/resource/Deal/D1", {"company": "Globex"}, format="json")
    assert response.status_code == 403
    assert document.get_all("Deal", fields=["company"], filters={"name": "D1"}) == [{"company": "Acme"}]
    ok = client.post("/api/v2/document/Deal", {"name": "D8", "company": "Acme", "partner": "Globex"}, format="json")
    assert ok.status_code == 200, ok.content


def test_applicable_for_limits_a_row_to_one_doctype(client, deals, admin_client):
    allow(admin_client, "Company", "Acme", apply_to_all_doctypes=0, applicable_for="Deal")
    assert names(client.get("/api/resource/Deal", {"fields": '["name"]'})) == ["D1", "D3"]
    assert names(client.get("/api/resource/Company", {"fields": '["name"]'})) == ["Acme", "Globex"]


def test_get_user_permissions_answers_the_callers_own_rows(client, acme_only, admin_client):
    expected = {"Company": [{"doc": "Acme", "applicable_for": None, "is_default": 0}]}
    response = client.get(UP_METHOD, {"user": "someone@example.com"})
    assert (response.status_code, response.json()) == (200, {"message": expected})
    response = admin_client.get(UP_METHOD, {"user": JANE})
    assert (response.status_code, response.json()) == (200, {"message": expected})
    response = admin_client.get(UP_METHOD)
    assert (response.status_code, response.json()) == (200, {"message": {}})


def test_only_system_manager_manages_user_permissions(client, deals, admin_client):
    response = client.post("/api/resource/User Permission", {"user": JANE, "allow": "Company", "for_value": "Globex"},
                           format="json")
    assert response.status_code == 403
    allow(admin_client, "Company", "Acme")
    response = admin_client.post("/api/resource/User Permission",
                                 {"user": JANE, "allow": "Company", "for_value": "Acme"}, format="json")
    assert (response.status_code, body(response)["exc_type"]) == (409, "DuplicateEntryError")


def test_a_change_takes_effect_on_the_next_request(client, acme_only, admin_client):
    assert names(client.get("/api/resource/Deal", {"fields": '["name"]'})) == ["D1", "D3"]
    assert admin_client.delete(f"/api/resource/User Permission/{acme_only['name']}").status_code == 202
    assert names(client.get("/api/resource/Deal", {"fields": '["name"]'})) == ["D1", "D2", "D3"]


# -- registered models --------------------------------------------------------------------------


@pytest.fixture
def customers(db, admin_user):
    from tests.testapp.models import Customer, Territory

    north, south = Territory.objects.create(name="North"), Territory.objects.create(name="South")
    Customer.objects.create(customer_name="Acme", territory=north)
    Customer.objects.create(customer_name="Bolt", territory=south)
    Customer.objects.create(customer_name="Cogs", territory=None)


@pytest.fixture
def model_client(jane) -> APIClient:
    jane.user_permissions.add(*Permission.objects.filter(content_type__app_label="testapp",
                                                         codename__startswith="view_"))
    client = APIClient()
    client.force_login(jane)
    return client


def test_model_lists_and_reads_follow_user_permissions(model_client, customers, admin_client):
    allow(admin_client, "Territory", "North")
    response = model_client.get("/api/resource/Customer", {"fields": '["customer_name", "territory"]',
                                                           "order_by": "customer_name asc"})
    assert response.json() == {"data": [{"customer_name": "Acme", "territory": "North"},
                                        {"customer_name": "Cogs", "territory": None}]}
    response = model_client.get("/api/resource/Territory", {"fields": '["name"]'})
    assert response.json() == {"data": [{"name": "North"}]}
    from tests.testapp.models import Customer

    bolt = Customer.objects.get(customer_name="Bolt").pk
    assert model_client.get(f"/api/resource/Customer/{bolt}").status_code == 403
    assert model_client.get("/api/v2/doctype/Customer/count").json() == {"data": 2}


def test_link_search_follows_the_referencing_doctype(client, deals, admin_client):
    """A row applicable for Deal narrows the Company search of Deal's link fields only; a field marked
    ``ignore_user_permissions`` may search every Company."""
    allow(admin_client, "Company", "Acme", apply_to_all_doctypes=0, applicable_for="Deal")
    search = "/api/method/frappe.desk.search.search_link"
    found = client.get(search, {"doctype": "Company", "txt": "", "reference_doctype": "Deal"}).json()["message"]
    assert [row["value"] for row in found] == ["Acme"]
    found = client.get(search, {"doctype": "Company", "txt": ""}).json()["message"]
    assert sorted(row["value"] for row in found) == ["Acme", "Globex"]
    found = client.get(search, {"doctype": "Company", "txt": "", "reference_doctype": "Deal",
                                "ignore_user_permissions": 1}).json()["message"]
    assert sorted(row["value"] for row in found) == ["Acme", "Globex"]
    found = client.get("/api/v2/doctype/Company/search", {"txt": "", "reference_doctype": "Deal"}).json()["data"]
    assert [row["value"] for row in found] == ["Acme"]


def test_a_new_document_links_to_the_default_or_only_allowed_value(client, deals, admin_client):
    allow(admin_client, "Company", "Acme")
    response = client.post("/api/v2/document/Deal", {"name": "D7"}, format="json")
    assert (response.status_code, response.json()["data"]["company"]) == (200, "Acme")
    allow(admin_client, "Company", "Globex", is_default=1)
    response = client.post("/api/v2/document/Deal", {"name": "D8"}, format="json")
    assert (response.status_code, response.json()["data"]["company"], response.json()["data"].get("partner")) == (
        200, "Globex", None)
    response = admin_client.post("/api/resource/User Permission", {"user": JANE, "allow": "Company",
                                                                   "for_value": "Acme", "is_default": 1,
                                                                   "apply_to_all_doctypes": 0,
                                                                   "applicable_for": "Deal"}, format="json")
    assert (response.status_code, body(response)["_server_messages"][0]["message"]) == (
        417, f"{JANE} has already assigned default value for Company.")


def test_strict_user_permissions_hide_empty_links_too(client, acme_only, settings):
    settings.FRAPPE_API = {"APPLY_STRICT_USER_PERMISSIONS": True}
    assert names(client.get("/api/resource/Deal", {"fields": '["name"]'})) == ["D1"]
    assert client.get("/api/v2/doctype/Deal/count").json() == {"data": 1}
    assert client.get("/api/resource/Deal/D3").status_code == 403


def test_report_view_and_bulk_paths_follow_user_permissions(client, acme_only):
    response = client.get("/api/method/frappe.desk.reportview.get",
                          {"doctype": "Deal", "fields": '["name", "company"]', "order_by": "name asc"})
    assert response.json() == {"message": {"keys": ["name", "company"], "values": [["D1", "Acme"], ["D3", None]],
                                           "user_info": {}}}
    response = client.get("/api/method/frappe.desk.reportview.get_count", {"doctype": "Deal"})
    assert response.json() == {"message": 2}
    response = client.post("/api/v2/document/Deal/bulk_update", {"docs": [
        {"name": "D1", "title": "one"}, {"name": "D2", "title": "two"}]}, format="json")
    data = response.json()["data"]
    assert (data["success_count"], [failed["name"] for failed in data["failed"]]) == (1, ["D2"])
    assert document.get_all("Deal", fields=["name", "title"], order_by="name asc") == [
        {"name": "D1", "title": "one"}, {"name": "D2", "title": "D2"}, {"name": "D3", "title": "D3"}]
