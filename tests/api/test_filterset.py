"""``register_model(..., filterset_class=...)``: a host's FilterSet filters the DocType's REST lists and counts."""

from __future__ import annotations

import json

import pytest

from django_frappe_api.backends.orm.registry import model_registry
from tests.testapp.filtersets import TicketFilter
from tests.testapp.models import Ticket

from .rpc_support import Rpc, body

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(db):
    snapshot = model_registry.snapshot()
    model_registry.register(Ticket, doctype="Ticket", title_field="subject", filterset_class=TicketFilter,
                            permissions=[{"role": "System Manager"}])
    for subject, amount, priority in [("a", 5, "Low"), ("b", 50, "High"), ("c", 500, "High"), ("d", 80, "Low")]:
        Ticket.objects.create(subject=subject, amount=amount, priority=priority)
    yield
    model_registry.restore(snapshot)


def names(rows):
    return sorted(row["subject"] for row in rows)


@pytest.mark.parametrize("url", ["/api/resource/Ticket", "/api/v2/document/Ticket"])
def test_declared_parameters_filter_the_list_with_frappe_filters_on_top(admin_client, tickets, url):
    only_set = admin_client.get(url, {"fields": '["subject"]', "min_amount": "40", "max_amount": "100"})
    both = admin_client.get(url, {"fields": '["subject"]', "min_amount": "40",
                                  "filters": json.dumps([["priority", "=", "High"]])})
    choice = admin_client.get(url, {"fields": '["subject"]', "priority": "Low"})

    assert only_set.status_code == 200
    assert names(only_set.json()["data"]) == ["b", "d"]
    assert names(both.json()["data"]) == ["b", "c"]
    assert names(choice.json()["data"]) == ["a", "d"]


def test_v2_count_and_include_count_honour_the_filterset(admin_client, tickets):
    count = admin_client.get("/api/v2/doctype/Ticket/count", {"min_amount": "40"})
    listed = admin_client.get("/api/v2/document/Ticket", {"min_amount": "40", "include": "count"})

    assert (count.status_code, count.json()) == (200, {"data": 3})
    assert (listed.json()["count"], listed.json()["count_capped"]) == (3, False)


@pytest.mark.parametrize("api_version", ["v1", "v2"])
def test_an_invalid_value_is_a_frappe_validation_error(admin_client, tickets, api_version):
    url = "/api/resource/Ticket" if api_version == "v1" else "/api/v2/document/Ticket"

    response = admin_client.get(url, {"priority": "Urgent", "min_amount": "lots"})

    assert (response.status_code, body(response)) == (417, Rpc(api_version).error(
        "ValidationError", "min_amount: Enter a number.; priority: Select a valid choice. Urgent is not one of the "
        "available choices."))


def test_without_a_filterset_its_parameters_filter_nothing(admin_client, tickets):
    model_registry.unregister("Ticket")
    model_registry.register(Ticket, doctype="Ticket", title_field="subject", permissions=[{"role": "System Manager"}])

    response = admin_client.get("/api/resource/Ticket", {"fields": '["subject"]', "min_amount": "40"})

    assert names(response.json()["data"]) == ["a", "b", "c", "d"]


def test_check_flags_a_filterset_of_another_model_or_one_reading_frappe_parameters():
    import django_filters

    from django_frappe_api.backends.orm.registry import ModelRegistry
    from django_frappe_api.checks import registration_errors
    from tests.testapp.models import TicketItem

    class ItemFilter(django_filters.FilterSet):
        class Meta:
            model = TicketItem
            fields = ["qty"]

    class GreedyFilter(django_filters.FilterSet):
        fields = django_filters.CharFilter(field_name="subject")

        class Meta:
            model = Ticket
            fields = []

    messages = []
    for filterset in (ItemFilter, GreedyFilter):
        registry = ModelRegistry()
        registry.register(Ticket, doctype="Ticket", filterset_class=filterset)
        messages += [error.msg for error in registration_errors(registry) if error.id == "django_frappe_api.E015"]

    assert messages == [
        "register_model(testapp.Ticket, doctype='Ticket'): filterset_class ItemFilter filters TicketItem, not Ticket.",
        "register_model(testapp.Ticket, doctype='Ticket'): filterset_class GreedyFilter declares fields, "
        "which Frappe's list routes read themselves.",
    ]
