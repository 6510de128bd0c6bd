"""v2 counts stop at ``COUNT_TIMEOUT_MS`` and answer ``null`` (Frappe's one-second count rule), on every
database, leaving the transaction usable; v1 counts stay exact however long they take."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_frappe_api import document
from django_frappe_api.backends import statement_timeout
from django_frappe_api.backends.sql import SQLBackend
from django_frappe_api.backends.statement_timeout import count_within
from django_frappe_api.models import Document

pytestmark = pytest.mark.django_db


SLOW = 3  # 300**3 joined rows: seconds on every engine, unless stopped
MODERATE = 2  # 300**2: milliseconds


def slow_condition(ways: int) -> str:
    """A WHERE clause that is true after the database has joined 300 rows ``ways`` times (the same SQL on all
    engines; MariaDB stops a recursive CTE after 1000 rows, hence the join)."""
    tables = ", ".join(f"c t{i}" for i in range(ways))
    return (f"(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300) "
            f"SELECT COUNT(*) FROM {tables}) > 0")


def slow_documents(ways: int = SLOW):
    return Document.objects.filter(doctype_id="ToDo").extra(where=[slow_condition(ways)])


def session_timeout() -> object:
    """The engine's own statement-timeout setting (what the budget must leave as it found it)."""
    queries = {"postgresql": "SHOW statement_timeout", "mysql": "SELECT @@SESSION.max_statement_time"}
    if connection.vendor not in queries:
        return None
    with connection.cursor() as cursor:
        cursor.execute(queries[connection.vendor])
        return cursor.fetchone()[0]


@pytest.fixture
def slow_lists(monkeypatch):
    """Every count query of the test also runs ``slow_condition(ways)`` (a forced slow query), whether its
    statement is compiled once per shape or built for the request."""
    original = statement_timeout.count_statement
    state = {"ways": SLOW}

    def slowed(sql, params, limit):
        statement, params = original(sql, params, limit)
        return f"{statement} WHERE {slow_condition(state['ways'])}", params

    monkeypatch.setattr(statement_timeout, "count_statement", slowed)
    return state


@pytest.fixture
def two(todo, admin_user):
    for name in ("a", "b"):
        document.insert_doc("ToDo", {"name": name, "description": name}, user=admin_user, honour_name=True)


def test_a_query_over_budget_is_stopped_and_the_transaction_goes_on(two, admin_user):
    before = session_timeout()

    assert count_within(slow_documents(), timeout_ms=20) is None
    assert count_within(slow_documents(), limit=1, timeout_ms=20) is None

    assert session_timeout() == before
    assert document.get_count("ToDo", user=admin_user, filters={"name": "a"}) == 1  # nothing left behind
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


def test_a_query_within_budget_answers_and_leaves_the_setting_as_it_was(two, admin_user):
    before = session_timeout()

    assert count_within(Document.objects.filter(doctype_id="ToDo"), timeout_ms=5000) == 2
    assert count_within(Document.objects.filter(doctype_id="ToDo"), limit=1, timeout_ms=5000) == 1

    assert session_timeout() == before
    assert count_within(slow_documents(MODERATE), timeout_ms=None) == 2  # no budget: no stop


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_count_is_stopped_alike_and_leaves_the_setting_as_it_was(two):
    """In autocommit, PostgreSQL gets the budget and the count in one message (one implicit transaction)."""
    before = session_timeout()

    assert count_within(slow_documents(), timeout_ms=20) is None
    assert count_within(Document.objects.filter(doctype_id="ToDo"), limit=1, timeout_ms=5000) == 1
    assert count_within(slow_documents(MODERATE), timeout_ms=5000) == 2

    with CaptureQueriesContext(connection) as queries:
        assert count_within(Document.objects.filter(doctype_id="ToDo"), timeout_ms=5000) == 2
    assert len(queries) == 1  # PostgreSQL too: no BEGIN, savepoint or ROLLBACK of its own

    assert session_timeout() == before
    assert connection.get_autocommit()


def test_include_count_is_null_when_counting_takes_too_long(admin_client, two, settings, slow_lists):
    settings.FRAPPE_API = {"COUNT_TIMEOUT_MS": 20}
    slow_lists["ways"] = 1  # the page itself stays quick; its count is stopped below

    def slow_count_only(self, query, row_condition, **kwargs):
        slow_lists["ways"] = SLOW
        return original_count(self, query, row_condition, **kwargs)

    original_count = SQLBackend.get_count
    SQLBackend.get_count = slow_count_only
    try:
        response = admin_client.get("/api/v2/document/ToDo", {"order_by": "name asc", "include": "count"})
    finally:
        SQLBackend.get_count = original_count

    assert response.status_code == 200
    assert response.json() == {"data": [{"name": "a"}, {"name": "b"}], "has_next_page": False, "count": None,
                               "count_capped": False}


def test_v2_count_route_is_null_when_counting_takes_too_long(admin_client, two, settings, slow_lists):
    settings.FRAPPE_API = {"COUNT_TIMEOUT_MS": 20}

    response = admin_client.get("/api/v2/doctype/ToDo/count", {"filters": json.dumps({"name": "a"})})

    assert response.status_code == 200
    assert response.json() == {"data": None}


def test_v2_count_within_the_budget_is_exact_and_capped_by_limit(admin_client, two):
    assert admin_client.get("/api/v2/doctype/ToDo/count").json() == {"data": 2}
    assert admin_client.get("/api/v2/doctype/ToDo/count", {"limit": 1}).json() == {"data": 1}


@pytest.mark.parametrize("method", ["frappe.client.get_count", "frappe.desk.reportview.get_count"])
def test_v1_counts_stay_exact_however_long_they_take(admin_client, two, settings, slow_lists, method):
    settings.FRAPPE_API = {"COUNT_TIMEOUT_MS": 1}
    slow_lists["ways"] = MODERATE

    response = admin_client.get(f"/api/method/{method}", {"doctype": "ToDo"})

    assert response.status_code == 200
    assert response.json() == {"message": 2}


def test_zero_turns_the_budget_off(admin_client, two, settings, slow_lists):
    settings.FRAPPE_API = {"COUNT_TIMEOUT_MS": 0}
    slow_lists["ways"] = MODERATE

    assert admin_client.get("/api/v2/doctype/ToDo/count").json() == {"data": 2}
