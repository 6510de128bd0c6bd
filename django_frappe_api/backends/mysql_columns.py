"""Field columns on MariaDB/MySQL: shared columns filled by triggers, indexed with ``doctype`` first.

Usage (``backends.indexes`` drives it; nothing else should)::

    plan = mysql_columns.wanted(field_indexes)       # the columns and indexes some DocTypes ask for
    mysql_columns.sync(plan)                         # add/fill/drop them and the triggers; the SQL run
    mysql_columns.column_for("status", "Select")     # "dfa_c_1a2b...", or None: use the JSON expression

MySQL indexes neither an expression of ``data`` nor part of a table, so each indexed JSON key gets a column.
Every DocType shares the one document table, and InnoDB allows 64 indexes and about 1,000 columns a table:
a filter column is shared by every DocType with a field of that name and database kind (``dfa_c_<digest>``),
indexed as ``(doctype, column, modified, name)``, so one index serves each of them (``creation`` instead of
``modified`` for DocTypes sorted by creation). A ``unique`` field gets a column of its own DocType
(``dfa_u_<digest>``: NULL for other DocTypes and for blank text, which may repeat) under a UNIQUE index.

The columns are plain ones (added in place, ``ALGORITHM=INSTANT``), written by two ``BEFORE INSERT`` /
``BEFORE UPDATE`` triggers that set every column from ``NEW.data``: a query testing rows one by one (a
rare value sorted by ``modified``) reads a column, where a VIRTUAL column (this module's first design)
parsed the JSON of every row it passed. A new column is filled in batches of ids after the trigger
includes it, and indexed after that; the query builder names a column only once an index holds it
(``column_for``), so it never reads a half-filled one. The expressions never fail on stored values of
another type: a non-integer reads NULL in an integer column. ``sync`` creates nothing beyond
``MAX_INDEXES - INDEX_HEADROOM`` indexes or ``MAX_COLUMNS - COLUMN_HEADROOM`` columns; ``checks.py`` warns
before that (``limits``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections

from .. import fieldtypes
from ..models import Document
from .field_columns import column_name

logger = logging.getLogger(__name__)

COLUMN_PREFIX = "dfa_"
INDEX_PREFIX = "dfa_m_"
TRIGGERS = {"dfa_fill_insert": "INSERT", "dfa_fill_update": "UPDATE"}
# (doctype 140 + value + name 140 characters) * 4 bytes + 8 must fit InnoDB's 3072-byte index key.
TEXT_LENGTH = 400
MAX_INDEXES = 64  # InnoDB: secondary indexes a table
MAX_COLUMNS = 1017  # InnoDB: columns a table
INDEX_HEADROOM = 4  # left for the app's own migrations
COLUMN_HEADROOM = 16
_BATCH = 50_000  # ids per backfill statement
_SQL_TYPES = {"int": "BIGINT", "float": "DOUBLE",
              "text": f"VARCHAR({TEXT_LENGTH}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"}
_ready: dict[str, frozenset[str]] = {}  # connection alias -> our indexed columns, read once


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@dataclass(frozen=True)
class SharedColumn:
    """A JSON key of ``data`` as a column: for every DocType, or (``doctype``) for one DocType's unique field."""

    fieldname: str
    kind: str  # fieldtypes.db_kind: int, float or text
    doctype: str = ""

    @property
    def name(self) -> str:
        if self.doctype:
            return f"{COLUMN_PREFIX}u_{_digest(self.doctype, self.fieldname, self.kind)}"
        return column_name(self.fieldname, self.kind)  # the name the other engines' field columns have

    def value_sql(self, row: str = "") -> str:
        """The column's value for ``row`` (``NEW`` in a trigger, else the table's row): what Django's JSON key
        expression gives, NULL where that would fail."""
        prefix = f"{row}." if row else ""
        path = _string('$."' + self.fieldname.replace('"', '\\"') + '"')
        key = f"JSON_EXTRACT({prefix}{_quote('data')}, {path})"
        if self.kind == "int":  # digits only: MySQL refuses a write whose cast warns
            value = f"IF({key} REGEXP '^-?[0-9]{{1,18}}$', CAST({key} AS SIGNED), NULL)"
        elif self.kind == "float":
            value = f"IF(JSON_TYPE({key}) IN ('INTEGER', 'DOUBLE'), CAST({key} AS DOUBLE), NULL)"
        else:
            value = f"LEFT(JSON_UNQUOTE({key}), {TEXT_LENGTH})"
            if self.doctype:
                value = f"NULLIF({value}, '')"
        if self.doctype:
            value = f"IF({prefix}{_quote('doctype')} = {_string(self.doctype)}, {value}, NULL)"
        return value

    def add_sql(self) -> str:
        return f"ALTER TABLE {_table()} ADD COLUMN {_quote(self.name)} {_SQL_TYPES[self.kind]} NULL"


