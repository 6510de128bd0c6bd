"""Keeping the database's field indexes in step with the DocType definitions (``indexes`` says which).

Usage::

    from django_frappe_api.backends import index_sync
    index_sync.sync_doctype("Task")          # after saving a definition (``save_definition`` calls it)
    index_sync.drop_doctype("Task")          # a deleted DocType (the ``post_delete`` signal calls it)
    index_sync.sync_all(dry_run=True)        # what ``manage.py frappe_api_sync_indexes`` would change

Inside a transaction (a request, the admin, a test) the indexes are built there and then; in autocommit on
PostgreSQL they are built ``CONCURRENTLY`` so writers are never blocked. On PostgreSQL a DocType first gets
its partition (``partitions``). On PostgreSQL and SQLite the field columns (``field_columns``) are made and
filled before the indexes on them; MariaDB/MySQL's shared columns (``mysql_columns``) are synced after
the commit, as their DDL commits.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import DatabaseError, connection, transaction

from .. import exceptions
from ..meta import clear_meta_cache, get_meta
from ..models import DocType, Document
from . import field_columns, mysql_columns, partitions
from .indexes import (
    ENGINES,
    FieldIndex,
    create_sql,
    doctype_prefix,
    drop_sql,
    existing,
    existing_statistics,
    statistics_sql,
    wanted,
)

logger = logging.getLogger(__name__)


def sync_doctype(doctype: str) -> list[str]:
    """Create the indexes a DocType's fields need and drop the ones it no longer needs; the SQL run.

    Inside a transaction (a request, the admin, a test) the indexes are built there and then; in
    autocommit on PostgreSQL they are built ``CONCURRENTLY`` so writers are never blocked. On PostgreSQL a
    DocType that already has documents waits for the commit instead (and ``[]`` is answered): adding a
    column locks the whole table, reads included, until the transaction ends, and a backfill and index
    build inside a request would hold that lock for their whole length. Until then its fields keep their
    JSON expressions (``indexes.field_value`` names a column only once its index is valid).
    """
    if connection.vendor not in ENGINES:
        return []
    if connection.vendor == "mysql":
        return _sync_mysql()
    if (connection.vendor == "postgresql" and connection.in_atomic_block
            and Document.objects.filter(doctype_id=doctype).exists()):
        _once_on_commit(_sync_now, doctype)
        return []
    return _sync_now(doctype)


def _sync_now(doctype: str) -> list[str]:
    try:
        meta = get_meta(doctype)
    except exceptions.DoesNotExistError:
        meta = None
    want = {index.name: index for index in wanted(meta)} if meta else {}
    statements = _partition(doctype) if meta and meta.backend == "generic" else []
    run, ready = _prepare_columns(doctype, list(want.values()))
    statements += run
    if not ready:  # the columns are not filled: no index on them, so queries keep the JSON expression
        want = {}
    statements += _apply(want, existing(doctype_prefix(doctype)), existing_statistics())
    if statements:
        clear_meta_cache(doctype)  # every process reads the DocType's ready columns again
    return statements


def drop_doctype(doctype: str) -> list[str]:
    """Drop every index of a deleted DocType (statistics stay until ``sync_all``: others may share them)."""
    if connection.vendor not in ENGINES:
        return []
    if connection.vendor == "mysql":
        return _sync_mysql()  # the DocType's row is gone: what it alone needed goes
    statements = _apply({}, existing(doctype_prefix(doctype)), set())
    if connection.vendor in field_columns.ENGINES:
        prefix = doctype_prefix(doctype)
        statements += [sql for sql in field_columns.drop_sql(prefix) if _run(sql)]
        if connection.vendor == "sqlite":  # the shared triggers, without the DocType
            statements += [sql for sql in field_columns.shared_sql(_columns_everywhere()) if _run(sql)]
    if connection.vendor == "postgresql":
        statements += partitions.drop(doctype, _execute)
    return statements


def _partition(doctype: str) -> list[str]:
    """PostgreSQL: the DocType's partition (``partitions``), made in one transaction; the SQL run."""
    if connection.vendor != "postgresql":
        return []
    try:
        with transaction.atomic():
            return partitions.ensure(doctype, _execute)
    except DatabaseError as exc:  # its rows stay in the default partition, where every query finds them
        logger.warning("Could not make the partition of %s: %s", doctype, exc)
        return []


