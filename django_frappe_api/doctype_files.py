"""DocType JSON files that apps ship in a ``doctypes/`` folder, loaded in one batch with a full report.

Usage::

    report = sync_definition_files(app_doctype_paths())
    report.created, report.updated, report.unchanged     # DocType names
    report.refused                                       # [(file, name, [problem, ...]), ...]

A file holds one DocType in Frappe's JSON format (``"doctype": "DocType"``) or a list of them.
Every file is checked and every problem of every file is reported; what is valid is saved, Link
targets and child tables first whatever the file order, and a DocType whose Link target was refused
is refused with it. Re-syncing unchanged files changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import transaction

from . import exceptions
from .conf import api_settings
from .definition_checks import check_definition, link_targets
from .definitions import save_definition
from .meta import doctype_exists
from .models import DocType

# Properties kept with the definition (they round-trip through meta) that nothing here acts on.
INERT_DOCTYPE_PROPERTIES = (
    "is_tree", "track_seen", "track_views", "is_virtual", "max_attachments", "in_create", "read_only",
    "has_web_view", "allow_guest_to_view", "queue_in_background",
)  # fmt: skip
INERT_FIELD_PROPERTIES = (
    "mandatory_depends_on", "read_only_depends_on", "in_global_search", "translatable",
    "precision", "ignore_user_permissions",
)  # fmt: skip


class DefinitionFileError(Exception):
    """A DocType file that cannot be read or is refused; the message names the file."""


@dataclass
class SyncReport:
    """What one sync did: names saved or left alone, refusals with every reason, inert properties."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[Path, str, list[str]]] = field(default_factory=list)
    warnings: list[tuple[Path, str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"DocTypes: {len(self.created)} created, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged, {len(self.refused)} refused")


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


def read_definition_files(
    paths: Iterable[Path | str], report: SyncReport | None = None
) -> list[tuple[Path, dict[str, Any]]]:
    """Every DocType dict in the given files and folders, with the file it came from.

    An unreadable file is added to ``report.refused`` when a report is given, else raised.
    """
    found: list[tuple[Path, dict[str, Any]]] = []

    def refuse(file: Path, message: str) -> None:
        if report is None:
            raise DefinitionFileError(f"{file}: {message}")
        report.refused.append((file, "", [message]))

    for raw in paths:
        path = Path(raw)
        files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
        for file in files:
            try:
                content = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                refuse(file, str(error))
                continue
            items = content if isinstance(content, list) else [content]
            for item in items:
                if not isinstance(item, dict) or item.get("doctype", "DocType") != "DocType":
                    refuse(file, "not a DocType definition")
                    continue
                found.append((file, item))
    return found


def sync_definition_files(paths: Iterable[Path | str], *, user: str = "Administrator") -> SyncReport:
    """Check every file, save what is valid, and say what was refused and why."""
    report = SyncReport()
    definitions = read_definition_files(paths, report)
    return sync_definitions(definitions, user=user, report=report)


def sync_definitions(
    definitions: list[tuple[Path, dict[str, Any]]], *, user: str = "Administrator", report: SyncReport | None = None
) -> SyncReport:
    """Save a batch of definitions; unchanged ones are left as they are, refused ones are reported."""
    report = report or SyncReport()
    by_name: dict[str, tuple[Path, dict[str, Any]]] = {}
    problems: dict[str, list[str]] = {}
    for file, item in definitions:
        name = item.get("name") if isinstance(item.get("name"), str) else ""
        name = name.strip()
        if not name:
            report.refused.append((file, "", check_definition(item, known_doctypes=(), from_file=True)[1]))
            continue
        if name in by_name:
            report.refused.append((file, name, [f"DocType {name} is also defined in {by_name[name][0]}"]))
            continue
        by_name[name] = (file, item)
    batch = set(by_name)
    for name, (_file, item) in by_name.items():
        _, found = check_definition(item, known_doctypes=batch, from_file=True)
        problems[name] = found
    _refuse_dependents(by_name, problems)
    for name, (file, _item) in by_name.items():
        if problems[name]:
            report.refused.append((file, name, problems[name]))
    valid = [name for name in by_name if not problems[name]]
    with transaction.atomic():
        for name in _dependency_order(valid, by_name):
            file, item = by_name[name]
            before = DocType.objects.filter(name=name).values_list("modified", flat=True).first()
            try:
                row = save_definition(item, user=user, known_doctypes=valid, from_file=True)
            except exceptions.ValidationError as error:  # only a change between check and save
                report.refused.append((file, name, [error.message or str(error)]))
                continue
            if before is None:
                report.created.append(name)
            elif row.modified != before:
                report.updated.append(name)
            else:
                report.unchanged.append(name)
            inert = _inert_properties(item)
            if inert:
                report.warnings.append((file, name, inert))
    return report


def _refuse_dependents(by_name: dict[str, tuple[Path, dict[str, Any]]], problems: dict[str, list[str]]) -> None:
    """A DocType whose Link or Table target is refused cannot be loaded either, unless the target is
    served already (an earlier sync, a registered model): then the old target stays and serves it."""
    missing = {name for name, found in problems.items() if found and not doctype_exists(name)}
    changed = True
    while changed:
        changed = False
        for name, (_, item) in by_name.items():
            if problems[name]:
                continue
            refused = sorted(t for t in link_targets(item) if t in missing and problems[t] and t != name)
            if refused:
                problems[name] = [f"Links to {target}, which is refused" for target in refused]
                if not doctype_exists(name):
                    missing.add(name)
                changed = True


def _dependency_order(names: list[str], by_name: dict[str, tuple[Path, dict[str, Any]]]) -> list[str]:
    """Link targets and child tables before the DocTypes using them; cycles (Company <-> Account) are cut."""
    ordered: list[str] = []
    state: dict[str, int] = {}
    wanted = set(names)

    def visit(name: str) -> None:
        if state.get(name):
            return
        state[name] = 1
        for target in sorted(link_targets(by_name[name][1])):
            if target in wanted:
                visit(target)
        ordered.append(name)

    for name in sorted(names):
        visit(name)
    return ordered


def _inert_properties(item: dict[str, Any]) -> str:
    """``"is_tree; fields: precision (3)"``: truthy properties stored but not acted on."""
    own = [key for key in INERT_DOCTYPE_PROPERTIES if item.get(key)]
    counts: dict[str, int] = {}
    for f in item.get("fields") or []:
        for key in INERT_FIELD_PROPERTIES:
            if isinstance(f, dict) and f.get(key):
                counts[key] = counts.get(key, 0) + 1
    parts = []
    if own:
        parts.append(", ".join(own))
    if counts:
        parts.append("fields: " + ", ".join(f"{key} ({n})" for key, n in counts.items()))
    return "; ".join(parts)
