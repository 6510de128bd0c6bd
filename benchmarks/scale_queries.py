"""The data and queries of ``scale.py``: a DocType in the storage format and the same rows as real columns.

Imported after ``django.setup()``. ``Bench.queries(n)`` yields ``(label, app, real)`` pairs of callables that
answer the same question (same rows, same counts) through the document layer and through the ORM on a
scratch model with real indexed columns.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, models
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_frappe_api import document
from django_frappe_api.backends import index_sync
from django_frappe_api.definitions import save_definition
from django_frappe_api.meta import get_meta
from django_frappe_api.models import Document
from django_frappe_api.params import ListRequest

DOCTYPE = "Scale Item"
STATUSES = ("Open", "Closed", "Replied", "Cancelled")
FIELDS = ["name", "title", "status", "qty", "modified"]
BATCH = 5000
BASE = timezone.make_aware(dt.datetime(2024, 1, 1))


class RealItem(models.Model):
    """The same rows as real columns, indexed as a hand-written app would."""

    name = models.CharField(max_length=140, unique=True)
    title = models.CharField(max_length=140)
    status = models.CharField(max_length=20)
    qty = models.IntegerField()
    creation = models.DateTimeField()
    modified = models.DateTimeField()

    class Meta:
        app_label = "scale_bench"
        db_table = "scale_bench_real_item"
        indexes = [
            models.Index(fields=["status", "modified"], name="scale_real_status_mod"),
            models.Index(fields=["qty"], name="scale_real_qty"),
            models.Index(fields=["modified", "name"], name="scale_real_modified"),
        ]

    def __str__(self) -> str:
        return self.name


def row(i: int) -> dict[str, Any]:
    """Row ``i``: modified grows with i, with ties every 7 rows; status and qty spread pseudo-randomly."""
    rng = random.Random(i)
    return {"name": f"SI-{i:08d}", "title": f"Item {i}", "status": rng.choice(STATUSES), "qty": rng.randrange(1000),
            "modified": BASE + dt.timedelta(seconds=i - i % 7)}


class Bench:
    def __init__(self, *, keep: bool = False) -> None:
        call_command("migrate", run_syncdb=True, verbosity=0)
        self.vendor = connection.vendor
        self.user, _ = get_user_model().objects.get_or_create(
            username="Administrator", defaults={"is_superuser": True, "is_staff": True})
        fields = [
            {"fieldname": "title", "label": "Title", "fieldtype": "Data", "in_list_view": 1},
            {"fieldname": "status", "label": "Status", "fieldtype": "Select", "options": "\n".join(STATUSES),
             "search_index": 1},
            {"fieldname": "qty", "label": "Qty", "fieldtype": "Int", "search_index": 1},
        ]
        save_definition({"name": DOCTYPE, "fields": fields, "permissions": [{"role": "System Manager"}]})
        index_sync.sync_doctype(DOCTYPE)  # the per-field indexes, also when an earlier run left the DocType
        self.meta = get_meta(DOCTYPE)
        exists = RealItem._meta.db_table in connection.introspection.table_names()
        self.loaded = Document.objects.filter(doctype_id=DOCTYPE).count() if keep and exists else -1
        if self.loaded != (RealItem.objects.count() if exists and keep else 0):  # not the same rows: start again
            Document.objects.filter(doctype_id=DOCTYPE).delete()
            with connection.schema_editor() as editor:
                if exists:
                    editor.delete_model(RealItem)
                editor.create_model(RealItem)
            self.loaded = 0

    def load(self, n: int) -> None:
        """Add rows up to ``n`` in both stores, in batches, then refresh the planner's statistics."""
        if self.loaded > n:
            raise SystemExit(f"the database holds {self.loaded:,} rows, more than {n:,}: use another --name")
        for start in range(self.loaded, n, BATCH):
            rows = [row(i) for i in range(start, min(n, start + BATCH))]
            Document.objects.bulk_create([
                Document(doctype_id=DOCTYPE, name=r["name"], owner="Administrator", modified_by="Administrator",
                         creation=r["modified"], modified=r["modified"],
                         data={"title": r["title"], "status": r["status"], "qty": r["qty"]})
                for r in rows
            ])
            RealItem.objects.bulk_create([RealItem(creation=r["modified"], **r) for r in rows])
        self.loaded = n
        with connection.cursor() as cursor:
            # PostgreSQL: VACUUM as autovacuum would, so index-only scans find the pages all-visible.
            cursor.execute({"postgresql": "VACUUM ANALYZE", "sqlite": "ANALYZE",
                            "mysql": "ANALYZE TABLE django_frappe_api_document, scale_bench_real_item"}[self.vendor])
            if self.vendor == "mysql":
                cursor.fetchall()

    def _list(self, **params: Any) -> list[Any]:
        return document.get_list(DOCTYPE, ListRequest(fields=FIELDS, order_by="modified desc", **params),
                                 user=self.user)

    def queries(self, n: int) -> Iterator[tuple[str, Callable[[], Any], Callable[[], Any]]]:
        real = RealItem.objects.values(*FIELDS).order_by("-modified", "-name")
        depth = n // 2
        first = document.get_list_page(DOCTYPE, ListRequest(fields=FIELDS, start=depth - 20, page_length=21,
                                                            cursor=""), limit=20, user=self.user)
        cursor = first[2]
        last = first[0][19]
        middle = row(depth)["name"]
        yield ("list 20, status = Open, modified desc",
               lambda: self._list(filters={"status": "Open"}, page_length=20),
               lambda: list(real.filter(status="Open")[:20]))
        yield ("list 20, qty > 990, modified desc",
               lambda: self._list(filters=[["qty", ">", 990]], page_length=20),
               lambda: list(real.filter(qty__gt=990)[:20]))
        yield ("page at limit_start = N/2",
               lambda: self._list(start=depth, page_length=20),
               lambda: list(real[depth:depth + 20]))
        yield ("keyset page at the same depth",
               lambda: document.get_list_page(DOCTYPE, ListRequest(fields=FIELDS, page_length=21, cursor=cursor),
                                              limit=20, user=self.user),
               lambda: list(real.filter(Q(modified__lte=_aware(last["modified"])),
                                        Q(modified__lt=_aware(last["modified"]))
                                        | Q(modified=_aware(last["modified"]), name__lt=last["name"]))[:21]))
        yield ("exact count, status = Open",
               lambda: document.get_count(DOCTYPE, user=self.user, filters={"status": "Open"}),
               lambda: RealItem.objects.filter(status="Open").count())
        yield ("exact count, qty > 990 (1% of rows)",
               lambda: document.get_count(DOCTYPE, user=self.user, filters=[["qty", ">", 990]]),
               lambda: RealItem.objects.filter(qty__gt=990).count())
        yield ("count capped at 1000 (v2)",
               lambda: document.get_count(DOCTYPE, ListRequest(count_limit=1000, count_timeout_ms=10_000),
                                          user=self.user),
               lambda: RealItem.objects.all()[:1000].count())
        yield ("read one by name",
               lambda: document.get_doc(DOCTYPE, middle, user=self.user),
               lambda: RealItem.objects.filter(name=middle).values()[0])

    def explain(self, n: int) -> Iterator[tuple[str, str, str]]:
        """The plan of the app's largest document query and of the real-column query, for each query."""
        for label, app, real in self.queries(n):
            yield label, self._plan(app, "django_frappe_api_document"), self._plan(real, "scale_bench_real_item")

    def sql_of(self, run: Callable[[], Any]) -> Callable[[], Any]:
        """The main statement ``run`` sends, run alone on a raw cursor: the database's own time, no app work."""
        sql = _main_sql(run)

        def execute() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()

        return execute

    def _plan(self, run: Callable[[], Any], table: str) -> str:
        sql = _main_sql(run, table)
        if not sql:
            return "(no query)"
        if sql.upper().startswith("SET STATEMENT"):
            sql = sql[sql.upper().index(" FOR ") + 5:]
        prefix = {"sqlite": "EXPLAIN QUERY PLAN ", "postgresql": "EXPLAIN ", "mysql": "EXPLAIN "}[self.vendor]
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            lines = cursor.fetchall()
        return f"{sql}\n" + "\n".join("  " + " | ".join(str(c) for c in line) for line in lines)


def _main_sql(run: Callable[[], Any], table: str = "") -> str:
    """The longest SELECT ``run`` sends (on ``table`` when given), as the database received it."""
    with CaptureQueriesContext(connection) as captured:
        run()
    statements = [_without_budget(q["sql"]) for q in captured.captured_queries if table in q["sql"]
                  and q["sql"].lstrip().upper().startswith(("SELECT", "SET STATEMENT"))]
    return max(statements, key=len) if statements else ""


def _without_budget(sql: str) -> str:
    """A PostgreSQL count without the ``statement_timeout`` setting sent in the same message before it."""
    if sql.startswith("SELECT set_config("):
        return sql.partition("; ")[2]
    return sql


def _aware(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
