"""Profile the example project in-process and count its SQL queries on the benchmark's requests.

Usage (from the repository root)::

    python benchmarks/profile_app.py                          # warm query counts, then a profile of each request
    python benchmarks/profile_app.py --only list-token --requests 2000 --profiler cprofile

The project runs on a temporary SQLite database (or ``DATABASE_URL``) loaded by ``load.py``; requests go through
Django's WSGI handler with the example project's middleware, as under gunicorn.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "example_project"), str(HERE)]


def wsgi_get(application, path: str, headers: dict[str, str]) -> bytes:
    """One GET through the WSGI application, as gunicorn would call it."""
    route, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": urllib.parse.unquote(route).encode().decode("latin-1"),
        "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    status: list[str] = []
    body = b"".join(application(environ, lambda s, h, exc_info=None: status.append(s)))
    if not status[0].startswith("200"):
        raise RuntimeError(f"{path}: {status[0]} {body[:300]!r}")
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=1000, help="requests per profile")
    parser.add_argument("--profiler", choices=("pyinstrument", "cprofile", "none"), default="pyinstrument")
    parser.add_argument("--only", default="", help="comma-separated requests, e.g. read-Guest,list-session")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="frappe-api-profile-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'ours.sqlite3'}")
    os.environ.update(DJANGO_SETTINGS_MODULE="example_project.settings", DJANGO_DEBUG="0",
                      DJANGO_MEDIA_ROOT=str(workdir / "media"), DJANGO_CACHE_DIR=str(workdir / "cache"))
    import django

    django.setup()
    import load
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from run import LIST_QUERY

    call_command("migrate", interactive=False, verbosity=0)
    credentials = load.load_ours(args.rows)
    application = get_wsgi_application()
    headers = {
        "Guest": {},
        "token": {"Authorization": credentials["authorization"]},
        "session": {"Cookie": f"sessionid={credentials['session']}"},
    }
    paths = {
        "read": f"/api/resource/Bench%20Item/BI-{args.rows // 2:05d}",
        "list": f"/api/resource/Bench%20Item?{LIST_QUERY}",
        "read-v2": f"/api/v2/document/Bench%20Item/BI-{args.rows // 2:05d}",
        "list-v2": f"/api/v2/document/Bench%20Item?{LIST_QUERY}",
    }
    selected = [(kind, auth) for kind in paths for auth in headers
                if not args.only or f"{kind}-{auth}" in args.only.split(",")]

    print("Warm SQL queries per request:")
    for kind, auth in selected:
        for _ in range(3):
            wsgi_get(application, paths[kind], headers[auth])
        with CaptureQueriesContext(connection) as queries:
            wsgi_get(application, paths[kind], headers[auth])
        print(f"  {kind:8} {auth:8} {len(queries)}")
        for query in queries:
            print(f"      {query['sql'][:160]}")

    for kind, auth in selected:
        if args.profiler == "none" or kind.endswith("-v2"):
            continue
        path, request_headers = paths[kind], headers[auth]
        started = time.perf_counter()
        if args.profiler == "pyinstrument":
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            profiler.start()
            for _ in range(args.requests):
                wsgi_get(application, path, request_headers)
            profiler.stop()
            report = profiler.output_text(unicode=False, color=False, show_all=False)
        else:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                wsgi_get(application, path, request_headers)
            profile.disable()
            stream = io.StringIO()
            pstats.Stats(profile, stream=stream).sort_stats("tottime").print_stats(30)
            report = stream.getvalue()
        elapsed = (time.perf_counter() - started) / args.requests * 1000
        print(f"\n===== {kind} {auth}: {elapsed:.2f} ms/request under the profiler =====\n{report}")


if __name__ == "__main__":
    main()
