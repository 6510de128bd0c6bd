"""The example project's front page answers a useful page, not Django's 404.

The example project is its own Django project (other settings, the ``demo`` app), so its page is
rendered in a subprocess with its settings, through Django's test client (no database, no server).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "example_project"

SCRIPT = """
import django
django.setup()
from django.test import Client
response = Client(HTTP_HOST="127.0.0.1:8000").get("/")
print(response.status_code, response["Content-Type"])
print(response.content.decode())
"""


def _get_home() -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "example_project.settings"
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=EXAMPLE, env=env, capture_output=True,
                            text=True, timeout=60, check=True)
    status, _, body = result.stdout.partition("\n")
    return status, body


def test_home_page_links_admin_api_doctypes_and_curl():
    status, body = _get_home()
    assert status == "200 text/html; charset=utf-8"
    assert "<h1>django-frappe-api example project</h1>" in body
    for link in ('href="/admin/"', 'href="/api/resource/ToDo"', 'href="/api/v2/document/ToDo"',
                 'href="/api/method/ping"', 'href="/api/resource/Note"', 'href="/api/resource/Expense%20Claim"',
                 'href="/api/resource/Customer"'):
        assert link in body
    assert ("curl -s -c cookies -X POST http://127.0.0.1:8000/api/method/login -d usr=Administrator -d pwd=admin"
            in body)
    assert "Authorization: token API_KEY:API_SECRET" in body
