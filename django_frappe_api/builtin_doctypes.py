"""The DocTypes this app ships itself (``Comment``, ``File``), kept in sync after every ``migrate``.

Usage (wired in ``FrappeApiConfig.ready()``)::

    post_migrate.connect(sync_builtin_doctypes, sender=app_config)
    sync_builtin_doctypes()        # or call it directly, e.g. in a test

The definitions are Frappe-format JSON files in ``django_frappe_api/doctypes/``. Saving is idempotent:
``definitions.save_definition`` leaves an unchanged DocType untouched, so running it on every migrate
costs a few reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .doctype_files import DefinitionFileError, read_definition_files, sync_definitions

DOCTYPES_DIR = Path(__file__).resolve().parent / "doctypes"


def sync_builtin_doctypes(*args: Any, using: str = "default", **kwargs: Any) -> list[str]:
    """Create or update the shipped DocTypes; returns their names. Usable as a ``post_migrate`` receiver.

    Loaded exactly as ``frappe_api_sync_doctypes`` loads any app's files, so both agree on every flag.
    """
    if using != "default":  # the DocType tables live in the default database
        return []
    definitions = read_definition_files([DOCTYPES_DIR])
    report = sync_definitions(definitions)
    if report.refused:
        file, _name, problems = report.refused[0]
        raise DefinitionFileError(f"{file}: {problems[0]}")
    return [definition["name"] for _, definition in definitions]
