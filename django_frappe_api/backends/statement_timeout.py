"""A count run under a time budget on every database: the count, or ``None`` when the budget ran out.

Usage::

    count = count_within(queryset, limit=1000, timeout_ms=1000)        # None: the database stopped it
    count = count_sql_within(using, sql, params, timeout_ms=1000)      # the rows of a compiled SELECT

v2 counts answer ``null`` rather than keep the database busy (Frappe's one-second count rule). Each engine
stops the statement itself, so the work really ends, and the request's transaction stays usable:

- PostgreSQL: ``statement_timeout`` set local to the count. In autocommit both go in one message, which the
  server runs as one implicit transaction (the setting ends with it, and each statement gets its own
  timeout); inside a transaction, in a savepoint rolled back after the count (a stopped statement aborts the
  transaction up to it, and the rollback restores the setting either way);
- MariaDB: one statement, ``SET STATEMENT max_statement_time=<s> FOR SELECT COUNT(*) ...`` (MySQL: the
  ``MAX_EXECUTION_TIME`` hint); an interrupted statement leaves the transaction as it was;
- SQLite: a progress handler interrupts the statement once the budget is spent (no SQL of its own).

Every count is ``SELECT COUNT(*) FROM (<the rows' SELECT> [LIMIT n]) _c``: the database stops after ``n`` rows.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet

# How often SQLite's progress handler looks at the clock, in virtual machine instructions.
SQLITE_CHECK_EVERY = 1000
_PG_QUERY_CANCELED = "57014"
_PG_SET_TIMEOUT = "SELECT set_config('statement_timeout', %s, true)"
_MYSQL_TIMEOUT_CODES = {1969, 3024}  # MariaDB ER_STATEMENT_TIMEOUT, MySQL ER_QUERY_TIMEOUT


def count_within(queryset: QuerySet, *, limit: int | None = None, timeout_ms: int | None) -> int | None:
    """The number of rows of ``queryset`` (unsliced; at most ``limit``), stopped by the database after
    ``timeout_ms`` milliseconds (``None``/0: no limit)."""
    try:
        sql, params = queryset.order_by().values_list("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0
    return count_sql_within(queryset.db, sql, list(params), limit=limit, timeout_ms=timeout_ms)


def count_sql_within(using: str, sql: str, params: list[Any], *, limit: int | None = None,
                     timeout_ms: int | None) -> int | None:
    """The number of rows the SELECT ``sql`` returns (at most ``limit``), under the time budget."""
    connection = connections[using]
    statement, params = count_statement(sql, params, limit)
    counter = _COUNTERS.get(connection.vendor) if timeout_ms else None
    if counter is None:
        return _fetch_count(connection, statement, params)
    try:
        return counter(connection, statement, params, timeout_ms)
    except DatabaseError as error:
        if _is_timeout(connection.vendor, error):
            return None
        raise


def count_statement(sql: str, params: list[Any], limit: int | None) -> tuple[str, list[Any]]:
    """``SELECT COUNT(*)`` over the rows of ``sql``, the first ``limit`` of them when given."""
    if limit:
        return f"SELECT COUNT(*) FROM ({sql} LIMIT %s) _c", [*params, limit]
    return f"SELECT COUNT(*) FROM ({sql}) _c", params


def _fetch_count(connection: Any, sql: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def _is_timeout(vendor: str, error: DatabaseError) -> bool:
    cause: Any = error.__cause__ or error
    if vendor == "postgresql":
        return _PG_QUERY_CANCELED in (getattr(cause, "pgcode", None), getattr(cause, "sqlstate", None))
    if vendor == "mysql":
        return bool(cause.args) and cause.args[0] in _MYSQL_TIMEOUT_CODES
    return "interrupted" in str(cause)


def _postgresql(connection: Any, sql: str, params: list[Any], timeout_ms: int) -> int:
    budget = f"{int(timeout_ms)}ms"
    if connection.get_autocommit() and _one_message(connection):
        with connection.cursor() as cursor:  # one round trip, no BEGIN and ROLLBACK of our own
            cursor.execute(f"{_PG_SET_TIMEOUT}; {sql}", [budget, *params])
            cursor.nextset()
            return int(cursor.fetchone()[0])
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute(_PG_SET_TIMEOUT, [budget])
        try:
            return _fetch_count(connection, sql, params)
        finally:
            transaction.set_rollback(True, using=connection.alias)  # the savepoint goes, and the setting with it


def _one_message(connection: Any) -> bool:
    """Whether the driver sends a statement with its values as one simple query (psycopg 3 binding on the
    client, Django's default), which may hold two statements."""
    from django.db.backends.postgresql.psycopg_any import is_psycopg3  # only with a PostgreSQL driver

    return is_psycopg3 and not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")


def _mysql(connection: Any, sql: str, params: list[Any], timeout_ms: int) -> int:
    if connection.mysql_is_mariadb:  # seconds, fractions allowed
        sql = f"SET STATEMENT max_statement_time={timeout_ms / 1000:.3f} FOR {sql}"
    else:
        sql = sql.replace("SELECT", f"SELECT /*+ MAX_EXECUTION_TIME({int(timeout_ms)}) */", 1)
    return _fetch_count(connection, sql, params)


def _sqlite(connection: Any, sql: str, params: list[Any], timeout_ms: int) -> int:
    deadline = time.monotonic() + timeout_ms / 1000
    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), SQLITE_CHECK_EVERY)
    try:
        return _fetch_count(connection, sql, params)
    finally:
        raw.set_progress_handler(None, 0)


_COUNTERS = {"postgresql": _postgresql, "mysql": _mysql, "sqlite": _sqlite}

__all__ = ["count_sql_within", "count_statement", "count_within"]
