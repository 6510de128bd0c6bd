"""Field columns (PostgreSQL and SQLite): indexed JSON keys copied into real columns by per-DocType triggers,
backfilled, named by the query once their index is valid, and counted from the index alone."""

from __future__ import annotations

import json
import logging
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_frappe_api import checks, document
from django_frappe_api.backends import field_columns, index_sync, indexes
from django_frappe_api.definitions import save_definition
from django_frappe_api.meta import get_meta
from django_frappe_api.models import DocType, Document
from tests.factories import make_doctype
from tests.helpers import decoded, error

pytestmark = pytest.mark.skipif(connection.vendor not in field_columns.ENGINES, reason="field columns")
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
JSON_KEY = "->>" if connection.vendor == "postgresql" else "JSON_EXTRACT"  # what the SQL of a JSON key holds

FIELDS = [
    {"fieldname": "title", "fieldtype": "Data"},
    {"fieldname": "status", "fieldtype": "Select", "options": "Open\nClosed", "search_index": 1},
    {"fieldname": "qty", "fieldtype": "Int", "in_standard_filter": 1},
    {"fieldname": "rate", "fieldtype": "Float", "search_index": 1},
]
STATUS = field_columns.column_name("status", "text")
QTY = field_columns.column_name("qty", "int")
RATE = field_columns.column_name("rate", "float")
TABLE = Document._meta.db_table


def _define(fields: list[dict]) -> None:
    save_definition({"name": "Column Item", "fields": fields, "permissions": [{"role": "System Manager"}]})


def _columns(name: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{STATUS}", "{QTY}", "{RATE}" FROM "{TABLE}" WHERE doctype = %s AND name = %s',
                       ["Column Item", name])
        return cursor.fetchone()


def _list_sql(admin_user, **args) -> tuple[list, str]:
    with CaptureQueriesContext(connection) as queries:
        rows = document.get_list("Column Item", user=admin_user, fields=["name"], order_by="name asc", **args)
    return [row["name"] for row in rows], queries.captured_queries[-1]["sql"]


@pytest.fixture
def item(db):
    return make_doctype("Column Item", FIELDS)


def test_every_write_copies_the_indexed_keys_into_their_columns(item, admin_user):
    doc = document.insert_doc("Column Item", {"title": "a", "status": "Open", "qty": 7, "rate": 1.5},
                              user=admin_user)
    assert _columns(doc["name"]) == ("Open", 7, 1.5)

    document.update_doc("Column Item", doc["name"], {"status": "Closed", "qty": 9}, user=admin_user)
    assert _columns(doc["name"]) == ("Closed", 9, 1.5)

    merged = """data || '{"qty": 11}'""" if connection.vendor == "postgresql" else "json_set(data, '$.qty', 11)"
    with connection.cursor() as cursor:  # a write that bypasses the app is followed too
        cursor.execute(f'UPDATE "{TABLE}" SET data = {merged} WHERE name = %s', [doc["name"]])
    assert _columns(doc["name"]) == ("Closed", 11, 1.5)
    assert set(field_columns.existing_columns()) >= {STATUS, QTY, RATE}


