"""Field indexes on MariaDB/MySQL: virtual generated columns the query names, indexed with ``doctype`` first.

Usage (``backends.indexes`` drives it; nothing else should)::

    plan = generated_columns.wanted(field_indexes)      # the columns and indexes some DocTypes ask for
    generated_columns.sync(plan)                        # add/drop them; the SQL run
    generated_columns.column_for("status", "Select")    # "dfa_c_1a2b...", or None: use the JSON expression

MySQL indexes neither an expression of ``data`` nor part of a table, so a JSON key becomes a VIRTUAL column
(computed on read, stored only in its index). Every DocType shares the one document table, and InnoDB
allows 64 indexes and about 1,000 columns a table: a filter column is shared by every DocType with a field of
that name and database kind (``dfa_c_<digest>``), indexed as ``(doctype, column, modified, name)``, so one
index serves each of them (``creation`` instead of ``modified`` for DocTypes sorted by creation). A
``unique`` field gets a column of its own DocType (``dfa_u_<digest>``: NULL for other DocTypes and for
blank text, which may repeat) under a UNIQUE index. The column expressions never fail on stored values
of another type (MySQL refuses a row whose virtual column cannot be computed): a non-integer reads NULL in
an integer column. ``sync`` creates nothing beyond ``MAX_INDEXES - INDEX_HEADROOM`` indexes or
``MAX_COLUMNS - COLUMN_HEADROOM`` columns; ``checks.py`` warns before that (``limits``).

The query builder names a column only when it exists (``column_for``, read once per process and after
each sync), so a DocType whose column could not be made still reads its JSON key, only slower.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models
from django.db.models.expressions import Col, Expression

from .. import fieldtypes
from ..models import Document
from .field_columns import column_name

logger = logging.getLogger(__name__)

COLUMN_PREFIX = "dfa_"
INDEX_PREFIX = "dfa_m_"
# (doctype 140 + value + name 140 characters) * 4 bytes + 8 must fit InnoDB's 3072-byte index key.
TEXT_LENGTH = 400
MAX_INDEXES = 64  # InnoDB: secondary indexes a table
MAX_COLUMNS = 1017  # InnoDB: columns a table (virtual ones count)
INDEX_HEADROOM = 4  # left for the app's own migrations
COLUMN_HEADROOM = 16
_SQL_TYPES = {"int": "BIGINT", "float": "DOUBLE",
              "text": f"VARCHAR({TEXT_LENGTH}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"}
_OUTPUT_FIELDS = {"int": models.BigIntegerField, "float": models.FloatField, "text": models.TextField}
_existing: dict[str, frozenset[str]] = {}  # connection alias -> our columns, read once


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class VirtualColumn:
    """A JSON key of ``data`` as a column: for every DocType, or (``doctype``) for one DocType's unique field."""

    fieldname: str
    kind: str  # fieldtypes.db_kind: int, float or text
    doctype: str = ""

    @property
    def name(self) -> str:
        if self.doctype:
            return f"{COLUMN_PREFIX}u_{_digest(self.doctype, self.fieldname, self.kind)}"
        return column_name(self.fieldname, self.kind)  # the name PostgreSQL's field columns have

    def value_sql(self) -> str:
        """The column's expression: what Django's JSON key expression gives, NULL where that would fail."""
        path = connection.ops.quote_name("data"), _string('$."' + self.fieldname.replace('"', '\\"') + '"')
        key = f"JSON_EXTRACT({path[0]}, {path[1]})"
        if self.kind == "int":  # digits only: MySQL refuses a row whose cast warns
            value = f"IF({key} REGEXP '^-?[0-9]{{1,18}}$', CAST({key} AS SIGNED), NULL)"
        elif self.kind == "float":
            value = f"IF(JSON_TYPE({key}) IN ('INTEGER', 'DOUBLE'), CAST({key} AS DOUBLE), NULL)"
        else:
            value = f"LEFT(JSON_UNQUOTE({key}), {TEXT_LENGTH})"
            if self.doctype:
                value = f"NULLIF({value}, '')"
        if self.doctype:
            value = f"IF({connection.ops.quote_name('doctype')} = {_string(self.doctype)}, {value}, NULL)"
        return value

    def add_sql(self) -> str:
        return (f"ALTER TABLE {_table()} ADD COLUMN {connection.ops.quote_name(self.name)} "
                f"{_SQL_TYPES[self.kind]} AS ({self.value_sql()}) VIRTUAL")


@dataclass(frozen=True)
class ColumnIndex:
    """An index on a virtual column: ``(doctype, column, then, name)``, or UNIQUE on a DocType's own column."""

    column: VirtualColumn
    then: str = ""  # modified or creation; none for a unique index

    @property
    def name(self) -> str:
        if self.column.doctype:
            return f"{INDEX_PREFIX}u_{_digest(self.column.name)}"
        return f"{INDEX_PREFIX}{_digest(self.column.name, self.then)}"

    def create_sql(self) -> str:
        quote = connection.ops.quote_name
        if self.column.doctype:
            return f"CREATE UNIQUE INDEX {quote(self.name)} ON {_table()} ({quote(self.column.name)})"
        columns = ", ".join(quote(c) for c in ("doctype", self.column.name, self.then, "name"))
        return f"CREATE INDEX {quote(self.name)} ON {_table()} ({columns}) ALGORITHM=INPLACE LOCK=NONE"


