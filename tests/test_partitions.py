"""PostgreSQL: the document table partitioned by DocType. A saved DocType gets its partition, with its field
indexes and trigger; queries are pruned to it at plan time; a deleted DocType's partition goes; rows of a
DocType made without one wait in the default partition and move; migration 0004 converts both ways."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_frappe_api import document
from django_frappe_api.backends import field_columns, index_sync, indexes, partitions
from django_frappe_api.models import DocType, Document
from tests.factories import make_doctype
from tests.helpers import decoded, error

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's partitions")

FIELDS = [
    {"fieldname": "title", "fieldtype": "Data"},
    {"fieldname": "status", "fieldtype": "Select", "options": "Open\nClosed", "search_index": 1},
    {"fieldname": "lines", "fieldtype": "Table", "options": "Part Line"},
]
LINE_FIELDS = [{"fieldname": "item", "fieldtype": "Data"}, {"fieldname": "qty", "fieldtype": "Int"}]
TABLE = Document._meta.db_table


def _one(sql: str, params: list | None = None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else []


def _holder(doctype: str, name: str) -> str:
    """The partition a document's row is stored in."""
    return _one(f'SELECT tableoid::regclass::text FROM "{TABLE}" WHERE doctype = %s AND name = %s',
                [doctype, name])[0][0]


def _plan(sql: str, params: list) -> str:
    return "\n".join(row[0] for row in _one(f"EXPLAIN {sql}", params))


@pytest.fixture
def parts(db):
    make_doctype("Part Line", LINE_FIELDS, istable=1)
    return make_doctype("Part Item", FIELDS)


def test_a_saved_doctype_gets_its_partition_with_its_indexes_and_trigger(parts, admin_user):
    name = partitions.partition_name("Part Item")
    assert {name, partitions.partition_name("Part Line"), partitions.default_name()} <= partitions.existing()
    assert partitions.table_for("Part Item") == f'"{name}"'

    doc = document.insert_doc("Part Item", {"title": "a", "status": "Open", "lines": [{"item": "x", "qty": 2}]},
                              user=admin_user)
    assert _holder("Part Item", doc["name"]) == name
    assert _holder("Part Line", doc["lines"][0]["name"]) == partitions.partition_name("Part Line")

    prefix = indexes.doctype_prefix("Part Item")
    on_partition = {index for (index,) in _one(
        "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass", [name])}
    assert set(indexes.existing(prefix)) == {index.name for index in indexes.wanted(parts)}
    assert set(indexes.existing(prefix)) <= on_partition
    assert field_columns.existing_triggers()[field_columns.trigger_name(prefix)] == name
    assert not _one("SELECT 1 FROM pg_statistic_ext WHERE stxrelid = %s::regclass", [TABLE])


def test_lists_reads_and_saves_touch_one_partition(parts, admin_user, client):
    doc = document.insert_doc("Part Item", {"title": "a", "status": "Open", "lines": [{"item": "x"}]},
                              user=admin_user)
    others = {partitions.partition_name(name) for name in ("ToDo", "Part Line")} & partitions.existing()
    assert others  # there are other partitions to prune

    with CaptureQueriesContext(connection) as queries:
        document.get_list("Part Item", user=admin_user, fields=["name"], filters={"status": "Open"})
    plan = _plan(queries.captured_queries[-1]["sql"], [])
    assert partitions.partition_name("Part Item") in plan
    assert not any(other in plan for other in others | {partitions.default_name()})

    with CaptureQueriesContext(connection) as queries:
        document.update_doc("Part Item", doc["name"], {"title": "b"}, user=admin_user)
    update = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{TABLE}" SET "owner"'))
    assert '"doctype" = ' in update.split("WHERE", 1)[1]  # Document._do_update names the DocType
    assert partitions.default_name() not in _plan(update, [])

    client.force_login(admin_user)
    response = client.get(f"/api/resource/Part Item/{doc['name']}")
    assert response.status_code == 200
    body = decoded(response)["data"]
    assert (body["title"], [line["item"] for line in body["lines"]]) == ("b", ["x"])


def test_a_deleted_doctype_takes_its_partition_along(parts):
    name = partitions.partition_name("Part Item")
    assert name in partitions.existing()
    DocType.objects.filter(name="Part Item").delete()
    assert name not in partitions.existing()
    assert field_columns.trigger_name(indexes.doctype_prefix("Part Item")) not in field_columns.existing_triggers()


