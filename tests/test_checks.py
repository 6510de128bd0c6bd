"""System checks of ``register_model`` registrations: one test per check id (E010-E014, W010)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from django_frappe_api import checks
from django_frappe_api.backends.orm.registry import ModelRegistry, model_registry
from tests.factories import make_doctype
from tests.testapp.models import Contact, Customer, Territory, Ticket, TicketItem


def ids(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.fixture
def registry() -> ModelRegistry:
    registry = ModelRegistry()
    registry.register(Territory, doctype="Territory", name_field="name")
    return registry


def test_test_project_registrations_pass_the_checks():
    assert checks.registration_errors(model_registry) == []


@pytest.mark.parametrize(
    "options",
    [
        {"fields": ["customer_name", "nickname"]},
        {"exclude": ["nickname"]},
        {"read_only_fields": ["nickname"]},
        {"name_field": "nickname"},
        {"owner_field": "nickname"},
        {"creation_field": "nickname"},
        {"modified_field": "nickname"},
        {"modified_by_field": "nickname"},
        {"labels": {"nickname": "Nick"}},
        {"title_field": "nickname"},
        {"search_fields": ["customer_name", "nickname"]},
        {"sort_field": "nickname"},
    ],
    ids=lambda options: next(iter(options)),
)
def test_e010_registration_naming_a_missing_field(registry, options):
    registry.register(Customer, doctype="Customer", **{"owner_field": "owner", **options})

    messages = checks.registration_errors(registry)

    assert ids(messages) == ["django_frappe_api.E010"]
    assert "'nickname'" in messages[0].msg
    assert messages[0].obj is Customer


def test_e010_missing_parent_field_of_a_child_table(registry):
    registry.register(Contact, doctype="Customer Contact", istable=True, parent_field="account")

    assert ids(checks.registration_errors(registry)) == ["django_frappe_api.E010"]


def test_e011_child_table_accessor_that_is_not_a_reverse_foreign_key(registry):
    registry.register(Customer, doctype="Customer", child_tables={"contacts": "people"})

    messages = checks.registration_errors(registry)

    assert ids(messages) == ["django_frappe_api.E011"]
    assert "'people'" in messages[0].msg


def test_e011_child_table_whose_model_is_not_registered_as_a_table(registry):
    registry.register(Customer, doctype="Customer", child_tables={"contacts": "contacts"})

    messages = checks.registration_errors(registry)

    assert ids(messages) == ["django_frappe_api.E011"]
    assert "istable=True and parent_field='customer'" in messages[0].msg


def test_e012_name_field_that_is_not_unique(registry):
    registry.register(Customer, doctype="Customer", name_field="customer_name")

    messages = checks.registration_errors(registry)

    assert ids(messages) == ["django_frappe_api.E012"]
    assert messages[0].hint == "Document names must identify one row: add unique=True."


def test_e013_registration_taking_a_reserved_doctype_name(registry):
    registry.register(Group, doctype="DocType", name_field="name", fields=())

    assert ids(checks.registration_errors(registry)) == ["django_frappe_api.E013"]


@pytest.mark.django_db
def test_e013_registration_clashing_with_a_json_doctype():
    make_doctype("Ticket", [{"fieldname": "subject", "fieldtype": "Data"}])
    snapshot = model_registry.snapshot()
    model_registry.register(Ticket, doctype="Ticket")
    try:
        messages = checks.check_model_doctype_clashes(None, databases=["default"])
    finally:
        model_registry.restore(snapshot)

    assert ids(messages) == ["django_frappe_api.E013"]
    assert messages[0].msg == (
        "register_model(): DocType 'Ticket' is also defined as DocType rows in database 'default'.")


def test_e013_database_check_runs_only_for_requested_databases():
    assert checks.check_model_doctype_clashes(None) == []


def test_e014_child_table_without_parent_field(registry):
    registry.register(TicketItem, doctype="Ticket Item", istable=True)

    assert ids(checks.registration_errors(registry)) == ["django_frappe_api.E014"]


def test_w010_foreign_key_to_a_model_that_is_not_registered():
    registry = ModelRegistry()
    registry.register(Customer, doctype="Customer", exclude=["owner"])

    messages = checks.registration_errors(registry)

    assert ids(messages) == ["django_frappe_api.W010"]
    assert "territory points to testapp.Territory" in messages[0].msg