def sync_all(*, dry_run: bool = False) -> list[str]:
    """Repair drift for every DocType: create missing indexes, drop stale ones and unused statistics."""
    if connection.vendor not in ENGINES:
        return []
    if connection.vendor == "mysql":
        return _sync_mysql(dry_run=dry_run)
    want = _wanted_everywhere()
    statistics = existing_statistics()
    statements, unready = [], set()
    if connection.vendor == "postgresql":
        statements = _sync_partitions(dry_run=dry_run)
    if connection.vendor in field_columns.ENGINES:
        run, unready = _sync_columns(want, dry_run=dry_run)
        statements += run
    ready = {name: index for name, index in want.items() if index.doctype not in unready}
    statements += _apply(ready, existing(), statistics, dry_run=dry_run, analyze=True)
    used = {index.statistics_name for index in want.values() if not index.sort and not partitions.enabled()}
    # Field columns no DocType uses stay (``field_columns``: PostgreSQL never gives a dropped column's slot back).
    obsolete = [f"DROP STATISTICS IF EXISTS {connection.ops.quote_name(name)}" for name in sorted(statistics - used)]
    statements += [sql for sql in obsolete if dry_run or _run(sql)]
    if statements and not dry_run:
        for name in {index.doctype for index in want.values()}:
            clear_meta_cache(name)
    return statements


def _sync_partitions(*, dry_run: bool) -> list[str]:
    """PostgreSQL: a partition for every JSON DocType, none left for DocTypes that are gone."""
    names = set(DocType.objects.values_list("name", flat=True))
    statements = []
    for name in sorted(names):
        try:
            generic = get_meta(name).backend == "generic"
        except exceptions.DoesNotExistError:
            continue
        if generic and partitions.enabled() and partitions.partition_name(name) not in partitions.existing():
            statements += [f"-- a partition for {name}"] if dry_run else _partition(name)
    for table in partitions.stale(names):  # a DocType's rows go before its row does: these are empty
        sql = f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}"
        statements += [sql] if dry_run or _run(sql) else []
    return statements


def _sync_columns(want: dict[str, FieldIndex], *, dry_run: bool) -> tuple[list[str], set[str]]:
    """Every DocType's columns and triggers, the triggers of DocTypes gone dropped; the SQL run
    and the DocTypes whose columns could not be filled."""
    by_doctype: dict[str, list[FieldIndex]] = {}
    for index in want.values():
        by_doctype.setdefault(index.doctype, []).append(index)
    everyone = {doctype: field_columns.columns_of(items) for doctype, items in by_doctype.items()}
    statements, unready = [], set()
    if connection.vendor == "sqlite":  # its one pair of triggers, for all DocTypes (none when none is indexed)
        statements += [sql for sql in field_columns.shared_sql(everyone) if dry_run or _run(sql)]
    for doctype, items in sorted(by_doctype.items()):
        if dry_run:
            prefix = doctype_prefix(doctype)
            statements += [sql for sql in field_columns.prepare_sql(doctype, prefix, everyone[doctype], everyone)
                           if sql not in statements]  # SQLite's shared triggers: once
            continue
        run, ready = _prepare_columns(doctype, items, refill=True, everyone=everyone)
        statements += run
        if not ready:
            unready.add(doctype)
    kept = {field_columns.trigger_name(doctype_prefix(doctype)) for doctype in by_doctype}
    for name in sorted(set(field_columns.existing_triggers()) - kept):
        prefix = name[: -len(field_columns.TRIGGER_SUFFIX)]
        statements += [sql for sql in field_columns.drop_sql(prefix) if dry_run or _run(sql)]
    return statements, unready


def _prepare_columns(doctype: str, items: list[FieldIndex], *, refill: bool = False,
                     everyone: dict[str, dict[str, tuple[str, str]]] | None = None) -> tuple[list[str], bool]:
    """The DocType's field columns, triggers and backfill (``field_columns``); the SQL run and
    whether the columns are filled. MariaDB/MySQL share columns between DocTypes instead (``mysql_columns``).

    An unchanged trigger has kept the columns filled since it was made, so the rows are read again only
    when it changes, or to repair drift (``refill``, from ``sync_all``)."""
    if connection.vendor not in field_columns.ENGINES:
        return [], True
    columns = field_columns.columns_of(items)
    prefix = doctype_prefix(doctype)
    if connection.vendor == "sqlite" and everyone is None:
        everyone = _columns_everywhere()
    statements = field_columns.prepare_sql(doctype, prefix, columns, everyone)
    done = []
    for sql in statements:
        if not _run(sql):
            return done, False
        done.append(sql)
    if not (statements or refill):
        return done, True
    try:
        updated = field_columns.backfill(doctype, columns, _execute)
    except DatabaseError as exc:  # a stored value the column's cast refuses, say
        logger.warning("Could not fill the field columns of %s: %s", doctype, exc)
        # Without the trigger that row stays writable, as it was; the fields keep their JSON expression.
        return done + [sql for sql in field_columns.drop_sql(prefix) if _run(sql)], False
    if updated:
        done.append(f"-- {updated} rows of {doctype} copied into their field columns")
    return done, True


