"""Scale benchmark: the list, count and read queries of a DocType at N documents, against real indexed columns.

Usage (from the repository root)::

    python benchmarks/scale.py --rows 10000,100000                  # SQLite, in a temporary directory
    python benchmarks/scale.py --database postgres --rows 10000,100000,1000000
    python benchmarks/scale.py --database mysql --rows 10000,100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale python benchmarks/scale.py

In-process, no HTTP: ``Scale Item`` (title Data; status Select and qty Int with ``search_index``) is loaded
by bulk insert in the app's storage format (JSON rows of ``Document``), and the same rows into a scratch
table with real, indexed columns. Each query runs warm ``--repeat`` times per N; the table gives medians,
the ratio to the real-column query, and the growth from the smallest N. ``--explain`` prints the plan of
the app's SQL and of the real-column SQL for every query at the largest N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINES = {
    "postgres": "postgres://postgres@127.0.0.1:5432/{name}",
    "mysql": "mysql://root@127.0.0.1:3306/{name}",
}
DOCTYPE = "Scale Item"
STATUSES = ("Open", "Closed", "Replied", "Cancelled")


def configure(database: str, name: str, keep: bool) -> None:
    if database == "sqlite":
        folder = tempfile.gettempdir() if keep else tempfile.mkdtemp(prefix="scale-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/{name}.sqlite3"
    elif database in ENGINES:
        os.environ["DATABASE_URL"] = ENGINES[database].format(name=name)
    elif database:
        os.environ["DATABASE_URL"] = database
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="10000,100000", help="comma-separated document counts")
    parser.add_argument("--database", default="", help="sqlite, postgres, mysql or a URL (default: DATABASE_URL)")
    parser.add_argument("--name", default="scale", help="database name on postgres/mysql")
    parser.add_argument("--repeat", type=int, default=7, help="warm runs per query (median)")
    parser.add_argument("--no-explain", dest="explain", action="store_false")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the rows an earlier --keep run left (SQLite: a file in the temp directory)")
    args = parser.parse_args()
    configure(args.database or ("" if os.environ.get("DATABASE_URL") else "sqlite"), args.name, args.keep)
    # After django.setup(): the app's modules need the settings.
    from benchmarks.scale_queries import Bench

    bench = Bench(keep=args.keep)
    sizes = sorted(int(n) for n in args.rows.split(","))
    results: dict[int, dict[str, tuple[float, float]]] = {}
    for n in sizes:
        started = time.perf_counter()
        bench.load(n)
        print(f"# {n:,} rows loaded in {time.perf_counter() - started:.1f} s", flush=True)
        results[n] = {label: (_median(app, args.repeat), _median(real, args.repeat),
                              _median(bench.sql_of(app), args.repeat), _median(bench.sql_of(real), args.repeat))
                      for label, app, real in bench.queries(n)}
    _table(bench.vendor, sizes, results)
    if args.explain:
        for label, app_plan, real_plan in bench.explain(sizes[-1]):
            print(f"\n## {label}\n-- app\n{app_plan}\n-- real columns\n{real_plan}")


def _median(run: Callable[[], object], repeat: int) -> float:
    run()  # warm: caches, plans
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _table(vendor: str, sizes: list[int], results: dict[int, dict[str, tuple[float, ...]]]) -> None:
    """Per N: the in-app time against real columns, then the SQL alone (the app's statement run on a raw cursor)."""
    smallest = sizes[0]
    header = " | ".join(f"{n:,}: app ms (real ms, ratio); SQL ms (real SQL ms, ratio)" for n in sizes)
    print(f"\n{vendor}\n| query | {header} | growth {smallest:,} -> {sizes[-1]:,}: app; SQL |")
    print("|---|" + "---|" * (len(sizes) + 1))
    for label in results[smallest]:
        cells = []
        for n in sizes:
            app, real, app_sql, real_sql = results[n][label]
            cells.append(f"{app:.2f} ({real:.2f}, {_ratio(app, real)}); {app_sql:.2f} ({real_sql:.2f}, "
                         f"{_ratio(app_sql, real_sql)})")
        first, last = results[smallest][label], results[sizes[-1]][label]
        print(f"| {label} | {' | '.join(cells)} | {_ratio(last[0], first[0])}; {_ratio(last[2], first[2])} |")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b else "-"


if __name__ == "__main__":
    started_at = dt.datetime.now(dt.UTC)
    main()
    print(f"\n# finished in {(dt.datetime.now(dt.UTC) - started_at).total_seconds():.0f} s")
