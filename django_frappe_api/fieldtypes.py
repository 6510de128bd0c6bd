"""Frappe fieldtypes: which hold data, how values are coerced on write, how they are compared in SQL.

Usage::

    from django_frappe_api import fieldtypes
    fieldtypes.coerce("Int", "12.7")        # -> 12
    fieldtypes.coerce("Check", None)         # -> 0
    fieldtypes.db_kind("Currency")          # -> "float": cast JSON text to a number to filter/sort

Dates, datetimes and times are stored as fixed-width strings (``YYYY-MM-DD``,
``YYYY-MM-DD HH:MM:SS.ffffff``, ``HH:MM:SS.ffffff``) so that string order is time order on every
database and no per-vendor date cast is needed.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from . import exceptions

LAYOUT_TYPES = frozenset(
    {"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Image", "Fold", "Heading"}
)
TABLE_TYPES = frozenset({"Table", "Table MultiSelect"})
INT_TYPES = frozenset({"Int", "Long Int", "Check", "Duration"})
FLOAT_TYPES = frozenset({"Float", "Currency", "Percent", "Rating"})
NUMERIC_TYPES = INT_TYPES | FLOAT_TYPES
DATE_TYPES = frozenset({"Date"})
DATETIME_TYPES = frozenset({"Datetime"})
TIME_TYPES = frozenset({"Time"})
TEXT_TYPES = frozenset(
    {
        "Data", "Link", "Dynamic Link", "Select", "Small Text", "Text", "Long Text", "Text Editor",
        "HTML Editor", "Markdown Editor", "Code", "Read Only", "Password", "Attach", "Attach Image",
        "Signature", "Color", "Barcode", "Phone", "Autocomplete", "Icon", "Geolocation", "JSON",
    }
)  # fmt: skip
DATA_TYPES = TEXT_TYPES | NUMERIC_TYPES | DATE_TYPES | DATETIME_TYPES | TIME_TYPES
ALL_TYPES = DATA_TYPES | TABLE_TYPES | LAYOUT_TYPES

# Types whose column is varchar(length) in Frappe's type_map (length check applies); Password, Attach,
# Attach Image and Barcode are text columns there.
VARCHAR_TYPES = frozenset(
    {"Data", "Link", "Dynamic Link", "Select", "Read Only", "Color", "Phone", "Autocomplete", "Icon"}
)  # fmt: skip
DEFAULT_VARCHAR_LENGTH = 140
# Largest absolute value of Frappe's integer columns (``max_positive_value`` in base_document.py): Int is
# an int column, a bigint when its ``length`` exceeds 11; Long Int is a bigint.
INT_COLUMN_MAX = {"int": 2**31 - 1, "bigint": 2**63 - 1}

# Frappe fields every document has; a DocType may not redefine them.
STANDARD_FIELDS = ("name", "owner", "creation", "modified", "modified_by", "docstatus", "idx")
CHILD_STANDARD_FIELDS = ("parent", "parentfield", "parenttype")
# Frappe's optional columns of every non-child table (JSON text: `_comments` the last comments, `_assign` and
# `_liked_by` user lists, `_user_tags` ",tag,tag"; `_seen` only with track_seen in Frappe, always here). They
# are null until the feature owning them writes them, and never part of a document's own values.
OPTIONAL_FIELDS = ("_user_tags", "_comments", "_assign", "_liked_by", "_seen")
# ``data`` stays allowed: Frappe's own Version and Deleted Document have it (a v1 payload's ``data`` key
# is read as the document, as in Frappe, so such fields are filled server-side).
RESERVED_FIELDNAMES = frozenset(STANDARD_FIELDS + CHILD_STANDARD_FIELDS + OPTIONAL_FIELDS + ("doctype", "flags", "id"))
# Fieldtype of each standard column, used by filters and ordering.
STANDARD_FIELD_TYPES = {
    "name": "Data", "owner": "Data", "creation": "Datetime", "modified": "Datetime", "modified_by": "Data",
    "docstatus": "Int", "idx": "Int", "parent": "Data", "parentfield": "Data", "parenttype": "Data",
}  # fmt: skip

DATE_FORMAT = "%Y-%m-%d"
DATETIME_STORE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def holds_value(fieldtype: str) -> bool:
    """Whether a field of this type has a value of its own (not layout, not a child table)."""
    return fieldtype in DATA_TYPES


def column_limit(fieldtype: str, length: int = 0) -> tuple[str, int] | None:
    """What Frappe's ``_validate_length`` checks for a field: ``("varchar", characters)``,
    ``("int", largest absolute value)``, or ``None`` (text, decimal and date columns are not checked)."""
    if fieldtype in VARCHAR_TYPES:
        return "varchar", length or DEFAULT_VARCHAR_LENGTH
    if fieldtype == "Int":
        return "int", INT_COLUMN_MAX["bigint" if length > 11 else "int"]
    if fieldtype == "Long Int":
        return "int", INT_COLUMN_MAX["bigint"]
    return None


def db_kind(fieldtype: str) -> str:
    """How a value of this type is compared in SQL: ``int``, ``float`` or ``text``."""
    if fieldtype in INT_TYPES:
        return "int"
    if fieldtype in FLOAT_TYPES:
        return "float"
    return "text"


def empty_value(fieldtype: str) -> Any:
    """The value IFNULL() falls back to in Frappe's filters (§7.3.1)."""
    if fieldtype in NUMERIC_TYPES:
        return 0
    return ""


def cint(value: Any) -> int:
    """Frappe's ``cint``: int, else int(float), else 0."""
    if isinstance(value, bool):
        return int(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError, OverflowError):
            return 0


