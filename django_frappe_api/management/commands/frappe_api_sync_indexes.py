"""``manage.py frappe_api_sync_indexes [--dry-run]``: make the field indexes match the DocTypes.

Saving a DocType keeps its indexes in step already; this repairs drift (an index dropped by hand, a
failed concurrent build, a DocType stored before indexes existed, a database restored from elsewhere):
it creates the missing indexes, drops stale ones and refreshes the planner's statistics. ``--dry-run``
prints the SQL without running it. PostgreSQL builds concurrently (run it outside a transaction);
MariaDB/MySQL add, fill or drop the shared columns, their triggers and indexes (``backends.mysql_columns``).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection

from ...backends import index_sync, indexes


class Command(BaseCommand):
    help = "Create missing and drop stale database indexes of DocType fields (search_index, unique, ...)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print the SQL; change nothing")

    def handle(self, *args, **options):
        if connection.vendor not in indexes.ENGINES:
            self.stdout.write(f"No field indexes on {connection.vendor} yet; nothing to do.")
            return
        statements = index_sync.sync_all(dry_run=options["dry_run"])
        if not statements:
            self.stdout.write("Indexes are in sync.")
            return
        for sql in statements:
            self.stdout.write(f"{sql};")
        if not options["dry_run"]:
            self.stdout.write(f"{len(statements)} statement(s) run.")
