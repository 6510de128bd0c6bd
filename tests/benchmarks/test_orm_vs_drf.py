"""``/api/resource/Customer`` (a registered model) against a plain DRF ``ModelViewSet`` over the same model.

Run the measurements with::

    pytest tests/benchmarks --benchmark-enable -s

By default (``--benchmark-disable`` in addopts) each test runs once as a plain test and asserts only
that both APIs answer with the same rows. The ratio (our time / DRF's time, median of interleaved
rounds in the same process) is printed and stored in the benchmark's ``extra_info``.
"""

from __future__ import annotations

import statistics
import time

import pytest
from rest_framework.test import APIClient

from tests.testapp.models import Contact, Customer, Territory

pytestmark = pytest.mark.django_db

ROWS = 200
FIELDS = '["name", "customer_name", "customer_type", "territory", "credit_limit", "email", "active", "since", ' \
         '"creation", "modified", "owner"]'


@pytest.fixture
def api(admin_user) -> APIClient:
    client = APIClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def customers(admin_user) -> list[Customer]:
    territories = [Territory.objects.create(name=f"Region {i}") for i in range(5)]
    customers = Customer.objects.bulk_create(
        Customer(customer_name=f"Customer {i:03}", territory=territories[i % 5], credit_limit=i, owner=admin_user,
                 email=f"c{i}@example.com")
        for i in range(ROWS)
    )
    Contact.objects.bulk_create(
        Contact(customer=customer, person=f"{customer.customer_name} {n}") for customer in customers for n in range(2)
    )
    return customers


def timed_ratio(ours, baseline, rounds: int) -> float:
    """Median time of ``ours`` over median time of ``baseline``, calls interleaved to share any drift."""
    ours_times, base_times = [], []
    for _ in range(rounds):
        for call, times in ((ours, ours_times), (baseline, base_times)):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
    return statistics.median(ours_times) / statistics.median(base_times)


def record(benchmark, label: str, ratio: float) -> None:
    benchmark.extra_info["ratio_vs_drf"] = round(ratio, 2)
    print(f"\n{label}: django_frappe_api / DRF ModelViewSet = {ratio:.2f}")


def test_list_against_drf(benchmark, api, customers):
    def ours():
        response = api.get("/api/resource/Customer", {"fields": FIELDS, "limit_page_length": 20})
        assert response.status_code == 200
        return response.json()["data"]

    def drf():
        response = api.get("/drf/customers/", {"limit": 20})
        assert response.status_code == 200
        return response.json()["results"]

    rows = benchmark(ours)
    baseline = drf()

    assert [(row["customer_name"], row["territory"]) for row in rows] == [
        (row["customer_name"], row["territory"]) for row in baseline]
    record(benchmark, "list, 20 rows", timed_ratio(ours, drf, 1 if benchmark.disabled else 200))


def test_read_against_drf(benchmark, api, customers):
    pk = customers[0].pk

    def ours():
        response = api.get(f"/api/resource/Customer/{pk}")
        assert response.status_code == 200
        return response.json()["data"]

    def drf():
        response = api.get(f"/drf/customers/{pk}/")
        assert response.status_code == 200
        return response.json()

    doc = benchmark(ours)
    baseline = drf()

    assert [row["person"] for row in doc["contacts"]] == [row["person"] for row in baseline["contacts"]]
    assert doc["territory"] == baseline["territory"] == "Region 0"
    record(benchmark, "read with 2 child rows", timed_ratio(ours, drf, 1 if benchmark.disabled else 200))