@dataclass(frozen=True)
class ColumnIndex:
    """An index on a virtual column: ``(doctype, column, then, name)``, or UNIQUE on a DocType's own column."""

    column: SharedColumn
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
            index = ColumnIndex(SharedColumn(item.fieldname, kind, item.doctype))
            result[index.name] = index
        index = ColumnIndex(SharedColumn(item.fieldname, kind), item.then or "modified")
        result[index.name] = index
    return result


def fits(fieldtype: str, length: int | None) -> bool:
    """Whether a field's values fit the column (text: ``TEXT_LENGTH`` characters)."""
    if fieldtypes.db_kind(fieldtype) != "text":
        return True
    return (length or fieldtypes.DEFAULT_VARCHAR_LENGTH) <= TEXT_LENGTH


def existing_columns() -> dict[str, bool]:
    """Our columns -> whether each is a plain one (False: a VIRTUAL column of this module's first design)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, generation_expression FROM information_schema.columns WHERE table_schema = "
            "DATABASE() AND table_name = %s AND column_name LIKE %s", [Document._meta.db_table, r"dfa\_%"])
        return {name: not expression for name, expression in cursor.fetchall()}


def existing_triggers() -> dict[str, str]:
    """Our trigger names -> their statement (``SET NEW.… = …``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT trigger_name, action_statement FROM information_schema.triggers WHERE "
                       "event_object_schema = DATABASE() AND event_object_table = %s AND trigger_name LIKE %s",
                       [Document._meta.db_table, r"dfa\_%"])
        return dict(cursor.fetchall())


def existing_indexes() -> dict[str, bool]:
    """Our index names -> whether the index still holds its column (dropping a column only takes it out of
    its indexes, which stay behind on their other columns)."""
    return {name: any(column.startswith(COLUMN_PREFIX) for column in columns)
            for name, columns in _index_columns().items()}


