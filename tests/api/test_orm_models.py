"""Models exposed with ``register_model``: Link fields over foreign keys, reverse-FK child tables,
Django model permissions, options classes and controllers, and the query count of lists."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from django_frappe_api import DocumentController, exceptions
from django_frappe_api.backends.orm.registry import ModelRegistry, model_registry, register_model
from django_frappe_api.hooks import controller_registry
from django_frappe_api.meta import get_meta
from tests.factories import UserFactory
from tests.helpers import decoded, thrown
from tests.testapp.models import Contact, Customer, Territory, Ticket, TicketItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def north(db) -> Territory:
    return Territory.objects.create(name="North")


@pytest.fixture
def customers(north, admin_user) -> list[Customer]:
    south = Territory.objects.create(name="South")
    rows = []
    for index, (name, territory) in enumerate([("Acme", north), ("Globex", south), ("Initech", north)]):
        customer = Customer.objects.create(customer_name=name, territory=territory, credit_limit=100 * index,
                                           owner=admin_user)
        Contact.objects.create(customer=customer, person=f"{name} buyer", phone="1")
        Contact.objects.create(customer=customer, person=f"{name} payer")
        rows.append(customer)
    return rows


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# -- meta --------------------------------------------------------------------------------------


def test_meta_is_built_from_the_model():
    meta = get_meta("Customer")

    assert [(f.fieldname, f.fieldtype, f.options, f.reqd, f.default) for f in meta.fields] == [
        ("customer_name", "Data", "", True, ""),
        ("customer_type", "Select", "Company\nIndividual", False, "Company"),
        ("territory", "Link", "Territory", False, ""),
        ("credit_limit", "Currency", "", False, "0"),
        ("email", "Data", "Email", False, ""),
        ("active", "Check", "", False, "1"),
        ("since", "Date", "", False, ""),
        ("contacts", "Table", "Customer Contact", False, ""),
    ]
    assert meta.standard_fields == ("name", "owner", "creation", "modified", "docstatus", "idx")
    assert (meta.autoname, meta.title_field, meta.search_fields, meta.sort_field) == (
        "autoincrement", "customer_name", ("customer_name",), "modified")
    assert get_meta("Customer Contact").istable


# -- foreign keys as Links ---------------------------------------------------------------------


def test_create_with_link_by_name_and_reverse_fk_rows(north, admin_client):
    response = admin_client.post("/api/resource/Customer", {
        "customer_name": "Umbrella", "territory": "North", "credit_limit": 250,
        "contacts": [{"person": "Alice", "phone": "555"}, {"person": "Bob"}],
    }, format="json")

    assert response.status_code == 200
    data = response.json()["data"]
    customer = Customer.objects.get(pk=data["name"])
    assert customer.territory == north
    assert [(c.person, c.phone) for c in customer.contacts.order_by("pk")] == [("Alice", "555"), ("Bob", "")]
    assert data["territory"] == "North"
    assert [(row["person"], row["idx"], row["parent"], row["parentfield"], row["parenttype"], row["doctype"])
            for row in data["contacts"]] == [
        ("Alice", 1, customer.pk, "contacts", "Customer", "Customer Contact"),
        ("Bob", 2, customer.pk, "contacts", "Customer", "Customer Contact"),
    ]
    assert data["owner"] == "Administrator"


def test_link_to_a_missing_row_is_a_link_validation_error(north, admin_client):
    response = admin_client.post("/api/resource/Customer", {"customer_name": "X", "territory": "Nowhere"},
                                 format="json")

    assert response.status_code == 417
    assert decoded(response)["exc_type"] == "LinkValidationError"
    assert not Customer.objects.exists()


def test_list_filters_and_selects_across_the_foreign_key(customers, admin_client):
    response = admin_client.get("/api/resource/Customer", {
        "fields": '["customer_name", "territory", "territory.name as region"]',
        "filters": '[["territory", "=", "North"]]', "order_by": "customer_name asc"})

    assert response.json() == {"data": [
        {"customer_name": "Acme", "territory": "North", "region": "North"},
        {"customer_name": "Initech", "territory": "North", "region": "North"},
    ]}


def test_list_filters_on_a_child_table_field(customers, admin_client):
    response = admin_client.get("/api/v2/document/Customer", {
        "fields": '["customer_name", "contacts.person"]', "filters": '[["Customer Contact", "phone", "=", "1"]]',
        "order_by": "customer_name asc"})

    assert response.json() == {"data": [
        {"customer_name": "Acme", "person": "Acme buyer"}, {"customer_name": "Globex", "person": "Globex buyer"},
        {"customer_name": "Initech", "person": "Initech buyer"}], "has_next_page": False}


def test_child_doctype_lists_through_its_parent(customers, admin_client):
    response = admin_client.get("/api/resource/Customer Contact", {
        "parent": "Customer", "fields": '["person", "parent", "parenttype", "parentfield"]',
        "filters": json.dumps([["parent", "=", customers[1].pk]]), "order_by": "person asc"})

    assert response.json() == {"data": [
        {"person": "Globex buyer", "parent": customers[1].pk, "parenttype": "Customer", "parentfield": "contacts"},
        {"person": "Globex payer", "parent": customers[1].pk, "parenttype": "Customer", "parentfield": "contacts"},
    ]}


def test_child_doctype_list_for_another_parent_is_empty(customers, admin_client):
    response = admin_client.get("/api/resource/Customer Contact", {"parent": "Territory"})

    assert response.json() == {"data": []}


def test_delete_of_a_protected_link_target_is_a_link_exists_error(customers, admin_client):
    response = admin_client.delete("/api/resource/Territory/North")

    assert response.status_code == 417
    assert decoded(response)["exc_type"] == "LinkExistsError"
    assert Territory.objects.filter(name="North").exists()


def test_model_validation_errors_reach_the_client(admin_client):
    response = admin_client.post("/api/resource/Customer", {"customer_name": "X", "credit_limit": 10**13},
                                 format="json")

    assert response.status_code == 417
    assert decoded(response) == {"exc_type": "ValidationError", "_server_messages": [
        thrown("Credit limit: Ensure that there are no more than 12 digits in total.")]}
    assert not Customer.objects.exists()


# -- permissions -------------------------------------------------------------------------------


def grant(user, *codenames: str):
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="testapp", codename__in=codenames))
    return client_for(type(user).objects.get(pk=user.pk))  # a fresh instance: permission caches are per object


@pytest.mark.parametrize(
    ("codename", "allowed"),
    [
        ("view_customer", {"read"}),
        ("add_customer", {"create"}),
        ("change_customer", {"write"}),
        ("delete_customer", {"delete"}),
    ],
)
def test_django_model_permissions_map_to_frappe_rights(customers, codename, allowed):
    client = grant(UserFactory(username="clerk@example.com"), codename)
    target = f"/api/resource/Customer/{customers[0].pk}"

    outcomes = {
        "read": client.get("/api/resource/Customer").status_code,
        "create": client.post("/api/resource/Customer", {"customer_name": "New"}, format="json").status_code,
        "write": client.put(target, {"credit_limit": 5}, format="json").status_code,
        "delete": client.delete(f"/api/resource/Customer/{customers[2].pk}").status_code,
    }

    assert {right for right, status in outcomes.items() if status in (200, 202)} == allowed
    assert {status for right, status in outcomes.items() if right not in allowed} == {403}


def test_superuser_holds_every_right(customers, admin_client):
    assert admin_client.get("/api/v2/document/Customer").status_code == 200
    assert admin_client.delete(f"/api/v2/document/Customer/{customers[1].pk}").status_code == 202


def test_guest_has_no_right_on_a_model(customers, client):
    assert client.get("/api/resource/Customer").status_code == 403


def test_role_permission_rows_win_over_model_permissions(customers):
    snapshot = model_registry.snapshot()
    model_registry.unregister("Territory")
    model_registry.register(Territory, doctype="Territory", name_field="name",
                            permissions=[{"role": "Sales", "read": 1, "write": 0, "create": 0, "delete": 0}])
    try:
        with_model_perms = grant(UserFactory(username="clerk@example.com"), "view_territory", "add_territory")
        with_role = client_for(UserFactory(username="rep@example.com", roles=["Sales"]))

        denied = with_model_perms.get("/api/resource/Territory")
        listed = with_role.get("/api/resource/Territory", {"order_by": "name asc"})
        created = with_role.post("/api/resource/Territory", {"name": "East"}, format="json")
    finally:
        model_registry.restore(snapshot)

    assert denied.status_code == 403
    assert listed.json() == {"data": [{"name": "North"}, {"name": "South"}]}
    assert created.status_code == 403


# -- registration: options class, controller ---------------------------------------------------


class TicketHooks(DocumentController):
    def before_save(self):
        self.subject = self.subject.strip().capitalize()

    def validate(self):
        if self.amount and float(self.amount) < 0:
            raise exceptions.ValidationError("Amount cannot be negative")


class TicketOptions:
    doctype = "Support Ticket"
    fields = ["subject", "status", "amount"]
    read_only_fields = ["status"]
    title_field = "subject"
    search_fields = "subject, status"
    owner_field = "owner"
    creation_field = "creation"
    modified_field = "modified"
    modified_by_field = "modified_by"
    controller = TicketHooks


def test_options_class_and_keyword_overrides():
    registry = ModelRegistry()
    options = registry.register(Ticket, options=TicketOptions, title_field="status")

    assert (options.doctype, options.fields, options.search_fields, options.title_field) == (
        "Support Ticket", ("subject", "status", "amount"), ("subject", "status"), "status")
    assert [f.fieldname for f in registry.build_meta("Support Ticket").fields] == ["subject", "status", "amount"]
    assert registry.build_meta("Support Ticket").get_field("status").read_only
    registry.unregister("Support Ticket")
    assert controller_registry.get("Support Ticket") is None


def test_options_class_with_an_unknown_attribute_is_refused():
    class Broken:
        doctype = "Broken"
        titel_field = "subject"

    with pytest.raises(TypeError, match=r"Broken\.titel_field is not a register_model"):
        ModelRegistry().register(Ticket, options=Broken)


def test_register_model_with_a_controller_runs_its_hooks(admin_client):
    snapshot = model_registry.snapshot()
    register_model(Ticket, options=TicketOptions)
    try:
        created = admin_client.post("/api/resource/Support Ticket", {"subject": "  printer  "}, format="json")
        refused = admin_client.post("/api/resource/Support Ticket", {"subject": "x", "amount": -1}, format="json")
        read_only = admin_client.put(f"/api/resource/Support Ticket/{created.json()['data']['name']}",
                                     {"status": "Closed"}, format="json")
    finally:
        model_registry.restore(snapshot)

    assert created.json()["data"]["subject"] == "Printer"
    assert refused.status_code == 417
    assert decoded(refused)["exc_type"] == "ValidationError"
    assert read_only.json()["data"]["status"] == "Closed"  # read_only_fields are a form property, as in Frappe
    assert controller_registry.get("Support Ticket") is None


def test_register_model_as_a_class_decorator():
    registry_snapshot = model_registry.snapshot()
    try:
        decorated = register_model(doctype="Ticket Line", istable=True, parent_field="ticket")(TicketItem)
        assert decorated is TicketItem
        assert model_registry.doctype_for_model(TicketItem) == "Ticket Line"
    finally:
        model_registry.restore(registry_snapshot)


# -- query counts ------------------------------------------------------------------------------


def list_queries(client, params) -> list[str]:
    client.get("/api/resource/Customer", {"limit_page_length": 1})  # session and user loaded once
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/resource/Customer", params)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries if "testapp_customer" in q["sql"]]


@pytest.mark.parametrize("page_length", [2, 50])
def test_list_costs_the_same_queries_at_any_page_size(customers, admin_client, page_length, django_assert_num_queries):
    params = {"fields": '["name", "customer_name", "territory", "credit_limit", "contacts.person"]'}
    baseline = len(list_queries(admin_client, {**params, "limit_page_length": 1}))
    with CaptureQueriesContext(connection) as first:
        admin_client.get("/api/resource/Customer", {**params, "limit_page_length": 1})

    with django_assert_num_queries(len(first)):
        response = admin_client.get("/api/resource/Customer", {**params, "limit_page_length": page_length})

    assert len(response.json()["data"]) == min(page_length, 6)
    assert baseline == 1


def test_child_table_field_in_a_list_is_still_one_query(customers, admin_client):
    queries = list_queries(admin_client, {"fields": '["customer_name", "contacts.person"]',
                                          "limit_page_length": 0})

    assert len(queries) == 1
    assert "testapp_contact" in queries[0]


def test_modified_in_a_payload_is_ignored_when_the_model_has_no_modified_field(north, admin_client):
    response = admin_client.put("/api/resource/Territory/North", {"modified": "2020-01-01 00:00:00"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"data": {"name": "North", "docstatus": 0, "idx": 0, "doctype": "Territory"}}


def test_if_owner_rows_filter_lists_by_the_owner_foreign_key(customers):
    rep = UserFactory(username="rep@example.com", roles=["Sales"])
    Customer.objects.filter(customer_name="Globex").update(owner=rep)
    snapshot = model_registry.snapshot()
    current = model_registry.get("Customer")
    settings = {f.name: getattr(current, f.name) for f in dataclasses.fields(current) if f.name != "model"}
    model_registry.unregister("Customer")
    model_registry.register(Customer, **{**settings, "permissions": [{"role": "Sales", "if_owner": 1}]})
    try:
        client = client_for(rep)
        listed = client.get("/api/resource/Customer", {"fields": '["customer_name", "owner"]'})
        other = client.get(f"/api/resource/Customer/{customers[0].pk}")
    finally:
        model_registry.restore(snapshot)

    assert listed.json() == {"data": [{"customer_name": "Globex", "owner": "rep@example.com"}]}
    assert other.status_code == 403