def test_rows_of_a_doctype_without_partition_wait_in_the_default_one_and_move(db, admin_user, client):
    DocType.objects.create(name="Loose Item")  # made by hand: no save_definition, no partition yet
    Document.objects.bulk_create([Document(doctype_id="Loose Item", name=f"L{n}", data={}) for n in range(3)])
    assert _holder("Loose Item", "L1") == partitions.default_name()

    statements = index_sync.sync_all()
    assert any("ATTACH PARTITION" in sql for sql in statements)
    assert {_holder("Loose Item", f"L{n}") for n in range(3)} == {partitions.partition_name("Loose Item")}
    assert not _one(f'SELECT 1 FROM "{partitions.default_name()}"')
    assert index_sync.sync_all(dry_run=True) == []  # nothing left to repair


def test_sync_all_drops_the_partition_of_a_doctype_that_is_gone(parts):
    stray = f"{TABLE}_0123456789"
    _one(f'CREATE TABLE "{stray}" PARTITION OF "{TABLE}" FOR VALUES IN (%s)', ["No Such DocType"])
    assert f'DROP TABLE IF EXISTS "{stray}"' in index_sync.sync_all(dry_run=True)
    index_sync.sync_all()
    assert stray not in partitions.existing()
    assert partitions.partition_name("Part Item") in partitions.existing()


@pytest.mark.django_db(transaction=True)
def test_migration_0004_converts_the_table_both_ways_keeping_rows_and_indexes(admin_user):
    make_doctype("Part Line", LINE_FIELDS, istable=1)
    make_doctype("Part Item", FIELDS)
    doc = document.insert_doc("Part Item", {"title": "kept", "status": "Open", "lines": [{"item": "x"}]},
                              user=admin_user)
    try:
        call_command("migrate", "django_frappe_api", "0003", verbosity=0)
        assert not partitions.enabled()
        assert _one(f'SELECT name FROM "{TABLE}" WHERE doctype = %s', ["Part Item"]) == [(doc["name"],)]
        assert _one("SELECT 1 FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' "
                    "AND pg_get_constraintdef(oid) LIKE %s", [TABLE, "%parent_document_id%"])
    finally:
        call_command("migrate", "django_frappe_api", verbosity=0)
    assert partitions.enabled()
    assert _holder("Part Item", doc["name"]) == partitions.partition_name("Part Item")
    prefix = indexes.doctype_prefix("Part Item")
    assert all(indexes.existing(prefix).values()) and field_columns.trigger_name(prefix) in (
        field_columns.existing_triggers())  # made again once migrate ended
    again = document.insert_doc("Part Item", {"title": "new", "lines": [{"item": "y"}]}, user=admin_user)
    assert Document.objects.get(doctype_id="Part Item", name=again["name"]).id > Document.objects.get(
        doctype_id="Part Item", name=doc["name"]).id  # the id sequence went on where it was
    assert [row["title"] for row in document.get_list("Part Item", user=admin_user, fields=["title"],
                                                       order_by="creation asc")] == ["kept", "new"]


def test_a_partitioned_doctype_answers_as_frappe_does_over_http(parts, admin_user, admin_client):
    doc = document.insert_doc("Part Item", {"title": "a", "status": "Open", "lines": [{"item": "x", "qty": 2}]},
                              user=admin_user)
    document.insert_doc("Part Item", {"title": "b", "status": "Closed"}, user=admin_user)
    f = json.dumps

    v1 = admin_client.get("/api/resource/Part Item", {"fields": f(["title", "status"]),
                                                     "filters": f([["status", "=", "Open"]])})
    v2 = admin_client.get("/api/v2/document/Part Item", {"fields": f(["title"]), "order_by": "title asc",
                                                        "include": "count"})
    read = admin_client.get(f"/api/v2/document/Part Item/{doc['name']}")
    bad = admin_client.get("/api/v2/document/Part Item", {"filters": f([["status", "~", "Open"]])})

    assert (v1.status_code, v1.json()) == (200, {"data": [{"title": "a", "status": "Open"}]})
    assert (v2.status_code, v2.json()) == (200, {"data": [{"title": "a"}, {"title": "b"}], "has_next_page": False,
                                                 "count": 2, "count_capped": False})
    body = read.json()["data"]
    assert read.status_code == 200 and (body["name"], body["title"], body["doctype"]) == (doc["name"], "a",
                                                                                         "Part Item")
    assert [(line["item"], line["qty"], line["parent"], line["parenttype"]) for line in body["lines"]] == [
        ("x", 2, doc["name"], "Part Item")]
    message = ("Operator must be one of =, !=, >, <, >=, <=, like, not like, in, not in, is, between, timespan, "
               "previous, next, ancestors of, descendants of, not ancestors of, not descendants of, "
               "descendants of (inclusive)")
    bad_v1 = admin_client.get("/api/resource/Part Item", {"filters": f([["status", "~", "Open"]])})
    assert (bad_v1.status_code, decoded(bad_v1)) == (417, error("ValidationError", message))
    assert (bad.status_code, bad.json()) == (417, {"errors": [{"type": "ValidationError", "message": message,
                                                               "title": "Message", "indicator": "red"}]})