def _index_columns() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT index_name, column_name FROM information_schema.statistics WHERE table_schema = DATABASE() "
            "AND table_name = %s AND index_name LIKE %s", [Document._meta.db_table, r"dfa\_%"])
        found: dict[str, set[str]] = {}
        for name, column in cursor.fetchall():
            found.setdefault(name, set()).add(column)
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
    """Make the table hold exactly ``want``'s columns, triggers and indexes (within the limits); the SQL run.

    In this order, so no write ever misses a column the query may read: indexes no longer wanted go; new
    columns are added; the triggers are set to fill exactly the columns kept; columns no longer wanted go;
    new columns are filled; their indexes are built (after which ``column_for`` names them).
    """
    found, have = _index_columns(), existing_columns()
    virtual = {name for name, plain in have.items() if not plain}
    dropped = [name for name, columns in sorted(found.items())
               if name not in want or not any(c.startswith(COLUMN_PREFIX) for c in columns) or columns & virtual]
    have_indexes = set(found) - set(dropped)
    statements = [f"DROP INDEX {_quote(name)} ON {_table()}" for name in dropped]
    statements += [f"ALTER TABLE {_table()} DROP COLUMN {_quote(name)}"  # virtual ones become plain
                   for name in sorted(virtual)]
    plain = {name for name, is_plain in have.items() if is_plain}
    count_indexes, count_columns = limits()
    count_indexes -= len(dropped)
    count_columns -= len(have) - len(plain)
    kept = {index.column.name: index.column for index in want.values() if index.column.name in plain}
    added: dict[str, SharedColumn] = {}
    creates = []
    for name, index in sorted(want.items()):
        if name in have_indexes:
            continue
        new_column = index.column.name not in kept and index.column.name not in added
        if count_indexes + 1 > MAX_INDEXES - INDEX_HEADROOM or (
                new_column and count_columns + 1 > MAX_COLUMNS - COLUMN_HEADROOM):
            logger.warning("Not indexing %s on %s: the table is near InnoDB's limits (%s indexes, %s columns)",
                           index.column.fieldname, connection.vendor, count_indexes, count_columns)
            continue
        if new_column:
            statements.append(index.column.add_sql())
            added[index.column.name] = index.column
            count_columns += 1
        creates.append(index.create_sql())
        count_indexes += 1
    unused = [f"ALTER TABLE {_table()} DROP COLUMN {_quote(name)}"
              for name in sorted(plain) if name not in kept and name not in added]
    if dry_run:
        fills = [f"-- fill {column.name} ({column.fieldname}) from the stored rows" for column in added.values()]
        return statements + _trigger_sql({**kept, **added}) + unused + fills + creates
    statements = [sql for sql in statements if _run(sql)]
    # The triggers name only columns that exist (an ADD COLUMN may have failed): a trigger naming a missing
    # column would fail every write.
    present = existing_columns()
    filled = {name: column for name, column in {**kept, **added}.items() if present.get(name)}
    statements += [sql for sql in _trigger_sql(filled) + unused if _run(sql)]
    for column in added.values():
        if column.name in existing_columns():
            statements.append(f"-- {_fill(column)} rows: {column.name} ({column.fieldname}) filled")
    statements += [sql for sql in creates if _run(sql)]
    _ready.pop(connection.alias, None)
    return statements


def _trigger_sql(columns: dict[str, SharedColumn]) -> list[str]:
    """The two triggers setting ``columns`` (dropped when there are none); nothing when they are so already."""
    have = existing_triggers()
    statement = "SET " + ", ".join(f"NEW.{_quote(name)} = {column.value_sql('NEW')}"
                                   for name, column in sorted(columns.items()))
    result = []
    for name, event in TRIGGERS.items():
        if not columns:
            result += [f"DROP TRIGGER IF EXISTS {_quote(name)}"] if name in have else []
        elif have.get(name) != statement:
            result.append(f"CREATE OR REPLACE TRIGGER {_quote(name)} BEFORE {event} ON {_table()} "
                          f"FOR EACH ROW {statement}")
    return result


def _fill(column: SharedColumn) -> int:
    """Copy the key of every stored row into the new column, a batch of ids at a time; rows changed."""
    sql = (f"UPDATE {_table()} SET {_quote(column.name)} = {column.value_sql()} WHERE id >= %s AND id < %s "
           f"AND NOT ({_quote(column.name)} <=> {column.value_sql()})")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {_table()}")
        low, high = cursor.fetchone()
        changed = 0
        for start in range(low or 0, (high or -1) + 1, _BATCH):
            cursor.execute(sql, [start, start + _BATCH])
            changed += cursor.rowcount
    return changed


def _run(sql: str) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as exc:  # duplicates under a new UNIQUE index, say: logged, the rest goes on
        logger.warning("Could not run %s: %s", sql, exc)
        return False
    return True


def column_for(fieldname: str, fieldtype: str) -> str | None:
    """The shared column of a field's JSON key when an index holds it on this database (so it is filled),
    else ``None``."""
    kind = fieldtypes.db_kind(fieldtype)
    if kind not in _SQL_TYPES:
        return None
    if connection.alias not in _ready:
        _ready[connection.alias] = _indexed_columns()
    name = SharedColumn(fieldname, kind).name
    return name if name in _ready[connection.alias] else None


def _indexed_columns() -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT column_name FROM information_schema.statistics WHERE table_schema = "
                       "DATABASE() AND table_name = %s AND index_name LIKE %s AND column_name LIKE %s",
                       [Document._meta.db_table, r"dfa\_%", r"dfa\_%"])
        return frozenset(name for (name,) in cursor.fetchall())


__all__ = ["ColumnIndex", "SharedColumn", "column_for", "limits", "sync", "wanted"]
