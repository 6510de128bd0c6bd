"""PostgreSQL: the document table partitioned by DocType, a partition made when a DocType is saved.

Usage (``index_sync`` drives it; migration 0004 converts the table)::

    partitions.table_for("Task")     # '"frappe_api_document_1a2b3c4d5e"': where Task's indexes and trigger go
    partitions.ensure("Task", run)   # its partition, with any rows the default partition held for it
    partitions.drop("Task", run)     # a deleted DocType's (empty) partition

Every JSON DocType shares one table, and PostgreSQL's planner examines every index of a table for every
query: with 200 indexed DocTypes a list of 20 rows spent 10-15 ms planning, an insert tested a thousand
partial indexes and ``ANALYZE`` read them all. Partitioned ``BY LIST (doctype)``, a query naming its DocType
(every query of the document layer does, as a literal: ``json_keys.DocTypeName``) is pruned at plan time
to one partition and its indexes, and inserts and ``ANALYZE`` touch one partition's.

- The primary key is ``(id, doctype)`` (a partitioned table's unique keys must hold the partition key);
  ``id`` stays unique through its sequence, and a lookup by ``id`` alone still uses that key's index.
- ``parent_document`` has no foreign-key constraint here: one referencing ``id`` alone needs a unique
  ``id``. The document layer deletes child rows with their parent (Django's collector), as before.
- Rows of a DocType without a partition (made outside ``save_definition``) live in the default
  partition, and move to their own when the DocType is saved again or ``frappe_api_sync_indexes`` runs.
- A partition is made as a table of its own and attached: ``ATTACH PARTITION`` takes a ``SHARE UPDATE
  EXCLUSIVE`` lock on the parent, which blocks neither reads nor writes, and locks the default partition
  (scanned for rows of the DocType) until the commit, which only queries reaching that partition wait on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db import connection

from ..models import Document
from .sql_text import literal, quote

DEFAULT_SUFFIX = "_default"

Run = Callable[[str, list[Any] | None], int]




def partition_name(doctype: str) -> str:
    """Not ``dfa_``: the names PostgreSQL gives a partition's own indexes must not look like field indexes."""
    return f"{Document._meta.db_table}_{hashlib.sha256(doctype.encode()).hexdigest()[:10]}"


def default_name() -> str:
    return f"{Document._meta.db_table}{DEFAULT_SUFFIX}"


def enabled() -> bool:
    """Whether the document table is partitioned (PostgreSQL, migration 0004 applied)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [quote(Document._meta.db_table)])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def existing() -> set[str]:
    """The names of the document table's partitions (the default one included)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                       "WHERE i.inhparent = to_regclass(%s)", [quote(Document._meta.db_table)])
        return {name for (name,) in cursor.fetchall()}


def table_for(doctype: str) -> str:
    """The quoted table that holds ``doctype``'s rows: its partition when it has one, else the whole table."""
    name = partition_name(doctype)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [quote(name)])
            if cursor.fetchone()[0]:
                return quote(name)
    return quote(Document._meta.db_table)


def ensure(doctype: str, run: Run) -> list[str]:
    """Give ``doctype`` its partition, moving its rows out of the default partition; the SQL run.

    Nothing when the table is not partitioned or the partition exists. ``run`` executes one statement
    (raising on failure); the caller runs this inside a transaction, so a failure leaves no half move.
    """
    name = partition_name(doctype)
    if not enabled() or name in existing():
        return []
    table, partition, default = quote(Document._meta.db_table), quote(name), quote(default_name())
    statements = [
        f"CREATE TABLE {partition} (LIKE {table} INCLUDING DEFAULTS)",
        f"INSERT INTO {partition} SELECT * FROM {default} WHERE {quote('doctype')} = {literal(doctype)}",
        f"DELETE FROM {default} WHERE {quote('doctype')} = {literal(doctype)}",
        f"ALTER TABLE {table} ATTACH PARTITION {partition} FOR VALUES IN ({literal(doctype)})",
    ]
    for sql in statements:
        run(sql, None)
    return statements


def drop(doctype: str, run: Run) -> list[str]:
    """Drop the partition of a deleted DocType (its rows are gone first: ``Document.doctype`` protects
    them); its field indexes and trigger go with it."""
    name = partition_name(doctype)
    if not enabled() or name not in existing():
        return []
    sql = f"DROP TABLE IF EXISTS {quote(name)}"
    run(sql, None)
    return [sql]


def stale(doctypes: set[str]) -> list[str]:
    """The partitions of DocTypes not in ``doctypes`` (the default partition is never stale)."""
    if not enabled():
        return []
    keep = {partition_name(doctype) for doctype in doctypes} | {default_name()}
    return sorted(existing() - keep)
