"""Field validations of a document about to be stored (§9.10): mandatory, selects, formats, lengths, unique.

Links to other documents are checked in ``links``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from .. import exceptions, fieldtypes
from ..backends.base import get_backend
from ..formats import EMAIL_RE, NAME_RE, PHONE_RE
from ..messages import msgprint
from ..meta import FieldMeta, Meta, get_meta
from .values import doc_rows


def validate_doc(meta: Meta, doc: dict[str, Any]) -> None:
    """Field validations of §9.10: mandatory first, then selects, formats, lengths, uniqueness."""
    _check_mandatory(meta, doc)
    for row_prefix, row_meta, row in doc_rows(meta, doc):
        for field in row_meta.data_fields:
            _validate_value(row_meta, field, row, row_prefix)
    backend = get_backend(meta)
    for field in meta.data_fields:
        value = doc.get(field.fieldname)
        if field.unique and value not in (None, "") and backend.value_exists(
            meta, field.fieldname, value, exclude_name=doc["name"]
        ):
            raise exceptions.UniqueValidationError(f"{field.display_label} must be unique")


def _check_mandatory(meta: Meta, doc: dict[str, Any]) -> None:
    missing: list[str] = []
    for field in meta.fields:
        if not field.reqd or not field.fieldname:
            continue
        if field.is_table:
            if not doc.get(field.fieldname):
                msgprint(f"Error: Data missing in table: {field.display_label}", title="Message")
                missing.append(field.fieldname)
        elif _is_empty(doc.get(field.fieldname), field):
            msgprint(f"Error: Value missing for {meta.name}: {field.display_label}", title="Message")
            missing.append(field.fieldname)
    for table in meta.table_fields:
        child_meta = get_meta(table.options)
        for row in doc.get(table.fieldname) or []:
            for field in child_meta.data_fields:
                if field.reqd and _is_empty(row.get(field.fieldname), field):
                    msgprint(
                        f"Error: <strong>{child_meta.name}</strong> Row #{row.get('idx')}: "
                        f"Value missing for: {field.display_label}",
                        title="Message",
                    )
                    missing.append(f"{table.fieldname}[{row.get('idx')}].{field.fieldname}")
    if missing:
        raise exceptions.MandatoryError(detail=f"[{meta.name}, {doc.get('name')}]: {', '.join(missing)}")


def _is_empty(value: Any, field: FieldMeta) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        text = re.sub(r"<[^>]*>", "", value) if field.fieldtype in ("Text Editor", "HTML Editor") else value
        return not text.strip()
    return False


def _validate_value(meta: Meta, field: FieldMeta, doc: dict[str, Any], row_prefix: str) -> None:
    value = doc.get(field.fieldname)
    if value in (None, ""):
        return
    label = field.display_label
    if field.fieldtype == "Select":
        options = [o for o in field.select_options]
        if str(value).strip() not in options:
            quoted = ", ".join(f'"{o}"' for o in options if o)
            raise exceptions.ValidationError(f'{row_prefix} {label} cannot be "{value}". It should be one of {quoted}')
    _check_length(meta, field, doc, value, row_prefix)
    if field.non_negative and field.fieldtype in fieldtypes.NUMERIC_TYPES and value < 0:
        raise exceptions.NonNegativeError(f"Value cannot be negative for {meta.name}: <strong>{label}</strong>")
    if field.fieldtype == "Data" and field.options == "Email" and not _valid_emails(value):
        raise exceptions.InvalidEmailAddressError(f"{value} is not a valid Email Address")
    if (field.fieldtype == "Phone" or (field.fieldtype == "Data" and field.options == "Phone")) and not (
        PHONE_RE.match(str(value))
    ):
        raise exceptions.InvalidPhoneNumberError(f"{value} is not a valid Phone Number")
    if field.fieldtype == "Data" and field.options == "Name" and not NAME_RE.match(str(value)):
        raise exceptions.InvalidNameError(f"{value} is not a valid Name")
    if field.fieldtype == "Data" and field.options == "URL" and not _valid_url(str(value)):
        raise exceptions.ValidationError(f"'<strong>{value}</strong>' is not a valid URL")


def _check_length(meta: Meta, field: FieldMeta, doc: dict[str, Any], value: Any, row_prefix: str) -> None:
    """Frappe's ``_validate_length``: a varchar holds ``length`` (default 140) characters, an Int column a
    32-bit value (64-bit for Long Int or ``length`` > 11), whatever the database would accept."""
    limit = None if meta.issingle else fieldtypes.column_limit(field.fieldtype, field.length)
    if limit is None:
        return  # a Single's values are stored as text, whatever their fieldtype
    kind, maximum = limit
    too_big = len(str(value)) > maximum if kind == "varchar" else abs(fieldtypes.cint(value)) > maximum
    if too_big:
        reference = f"{meta.name}, Row {doc.get('idx')}" if row_prefix else f"{meta.name} {doc.get('name')}"
        raise exceptions.CharacterLengthExceededError(
            f"{reference}: '<strong>{field.display_label}</strong>' ({value}) will get truncated, "
            f"as max characters allowed is {maximum}",
            title="Value too big",
        )


def _valid_url(value: str) -> bool:
    # frappe.utils.validate_url: a network location, or a path on this site.
    return bool(urlparse(value).netloc) or value.startswith("/")


def _valid_emails(value: str) -> bool:
    return all(EMAIL_RE.match(part.strip()) for part in re.split(r"[,;\n]", value) if part.strip())
