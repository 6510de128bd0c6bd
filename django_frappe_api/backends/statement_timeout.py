"""A query run under a time budget on every database: the answer, or ``None`` when the budget ran out.

Usage::

    count = run_within(queryset.count, using=queryset.db, timeout_ms=1000)   # None: stopped by the database

v2 counts answer ``null`` rather than keep the database busy (Frappe's one-second count rule). Each engine
stops the statement itself, so the work really ends:

- PostgreSQL: ``statement_timeout`` set local to the transaction, restored after the query;
- MariaDB ``max_statement_time`` / MySQL ``max_execution_time``, set for the session and restored;
- SQLite: a progress handler that interrupts the statement once the budget is spent.

The query runs in a savepoint (``transaction.atomic``), so a stopped statement rolls back to it and the
surrounding transaction stays usable (PostgreSQL would otherwise refuse every later statement).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import DatabaseError, connections, transaction

T = TypeVar("T")

# How often SQLite's progress handler looks at the clock, in virtual machine instructions.
SQLITE_CHECK_EVERY = 1000
_PG_QUERY_CANCELED = "57014"
_MYSQL_TIMEOUT_CODES = {1969, 3024}  # MariaDB ER_STATEMENT_TIMEOUT, MySQL ER_QUERY_TIMEOUT


class _Stopped(Exception):
    """The database stopped the statement because the budget ran out."""


def run_within(run: Callable[[], T], *, using: str, timeout_ms: int | None) -> T | None:
    """``run()`` stopped by the database after ``timeout_ms`` milliseconds (``None``/0: no limit)."""
    if not timeout_ms:
        return run()
    connection = connections[using]
    budget = _BUDGETS.get(connection.vendor)
    if budget is None:
        return run()
    try:
        with transaction.atomic(using=using), budget(connection, timeout_ms):
            try:
                return run()
            except DatabaseError as error:
                if _is_timeout(connection.vendor, error):
                    raise _Stopped from error
                raise
    except _Stopped:
        return None


def _is_timeout(vendor: str, error: DatabaseError) -> bool:
    cause: Any = error.__cause__ or error
    if vendor == "postgresql":
        return _PG_QUERY_CANCELED in (getattr(cause, "pgcode", None), getattr(cause, "sqlstate", None))
    if vendor == "mysql":
        return bool(cause.args) and cause.args[0] in _MYSQL_TIMEOUT_CODES
    return "interrupted" in str(cause)


@contextlib.contextmanager
def _postgresql(connection: Any, timeout_ms: int) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout'), set_config('statement_timeout', %s, true)",
                       [f"{int(timeout_ms)}ms"])
        previous = cursor.fetchone()[0]
    yield
    # Reached only when the query finished: a stopped one rolls its savepoint back, and the setting with it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])


@contextlib.contextmanager
def _mysql(connection: Any, timeout_ms: int) -> Iterator[None]:
    # MariaDB counts seconds (fractions allowed) for every statement; MySQL milliseconds for SELECTs.
    variable, value = (("max_statement_time", timeout_ms / 1000) if connection.mysql_is_mariadb
                       else ("max_execution_time", int(timeout_ms)))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT @@SESSION.{variable}")
        previous = cursor.fetchone()[0]
        cursor.execute(f"SET SESSION {variable} = %s", [value])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET SESSION {variable} = %s", [previous])


@contextlib.contextmanager
def _sqlite(connection: Any, timeout_ms: int) -> Iterator[None]:
    deadline = time.monotonic() + timeout_ms / 1000
    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), SQLITE_CHECK_EVERY)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


_BUDGETS: dict[str, Callable[[Any, int], contextlib.AbstractContextManager[None]]] = {
    "postgresql": _postgresql,
    "mysql": _mysql,
    "sqlite": _sqlite,
}

__all__ = ["run_within"]
