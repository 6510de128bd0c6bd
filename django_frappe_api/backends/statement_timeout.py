"""A count run under a time budget on every database: the count, or ``None`` when the budget ran out.

Usage::

    count = count_within(queryset, timeout_ms=1000)   # None: the database stopped it

v2 counts answer ``null`` rather than keep the database busy (Frappe's one-second count rule). Each engine
stops the statement itself, so the work really ends, and the request's transaction stays usable:

- PostgreSQL: ``statement_timeout`` set local to a savepoint that is rolled back after the count (a stopped
  statement aborts the transaction up to it, and the rollback restores the setting either way);
- MariaDB: one statement, ``SET STATEMENT max_statement_time=<s> FOR SELECT COUNT(*) ...`` (MySQL: the
  ``MAX_EXECUTION_TIME`` hint); an interrupted statement leaves the transaction as it was;
- SQLite: a progress handler interrupts the statement once the budget is spent (no SQL of its own).
"""

from __future__ import annotations

import time
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet

# How often SQLite's progress handler looks at the clock, in virtual machine instructions.
SQLITE_CHECK_EVERY = 1000
_PG_QUERY_CANCELED = "57014"
_MYSQL_TIMEOUT_CODES = {1969, 3024}  # MariaDB ER_STATEMENT_TIMEOUT, MySQL ER_QUERY_TIMEOUT


def count_within(queryset: QuerySet, *, timeout_ms: int | None) -> int | None:
    """``queryset.count()``, stopped by the database after ``timeout_ms`` milliseconds (``None``/0: no limit)."""
    connection = connections[queryset.db]
    if not timeout_ms or connection.vendor not in _COUNTERS:
        return queryset.count()
    try:
        return _COUNTERS[connection.vendor](connection, queryset, timeout_ms)
    except DatabaseError as error:
        if _is_timeout(connection.vendor, error):
            return None
        raise


def _is_timeout(vendor: str, error: DatabaseError) -> bool:
    cause: Any = error.__cause__ or error
    if vendor == "postgresql":
        return _PG_QUERY_CANCELED in (getattr(cause, "pgcode", None), getattr(cause, "sqlstate", None))
    if vendor == "mysql":
        return bool(cause.args) and cause.args[0] in _MYSQL_TIMEOUT_CODES
    return "interrupted" in str(cause)


def _postgresql(connection: Any, queryset: QuerySet, timeout_ms: int) -> int:
    with transaction.atomic(using=queryset.db):
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{int(timeout_ms)}ms"])
        try:
            return queryset.count()
        finally:
            transaction.set_rollback(True, using=queryset.db)  # the savepoint goes, and the setting with it


def _mysql(connection: Any, queryset: QuerySet, timeout_ms: int) -> int:
    sql, params = queryset.values("pk").query.sql_with_params()
    if connection.mysql_is_mariadb:  # seconds, fractions allowed
        statement = f"SET STATEMENT max_statement_time={timeout_ms / 1000:.3f} FOR SELECT COUNT(*) FROM ({sql}) _c"
    else:
        statement = f"SELECT /*+ MAX_EXECUTION_TIME({int(timeout_ms)}) */ COUNT(*) FROM ({sql}) _c"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return int(cursor.fetchone()[0])


def _sqlite(connection: Any, queryset: QuerySet, timeout_ms: int) -> int:
    deadline = time.monotonic() + timeout_ms / 1000
    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), SQLITE_CHECK_EVERY)
    try:
        return queryset.count()
    finally:
        raw.set_progress_handler(None, 0)


_COUNTERS = {"postgresql": _postgresql, "mysql": _mysql, "sqlite": _sqlite}

__all__ = ["count_within"]
