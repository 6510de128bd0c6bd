"""Field indexes of JSON DocTypes: made on save, dropped with the field, repaired by the sync command,
used by the SQL of a filtered list, and enforcing unique fields."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_frappe_api import document, exceptions
from django_frappe_api.backends import indexes
from django_frappe_api.backends.generic import GenericBackend
from django_frappe_api.definitions import save_definition
from django_frappe_api.meta import get_meta
from django_frappe_api.models import DocType, Document
from tests.factories import INDEXED_FIELDS, make_doctype, race_inserts

pytestmark = pytest.mark.skipif(connection.vendor not in ("postgresql", "sqlite"),
                                reason="expression indexes (MySQL: tests/test_mysql_columns.py)")

FIELDS = INDEXED_FIELDS


def _names(doctype: str) -> dict[str, str]:
    wanted = indexes.wanted(get_meta(doctype))
    return {index.fieldname + ("/sort" if index.sort else "/unique" if index.unique else ""): index.name
            for index in wanted}


@pytest.fixture
def item(db):
    return make_doctype("Index Item", FIELDS, sort_field="title", sort_order="ASC")


def test_saving_a_doctype_creates_an_index_per_marked_field(item):
    names = _names("Index Item")

    assert sorted(names) == [*(["code"] if connection.vendor == "sqlite" else []), "code/unique", "qty", "status",
                             "title/sort"]
    assert set(indexes.existing(indexes.doctype_prefix("Index Item"))) == set(names.values())
    assert all(len(name) <= 63 for name in names.values())


def test_removing_a_field_or_the_doctype_drops_its_index(item):
    before = _names("Index Item")
    save_definition({"name": "Index Item", "fields": [f for f in FIELDS if f["fieldname"] != "status"],
                     "permissions": [{"role": "System Manager"}], "sort_field": "title", "sort_order": "ASC"})

    assert set(indexes.existing(indexes.doctype_prefix("Index Item"))) == set(before.values()) - {before["status"]}

    DocType.objects.get(name="Index Item").delete()
    assert indexes.existing(indexes.doctype_prefix("Index Item")) == {}


def test_sync_command_repairs_a_dropped_index_and_drops_a_stale_one(item):
    names = _names("Index Item")
    with connection.cursor() as cursor:
        cursor.execute(indexes.drop_sql(names["status"]))
        cursor.execute(f'CREATE INDEX "dfa_stale_0001" ON "{Document._meta.db_table}" ("name")')

    out = StringIO()
    call_command("frappe_api_sync_indexes", "--dry-run", stdout=out)
    assert names["status"] in out.getvalue() and "dfa_stale_0001" in out.getvalue()
    assert names["status"] not in indexes.existing()

    call_command("frappe_api_sync_indexes", stdout=StringIO())
    assert set(indexes.existing(indexes.doctype_prefix("Index Item"))) == set(names.values())
    assert "dfa_stale_0001" not in indexes.existing()
    out = StringIO()
    call_command("frappe_api_sync_indexes", "--dry-run", stdout=out)
    assert "Indexes are in sync" in out.getvalue()


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny: ask whether the index *can* serve
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def _sql(admin_user, count: bool = False, **args) -> str:
    """The SQL a list (or count) ran, as sent (PostgreSQL binds on the client; SQLite's copy inlines the same)."""
    with CaptureQueriesContext(connection) as queries:
        if count:
            document.get_count("Index Item", user=admin_user, **args)
        else:
            document.get_list("Index Item", user=admin_user, fields=["name"], page_length=20, **args)
    return queries.captured_queries[-1]["sql"]


@pytest.mark.parametrize(("field", "args"), [
    ("status", {"filters": [["status", "=", "Open"]], "count": True}),
    ("qty", {"filters": [["qty", "=", 7]], "order_by": "modified desc"}),
    ("qty", {"filters": [["qty", ">", 190]], "count": True}),
    ("code" if connection.vendor == "sqlite" else "code/unique",
     {"filters": {"code": "C-1"}, "order_by": "modified desc"}),
    ("title/sort", {"order_by": "title asc"}),
])
def test_a_filtered_list_uses_the_field_index(item, admin_user, field, args):
    rows = [Document(doctype_id="Index Item", name=f"n{n}", data={
        "title": f"t{n}", "status": "Open" if n % 50 == 0 else "Closed", "qty": n, "code": f"C{n}"})
        for n in range(200)]
    Document.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics, as a live database has them

    plan = _plan(_sql(admin_user, **args))

    assert _names("Index Item")[field] in plan, plan
    assert "Seq Scan" not in plan, plan
    assert not [line for line in plan.splitlines() if line.startswith("SCAN") and "INDEX" not in line], plan


def test_unique_index_refuses_a_duplicate_the_query_check_missed(item, admin_user):
    document.insert_doc("Index Item", {"title": "a", "code": "SAME"}, user=admin_user)

    # As when two requests check at the same time: neither sees the other's row yet.
    with mock.patch.object(GenericBackend, "value_exists", return_value=False), \
            pytest.raises(exceptions.UniqueValidationError):
        document.insert_doc("Index Item", {"title": "b", "code": "SAME"}, user=admin_user)

    assert Document.objects.filter(doctype_id="Index Item", data__code="SAME").count() == 1


def test_duplicate_unique_value_message_is_unchanged(item, admin_client):
    admin_client.post("/api/resource/Index Item", {"title": "a", "code": "SAME"}, format="json")

    response = admin_client.post("/api/resource/Index Item", {"title": "b", "code": "SAME"}, format="json")

    assert response.status_code == 417
    assert response.json()["exc_type"] == "UniqueValidationError"
    assert Document.objects.filter(doctype_id="Index Item").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_inserts_of_a_unique_value_store_one_row(admin_user):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (one write transaction at a time): nothing runs concurrently")
    make_doctype("Index Item", FIELDS)
    assert indexes.existing(indexes.doctype_prefix("Index Item"))  # built CONCURRENTLY (autocommit)
    assert race_inserts("Index Item", {"code": "RACE"}, admin_user) == ["ok", "unique", "unique", "unique"]
    assert Document.objects.filter(doctype_id="Index Item", data__code="RACE").count() == 1
