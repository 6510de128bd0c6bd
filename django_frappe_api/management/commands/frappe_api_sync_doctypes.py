"""``manage.py frappe_api_sync_doctypes [PATH ...]``: load DocType JSON files into the database.

Without arguments it loads ``doctypes/*.json`` of every installed app (or of
``FRAPPE_API["DOCTYPE_APPS"]``); paths may name files or folders. Safe to run again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ...doctype_files import DefinitionFileError, app_doctype_paths, read_definition_files, sync_definitions


class Command(BaseCommand):
    help = "Load Frappe DocType JSON files shipped by installed apps (or given paths) into the database."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="DocType JSON files or folders (default: every app's doctypes/)")
        parser.add_argument("--user", default="Administrator", help="Recorded as owner/modified_by")

    def handle(self, *args, **options):
        paths = options["paths"] or app_doctype_paths()
        try:
            counts = sync_definitions(read_definition_files(paths), user=options["user"])
        except DefinitionFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"DocTypes: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
        )
