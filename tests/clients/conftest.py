"""The example project served for real: a fresh SQLite database, `demo_setup`, `runserver` on a free port.

Real client libraries speak HTTP to it exactly as they would to a Frappe site, so these tests see what a user of
those libraries sees. They run once per CI run (on the SQLite suite): the example project is what users start,
and the engine-specific behaviour is covered by the HTTP tests of the main suite.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "example_project"
JS_DIR = Path(__file__).resolve().parent / "js"
_MANAGE = [sys.executable, str(EXAMPLE / "manage.py")]


def _suite_database_is_sqlite() -> bool:
    url = os.environ.get("DATABASE_URL") or ""
    return not url or url.startswith("sqlite")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"example project exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/method/ping", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("example project did not answer /api/method/ping in time")


def prepared_site(workdir: Path) -> dict[str, str]:
    """A fresh example project in ``workdir`` (``demo_setup`` run); returns the environment that serves it."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'site.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_CACHE_DIR": str(workdir / "cache"),
        "DJANGO_DEBUG": "1",
        "FRAPPE_ADMIN_PASSWORD": "admin",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "example_project.settings",  # not the suite's settings pytest exported
    }
    setup = subprocess.run([*_MANAGE, "demo_setup"], cwd=EXAMPLE, env=env, capture_output=True, text=True, timeout=300)
    if setup.returncode:
        raise RuntimeError(f"demo_setup failed:\n{setup.stdout}{setup.stderr}")
    return env


@contextmanager
def served(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """One ``runserver`` process of the prepared site, on a free port; yields its base URL."""
    port = _free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*_MANAGE, "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=EXAMPLE, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


def skip_unless_sqlite_suite() -> None:
    if not _suite_database_is_sqlite():
        pytest.skip("the example project is served once per CI run, on the SQLite suite")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Iterator[str]:
    """Base URL of the running example project (Administrator/admin, demo DocTypes)."""
    skip_unless_sqlite_suite()
    workdir = tmp_path_factory.mktemp("example_site")
    with served(prepared_site(workdir), workdir / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """frappe-js-sdk installed from tests/clients/js/package-lock.json (npm ci on first use)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        if os.environ.get("CI"):
            pytest.fail("node and npm are required in CI for the frappe-js-sdk flow")
        pytest.skip("node/npm not installed: the frappe-js-sdk flow needs them")
    modules = JS_DIR / "node_modules"
    if not (modules / "frappe-js-sdk").is_dir():
        subprocess.run([npm, "ci", "--silent", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True, timeout=600)
    return modules
