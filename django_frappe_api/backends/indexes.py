"""Database indexes on the fields of JSON DocTypes, made by the app when a DocType is saved.

Usage::

    from django_frappe_api.backends import indexes
    indexes.sync_doctype("Task")          # after saving a definition (``save_definition`` calls it)
    indexes.sync_all(dry_run=True)        # what ``manage.py frappe_api_sync_indexes`` would change
    indexes.indexed_fieldnames("Task")    # ["status", "project"]: the fields the database has an index for

Every JSON DocType shares the ``Document`` table, so an index is a partial expression index per DocType
and field, on exactly the expression ``field_value`` gives the query builder (and, for the sort field, the one
``order_expression`` sorts by), ``WHERE doctype = '<DocType>'``. Fields marked ``search_index``,
``unique`` or ``in_standard_filter``, Link fields and the DocType's ``sort_field`` get one; a ``unique``
field of a non-child DocType gets a UNIQUE index, so two concurrent inserts cannot both store a value.
A filter index ends with ``modified`` (or ``creation``, the DocType's sort) and ``name``: ``status = 'Open'
ORDER BY modified DESC LIMIT 20`` then reads twenty entries however rare the value, and a keyset page too.
PostgreSQL also gets ``CREATE STATISTICS`` on ``(doctype, expression)``: the planner ignores the
statistics of partial indexes and would misestimate JSON-key equality. Names are ``dfa_<doctype
hash>_<field hash>``, so the indexes of one DocType are found by prefix and a changed field type gives a
new name. MariaDB/MySQL index virtual columns shared between DocTypes instead (``generated_columns``), and
``field_value`` names the column there; their DDL commits, so inside a transaction it runs after the commit.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Index, Q
from django.db.models.functions import Lower
from django.db.models.lookups import GreaterThan

from .. import exceptions, fieldtypes
from ..meta import FieldMeta, Meta, get_meta
from ..models import DocType, Document
from . import generated_columns
from .json_keys import json_value

logger = logging.getLogger(__name__)

PREFIX = "dfa_"
STATISTICS_PREFIX = "dfa_st_"
ENGINES = frozenset({"postgresql", "sqlite", "mysql"})
# Text values larger than this may not fit a btree entry (PostgreSQL: about 2.7 kB, 4 bytes a character).
_MAX_INDEXED_LENGTH = 600


@dataclass(frozen=True)
class FieldIndex:
    """One index the app keeps: which DocType and field, and on which expression."""

    doctype: str
    fieldname: str
    fieldtype: str
    unique: bool = False
    sort: bool = False  # on the sort expression (``lower()`` of text) rather than the filter expression
    then: str = ""  # then a standard column and `name`: `field = x ORDER BY modified DESC` reads 20 entries, no sort

    @property
    def name(self) -> str:
        variant = "u" if self.unique else "s" if self.sort else "f"
        kind = fieldtypes.db_kind(self.fieldtype)
        return f"{doctype_prefix(self.doctype)}{_digest(self.fieldname, variant, kind, *self.then_columns)}"

    @property
    def then_columns(self) -> tuple[str, ...]:
        """The standard columns after the field: the sort, then the keyset's tie-breaker ``name``."""
        return (self.then, "name") if self.then else ()

    @property
    def statistics_name(self) -> str:
        """Statistics are per expression, shared by every DocType with that field and kind."""
        return f"{STATISTICS_PREFIX}{_digest(self.fieldname, fieldtypes.db_kind(self.fieldtype), size=16)}"

    def expression(self) -> Any:
        value = json_value(self.fieldtype, f"{self.fieldname}|data")
        if self.sort and self.fieldtype in fieldtypes.TEXT_TYPES:
            value = Lower(value)  # as GenericBackend.order_expression sorts text
        return value


def _digest(*parts: str, size: int = 12) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:size]


def doctype_prefix(doctype: str) -> str:
    return f"{PREFIX}{_digest(doctype, size=10)}_"


def wanted(meta: Meta) -> list[FieldIndex]:
    """The indexes a DocType's definition asks for (none unless its documents are JSON rows here)."""
    if meta.backend != "generic" or meta.issingle:
        return []
    result: dict[str, FieldIndex] = {}
    then = meta.sort_field if meta.sort_field in ("modified", "creation") else "modified"
    for field in meta.data_fields:
        if not _indexable(field):
            continue
        flags = field.properties or {}
        unique = field.unique and not meta.istable  # child rows are not checked for uniqueness today
        if unique or flags.get("search_index") or flags.get("in_standard_filter") or field.fieldtype == "Link":
            index = FieldIndex(meta.name, field.fieldname, field.fieldtype, unique=unique,
                               then="" if unique else then)
            result[index.name] = index
            if unique and fieldtypes.db_kind(field.fieldtype) == "text" and connection.vendor == "sqlite":
                # SQLite cannot prove `v = 'x'` implies the unique index's `v > ''`: filters need their own.
                index = FieldIndex(meta.name, field.fieldname, field.fieldtype, then=then)
                result[index.name] = index
        if field.fieldname == meta.sort_field:
            # A numeric filter index sorts as well (both are built NULLS FIRST); text sorts by lower().
            text = field.fieldtype in fieldtypes.TEXT_TYPES
            if text or not any(i.fieldname == field.fieldname for i in result.values()):
                index = FieldIndex(meta.name, field.fieldname, field.fieldtype, sort=text)
                result[index.name] = index
    return list(result.values())


def _indexable(field: FieldMeta) -> bool:
    """Short values only: long text overflows an index entry, and a bigint would overflow the integer cast."""
    kind = fieldtypes.db_kind(field.fieldtype)
    if kind == "int":
        limit = fieldtypes.column_limit(field.fieldtype, field.length)
        return field.fieldtype == "Check" or (limit is not None and limit[1] <= fieldtypes.INT_COLUMN_MAX["int"])
    if kind == "float":
        return True
    if field.fieldtype in fieldtypes.VARCHAR_TYPES:
        if connection.vendor == "mysql" and not generated_columns.fits(field.fieldtype, field.length):
            return False
        return (field.length or fieldtypes.DEFAULT_VARCHAR_LENGTH) <= _MAX_INDEXED_LENGTH
    return field.fieldtype in fieldtypes.DATE_TYPES | fieldtypes.DATETIME_TYPES | fieldtypes.TIME_TYPES


def field_value(meta: Meta, fieldname: str, fieldtype: str) -> Any:
    """The SQL a query compares and sorts one JSON field of ``meta`` by: what its index is built on.

    The JSON key expression, except on MariaDB/MySQL for an indexed field whose virtual column exists: the
    column, which the optimizer matches to its index. The same DocType and field give the same SQL.
    """
    if connection.vendor == "mysql" and any(index.fieldname == fieldname and not index.sort
                                            for index in wanted(meta)):
        column = generated_columns.column_for(fieldname, fieldtype)
        if column is not None:
            return generated_columns.GeneratedColumn(column, fieldtype)
    return json_value(fieldtype, f"{fieldname}|data")


def indexed_fieldnames(doctype: str) -> list[str]:
    """The fields of a DocType that have a usable index in the database now, in the DocType's field order.

    What the database holds, not what the definition asks for: a build that failed (say, duplicates under a
    new ``unique``) or drift that ``frappe_api_sync_indexes`` has not repaired yet shows as not indexed.
    """
    try:
        meta = get_meta(doctype)
    except exceptions.DoesNotExistError:
        return []
    if connection.vendor == "mysql":
        have = generated_columns.existing_indexes()
        built = {index.column.fieldname for index in generated_columns.wanted(wanted(meta)).values()
                 if have.get(index.name) and not index.column.doctype}
    else:
        have = existing(doctype_prefix(doctype))
        built = {index.fieldname for index in wanted(meta) if have.get(index.name)}
    return [field.fieldname for field in meta.data_fields if field.fieldname in built]


def existing(prefix: str = PREFIX) -> dict[str, bool]:
    """Index name -> whether it is valid (a failed concurrent build leaves an invalid one), for our names."""
    table = Document._meta.db_table
    pattern = prefix.replace("_", r"\_") + "%"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND c.relname LIKE %s",
                [connection.ops.quote_name(table), pattern],
            )
            return {name: valid for name, valid in cursor.fetchall() if not name.startswith(STATISTICS_PREFIX)}
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND name LIKE %s ESCAPE '\\'",
                [table, pattern],
            )
            return {name: True for (name,) in cursor.fetchall() if not name.startswith(STATISTICS_PREFIX)}
    return {}


def existing_statistics() -> set[str]:
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stxname FROM pg_statistic_ext WHERE stxrelid = %s::regclass AND stxname LIKE %s",
            [connection.ops.quote_name(Document._meta.db_table), STATISTICS_PREFIX.replace("_", r"\_") + "%"],
        )
        return {name for (name,) in cursor.fetchall()}


def create_sql(index: FieldIndex, *, concurrently: bool = False) -> str:
    """``CREATE [UNIQUE] INDEX`` for one field, compiled by Django so every value is quoted."""
    expression = index.expression()
    if connection.vendor == "postgresql":  # serves ASC NULLS FIRST and DESC NULLS LAST, as lists sort
        expression = expression.asc(nulls_first=True)  # (SQLite sorts NULLs first already, and refuses this)
    condition = Q(doctype=index.doctype)
    if index.unique and fieldtypes.db_kind(index.fieldtype) == "text":
        condition &= Q(GreaterThan(index.expression(), ""))  # blank values may repeat, as the query check lets them
    columns = [expression, *(F(column) for column in index.then_columns)]
    definition = Index(*columns, name=index.name, condition=condition)
    kwargs = {"concurrently": True} if concurrently else {}
    sql = str(definition.create_sql(Document, _editor(), **kwargs))
    if index.unique:
        sql = sql.replace("CREATE INDEX", "CREATE UNIQUE INDEX", 1)
    return sql