def test_a_filtered_list_names_the_column_and_a_count_reads_only_the_index(item, admin_user):
    Document.objects.bulk_create([Document(doctype_id="Column Item", name=f"n{n:03d}", data={
        "title": f"t{n}", "status": "Open" if n % 50 == 0 else "Closed", "qty": n, "rate": n / 2})
        for n in range(200)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    names, sql = _list_sql(admin_user, filters=[["qty", ">", 190]])
    assert names == [f"n{n}" for n in range(191, 200)]
    assert f'"{QTY}" >' in sql and JSON_KEY not in sql

    with CaptureQueriesContext(connection) as queries:
        assert document.get_count("Column Item", user=admin_user, filters=[["status", "=", "Open"]]) == 4
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether the index alone *can* serve
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        explain = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(explain + queries.captured_queries[-1]["sql"])
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    status_index = next(i.name for i in indexes.wanted(get_meta("Column Item")) if i.fieldname == "status")
    only = "Index Only Scan using" if connection.vendor == "postgresql" else "USING COVERING INDEX"
    assert f"{only} {status_index}" in plan, plan


def test_lists_and_counts_on_field_columns_answer_as_frappe_does(item, admin_client, admin_user):
    for n, (status, qty) in enumerate([("Open", 5), ("Closed", 9), ("Open", 12)]):
        document.insert_doc("Column Item", {"title": f"t{n}", "status": status, "qty": qty, "rate": n / 2},
                            user=admin_user)
    f = json.dumps

    v1 = admin_client.get("/api/resource/Column Item", {"fields": f(["title", "qty"]),
                                                       "filters": f([["qty", ">", 6]]), "order_by": "qty asc"})
    v2 = admin_client.get("/api/v2/document/Column Item", {"fields": f(["title"]), "filters": f({"status": "Open"}),
                                                          "order_by": "qty desc", "include": "count"})
    count = admin_client.get("/api/v2/doctype/Column Item/count", {"filters": f([["rate", ">=", 0.5]])})
    cast = admin_client.get("/api/resource/Column Item", {"fields": f(["title"]), "filters": f([["qty", ">", "abc"]]),
                                                         "order_by": "title asc"})  # Frappe's cint: "abc" is 0

    assert (v1.status_code, v1.json()) == (200, {"data": [{"title": "t1", "qty": 9}, {"title": "t2", "qty": 12}]})
    assert (v2.status_code, v2.json()) == (200, {"data": [{"title": "t2"}, {"title": "t0"}], "has_next_page": False,
                                                 "count": 2, "count_capped": False})
    assert (count.status_code, count.json()) == (200, {"data": 2})
    assert (cast.status_code, cast.json()) == (200, {"data": [{"title": "t0"}, {"title": "t1"}, {"title": "t2"}]})


def test_a_bad_value_for_a_field_column_is_frappes_validation_error(item, admin_client):
    bad = {"filters": json.dumps([["qty", "in", {"a": 1}]])}
    message = "Invalid filter value for Int field: {'a': 1}"

    v1 = admin_client.get("/api/resource/Column Item", bad)
    v2 = admin_client.get("/api/v2/document/Column Item", bad)

    assert (v1.status_code, decoded(v1)) == (417, error("ValidationError", message))
    assert (v2.status_code, v2.json()) == (417, {"errors": [{"type": "ValidationError", "message": message,
                                                             "title": "Message", "indicator": "red"}]})


@postgresql_only
def test_rows_stored_before_a_field_was_indexed_are_filled_after_the_commit(db, admin_user,
                                                                          django_capture_on_commit_callbacks):
    _define([{**field, "search_index": 0, "in_standard_filter": 0} for field in FIELDS])
    Document.objects.bulk_create([Document(doctype_id="Column Item", name=f"n{n}", data={"qty": n, "status": "Open"})
                                  for n in range(5)])
    names, sql = _list_sql(admin_user, filters=[["qty", ">=", 3]])
    assert names == ["n3", "n4"] and "->>" in sql  # not indexed: the JSON key

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _define(FIELDS)
        # A DocType with documents: nothing locks the table inside the transaction; the JSON key still answers.
        assert QTY not in field_columns.existing_columns()
        names, sql = _list_sql(admin_user, filters=[["qty", ">=", 3]])
        assert names == ["n3", "n4"] and "->>" in sql
    assert [c for c in callbacks if getattr(c, "args", None) == ("Column Item",)]  # the sync, after the commit

    assert [_columns(f"n{n}")[:2] for n in range(5)] == [("Open", n) for n in range(5)]
    names, sql = _list_sql(admin_user, filters=[["qty", ">=", 3]])
    assert names == ["n3", "n4"] and QTY in sql


@postgresql_only
def test_a_stored_value_the_cast_refuses_keeps_the_doctype_on_its_json_keys(db, admin_user, caplog,
                                                                           django_capture_on_commit_callbacks):
    _define([{**field, "search_index": 0, "in_standard_filter": 0} for field in FIELDS])
    Document.objects.create(doctype_id="Column Item", name="bad", data={"qty": "many", "status": "Open"})

    with caplog.at_level(logging.WARNING, logger="django_frappe_api.backends.index_sync"), \
            django_capture_on_commit_callbacks(execute=True):
        _define(FIELDS)

    assert "Could not fill the field columns of Column Item" in caplog.text
    assert indexes.indexed_fieldnames("Column Item") == []
    assert field_columns.trigger_name(indexes.doctype_prefix("Column Item")) not in field_columns.existing_triggers()
    names, sql = _list_sql(admin_user, filters=[["status", "=", "Open"]])
    assert names == ["bad"] and "->>" in sql
    Document.objects.filter(name="bad").update(data={"qty": "still many"})  # the row stays writable


def test_unindexing_a_field_falls_back_to_its_key_and_its_column_stays_for_reuse(item, admin_user):
    document.insert_doc("Column Item", {"title": "a", "status": "Open", "qty": 3, "rate": 2.0}, user=admin_user)
    _define([{**field, "search_index": 0} if field["fieldname"] == "rate" else field for field in FIELDS])

    names, sql = _list_sql(admin_user, filters=[["rate", "=", 2]])
    assert len(names) == 1
    assert RATE not in sql and JSON_KEY in sql  # no longer indexed: its JSON key, not the column

    call_command("frappe_api_sync_indexes", stdout=StringIO())
    # Columns stay (PostgreSQL never gives a dropped column's number back) for the next field of their name.
    assert {RATE, STATUS} <= field_columns.existing_columns()

    Document.objects.filter(doctype_id="Column Item").delete()
    DocType.objects.filter(name="Column Item").delete()
    assert field_columns.trigger_name(indexes.doctype_prefix("Column Item")) not in field_columns.existing_triggers()
    call_command("frappe_api_sync_indexes", stdout=StringIO())  # the DocType's statistics go too
    out = StringIO()
    call_command("frappe_api_sync_indexes", "--dry-run", stdout=out)
    assert "Indexes are in sync" in out.getvalue() and {RATE, STATUS} <= field_columns.existing_columns()


def test_check_warns_when_the_document_table_nears_its_column_limit(db):
    limit = field_columns.column_limit()
    near = limit - checks.COLUMN_WARNING_MARGIN

    with mock.patch.object(field_columns, "column_slots_used", return_value=near):
        warnings = checks.check_field_column_limit(None, databases=["default"])

    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    assert [w.id for w in warnings] == ["django_frappe_api.W004"]
    assert f"has used {near} of {engine}'s {limit} column numbers" in warnings[0].msg
    assert limit == (1600 if connection.vendor == "postgresql" else 2000)  # SQLite's default build
    assert checks.check_field_column_limit(None, databases=["default"]) == []  # the test table: a few dozen
    assert 14 < field_columns.column_slots_used() < near


def test_sqlite_fills_every_doctype_s_columns_from_one_pair_of_triggers(db, admin_user):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's shared triggers")
    for n in range(6):
        make_doctype(f"Group Item {n}", [{"fieldname": f"g{n}", "fieldtype": "Int", "search_index": 1}])
    for n in range(6):
        document.insert_doc(f"Group Item {n}", {f"g{n}": n * 10}, user=admin_user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dfa%'")
        triggers = sorted(name for (name,) in cursor.fetchall())
        values = []
        for n in range(6):
            column = field_columns.column_name(f"g{n}", "int")
            cursor.execute(f'SELECT "{column}" FROM "{TABLE}" WHERE doctype = %s', [f"Group Item {n}"])
            values.append(cursor.fetchone()[0])

    assert triggers == ["dfa_fill", "dfa_fill_on_update"]  # one pair, for every DocType
    assert values == [0, 10, 20, 30, 40, 50]
    assert index_sync.sync_all(dry_run=True) == []  # every DocType's part is in place
