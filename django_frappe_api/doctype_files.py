"""DocType JSON files that apps ship in a ``doctypes/`` folder, loaded in one idempotent batch.

Usage::

    definitions = read_definition_files(app_doctype_paths())
    counts = sync_definitions(definitions)          # {"created": 2, "updated": 0, "unchanged": 1}

A file holds one DocType in Frappe's JSON format (``"doctype": "DocType"``) or a list of them.
Child tables are saved before the DocTypes that use them, and Link targets may be any DocType of the
batch, so files can be loaded in any order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import transaction

from . import exceptions
from .conf import api_settings
from .definitions import save_definition


class DefinitionFileError(Exception):
    """A DocType file that cannot be read or is refused; the message names the file."""


def app_doctype_paths(app_labels: Iterable[str] | None = None) -> list[Path]:
    """``doctypes/**/*.json`` of the installed apps (or of ``FRAPPE_API["DOCTYPE_APPS"]`` when set)."""
    wanted = set(app_labels or api_settings.DOCTYPE_APPS)
    paths: list[Path] = []
    for config in apps.get_app_configs():
        if wanted and config.label not in wanted and config.name not in wanted:
            continue
        folder = Path(config.path) / "doctypes"
        if folder.is_dir():
            paths.extend(sorted(folder.rglob("*.json")))
    return paths


def read_definition_files(paths: Iterable[Path | str]) -> list[tuple[Path, dict[str, Any]]]:
    """Every DocType dict in the given files and folders, with the file it came from."""
    found: list[tuple[Path, dict[str, Any]]] = []
    for raw in paths:
        path = Path(raw)
        files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
        for file in files:
            try:
                content = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise DefinitionFileError(f"{file}: {error}") from None
            items = content if isinstance(content, list) else [content]
            for item in items:
                if not isinstance(item, dict) or item.get("doctype", "DocType") != "DocType":
                    raise DefinitionFileError(f"{file}: not a DocType definition")
                found.append((file, item))
    return found


def sync_definitions(definitions: list[tuple[Path, dict[str, Any]]], *, user: str = "Administrator") -> dict[str, int]:
    """Save a batch of definitions in one transaction; unchanged ones are left as they are."""
    from .models import DocType

    names = {item.get("name") for _, item in definitions if isinstance(item.get("name"), str)}
    ordered = sorted(definitions, key=lambda pair: 0 if pair[1].get("istable") else 1)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for file, item in ordered:
            before = DocType.objects.filter(name=item.get("name")).values_list("modified", flat=True).first()
            try:
                row = save_definition(item, user=user, known_doctypes=names, from_file=True)
            except exceptions.ValidationError as error:
                raise DefinitionFileError(f"{file}: {error.message or error}") from None
            if before is None:
                counts["created"] += 1
            elif row.modified != before:
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts
