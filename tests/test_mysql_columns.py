"""Field indexes on MariaDB/MySQL: shared columns filled by triggers, with an index, named by the list SQL, made
and dropped with the definition, enforcing unique fields, and ``manage.py check`` near InnoDB's limits.

MySQL's DDL commits the transaction it runs in, so these tests run in autocommit (``transaction=True``), where
a saved definition builds its columns at once, and drop every column they made.
"""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_frappe_api import checks, document
from django_frappe_api.backends import index_sync, indexes, mysql_columns
from django_frappe_api.definitions import save_definition
from django_frappe_api.meta import get_meta
from django_frappe_api.models import DocType, Document
from tests.factories import INDEXED_FIELDS, make_doctype, race_inserts

pytestmark = [
    pytest.mark.skipif(connection.vendor != "mysql", reason="MariaDB/MySQL field columns"),
    pytest.mark.django_db(transaction=True),
]

FIELDS = INDEXED_FIELDS


@pytest.fixture(autouse=True)
def no_columns_left():
    yield
    mysql_columns.sync({})  # the table as the migrations left it, for the tests that follow


def _wanted(*doctypes: str) -> dict[str, mysql_columns.ColumnIndex]:
    return mysql_columns.wanted([i for name in doctypes for i in indexes.wanted(get_meta(name))])


def test_saving_doctypes_adds_one_shared_column_and_index_per_field_name_and_type(db):
    make_doctype("Gen Item", FIELDS)
    make_doctype("Gen Other", [{"fieldname": "status", "fieldtype": "Data", "search_index": 1}])

    item, other = _wanted("Gen Item"), _wanted("Gen Other")
    by_field = {(i.column.fieldname, bool(i.column.doctype)) for i in item.values()}

    assert by_field == {("status", False), ("qty", False), ("code", False), ("code", True)}
    assert set(other) <= set(item)  # status (text) of both DocTypes: one column, one index
    assert set(item) <= set(mysql_columns.existing_indexes())
    columns = mysql_columns.existing_columns()
    assert {i.column.name for i in item.values()} <= set(columns) and all(columns.values())  # plain columns
    assert indexes.indexed_fieldnames("Gen Item") == ["status", "qty", "code"]
    assert indexes.indexed_fieldnames("Gen Other") == ["status"]


def test_a_filtered_list_names_the_column_and_the_optimizer_uses_its_index(admin_user):
    make_doctype("Gen Item", FIELDS)
    Document.objects.bulk_create([Document(doctype_id="Gen Item", name=f"n{n}", data={
        "title": f"t{n}", "status": "Open" if n % 50 == 0 else "Closed", "qty": n, "code": f"C{n}"})
        for n in range(300)])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE TABLE {Document._meta.db_table}")
        cursor.fetchall()
    status = mysql_columns.SharedColumn("status", "text")
    index = mysql_columns.ColumnIndex(status, "modified")

    with CaptureQueriesContext(connection) as queries:
        rows = document.get_list("Gen Item", user=admin_user, fields=["name"], filters={"status": "Open"},
                                 order_by="modified desc", page_length=20)
        count = document.get_count("Gen Item", user=admin_user, filters={"status": "Open"})
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        columns = [c[0] for c in cursor.description]
        plan = dict(zip(columns, cursor.fetchone(), strict=True))

    assert len(rows) == count == 6
    assert f"`{status.name}` = " in queries.captured_queries[-1]["sql"]
    assert "JSON_EXTRACT" not in queries.captured_queries[-1]["sql"]
    assert plan["key"] == index.name, plan


def test_values_of_another_type_under_a_shared_column_are_stored(admin_user):
    make_doctype("Gen Item", FIELDS)
    make_doctype("Gen Text Qty", [{"fieldname": "qty", "fieldtype": "Data"}])

    document.insert_doc("Gen Text Qty", {"qty": "not a number"}, user=admin_user)
    document.insert_doc("Gen Item", {"title": "a", "qty": 7}, user=admin_user)

    assert document.get_count("Gen Item", user=admin_user, filters={"qty": 7}) == 1
    assert document.get_count("Gen Text Qty", user=admin_user, filters={"qty": "not a number"}) == 1


def test_removing_a_field_or_the_doctype_drops_what_no_other_doctype_needs(db):
    make_doctype("Gen Item", FIELDS)
    make_doctype("Gen Other", [{"fieldname": "status", "fieldtype": "Data", "search_index": 1}])
    before = _wanted("Gen Item")
    qty = {name for name, i in before.items() if i.column.fieldname == "qty"}

    save_definition({"name": "Gen Item", "fields": [f for f in FIELDS if f["fieldname"] != "qty"],
                     "permissions": [{"role": "System Manager"}]})
    assert not qty & set(mysql_columns.existing_indexes())
    assert "qty" not in indexes.indexed_fieldnames("Gen Item")

    DocType.objects.get(name="Gen Item").delete()
    left = set(mysql_columns.existing_indexes())
    assert left & set(before) == set(_wanted("Gen Other"))  # the shared status index stays for Gen Other


def test_sync_command_rebuilds_a_dropped_index_and_column(db):
    make_doctype("Gen Item", FIELDS)
    status = mysql_columns.ColumnIndex(mysql_columns.SharedColumn("status", "text"), "modified")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {Document._meta.db_table} DROP COLUMN {status.column.name}")  # and its index

    dry = StringIO()
    call_command("frappe_api_sync_indexes", "--dry-run", stdout=dry)
    call_command("frappe_api_sync_indexes", stdout=StringIO())
    again = StringIO()
    call_command("frappe_api_sync_indexes", "--dry-run", stdout=again)

    assert status.column.add_sql() in dry.getvalue() and status.create_sql() in dry.getvalue()
    assert status.name in mysql_columns.existing_indexes()
    assert again.getvalue() == "Indexes are in sync.\n"


def test_concurrent_inserts_of_a_unique_value_store_one_row(admin_user):
    make_doctype("Gen Item", FIELDS)
    assert race_inserts("Gen Item", {"code": "RACE"}, admin_user) == ["ok", "unique", "unique", "unique"]
    assert Document.objects.filter(doctype_id="Gen Item", data__code="RACE").count() == 1


def test_blank_values_of_a_unique_field_may_repeat(admin_user):
    make_doctype("Gen Item", FIELDS)

    document.insert_doc("Gen Item", {"title": "a", "code": ""}, user=admin_user)
    document.insert_doc("Gen Item", {"title": "b", "code": ""}, user=admin_user)

    assert Document.objects.filter(doctype_id="Gen Item").count() == 2


def test_near_the_index_limit_the_sync_skips_a_field_which_then_reads_its_json_key(admin_user, caplog):
    index_sync.sync_all()  # whatever else is wanted (built-in DocTypes) first: one more index fits, not two
    room_for_one = mysql_columns.limits()[0] + mysql_columns.INDEX_HEADROOM + 1
    fields = [{"fieldname": "status", "fieldtype": "Data", "search_index": 1},
              {"fieldname": "zone", "fieldtype": "Data", "search_index": 1}]

    with mock.patch.object(mysql_columns, "MAX_INDEXES", room_for_one):
        make_doctype("Gen Item", fields)
    document.insert_doc("Gen Item", {"status": "Open", "zone": "A"}, user=admin_user)
    with CaptureQueriesContext(connection) as queries:
        found = document.get_list("Gen Item", user=admin_user, fields=["status", "zone"],
                                  filters={"status": "Open", "zone": "A"})

    [indexed] = indexes.indexed_fieldnames("Gen Item")
    skipped = "zone" if indexed == "status" else "status"
    assert f"Not indexing {skipped}" in caplog.text
    assert found == [{"status": "Open", "zone": "A"}]
    sql = queries.captured_queries[-1]["sql"]
    assert mysql_columns.SharedColumn(indexed, "text").name in sql, sql
    assert f"JSON_EXTRACT(`django_frappe_api_document`.`data`, '$.\\\"{skipped}" in sql, sql  # as the driver quotes


