"""frappe-js-sdk (npm), unmodified, through the same day as the Python clients (see js/flow.js)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent / "js"


def test_frappe_js_sdk_flow(example_site, node_modules):
    result = subprocess.run(
        [shutil.which("node"), "flow.js"], cwd=JS_DIR, env={**os.environ, "FRAPPE_URL": example_site},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    steps = [line.removeprefix("ok ") for line in result.stdout.splitlines()]
    assert steps == [
        "login", "generate_keys", "api_key readable from User", "token auth", "createDoc", "getDoc",
        "getDocList with filters", "getCount", "updateDoc", "renameDoc", "createDoc submittable",
        "upload then download", "submit", "cancel", "deleteDoc", "error body", "logout",
    ]