def statistics_sql(index: FieldIndex) -> str:
    """``CREATE STATISTICS`` on ``(doctype, expression)``: MCV pairs give the per-DocType value estimates."""
    statement = Index(index.expression(), name=index.statistics_name).create_sql(Document, _editor())
    expression = str(statement.parts["columns"])
    quote = connection.ops.quote_name
    return (f"CREATE STATISTICS IF NOT EXISTS {quote(index.statistics_name)} (mcv, ndistinct, dependencies) "
            f"ON {quote('doctype')}, {expression} FROM {quote(Document._meta.db_table)}")


def _editor() -> Any:
    """A schema editor used only to compile SQL: never entered, so it works inside a transaction on SQLite."""
    return connection.SchemaEditorClass(connection, collect_sql=True, atomic=False)


def drop_sql(name: str, *, concurrently: bool = False) -> str:
    how = "CONCURRENTLY " if concurrently else ""
    return f"DROP INDEX {how}IF EXISTS {connection.ops.quote_name(name)}"


def sync_doctype(doctype: str) -> list[str]:
    """Create the indexes a DocType's fields need and drop the ones it no longer needs; the SQL run.

    Inside a transaction (a request, the admin, a test) the indexes are built there and then; in
    autocommit on PostgreSQL they are built ``CONCURRENTLY`` so writers are never blocked.
    """
    if connection.vendor not in ENGINES:
        return []
    if connection.vendor == "mysql":
        return _sync_mysql()
    try:
        want = {index.name: index for index in wanted(get_meta(doctype))}
    except exceptions.DoesNotExistError:
        want = {}
    return _apply(want, existing(doctype_prefix(doctype)), existing_statistics())


def drop_doctype(doctype: str) -> list[str]:
    """Drop every index of a deleted DocType (statistics stay until ``sync_all``: others may share them)."""
    if connection.vendor not in ENGINES:
        return []
    if connection.vendor == "mysql":
        return _sync_mysql()  # the DocType's row is gone: what it alone needed goes
    return _apply({}, existing(doctype_prefix(doctype)), set())


def sync_all(*, dry_run: bool = False) -> list[str]:
    """Repair drift for every DocType: create missing indexes, drop stale ones and unused statistics."""
    if connection.vendor not in ENGINES:
        return []
    if connection.vendor == "mysql":
        return _sync_mysql(dry_run=dry_run)
    want = _wanted_everywhere()
    statistics = existing_statistics()
    statements = _apply(want, existing(), statistics, dry_run=dry_run, analyze=True)
    used = {index.statistics_name for index in want.values() if not index.sort}
    for name in sorted(statistics - used):
        statements.append(f"DROP STATISTICS IF EXISTS {connection.ops.quote_name(name)}")
        if not dry_run:
            _run(statements[-1])
    return statements


def _wanted_everywhere() -> dict[str, FieldIndex]:
    want: dict[str, FieldIndex] = {}
    for name in DocType.objects.values_list("name", flat=True):
        try:
            want.update({index.name: index for index in wanted(get_meta(name))})
        except exceptions.DoesNotExistError:
            continue
    return want


def _sync_mysql(*, dry_run: bool = False) -> list[str]:
    """MySQL's DDL commits the transaction it runs in: inside one, the sync waits for the commit (and a
    rolled-back change never reaches the table); the SQL it would run is returned either way."""
    if connection.in_atomic_block and not dry_run:
        transaction.on_commit(_sync_mysql)
        return _sync_mysql(dry_run=True)
    return generated_columns.sync(generated_columns.wanted(list(_wanted_everywhere().values())), dry_run=dry_run)


def _apply(want: dict[str, FieldIndex], have: dict[str, bool], statistics: set[str], *,
           dry_run: bool = False, analyze: bool = False) -> list[str]:
    concurrently = connection.vendor == "postgresql" and not connection.in_atomic_block
    statements = []
    for name in sorted(have):
        if name not in want or not have[name]:
            statements.append(drop_sql(name, concurrently=concurrently))
    created = []
    for name, index in sorted(want.items()):
        if name not in have or not have[name]:
            statements.append(create_sql(index, concurrently=concurrently))
            created.append((index, statements[-1]))
        if connection.vendor == "postgresql" and not index.sort and index.statistics_name not in statistics:
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
    if created and connection.vendor == "postgresql" and (
        analyze or Document.objects.filter(doctype_id__in={index.doctype for index, _ in created}).exists()
    ):  # statistics of new expressions; a DocType without documents has nothing to measure yet
        _run(f"ANALYZE {connection.ops.quote_name(Document._meta.db_table)}")
    return [sql for sql in statements if sql not in failed]


def _run(sql: str) -> bool:
    """Run one statement; a failure (say, stored duplicates under a new unique index) is logged, not raised."""
    try:
        if connection.in_atomic_block:  # a savepoint, so that a failure leaves the transaction usable
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
        else:  # autocommit: CONCURRENTLY must not run inside a transaction block
            with connection.cursor() as cursor:
                cursor.execute(sql)
    except DatabaseError as exc:
        logger.warning("Could not run %s: %s", sql, exc)
        return False
    return True