def _execute(sql: str, params: list[Any] | None = None) -> int:
    """One statement, in a savepoint inside a transaction (a failure leaves the transaction usable); in
    autocommit as it is (``CONCURRENTLY`` must not run inside a transaction block). Its row count; raises."""
    if connection.in_atomic_block:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # DDL refuses a table with deferred checks pending
                connection.check_constraints()
            cursor.execute(sql, params)
            return cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _columns_everywhere() -> dict[str, dict[str, tuple[str, str]]]:
    """DocType -> its field columns (``field_columns.columns_of``), for every DocType."""
    by_doctype: dict[str, list[FieldIndex]] = {}
    for index in _wanted_everywhere().values():
        by_doctype.setdefault(index.doctype, []).append(index)
    return {doctype: field_columns.columns_of(items) for doctype, items in by_doctype.items()}


def _wanted_everywhere() -> dict[str, FieldIndex]:
    want: dict[str, FieldIndex] = {}
    for name in DocType.objects.values_list("name", flat=True):
        try:
            want.update({index.name: index for index in wanted(get_meta(name))})
        except exceptions.DoesNotExistError:
            continue
    return want


def _sync_mysql(*, dry_run: bool = False) -> list[str]:
    """MySQL's DDL commits the transaction it runs in: inside one, the sync waits for the commit (a
    rolled-back change never reaches the table), once however many DocTypes the transaction saves, and
    nothing has run yet (``[]``)."""
    if connection.in_atomic_block and not dry_run:
        _once_on_commit(_sync_mysql)
        return []
    return mysql_columns.sync(mysql_columns.wanted(list(_wanted_everywhere().values())), dry_run=dry_run)


def _once_on_commit(function: Any, *args: Any) -> None:
    """``function(*args)`` after the commit, once however often a transaction asks (Django forgets the
    callbacks of a rolled-back transaction, so a later one schedules its own)."""
    if not any(isinstance(entry[1], partial) and entry[1].func is function and entry[1].args == args
               for entry in connection.run_on_commit):
        transaction.on_commit(partial(function, *args))


def _apply(want: dict[str, FieldIndex], have: dict[str, bool], statistics: set[str], *,
           dry_run: bool = False, analyze: bool = False) -> list[str]:
    concurrently = connection.vendor == "postgresql" and not connection.in_atomic_block
    partitioned = partitions.enabled()
    statements = []
    for name in sorted(have):
        if name not in want or not have[name]:
            statements.append(drop_sql(name, concurrently=concurrently))
    created = []
    for name, index in sorted(want.items()):
        if name not in have or not have[name]:
            statements.append(create_sql(index, concurrently=concurrently))
            created.append((index, statements[-1]))
        if (connection.vendor == "postgresql" and not index.sort and index.statistics_name not in statistics
                and not partitioned):  # a partition's own column statistics are the DocType's
            statistics.add(index.statistics_name)
            statements.append(statistics_sql(index))
    if dry_run:
        return statements
    failed = set()
    for sql in statements:
        if not _run(sql):
            failed.add(sql)
    for index, sql in created:
        if sql in failed:  # a half-built concurrent index is invalid: do not leave it behind
            _run(drop_sql(index.name, concurrently=concurrently))
    doctypes = {index.doctype for index, _ in created}
    if created and connection.vendor == "postgresql" and (
        analyze or Document.objects.filter(doctype_id__in=doctypes).exists()
    ):  # statistics of new columns; a DocType without documents has nothing to measure yet
        tables = sorted({partitions.table_for(doctype) for doctype in doctypes}) if partitioned else [
            connection.ops.quote_name(Document._meta.db_table)]
        _run(f"ANALYZE {', '.join(tables)}")
    return [sql for sql in statements if sql not in failed]


def _run(sql: str) -> bool:
    """Run one statement; a failure (say, stored duplicates under a new unique index) is logged, not raised."""
    try:
        _execute(sql)
    except DatabaseError as exc:
        logger.warning("Could not run %s: %s", sql, exc)
        return False
    return True
