"""Concurrent writers: optimistic locking through ``modified`` (§9.7) and series counters under parallel inserts."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from django_frappe_api import document
from django_frappe_api.models import Document, Series
from tests.factories import make_doctype
from tests.helpers import failure


@pytest.fixture
def stored(admin_client, admin_user, task_doctype, api_url):
    document.insert_doc("Task", {"name": "T", "title": "first", "items": [{"item": "a"}]}, user=admin_user)
    return admin_client.get(api_url("Task", "T")).json()["data"]


@pytest.mark.django_db
def test_stale_modified_is_refused_and_changes_nothing(admin_client, stored, api_url):
    stale = "2000-01-01 00:00:00.000001"

    response = admin_client.put(api_url("Task", "T"), {"modified": stale, "title": "second", "items": []},
                                format="json")

    assert failure(response) == (417, "TimestampMismatchError", [
        f"Error: Document has been modified after you have opened it ({stored['modified']}, {stale}). "
        "Please refresh to get the latest document."])
    assert admin_client.get(api_url("Task", "T")).json()["data"] == stored


@pytest.mark.django_db
def test_a_second_writer_with_the_first_modified_loses(admin_client, stored, api_url):
    first = admin_client.put(api_url("Task", "T"), {"modified": stored["modified"], "title": "mine"}, format="json")
    second = admin_client.put(api_url("Task", "T"), {"modified": stored["modified"], "title": "theirs"},
                              format="json")

    assert first.status_code == 200
    assert first.json()["data"]["modified"] != stored["modified"]
    assert failure(second)[:2] == (417, "TimestampMismatchError")
    assert admin_client.get(api_url("Task", "T")).json()["data"]["title"] == "mine"


@pytest.mark.django_db
def test_modified_must_be_echoed_exactly(admin_client, stored, api_url):
    reformatted = stored["modified"].replace(" ", "T")

    response = admin_client.put(api_url("Task", "T"), {"modified": reformatted, "title": "x"}, format="json")

    assert failure(response)[:2] == (417, "TimestampMismatchError")


@pytest.mark.django_db
def test_omitting_modified_skips_the_check(admin_client, stored, api_url):
    response = admin_client.put(api_url("Task", "T"), {"title": "no lock"}, format="json")

    assert (response.status_code, response.json()["data"]["title"]) == (200, "no lock")


@pytest.mark.django_db
def test_v2_patch_checks_modified_too(admin_client, stored):
    response = admin_client.patch("/api/v2/document/Task/T", {"modified": "2000-01-01 00:00:00", "title": "x"},
                                  format="json")

    assert failure(response)[:2] == (417, "TimestampMismatchError")


# -- series counters under concurrent inserts ---------------------------------------------------------

THREADS = 8
PER_THREAD = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_inserts_get_distinct_sequential_series_names(admin_user):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (one write transaction at a time): nothing runs concurrently")
    make_doctype("Ticket", [{"fieldname": "title", "label": "Title", "fieldtype": "Data"}], autoname="TCK-.#####")
    names: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(PER_THREAD):
                with transaction.atomic():  # one request = one transaction, as the views run it
                    doc = document.insert_doc("Ticket", {"title": f"{n}-{i}"}, user=admin_user)
                with lock:
                    names.append(doc["name"])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    total = THREADS * PER_THREAD
    assert errors == []
    assert sorted(names) == [f"TCK-{i:05d}" for i in range(1, total + 1)]
    assert Document.objects.filter(doctype_id="Ticket").count() == total
    assert Series.objects.get(name="TCK-").current == total


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_use_of_a_series_creates_one_counter(admin_user):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (one write transaction at a time): nothing runs concurrently")
    from django_frappe_api import naming

    values: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker() -> None:
        try:
            start.wait()
            with transaction.atomic():
                values.append(naming.next_series_value("FRESH-"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(values) == list(range(1, THREADS + 1))
