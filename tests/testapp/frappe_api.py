"""Registrations the test project makes, found by autodiscovery like an app's admin.py."""

from __future__ import annotations

from django_frappe_api import register_model, whitelist

from .models import Contact, Customer, Territory

register_model(Territory, doctype="Territory", name_field="name")
register_model(Contact, doctype="Customer Contact", istable=True, parent_field="customer")
register_model(
    Customer,
    doctype="Customer",
    title_field="customer_name",
    search_fields=["customer_name"],
    creation_field="created",
    modified_field="updated",
    owner_field="owner",
    child_tables={"contacts": "contacts"},
)


@whitelist()
def echo(value: str = "", **kwargs):
    """Return what was sent, for argument-passing tests."""
    return {"value": value, "extra": sorted(kwargs)}
