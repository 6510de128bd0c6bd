"""What many DocTypes with indexed fields cost the one document table: insert time, planning time, list time.

Usage (from the repository root)::

    python benchmarks/many_doctypes.py                                   # SQLite, in a temporary directory
    python benchmarks/many_doctypes.py --database postgres --name many200
    python benchmarks/many_doctypes.py --database mysql --name many200 --doctypes 200 --rows 1000

Every JSON DocType stores its documents in ``Document``, and each indexed field (``search_index``, ``unique``,
``in_standard_filter``, Link) adds an index on that table: 200 DocTypes with 5 indexed fields are 1,000 partial
indexes on PostgreSQL and SQLite (MariaDB shares a column and index between DocTypes per field name and type,
so ``--shared-names`` decides how many it needs). The planner looks at every index of a table, and an insert
evaluates every partial index's predicate. This measures DocType 0 alone, then again once the other DocTypes
and their rows exist: the insert of one document through the document layer, the planning time of its
filtered list (PostgreSQL ``EXPLAIN``'s own figure; elsewhere the time of ``EXPLAIN``), and the list itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

from scale import configure  # benchmarks/ is the script's directory

FIELDS_PER_DOCTYPE = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite", help="sqlite, postgres, mysql or a URL")
    parser.add_argument("--name", default="many", help="database name on postgres/mysql")
    parser.add_argument("--doctypes", type=int, default=200)
    parser.add_argument("--rows", type=int, default=1000, help="documents per DocType")
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--shared-names", type=int, default=0,
                        help="draw field names from this many names (0: every DocType its own five)")
    args = parser.parse_args()
    configure(args.database, args.name, keep=False)
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    bench = _Bench(args)
    bench.create(0)
    before = bench.measure()
    started = time.perf_counter()
    for number in range(1, args.doctypes):
        bench.create(number)
    created = time.perf_counter() - started
    after = bench.measure()
    print(f"\n{bench.vendor}: {args.doctypes} DocTypes x {FIELDS_PER_DOCTYPE} indexed fields, {args.rows:,} rows each; "
          f"{bench.index_count()} indexes on the document table; {args.doctypes - 1} DocTypes created and loaded "
          f"in {created:.0f} s ({created / (args.doctypes - 1) * 1000:.0f} ms each)")
    print("| measure (DocType 0) | 1 DocType | all DocTypes | ratio |\n|---|---|---|---|")
    for label in before:
        print(f"| {label} | {before[label]:.3f} ms | {after[label]:.3f} ms | {after[label] / before[label]:.2f}x |")


class _Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connection

        self.args, self.connection, self.vendor = args, connection, connection.vendor
        self.user, _ = get_user_model().objects.get_or_create(
            username="Administrator", defaults={"is_superuser": True, "is_staff": True})
        self.inserted = 0

    def fieldnames(self, number: int) -> list[str]:
        if self.args.shared_names:
            return [f"f{(number * FIELDS_PER_DOCTYPE + i) % self.args.shared_names}" for i in range(FIELDS_PER_DOCTYPE)]
        return [f"d{number}_f{i}" for i in range(FIELDS_PER_DOCTYPE)]

    def create(self, number: int) -> None:
        from django_frappe_api.definitions import save_definition
        from django_frappe_api.models import Document

        names = self.fieldnames(number)
        fields = [{"fieldname": name, "fieldtype": "Int" if i % 2 else "Data", "search_index": 1}
                  for i, name in enumerate(names)]
        save_definition({"name": f"Many {number}", "fields": fields, "permissions": [{"role": "System Manager"}]})
        base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        Document.objects.bulk_create([
            Document(doctype_id=f"Many {number}", name=f"M{number}-{row}", owner="Administrator",
                     modified_by="Administrator", creation=base + dt.timedelta(seconds=row),
                     modified=base + dt.timedelta(seconds=row),
                     data={name: (row % 97 if i % 2 else f"v{row % 53}") for i, name in enumerate(names)})
            for row in range(self.args.rows)
        ], batch_size=2000)

    def analyze(self) -> float:
        """Refresh the planner's statistics of DocType 0's rows, as autovacuum would (on partitioned PostgreSQL
        it analyzes a partition, never the partitioned table); the seconds it took."""
        from django_frappe_api.backends import partitions

        started = time.perf_counter()
        with self.connection.cursor() as cursor:
            cursor.execute({"mysql": "ANALYZE TABLE django_frappe_api_document"}.get(
                self.vendor, f"ANALYZE {partitions.table_for('Many 0')}"))
            if self.vendor == "mysql":
                cursor.fetchall()
        return time.perf_counter() - started

    def measure(self) -> dict[str, float]:
        from django.db import transaction
        from django.test.utils import CaptureQueriesContext

        from django_frappe_api import document

        names = self.fieldnames(0)
        analyzed = self.analyze()

        def insert() -> None:  # rolled back: the index upkeep of the statement, not the disk's fsync
            self.inserted += 1
            with transaction.atomic():
                document.insert_doc("Many 0", {names[0]: f"new{self.inserted}", names[1]: 5}, user=self.user)
                transaction.set_rollback(True)

        def listing() -> Any:
            return document.get_list("Many 0", fields=["name", names[0]], filters={names[0]: "v7"},
                                     order_by="modified desc", page_length=20, user=self.user)

        with CaptureQueriesContext(self.connection) as captured:
            listing()
        sql = captured.captured_queries[-1]["sql"]
        figures = {"ANALYZE DocType 0's rows (once)": analyzed * 1000,
                   "insert one document (rolled back)": _median(insert, self.args.repeat),
                   "plan the filtered list": _median(lambda: self.plan(sql), self.args.repeat, timed=self.vendor
                                                     == "postgresql"),
                   "filtered list of 20": _median(listing, self.args.repeat)}
        if self.vendor == "postgresql":  # OPTIONS prepare_threshold: the statement is planned once a connection
            raw = self.connection.connection
            raw.prepare_threshold = 0
            figures["filtered list of 20, prepared (prepare_threshold)"] = _median(listing, self.args.repeat)
            raw.prepare_threshold = None
        return figures

    def plan(self, sql: str) -> float | None:
        """PostgreSQL: the planning time it reports; elsewhere None (the caller times EXPLAIN)."""
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("EXPLAIN (SUMMARY ON) " + sql)
                line = next(row[0] for row in cursor.fetchall() if row[0].startswith("Planning Time"))
                return float(line.split(":")[1].split()[0])
            cursor.execute(("EXPLAIN QUERY PLAN " if self.vendor == "sqlite" else "EXPLAIN ") + sql)
            cursor.fetchall()
        return None

    def index_count(self) -> int:
        with self.connection.cursor() as cursor:
            table = "django_frappe_api_document"
            if self.vendor == "postgresql":  # the table's and its partitions' (not their partitioned parents)
                cursor.execute("SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                               "WHERE c.relkind = 'i' AND (i.indrelid = %s::regclass OR i.indrelid IN "
                               "(SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass))", [table, table])
            elif self.vendor == "sqlite":
                cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
            else:
                cursor.execute("SELECT COUNT(DISTINCT index_name) FROM information_schema.statistics "
                               "WHERE table_schema = DATABASE() AND table_name = %s", [table])
            return cursor.fetchone()[0]


def _median(run: Callable[[], Any], repeat: int, *, timed: bool = False) -> float:
    """Median ms of warm runs; ``timed``: ``run`` returns its own figure in ms."""
    run()
    figures = []
    for _ in range(repeat):
        started = time.perf_counter()
        reported = run()
        figures.append(reported if timed else (time.perf_counter() - started) * 1000)
    return statistics.median(figures)


if __name__ == "__main__":
    main()
