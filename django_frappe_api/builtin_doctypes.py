"""The DocTypes this app ships itself (``Comment``, ``File``), kept in sync after every ``migrate``.

Usage (wired in ``FrappeApiConfig.ready()``)::

    post_migrate.connect(sync_builtin_doctypes, sender=app_config)
    sync_builtin_doctypes()        # or call it directly, e.g. in a test

The definitions are Frappe-format JSON files in ``django_frappe_api/doctypes/``. Saving is idempotent:
``definitions.save_definition`` leaves an unchanged DocType untouched, so running it on every migrate
costs a few reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DOCTYPES_DIR = Path(__file__).resolve().parent / "doctypes"


def builtin_definitions() -> list[dict[str, Any]]:
    """Every shipped definition, in file-name order."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(DOCTYPES_DIR.glob("*.json"))]


def sync_builtin_doctypes(*args: Any, using: str = "default", **kwargs: Any) -> list[str]:
    """Create or update the shipped DocTypes; returns their names. Usable as a ``post_migrate`` receiver."""
    from .definitions import save_definition

    if using != "default":  # the DocType tables live in the default database
        return []
    definitions = builtin_definitions()
    names = [definition["name"] for definition in definitions]
    for definition in definitions:
        save_definition(definition, known_doctypes=names)
    return names
