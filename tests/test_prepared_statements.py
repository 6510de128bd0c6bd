"""PostgreSQL: with psycopg's ``prepare_threshold`` set, compiled statements are prepared on the server and
answer what the client-bound ones answer, also after the DocType (and so the table) changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_frappe_api import document
from django_frappe_api.backends.statements import statement_cursor
from django_frappe_api.definitions import save_definition
from tests.factories import make_doctype

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")

FIELDS = [
    {"fieldname": "title", "fieldtype": "Data"},
    {"fieldname": "status", "fieldtype": "Select", "options": "Open\nClosed", "search_index": 1},
    {"fieldname": "qty", "fieldtype": "Int", "search_index": 1},
]


@pytest.fixture
def prepared(db):
    """Prepare every statement at its first run, as ``OPTIONS = {"prepare_threshold": 0}`` would."""
    connection.ensure_connection()
    raw = connection.connection
    before = raw.prepare_threshold
    raw.prepare_threshold = 0
    yield raw
    raw.prepare_threshold = before


def _prepared_texts() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [text for (text,) in cursor.fetchall()]


def _list(admin_user, **args) -> list[dict]:
    return document.get_list("Prep Item", user=admin_user, fields=["name", "status", "qty"], order_by="name asc",
                             **args)


def test_a_list_is_prepared_once_and_answers_as_unprepared(prepared, admin_user):
    make_doctype("Prep Item", FIELDS, autoname="field:title")
    for n in range(6):
        document.insert_doc("Prep Item", {"title": f"p{n}", "status": "Open" if n % 2 else "Closed",
                                          "qty": n}, user=admin_user)
    prepared.prepare_threshold = None
    expected = _list(admin_user, filters=[["qty", ">", 2]])
    assert [row["name"] for row in expected] == ["p3", "p4", "p5"]
    assert not [text for text in _prepared_texts() if "Prep Item" in text]

    prepared.prepare_threshold = 0
    assert _list(admin_user, filters=[["qty", ">", 2]]) == expected
    assert _list(admin_user, filters=[["qty", ">", 4]]) == expected[2:]  # the same statement, other values

    texts = [text for text in _prepared_texts() if "'Prep Item'" in text and "ORDER BY" in text]
    assert len(texts) == 1, texts
    assert "$1" in texts[0]  # values bound on the server; the DocType is a literal of the SQL


def test_a_prepared_statement_follows_a_changed_doctype(prepared, admin_user):
    make_doctype("Prep Item", FIELDS, autoname="field:title")
    document.insert_doc("Prep Item", {"title": "p1", "status": "Open", "qty": 1}, user=admin_user)
    assert [row["name"] for row in _list(admin_user, filters=[["status", "=", "Open"]])] == ["p1"]

    # New field columns and indexes on the document table: PostgreSQL re-plans the prepared statement.
    save_definition({"name": "Prep Item", "autoname": "field:title", "permissions": [{"role": "System Manager"}],
                     "fields": [*FIELDS, {"fieldname": "code", "fieldtype": "Data", "search_index": 1}]})
    document.insert_doc("Prep Item", {"title": "p2", "status": "Open", "qty": 2, "code": "c"},
                        user=admin_user)

    assert [row["name"] for row in _list(admin_user, filters=[["status", "=", "Open"]])] == ["p1", "p2"]
    assert [row["name"] for row in _list(admin_user, filters=[["code", "=", "c"]])] == ["p2"]


def test_without_the_threshold_or_while_queries_are_logged_statements_use_djangos_cursor(prepared):
    django_cursor = type(connection.cursor().cursor)
    with statement_cursor(connection) as cursor:
        assert type(cursor.cursor) is not django_cursor  # binds on the server

    with CaptureQueriesContext(connection), statement_cursor(connection) as cursor:
        assert type(cursor.cursor) is django_cursor  # the log shows the values

    prepared.prepare_threshold = None  # Django's default
    with statement_cursor(connection) as cursor:
        assert type(cursor.cursor) is django_cursor
