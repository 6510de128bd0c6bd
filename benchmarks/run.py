"""HTTP benchmark: the example project against a hand-written Django view and a DRF ``ModelViewSet``.

Usage (from the repository root, with the ``bench`` extra installed)::

    python benchmarks/run.py                                   # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python benchmarks/run.py --rows 20000

Each server is gunicorn with one sync worker pinned to CPU 0; the load generator (``wrk`` when installed,
else a small keep-alive Python client) runs on CPU 1. For every request the three servers are measured in
alternating rounds, and the table reports the median of the per-round ratios, so drift from other load on the
machine cancels out. Worker CPU per request comes from ``/proc/<pid>/stat`` (utime + stime).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "example_project"
BASELINE = HERE / "baseline"
PYTHON = sys.executable
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
LIST_QUERY = urllib.parse.urlencode({
    "fields": '["name","title","status","qty","modified"]',
    "filters": '[["status","=","Open"]]',
    "order_by": "modified desc",
    "limit_page_length": "20",
})
AUTHS = ("Guest", "token", "session")


@dataclass
class Server:
    label: str
    cwd: Path
    wsgi: str
    port: int
    env: dict
    process: subprocess.Popen | None = None
    worker: int = 0
    credentials: dict = field(default_factory=dict)

    def manage(self, *args: str, capture: bool = False) -> str:
        done = subprocess.run([PYTHON, *args], cwd=self.cwd, env=self.env, check=True, text=True,
                              stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
        return done.stdout or ""

    def start(self) -> None:
        gunicorn = [PYTHON, "-m", "gunicorn", "--workers", "1", "--worker-class", "sync", "--bind",
                    f"127.0.0.1:{self.port}", "--backlog", "64", "--log-level", "warning", self.wsgi]
        self.process = subprocess.Popen(["taskset", "-c", "0", *gunicorn], cwd=self.cwd, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            if children:
                try:
                    get(self.port, "/__ping__")
                    self.worker = int(children[0])
                    return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.label} did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.worker}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICK  # utime, stime (fields 14 and 15)


@dataclass
class Target:
    label: str
    server: Server
    path: str
    auth: str

    def headers(self) -> dict[str, str]:
        if self.auth == "token":
            return {"Authorization": self.server.credentials["authorization"]}
        if self.auth == "session":
            return {"Cookie": f"sessionid={self.server.credentials['session']}"}
        return {}


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wrk(target: Target, seconds: float, connections: int) -> int:
    """Requests completed in ``seconds`` by wrk on CPU 1; non-2xx answers are an error."""
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    for name, value in target.headers().items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{target.server.port}{target.path}")
    output = subprocess.run(command, check=True, text=True, capture_output=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"{target.label}: errors during the run\n{output}")
    return int(re.search(r"(\d+) requests in", output).group(1))


def python_load(target: Target, seconds: float, connections: int) -> int:
    """The same with threads of keep-alive ``http.client`` connections (reopened when the server closes)."""
    os.sched_setaffinity(0, {1})
    counts = [0] * connections
    stop = time.monotonic() + seconds
    errors: list[str] = []

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", target.server.port, timeout=30)
        headers = target.headers()
        while time.monotonic() < stop:
            connection.request("GET", target.path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{target.label}: HTTP {response.status}")
                return
            counts[slot] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(counts)


def measure(target: Target, seconds: float, connections: int, load) -> tuple[float, float]:
    """(requests/s, worker CPU ms per request) of one round."""
    cpu_before, started = target.server.cpu_seconds(), time.monotonic()
    requests = load(target, seconds, connections)
    elapsed, cpu = time.monotonic() - started, target.server.cpu_seconds() - cpu_before
    return requests / elapsed, 1000 * cpu / max(requests, 1)


def check(target: Target) -> list:
    status, body = get(target.server.port, target.path, target.headers())
    if status != 200:
        raise RuntimeError(f"{target.label} {target.auth}: HTTP {status} {body[:300]!r}")
    data = json.loads(body)
    data = data.get("data", data)
    return [row["name"] for row in data] if isinstance(data, list) else [data["name"]]


def prepare(rows: int, workdir: Path, database_url: str | None, conn_max_age: str,
            port: int) -> tuple[Server, Server]:
    base_env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_CONN_MAX_AGE": conn_max_age, "PYTHONPATH": ""}
    # The package of this checkout, whatever copy is installed.
    env_ours = {**base_env, "DJANGO_SETTINGS_MODULE": "example_project.settings",
                "DJANGO_MEDIA_ROOT": str(workdir / "media"), "DJANGO_CACHE_DIR": str(workdir / "cache"),
                "PYTHONPATH": f"{EXAMPLE}{os.pathsep}{ROOT}"}
    env_base = {**base_env, "DJANGO_SETTINGS_MODULE": "baseline_project.settings", "PYTHONPATH": str(BASELINE)}
    env_ours["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'ours.sqlite3'}"
    env_base["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'baseline.sqlite3'}"
    ours = Server("django_frappe_api", EXAMPLE, "example_project.wsgi:application", port, env_ours)
    baseline = Server("baseline", BASELINE, "baseline_project.wsgi:application", port + 1, env_base)
    for server, project in ((ours, "ours"), (baseline, "baseline")):
        server.manage("manage.py", "migrate", "--no-input", "-v", "0")
        output = server.manage(str(HERE / "load.py"), project, str(rows), capture=True)
        server.credentials = json.loads(output.strip().splitlines()[-1])
    return ours, baseline


def ratio_cell(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one measurement")
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--conn-max-age", default="600", help="CONN_MAX_AGE of both projects")
    parser.add_argument("--port", type=int, default=8105, help="of the example project; the baseline's is next")
    parser.add_argument("--load", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--only", default="", help="comma-separated requests to run, e.g. read-Guest,list-token")
    args = parser.parse_args()
    use_wrk = args.load == "wrk" or (args.load == "auto" and shutil.which("wrk"))
    load = wrk if use_wrk else python_load
    database_url = os.environ.get("DATABASE_URL")
    engine = urllib.parse.urlsplit(database_url).scheme if database_url else "sqlite"

    workdir = Path(tempfile.mkdtemp(prefix="frappe-api-bench-"))
    ours, baseline = prepare(args.rows, workdir, database_url, args.conn_max_age, args.port)
    doctype = urllib.parse.quote("Bench Item")
    read_name = f"BI-{args.rows // 2:05d}"  # a row in the middle of the table
    requests = {
        "read": (f"/api/resource/{doctype}/{read_name}", f"/items/{read_name}", f"/drf/items/{read_name}/"),
        "list": (f"/api/resource/{doctype}?{LIST_QUERY}", "/items/?status=Open", "/drf/items/?status=Open"),
    }
    table = []
    try:
        ours.start()
        baseline.start()
        for kind, (ours_path, plain_path, drf_path) in requests.items():
            for auth in AUTHS:
                if args.only and f"{kind}-{auth}" not in args.only.split(","):
                    continue
                targets = [Target("django_frappe_api", ours, ours_path, auth),
                           Target("Django values()", baseline, plain_path, auth),
                           Target("DRF ModelViewSet", baseline, drf_path, auth)]
                names = [check(target) for target in targets]
                if not names[0] == names[1] == names[2]:
                    raise RuntimeError(f"{kind} {auth}: the servers answer different rows: {names}")
                for target in targets:  # warm up: metas, permissions, connections
                    load(target, 1, 1)
                results: list[list[tuple[float, float]]] = [[], [], []]
                for round_number in range(args.rounds):
                    order = [0, 1, 2] if round_number % 2 == 0 else [2, 1, 0]
                    for index in order:
                        results[index].append(measure(targets[index], args.seconds, args.connections, load))
                table.append((kind, auth, results))
                summary = ", ".join(f"{target.label} {statistics.median(r[0] for r in result):.0f}/s"
                                    for target, result in zip(targets, results, strict=True))
                print(f"{kind} {auth}: {summary}", file=sys.stderr)
    finally:
        ours.stop()
        baseline.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{args.rows} rows, {engine}, one sync gunicorn worker on CPU 0, {'wrk' if use_wrk else 'python'} "
          f"-c{args.connections} on CPU 1, {args.rounds} alternating rounds of {args.seconds:g} s; "
          "ratios are medians of per-round ratios (ours over the baseline; for CPU, the baseline's CPU per request "
          "over ours).\n")
    print("| request | auth | req/s vs values() | vs DRF | worker CPU vs values() | vs DRF "
          "| worker CPU ms/req: ours · values() · DRF | req/s: ours · values() · DRF |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, auth, (mine, plain, drf) in table:
        speed = [ratio_cell([m[0] / b[0] for m, b in zip(mine, base, strict=True)]) for base in (plain, drf)]
        # CPU per request as a speed: the baseline's CPU over ours (above 1 is less CPU than the baseline).
        cpu_speed = [ratio_cell([b[1] / m[1] for m, b in zip(mine, base, strict=True)]) for base in (plain, drf)]
        cpu = " · ".join(f"{statistics.median(r[1] for r in res):.2f}" for res in (mine, plain, drf))
        rps = " · ".join(f"{statistics.median(r[0] for r in res):.0f}" for res in (mine, plain, drf))
        label = "read one" if kind == "read" else "list 20 (filter, order_by)"
        print(f"| {label} | {auth} | {speed[0]} | {speed[1]} | {cpu_speed[0]} | {cpu_speed[1]} | {cpu} | {rps} |")


if __name__ == "__main__":
    main()
