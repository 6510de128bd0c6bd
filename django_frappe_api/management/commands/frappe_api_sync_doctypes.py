"""``manage.py frappe_api_sync_doctypes [PATH ...]``: load DocType JSON files into the database.

Without arguments it loads ``doctypes/*.json`` of every installed app (or of
``FRAPPE_API["DOCTYPE_APPS"]``); paths may name files or folders. Safe to run again: unchanged
files change nothing. Every problem of every file is reported; the valid files are loaded all the
same, and the exit status is non-zero only when something was refused.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...doctype_files import app_doctype_paths, sync_definition_files

# This app's own DocType files (Version, File, ...) keep Frappe's properties on purpose; warning about them
# would only tell every new user that we know what we ship.
OWN_FILES = Path(__file__).resolve().parents[2] / "doctypes"


class Command(BaseCommand):
    help = "Load Frappe DocType JSON files shipped by installed apps (or given paths) into the database."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="DocType JSON files or folders (default: every app's doctypes/)")
        parser.add_argument("--user", default="Administrator", help="Recorded as owner/modified_by")

    def handle(self, *args, **options):
        paths = options["paths"] or app_doctype_paths()
        report = sync_definition_files(paths, user=options["user"])
        self.stdout.write(report.summary())
        for file, name, inert in report.warnings:
            if Path(file).resolve().is_relative_to(OWN_FILES):
                continue
            self.stderr.write(f"warning: {name} ({file}): stored but not acted on: {inert}")
        for file, name, problems in report.refused:
            self.stderr.write(f"refused: {name or '?'} ({file}):")
            for problem in problems:
                self.stderr.write(f"  - {problem}")
        if report.refused:
            raise CommandError(f"{len(report.refused)} DocType definition(s) refused, see above")
