"""Which database indexes the fields of JSON DocTypes get, their names and SQL, and what the query compares.

Usage::

    from django_frappe_api.backends import indexes
    indexes.wanted(get_meta("Task"))       # the FieldIndex items a definition asks for
    indexes.field_value(meta, "status", "Select")   # the SQL a query compares: what the index is built on
    indexes.indexed_fieldnames("Task")    # ["status", "project"]: the fields the database has an index for

``index_sync`` creates and drops them. Every JSON DocType shares the ``Document`` table (on PostgreSQL one
partition of it, ``partitions``), so an index is partial per DocType and field, ``WHERE doctype =
'<DocType>'``, on the field's real column (``field_columns``: filled by triggers, it spares a query that
tests rows one by one the JSON parse, and PostgreSQL answers a count from an index alone only for plain
columns). The sort field gets one on what ``order_expression`` sorts by. Fields marked
``search_index``, ``unique`` or ``in_standard_filter``, Link fields and the DocType's ``sort_field`` get one;
a ``unique`` field of a non-child DocType gets a UNIQUE index, so two concurrent inserts cannot both store a
value. A filter index ends with ``modified`` (or ``creation``, the DocType's sort) and ``name``: ``status =
'Open' ORDER BY modified DESC LIMIT 20`` then reads twenty entries however rare the value, and a keyset page
too. A PostgreSQL table that is not partitioned also gets ``CREATE STATISTICS`` on ``(doctype, column)``:
the planner ignores the statistics of partial indexes. Names are ``dfa_<doctype hash>_<field hash>``, so
the indexes of one DocType are found by prefix and a changed field type gives a new name. MariaDB/MySQL
index columns shared between DocTypes instead (``mysql_columns``), and ``field_value`` names the column there.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Index, Q
from django.db.models.functions import Lower
from django.db.models.lookups import GreaterThan

from .. import exceptions, fieldtypes
from ..meta import FieldMeta, Meta, get_meta
from ..meta import memo as meta_memo
from ..models import Document
from . import field_columns, mysql_columns
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
        # Not the expression indexes of before; SQLite's end with `doctype` (``field_columns.index_sql``).
        on = {"postgresql": ("column",), "sqlite": ("column", "doctype")}.get(connection.vendor, ())
        return f"{doctype_prefix(self.doctype)}{_digest(self.fieldname, variant, kind, *self.then_columns, *on)}"

    @property
    def then_columns(self) -> tuple[str, ...]:
        """The standard columns after the field: the sort, then the keyset's tie-breaker ``name``."""
        return (self.then, "name") if self.then else ()

    @property
    def statistics_name(self) -> str:
        """Statistics are per column (PostgreSQL), shared by every DocType with that field and kind."""
        return f"{STATISTICS_PREFIX}{_digest(self.fieldname, fieldtypes.db_kind(self.fieldtype), 'column', size=16)}"

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
        if connection.vendor == "mysql" and not mysql_columns.fits(field.fieldtype, field.length):
            return False
        return (field.length or fieldtypes.DEFAULT_VARCHAR_LENGTH) <= _MAX_INDEXED_LENGTH
    return field.fieldtype in fieldtypes.DATE_TYPES | fieldtypes.DATETIME_TYPES | fieldtypes.TIME_TYPES


def field_value(meta: Meta, fieldname: str, fieldtype: str) -> Any:
    """The SQL a query compares and sorts one JSON field of ``meta`` by: what its index is built on.

    The JSON key expression, except for an indexed field whose column is in place: on PostgreSQL the field
    column (``field_columns``) once its index is valid, so the column is filled; on MariaDB/MySQL the virtual
    column, which the optimizer matches to its index. The same Meta and field give the same SQL.
    """
    if connection.vendor in field_columns.ENGINES:
        if fieldname in _ready_columns(meta):
            column = field_columns.column_name(fieldname, fieldtypes.db_kind(fieldtype))
            return field_columns.TableColumn(column, fieldtype)
        return json_value(fieldtype, f"{fieldname}|data")
    if connection.vendor == "mysql" and any(index.fieldname == fieldname and not index.sort
                                            for index in wanted(meta)):
        column = mysql_columns.column_for(fieldname, fieldtype)
        if column is not None:
            return field_columns.TableColumn(column, fieldtype)
    return json_value(fieldtype, f"{fieldname}|data")


def _ready_columns(meta: Meta) -> frozenset[str]:
    """The fields of ``meta`` with a valid index on their column, read once per Meta (and thread)."""
    memo = meta_memo(meta, "field_columns")
    if "ready" not in memo:
        have = existing(doctype_prefix(meta.name)) if wanted(meta) else {}
        memo["ready"] = frozenset(index.fieldname for index in wanted(meta) if have.get(index.name))
    return memo["ready"]


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
        have = mysql_columns.existing_indexes()
        built = {index.column.fieldname for index in mysql_columns.wanted(wanted(meta)).values()
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
                "WHERE (i.indrelid = %s::regclass OR i.indrelid IN (SELECT inhrelid FROM pg_inherits "
                "WHERE inhparent = %s::regclass)) AND c.relname LIKE %s",  # on the table or a partition
                [connection.ops.quote_name(table), connection.ops.quote_name(table), pattern],
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
    """``CREATE [UNIQUE] INDEX`` for one field, compiled by Django so every value is quoted (PostgreSQL:
    on the field's column, see ``field_columns``)."""
    if connection.vendor in field_columns.ENGINES:
        return field_columns.index_sql(index, concurrently=concurrently)
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
    """``CREATE STATISTICS`` on ``(doctype, column)`` (PostgreSQL): per-DocType value estimates."""
    return field_columns.statistics_sql(index.statistics_name, index.fieldname, fieldtypes.db_kind(index.fieldtype))


def _editor() -> Any:
    """A schema editor used only to compile SQL: never entered, so it works inside a transaction on SQLite."""
    return connection.SchemaEditorClass(connection, collect_sql=True, atomic=False)


def drop_sql(name: str, *, concurrently: bool = False) -> str:
    how = "CONCURRENTLY " if concurrently else ""
    return f"DROP INDEX {how}IF EXISTS {connection.ops.quote_name(name)}"