def _table() -> str:
    return connection.ops.quote_name(Document._meta.db_table)


def _string(text: str) -> str:
    """A MySQL string literal (these only hold DocType and field names, from definitions)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def wanted(field_indexes: list[Any]) -> dict[str, ColumnIndex]:
    """Index name -> index, for ``backends.indexes.FieldIndex`` items (sort-only indexes are not made here)."""
    result: dict[str, ColumnIndex] = {}
    for item in field_indexes:
        kind = fieldtypes.db_kind(item.fieldtype)
        if item.sort or kind not in _SQL_TYPES:
            continue
        if item.unique:
            index = ColumnIndex(VirtualColumn(item.fieldname, kind, item.doctype))
            result[index.name] = index
        index = ColumnIndex(VirtualColumn(item.fieldname, kind), item.then or "modified")
        result[index.name] = index
    return result


def fits(fieldtype: str, length: int | None) -> bool:
    """Whether a field's values fit the column (text: ``TEXT_LENGTH`` characters)."""
    if fieldtypes.db_kind(fieldtype) != "text":
        return True
    return (length or fieldtypes.DEFAULT_VARCHAR_LENGTH) <= TEXT_LENGTH


def existing_columns() -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() "
            "AND table_name = %s AND column_name LIKE %s", [Document._meta.db_table, r"dfa\_%"])
        return frozenset(name for (name,) in cursor.fetchall())


def existing_indexes() -> dict[str, bool]:
    """Our index names -> whether the index still holds its virtual column (dropping a column only takes
    it out of its indexes, which stay behind on their other columns)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT index_name, column_name FROM information_schema.statistics WHERE table_schema = DATABASE() "
            "AND table_name = %s AND index_name LIKE %s", [Document._meta.db_table, r"dfa\_%"])
        found: dict[str, bool] = {}
        for name, column in cursor.fetchall():
            found[name] = found.get(name, False) or column.startswith(COLUMN_PREFIX)
        return found


def limits(using: str = DEFAULT_DB_ALIAS) -> tuple[int, int]:
    """``(indexes, columns)`` the document table has now (``checks.py`` warns near InnoDB's limits)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT COUNT(DISTINCT index_name) FROM information_schema.statistics "
                       "WHERE table_schema = DATABASE() AND table_name = %s", [Document._meta.db_table])
        count_indexes = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() "
                       "AND table_name = %s", [Document._meta.db_table])
        return count_indexes, cursor.fetchone()[0]


def sync(want: dict[str, ColumnIndex], *, dry_run: bool = False) -> list[str]:
    """Make the table hold exactly ``want``'s columns and indexes (within the limits); the SQL run."""
    found, have_columns = existing_indexes(), existing_columns()
    columns = {index.column.name: index.column for index in want.values()}
    dropped = [name for name in sorted(found) if name not in want or not found[name]]
    have_indexes = set(found) - set(dropped)
    statements = [f"DROP INDEX {connection.ops.quote_name(name)} ON {_table()}" for name in dropped]
    statements += [f"ALTER TABLE {_table()} DROP COLUMN {connection.ops.quote_name(name)}"
                   for name in sorted(have_columns) if name not in columns]
    count_indexes, count_columns = limits()
    count_indexes -= len(dropped)
    count_columns -= len([n for n in have_columns if n not in columns])
    added: set[str] = set()
    for name, index in sorted(want.items()):
        if name in have_indexes:
            continue
        new_column = index.column.name not in have_columns and index.column.name not in added
        if count_indexes + 1 > MAX_INDEXES - INDEX_HEADROOM or (
                new_column and count_columns + 1 > MAX_COLUMNS - COLUMN_HEADROOM):
            logger.warning("Not indexing %s on %s: the table is near InnoDB's limits (%s indexes, %s columns)",
                           index.column.fieldname, connection.vendor, count_indexes, count_columns)
            continue
        if new_column:
            statements.append(index.column.add_sql())
            added.add(index.column.name)
            count_columns += 1
        statements.append(index.create_sql())
        count_indexes += 1
    if not dry_run:
        statements = [sql for sql in statements if _run(sql)]
        _existing.pop(connection.alias, None)
    return statements


def _run(sql: str) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as exc:  # duplicates under a new UNIQUE index, say: logged, the rest goes on
        logger.warning("Could not run %s: %s", sql, exc)
        return False
    return True


def column_for(fieldname: str, fieldtype: str) -> str | None:
    """The shared column of a field's JSON key when it exists on this database, else ``None``."""
    kind = fieldtypes.db_kind(fieldtype)
    if kind not in _SQL_TYPES:
        return None
    if connection.alias not in _existing:
        _existing[connection.alias] = existing_columns()
    name = VirtualColumn(fieldname, kind).name
    return name if name in _existing[connection.alias] else None


class GeneratedColumn(Expression):
    """A column of the query's document table that Django's model does not declare, by name: MariaDB's virtual
    columns here, PostgreSQL's field columns (``field_columns``)."""

    def __init__(self, column: str, fieldtype: str) -> None:
        super().__init__(output_field=_OUTPUT_FIELDS[fieldtypes.db_kind(fieldtype)]())
        self.column = column

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Col:
        target = self.output_field.clone()
        target.set_attributes_from_name(self.column)
        target.model = Document
        return Col(query.get_initial_alias(), target, target)


__all__ = ["ColumnIndex", "GeneratedColumn", "VirtualColumn", "column_for", "limits", "sync", "wanted"]
