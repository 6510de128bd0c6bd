"""NUL characters in stored strings, refused on every database.

PostgreSQL cannot store ``\\x00`` in text or jsonb (psycopg raises ``DataError``, a 500), while SQLite and
MariaDB keep it. Frappe has no rule of its own here, so the document layer refuses such values before
any backend sees them, with a 417 ``ValidationError``, and every database answers alike::

    from django_frappe_api import nul_bytes
    nul_bytes.check_doc(meta, doc)              # the name, every field, every child row
    nul_bytes.check_value("Password", raw)      # a value that is hashed before it is stored
    nul_bytes.check_filter_value("status", v)   # a list filter's value (the query builder calls it)
"""

from __future__ import annotations

from typing import Any

from . import exceptions
from .meta import Meta, get_meta

NUL = "\x00"


def has_nul(value: Any) -> bool:
    return isinstance(value, str) and NUL in value


def check_value(label: str, value: Any, row_prefix: str = "") -> None:
    """Refuse one value holding a NUL character."""
    if has_nul(value):
        message = f"Value for <strong>{label}</strong> cannot contain null characters"
        raise exceptions.ValidationError(f"{row_prefix} {message}" if row_prefix else message)


def check_name(name: Any) -> None:
    """Refuse a document name holding a NUL character."""
    if has_nul(name):
        raise exceptions.ValidationError("Name cannot contain null characters")


def check_filter_value(fieldname: str, value: Any) -> None:
    """Refuse a filter value (or an item of an ``in`` list) holding a NUL character: no stored value has one,
    and PostgreSQL cannot even compare it, so every database refuses the filter alike."""
    values = value if isinstance(value, list | tuple) else [value]
    if any(has_nul(item) for item in values):
        message = f"Filter value for <strong>{fieldname}</strong> cannot contain null characters"
        raise exceptions.ValidationError(message)


def check_doc(meta: Meta, doc: dict[str, Any]) -> None:
    """Refuse a document whose name, field values or child rows hold a NUL character."""
    check_name(doc.get("name"))
    _check_row(meta, doc, "")
    for table in meta.table_fields:
        child_meta = get_meta(table.options)
        for row in doc.get(table.fieldname) or []:
            check_name(row.get("name"))
            _check_row(child_meta, row, f"Row #{row.get('idx')}:")


def _check_row(meta: Meta, row: dict[str, Any], row_prefix: str) -> None:
    for field in meta.data_fields:
        check_value(field.display_label, row.get(field.fieldname), row_prefix)