def test_check_warns_when_the_document_table_nears_innodb_limits(db):
    near = (mysql_columns.MAX_INDEXES - mysql_columns.INDEX_HEADROOM - checks.INDEX_WARNING_MARGIN, 40)

    with mock.patch.object(mysql_columns, "limits", return_value=near):
        warnings = checks.check_document_table_limits(None, databases=["default"])
    with mock.patch.object(mysql_columns, "limits", return_value=(10, 40)):
        quiet = checks.check_document_table_limits(None, databases=["default"])

    assert [w.id for w in warnings] == ["django_frappe_api.W003"]
    assert f"has {near[0]} of InnoDB's 64 indexes" in warnings[0].msg
    assert quiet == []


def _stored(name: str, column: mysql_columns.SharedColumn):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column.name)} FROM {Document._meta.db_table} "
                       "WHERE name = %s", [name])
        return cursor.fetchone()[0]


def test_the_triggers_fill_the_columns_on_every_write_the_app_s_or_not(admin_user):
    make_doctype("Gen Item", FIELDS)
    qty, code = mysql_columns.SharedColumn("qty", "int"), mysql_columns.SharedColumn("code", "text", "Gen Item")
    doc = document.insert_doc("Gen Item", {"title": "a", "qty": 7, "code": "C1"}, user=admin_user)
    assert (_stored(doc["name"], qty), _stored(doc["name"], code)) == (7, "C1")

    with connection.cursor() as cursor:  # raw SQL past the app
        cursor.execute(f"UPDATE {Document._meta.db_table} SET data = JSON_SET(data, '$.qty', 11) WHERE name = %s",
                       [doc["name"]])
        cursor.execute(f"INSERT INTO {Document._meta.db_table} (doctype, name, owner, creation, modified, "
                       "modified_by, docstatus, idx, data) VALUES ('Gen Item', 'raw', '', NOW(), NOW(), '', 0, 0, "
                       """'{"qty": "many", "code": "C2"}')""")
    assert (_stored(doc["name"], qty), _stored("raw", qty), _stored("raw", code)) == (11, None, "C2")
    assert document.get_count("Gen Item", user=admin_user, filters={"qty": 11}) == 1


def test_virtual_columns_of_the_first_design_become_filled_plain_columns(admin_user):
    make_doctype("Gen Item", FIELDS)
    document.insert_doc("Gen Item", {"title": "a", "qty": 7}, user=admin_user)
    qty = mysql_columns.SharedColumn("qty", "int")
    index = mysql_columns.ColumnIndex(qty, "modified")
    table = Document._meta.db_table
    with connection.cursor() as cursor:  # the table as the previous version left it
        cursor.execute(f"DROP INDEX {index.name} ON {table}")
        cursor.execute(f"ALTER TABLE {table} DROP COLUMN {qty.name}")
        cursor.execute(f"ALTER TABLE {table} ADD COLUMN {qty.name} BIGINT AS ({qty.value_sql()}) VIRTUAL")
        cursor.execute(index.create_sql())
    assert mysql_columns.existing_columns()[qty.name] is False

    statements = index_sync.sync_all()

    assert f"ALTER TABLE `{table}` DROP COLUMN `{qty.name}`" in statements
    assert mysql_columns.existing_columns()[qty.name] is True and index.name in mysql_columns.existing_indexes()
    assert document.get_count("Gen Item", user=admin_user, filters={"qty": 7}) == 1
    assert index_sync.sync_all(dry_run=True) == []


def test_a_column_that_cannot_be_added_is_left_out_of_the_triggers(admin_user, caplog):
    qty = mysql_columns.SharedColumn("qty", "int")
    real_add = mysql_columns.SharedColumn.add_sql

    def add_sql(column):
        return "ALTER TABLE no_such_table ADD COLUMN x INT" if column == qty else real_add(column)

    with mock.patch.object(mysql_columns.SharedColumn, "add_sql", add_sql):
        make_doctype("Gen Item", FIELDS)

    assert "Could not run ALTER TABLE no_such_table" in caplog.text
    assert qty.name not in mysql_columns.existing_columns()
    assert all(qty.name not in statement for statement in mysql_columns.existing_triggers().values())
    document.insert_doc("Gen Item", {"title": "a", "qty": 7, "status": "Open"}, user=admin_user)  # writes work
    assert document.get_count("Gen Item", user=admin_user, filters={"qty": 7, "status": "Open"}) == 1
    assert indexes.indexed_fieldnames("Gen Item") == ["status", "code"]
