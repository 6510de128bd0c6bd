"""``ReplicaRouter``: GET REST reads (list, count, read, meta) run on the replica; writes, and every read of a
writing request, on the primary.

``replica`` is a test mirror of ``default`` (tests/settings.py): another connection to the same database, so
the tests commit (``transaction=True``) for the replica to see the rows, and tell the two apart by capturing
each connection's queries.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext, override_settings

from django_frappe_api.backends.statement_timeout import count_within
from django_frappe_api.models import Document, Series
from django_frappe_api.naming import next_series_value
from tests.factories import make_doctype

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

ROUTER = "django_frappe_api.routers.ReplicaRouter"


class ReadsFromReplica:
    """A router that reads everything from the replica, even inside writes: what the app must not trust."""

    def db_for_read(self, model, **hints):
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"


@pytest.fixture
def series_doctype(admin_client):
    make_doctype("Replica Note", [{"fieldname": "title", "fieldtype": "Data", "label": "Title"}],
                 permissions=[{"role": "System Manager"}, {"role": "Guest", "read": 1}], autoname="RN-.####")
    return "Replica Note"


def _selects(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "SET"))]


def _capture():
    return CaptureQueriesContext(connections["default"]), CaptureQueriesContext(connections["replica"])


def _insert(admin_client, doctype: str, title: str) -> str:
    response = admin_client.post(f"/api/resource/{doctype}", {"title": title}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["data"]["name"]


@override_settings(DATABASE_ROUTERS=[ROUTER])
@pytest.mark.parametrize(("url", "answer"), [
    ('/api/resource/Replica Note?fields=["name","title"]', "RN-0001"),
    ('/api/v2/document/Replica Note?fields=["name","title"]&include=count', "RN-0001"),
    ("/api/v2/doctype/Replica Note/count", '"data":1'),
    ("/api/resource/Replica Note/RN-0001", "RN-0001"),
    ("/api/v2/document/Replica Note/RN-0001", "RN-0001"),
    ("/api/v2/doctype/Replica Note/meta", "RN-.####"),
])
def test_get_reads_run_on_the_replica(admin_client, series_doctype, url, answer):
    _insert(admin_client, series_doctype, "first")
    cache.clear()  # the meta too is read from the database
    primary, replica = _capture()
    with primary, replica:
        response = admin_client.get(url)
    assert response.status_code == 200, response.content
    assert answer in response.content.decode()
    # Who the caller is (session, user, groups) is read from the primary; every document and meta from the replica.
    assert [sql for sql in _selects(primary) if "django_session" not in sql and "auth_" not in sql] == []
    assert any("frappe_api" in sql for sql in _selects(replica))


@override_settings(DATABASE_ROUTERS=[ROUTER])
@pytest.mark.parametrize("url", ["/api/resource/Replica Note", "/api/v2/document/Replica Note"])
def test_an_insert_runs_every_statement_on_the_primary(admin_client, series_doctype, url):
    _insert(admin_client, series_doctype, "first")
    primary, replica = _capture()
    with primary, replica:
        response = admin_client.post(url, {"title": "second"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["data"]["name"] == "RN-0002"
    assert replica.captured_queries == []
    assert any("INSERT" in q["sql"] for q in primary.captured_queries)


@override_settings(DATABASE_ROUTERS=[ROUTER])
def test_get_of_a_method_reads_from_the_primary(admin_client, series_doctype):
    """RPC methods may write on GET, so their reads stay with their writes."""
    _insert(admin_client, series_doctype, "first")
    primary, replica = _capture()
    with primary, replica:
        response = admin_client.get("/api/method/frappe.client.is_document_amended",
                                    {"doctype": series_doctype, "docname": "RN-0001"})
    assert response.status_code == 200, response.content
    assert response.json() == {"message": False}
    assert replica.captured_queries == []
    assert primary.captured_queries


@override_settings(DATABASE_ROUTERS=[ROUTER])
@pytest.mark.parametrize("route", ["/api/method/frappe.client.get_count", "/api/v2/method/frappe.client.get_count"])
def test_get_of_a_read_only_method_reads_from_the_replica(admin_client, series_doctype, route):
    """Methods whitelisted read_only never write: their GET calls read from the replica, the caller from the
    primary (a session opened a moment ago may not be on the replica yet)."""
    _insert(admin_client, series_doctype, "first")
    primary, replica = _capture()
    with primary, replica:
        response = admin_client.get(route, {"doctype": series_doctype})
    assert response.status_code == 200, response.content
    assert response.json() == {"message": 1} if "v2" not in route else {"data": 1}
    assert [q["sql"] for q in replica.captured_queries if "django_session" in q["sql"] or "auth_user" in q["sql"]] == []
    assert any("COUNT" in q["sql"].upper() for q in replica.captured_queries)


@override_settings(DATABASE_ROUTERS=[ROUTER])
@pytest.mark.parametrize("url", ["/api/resource/Replica Note/RN-0001?run_method=add_comment&text=Hi",
                                 "/api/v2/document/Replica Note/RN-0001/method/add_comment?text=Hi"])
def test_a_document_method_run_by_get_reads_from_the_primary(admin_client, series_doctype, url):
    """A document method may write before it reads (rolled back after a GET), so it reads with its writes."""
    _insert(admin_client, series_doctype, "first")
    primary, replica = _capture()
    with primary, replica:
        response = admin_client.get(url)
    assert response.status_code in (200, 403), response.content
    assert response.json().get("exc_type") in (None, "PermissionError")
    assert replica.captured_queries == []
    assert any("frappe_api" in sql for sql in _selects(primary))


@override_settings(DATABASE_ROUTERS=[f"{__name__}.ReadsFromReplica"])
def test_the_series_counter_is_read_and_written_on_the_write_alias():
    primary, replica = _capture()
    with primary, replica:
        assert [next_series_value("RQ-"), next_series_value("RQ-")] == [1, 2]
    assert replica.captured_queries == []
    assert Series.objects.using("default").get(name="RQ-").current == 2


def test_a_count_under_a_timeout_runs_on_the_queryset_alias(series_doctype, admin_client):
    _insert(admin_client, series_doctype, "first")
    primary, replica = _capture()
    with primary, replica:
        count = count_within(Document.objects.using("replica").filter(doctype=series_doctype), timeout_ms=1000)
    assert count == 1
    assert primary.captured_queries == []