def flt(value: Any) -> float:
    """Frappe's ``flt``: a float, non-numeric -> 0.0."""
    if isinstance(value, bool):
        return float(value)
    try:
        result = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(result) or math.isinf(result) else result


def sbool(value: Any) -> Any:
    """Frappe's ``sbool``: "true"/"1" -> True, "false"/"0" -> False, anything else unchanged."""
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
    return value


def parse_date(value: Any) -> dt.date:
    """Accept a date, a datetime, or a string holding either; anything else is a ValidationError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for parser in (dt.date.fromisoformat, lambda s: dt.datetime.fromisoformat(s).date()):
            try:
                return parser(text)
            except ValueError:
                continue
        for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise exceptions.ValidationError(f"{value} is not a valid date string.", title="Invalid Date")


def parse_datetime(value: Any) -> dt.datetime:
    """Accept a datetime, a date (midnight) or an ISO-like string; naive result."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip().replace("T", " ")
        if text.endswith("Z"):
            text = text[:-1]
        try:
            return dt.datetime.fromisoformat(text).replace(tzinfo=None)
        except ValueError:
            pass
    raise exceptions.ValidationError(f"{value} is not a valid datetime string.", title="Invalid Date")


def parse_time(value: Any) -> dt.time:
    """Accept a time, a timedelta, or ``H:MM[:SS[.ffffff]]``."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.timedelta):
        return (dt.datetime.min + value).time()
    if isinstance(value, str):
        text = value.strip()
        parts = text.split(":")
        if 2 <= len(parts) <= 3:
            try:
                hours, minutes = int(parts[0]), int(parts[1])
                seconds = Decimal(parts[2]) if len(parts) == 3 else Decimal(0)
                whole = int(seconds)
                micro = int((seconds - whole) * 1_000_000)
                return dt.time(hours, minutes, whole, micro)
            except (ValueError, InvalidOperation):
                pass
    raise exceptions.ValidationError(f"{value} is not a valid time string.", title="Invalid Time")


def format_date(value: dt.date) -> str:
    return value.strftime(DATE_FORMAT)


def store_datetime(value: dt.datetime) -> str:
    """Fixed-width storage form; string order is time order."""
    return value.strftime(DATETIME_STORE_FORMAT)


def store_time(value: dt.time) -> str:
    return value.strftime("%H:%M:%S.%f")


def format_datetime(value: dt.datetime) -> str:
    """Frappe's wire form: ``str(datetime)`` -- space separator, microseconds only when non-zero."""
    return str(value.replace(tzinfo=None))


def format_stored_datetime(stored: str) -> str:
    """Wire form of a stored datetime string."""
    return stored[:-7] if stored.endswith(".000000") else stored


def format_stored_time(stored: str) -> str:
    """Wire form of a stored time: hours unpadded, fraction only when non-zero (``9:05:00``)."""
    hours, rest = stored.split(":", 1)
    if rest.endswith(".000000"):
        rest = rest[:-7]
    return f"{int(hours)}:{rest}"


def coerce(fieldtype: str, value: Any) -> Any:
    """Turn an incoming value into the stored form of its fieldtype (``None`` for empty).

    Mirrors Frappe's write-time casts: ``cint`` for Int and Check, ``flt`` for numbers, dates
    normalised, JSON serialised compactly. Invalid dates and list values are ValidationErrors.
    """
    if value is None:
        # Frappe saves a null number as 0 (``cint``/``flt`` in ``get_valid_dict``).
        return 0 if fieldtype in INT_TYPES else 0.0 if fieldtype in FLOAT_TYPES else None
    if fieldtype in TABLE_TYPES:
        return value
    if isinstance(value, (list, dict)) and fieldtype != "JSON":
        raise exceptions.ValidationError(f"Value for {fieldtype} field cannot be a list")
    if fieldtype == "Check":
        return 1 if cint(value) else 0
    if fieldtype in INT_TYPES:
        return cint(value)
    if fieldtype == "Rating":
        return min(max(flt(value), 0.0), 1.0)
    if fieldtype in FLOAT_TYPES:
        return flt(value)
    if fieldtype == "JSON":
        if isinstance(value, str):
            return value
        return json.dumps(value, separators=(",", ":"), default=str)
    if isinstance(value, str) and value == "" and fieldtype in DATE_TYPES | DATETIME_TYPES | TIME_TYPES:
        return None
    return _stored_text(fieldtype, value)


def to_wire(fieldtype: str, stored: Any) -> Any:
    """Turn a stored value into what Frappe sends for it."""
    if stored is None:
        return None
    if fieldtype in DATETIME_TYPES and isinstance(stored, str):
        return format_stored_datetime(stored)
    if fieldtype in TIME_TYPES and isinstance(stored, str):
        return format_stored_time(stored)
    return stored


def filter_value(fieldtype: str, value: Any) -> Any:
    """Coerce a filter operand to the stored form of the field it is compared with (§7.3.2)."""
    if value is None:
        return None
    if fieldtype in NUMERIC_TYPES:
        number = flt(value)
        return int(number) if fieldtype in INT_TYPES and number == int(number) else number
    if value == "":
        return ""
    return _stored_text(fieldtype, value)


def _stored_text(fieldtype: str, value: Any) -> str:
    """A non-empty value stored as text: dates, datetimes and times in their fixed-width form."""
    if fieldtype in DATE_TYPES:
        return format_date(parse_date(value))
    if fieldtype in DATETIME_TYPES:
        return store_datetime(parse_datetime(value))
    if fieldtype in TIME_TYPES:
        return store_time(parse_time(value))
    if isinstance(value, bool):
        return str(int(value))
    return str(value)
