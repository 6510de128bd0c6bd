"""Names and literals written into DDL and trigger SQL on PostgreSQL and SQLite, which quote alike.

Usage::

    from django_frappe_api.backends.sql_text import document_table, literal, quote
    f"CREATE INDEX {quote(name)} ON {document_table()} (...) WHERE doctype = {literal('Task')}"

DDL takes no parameters, so DocType and field names are written into it. They come from definitions, never
from a request, and are quoted here the one way both engines read them (``standard_conforming_strings``
is on in PostgreSQL). MariaDB/MySQL, whose strings also escape backslashes, have their own in
``mysql_columns``.
"""

from __future__ import annotations

from django.db import connection

from ..models import Document


def quote(name: str) -> str:
    """An identifier, quoted by the connection's own rules."""
    return connection.ops.quote_name(name)


def literal(text: str) -> str:
    """A string literal: single quotes doubled."""
    return "'" + text.replace("'", "''") + "'"


def document_table() -> str:
    """The quoted name of ``Document``'s table."""
    return quote(Document._meta.db_table)
