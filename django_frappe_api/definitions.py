"""DocType definitions in Frappe's JSON shape: validate and save them.

The three ways a DocType arrives -- JSON files of an app, the Django admin, and
``POST /api/resource/DocType`` -- all end in ``save_definition``::

    from django_frappe_api.definitions import save_definition
    save_definition({"name": "Note", "fields": [{"fieldname": "title", "fieldtype": "Data"}]})

A malformed definition raises ``exceptions.ValidationError`` with a message saying what is wrong.
Above ``meta``: saving drops the cached meta directly; rows <-> JSON is ``doctype_rows``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import exceptions
from .backends import index_sync
from .definition_checks import check_definition
from .doctype_rows import (
    as_stored,
    comparable,
    docfield_row,
    docperm_row,
    doctype_as_dict,
    fill_doctype_row,
)
from .meta import clear_meta_cache
from .models import DocField, DocPerm, DocType

__all__ = ["dynamic_link_fields", "link_fields_to", "save_definition", "validate_definition"]


def validate_definition(data: Any, *, known_doctypes: Iterable[str] = (), from_file: bool = False) -> dict[str, Any]:
    """Check a DocType dict and return it cleaned (fields numbered, flags as 0/1); raise the first problem.

    ``known_doctypes`` are names that Link and Table fields may point to besides the DocTypes
    already saved (the other files of one batch being loaded). ``from_file`` reads a Frappe export:
    exports drop every falsy key, so a missing flag or right means 0 (Frappe imports them without
    defaults), while a definition typed by a person gets DocPerm's defaults (read, write, create, ...).
    """
    cleaned, problems = check_definition(data, known_doctypes=known_doctypes, from_file=from_file)
    if problems:
        raise exceptions.ValidationError(problems[0])
    return cleaned


def save_definition(
    data: Any, *, user: str = "Administrator", known_doctypes: Iterable[str] = (), from_file: bool = False
) -> DocType:
    """Validate and store a DocType; unchanged definitions are left untouched (idempotent).

    Returns the ``DocType`` row.
    """
    cleaned = validate_definition(data, known_doctypes=known_doctypes, from_file=from_file)
    name = cleaned["name"]
    with transaction.atomic():
        existing = DocType.objects.filter(name=name).prefetch_related("fields", "permissions").first()
        if existing is not None and comparable(doctype_as_dict(existing)) == comparable(as_stored(cleaned)):
            return existing
        now = timezone.now()
        row = existing or DocType(name=name, owner=user, creation=now)
        row.modified, row.modified_by = now, user
        fill_doctype_row(row, cleaned)
        row.save()
        row.fields.all().delete()
        row.permissions.all().delete()
        DocField.objects.bulk_create([docfield_row(row, f) for f in cleaned["fields"]])
        DocPerm.objects.bulk_create([docperm_row(row, p) for p in cleaned["permissions"]])
        clear_meta_cache(name)  # now, and again on commit
    index_sync.sync_doctype(name)  # after the block: in autocommit, PostgreSQL builds them concurrently
    return DocType.objects.prefetch_related("fields", "permissions").get(name=name)


def link_fields_to(doctype: str) -> list[tuple[str, str]]:
    """``(DocType, fieldname)`` of every stored Link field pointing at ``doctype``, in definition order."""
    return list(DocField.objects.filter(fieldtype="Link", options=doctype).values_list("doctype_id", "fieldname"))


def dynamic_link_fields() -> list[tuple[str, str, str]]:
    """``(DocType, fieldname, type field)`` of every stored Dynamic Link field, in definition order."""
    return list(DocField.objects.filter(fieldtype="Dynamic Link").values_list("doctype_id", "fieldname", "options"))
