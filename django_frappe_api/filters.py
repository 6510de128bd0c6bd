"""Frappe filters (dict, 3- and 4-item lists, JSON strings) turned into Django ``Q`` objects.

Usage::

    conditions = parse_filters('[["status", "=", "Open"]]', meta)
    q = condition_q(Column("status_col", "Select"), "=", "Open")

Parsing validates shapes, operators and field names (§7.1-7.2); ``condition_q`` reproduces
Frappe's NULL rules (§7.3.1): a NULL cell behaves like the field type's empty value, so
``!= "Open"`` matches it and ``= "Open"`` does not. The rule is applied once, generically: the
operator is tried on the empty value in Python and NULL rows are added or excluded accordingly.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import exceptions, fieldtypes, formats, json_input, timespans

if TYPE_CHECKING:
    from .backends.statements import Binder

OPERATORS = (
    "=", "!=", ">", "<", ">=", "<=", "like", "not like", "in", "not in", "is", "between",
    "timespan", "previous", "next", "ancestors of", "descendants of", "not ancestors of",
    "not descendants of", "descendants of (inclusive)",
)  # fmt: skip
OPERATOR_ERROR = "Operator must be one of " + ", ".join(OPERATORS)
TREE_OPERATORS = frozenset(op for op in OPERATORS if "ancestors" in op or "descendants" in op)

# Empty value each kind of column falls back to under IFNULL (§7.3.1), in stored form.
_FALLBACK = {
    "Date": "0001-01-01",
    "Datetime": "0001-01-01 00:00:00.000000",
    "Time": "00:00:00.000000",
}

@dataclass(frozen=True)
class Condition:
    """One parsed filter: ``doctype`` is the queried DocType or one of its child DocTypes."""

    doctype: str
    fieldname: str
    operator: str
    value: Any


@dataclass(frozen=True)
class Column:
    """Where a field lives in the queryset being filtered, and what type it has.

    ``lookup`` is an ORM path usable in ``filter()`` (a real column or an alias); ``is_datetime_column``
    marks real DateTimeFields (``creation``/``modified``), which need datetime operands.
    """

    lookup: str
    fieldtype: str
    is_datetime_column: bool = False


def load_json_param(value: Any, param: str) -> Any:
    """Decode a parameter that may arrive as a JSON string or as already-decoded JSON."""
    if isinstance(value, (bytes, bytearray)):
        return json_input.loads(value, param, quote=True) if value.strip() else None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        return json_input.loads(text, param, quote=True)
    return value


def parse_filters(filters: Any, doctype: str, param: str = "filters") -> list[Condition]:
    """Normalise any Frappe filter shape into conditions (field names not yet resolved)."""
    filters = load_json_param(filters, param)
    if not filters:
        return []
    if isinstance(filters, dict):
        return [_from_pair(doctype, key, value) for key, value in filters.items()]
    if not isinstance(filters, list):
        raise exceptions.ValidationError(f"'{param}' must be a list or dictionary")
    conditions: list[Condition] = []
    for item in filters:
        if isinstance(item, dict):
            conditions.extend(_from_pair(doctype, key, value) for key, value in item.items())
        elif isinstance(item, (list, tuple)):
            conditions.append(_from_list(doctype, list(item)))
        elif isinstance(item, str):
            raise exceptions.DataError(f"Field not permitted in query: {item}")
        else:
            raise exceptions.ValidationError("Filter must be a tuple or list (in a list)")
    return conditions


def _from_pair(doctype: str, key: Any, value: Any) -> Condition:
    doctype, fieldname = _fieldname(doctype, key)
    if isinstance(value, (list, tuple)):
        operator = value[0] if value else "="
        operand = value[1] if len(value) > 1 else None
        return Condition(doctype, fieldname, normalise_operator(operator), operand)
    return Condition(doctype, fieldname, "=", value)


def _from_list(doctype: str, item: list[Any]) -> Condition:
    if len(item) == 3:
        fieldname, operator, value = item
        return Condition(*_fieldname(doctype, fieldname), normalise_operator(operator), value)
    if len(item) >= 4:
        target, fieldname, operator, value = item[:4]
        if not isinstance(target, str) or not target:
            raise exceptions.DataError(f"Field not permitted in query: {target}")
        return Condition(*_fieldname(target, fieldname), normalise_operator(operator), value)
    raise exceptions.ValidationError(
        f"Filter must have 4 values (doctype, fieldname, operator, value): {json.dumps(item, default=str)}"
    )


def _fieldname(doctype: str, raw: Any) -> tuple[str, str]:
    """``(doctype, field)`` of ``field`` or ``\u0060tabDocType\u0060.\u0060field\u0060`` (which names its own
    DocType, e.g. a child table); anything else is refused."""
    if not isinstance(raw, str):
        raise exceptions.DataError(f"Field not permitted in query: {raw}")
    text = raw.strip()
    qualified = formats.QUALIFIED_RE.match(text)
    if qualified:
        doctype, text = qualified.group(1), qualified.group(2)
    text = text.strip("`")
    if not formats.IDENTIFIER_RE.match(text):
        raise exceptions.DataError(f"Field not permitted in query: {raw}")
    return doctype, text


def normalise_operator(operator: Any) -> str:
    if operator is None or operator == "":
        return "="
    if not isinstance(operator, str):
        raise exceptions.ValidationError(OPERATOR_ERROR)
    normalised = " ".join(operator.strip().lower().split())
    if normalised not in OPERATORS:
        raise exceptions.ValidationError(OPERATOR_ERROR)
    return normalised


def condition_q(column: Column, operator: str, value: Any, bind: Binder | None = None) -> Q:
    """The Q object for one condition on one column, with Frappe's NULL semantics.

    With ``bind`` (a ``backends.statements.Binder``) the operands enter the Q as bound parameters, so that
    the compiled statement can be reused for other values; the shape of the Q does not depend on them.
    """
    if operator in TREE_OPERATORS:
        raise exceptions.ValidationError(f"Operator '{operator}' is only supported on tree DocTypes")
    fieldtype = column.fieldtype
    if operator in ("timespan", "previous", "next"):
        operator, value = "between", timespans.timespan_range(operator, value)
    if operator == "is":
        return _is_q(column, value)
    if operator == "between":
        return _between_q(column, value, bind)
    operand = _operand(column, operator, value)
    bound = operand
    if bind is not None:
        bound = bind(operand, fieldtype_kind=fieldtypes.db_kind(fieldtype), datetime_column=column.is_datetime_column,
                     like=operator in ("like", "not like"))
    positive, negate = _positive_q(column.lookup, operator, bound)
    q = ~positive if negate else positive
    if fieldtype in fieldtypes.NUMERIC_TYPES:
        # Numeric columns are compared directly: NULL never matches (Frappe adds no IFNULL).
        return _not_null(q, column, negate, operand)
    if _fallback_matches(fieldtype, operator, operand):
        return q | Q(**{f"{column.lookup}__isnull": True})
    return _not_null(q, column, negate, operand)


def _not_null(q: Q, column: Column, negate: bool, operand: Any) -> Q:
    """``q`` without NULLs. A comparison with a value is never true on NULL, so only a negated one (which
    Django lets NULL through) needs ``IS NOT NULL``: a second copy of a JSON expression costs every row."""
    if not negate and operand is not None:
        return q
    return q & Q(**{f"{column.lookup}__isnull": False})


def _positive_q(lookup: str, operator: str, operand: Any) -> tuple[Q, bool]:
    if operator in ("=", "!="):
        return Q(**{lookup: operand}), operator == "!="
    if operator in ("like", "not like"):
        return Q(**{f"{lookup}__frappe_like": operand}), operator == "not like"
    if operator in ("in", "not in"):
        return Q(**{f"{lookup}__in": operand}), operator == "not in"
    suffix = {">": "gt", "<": "lt", ">=": "gte", "<=": "lte"}[operator]
    return Q(**{f"{lookup}__{suffix}": operand}), False


def _operand(column: Column, operator: str, value: Any) -> Any:
    if operator in ("in", "not in"):
        items = _split_values(value)
        return [_coerce(column, item) for item in items] or [_coerce(column, "")]
    if operator in ("like", "not like"):
        return "" if value is None else str(value)
    return _coerce(column, value)


def _split_values(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")] if value.strip() else []
    if isinstance(value, (list, tuple, set)):
        return [item.strip() if isinstance(item, str) else item for item in value]
    return [value]


def _coerce(column: Column, value: Any) -> Any:
    if value is None:
        value = ""
    if isinstance(value, (list, dict)):
        raise exceptions.ValidationError(f"Invalid filter value for {column.fieldtype} field: {value}")
    if column.is_datetime_column:
        if value == "":
            return None
        return _aware(fieldtypes.parse_datetime(value))
    return fieldtypes.filter_value(column.fieldtype, value)


def _aware(value: dt.datetime) -> dt.datetime:
    if settings.USE_TZ and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _fallback_matches(fieldtype: str, operator: str, operand: Any) -> bool:
    """Would the field type's empty value satisfy the condition? Then NULL rows match too."""
    if operator in ("=", "like") and operand not in ("", None, [""]):
        return False  # Frappe skips IFNULL when the operand is non-empty (§7.3.1)
    if fieldtype in ("Date", "Datetime") and operator in (">", ">="):
        return False
    empty = _FALLBACK.get(fieldtype, "")
    if operand is None:
        operand = ""
    if operator == "=":
        return empty == operand or operand == ""
    if operator == "!=":
        return empty != operand and operand != ""
    if operator == "like":
        return _like_matches(empty, operand)
    if operator == "not like":
        return not _like_matches(empty, operand)
    if operator == "in":
        return empty in operand or "" in operand
    if operator == "not in":
        return empty not in operand and "" not in operand
    if isinstance(operand, str):
        return {"<": empty < operand, ">": empty > operand, "<=": empty <= operand, ">=": empty >= operand}[
            operator
        ]
    return False


def _like_matches(text: str, pattern: str) -> bool:
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, text, flags=re.IGNORECASE | re.DOTALL) is not None


def _is_q(column: Column, value: Any) -> Q:
    wanted = str(value or "").strip().lower()
    if wanted not in ("set", "not set"):
        raise exceptions.ValidationError(f"Invalid value for 'is' operator: {value}. Use 'set' or 'not set'")
    isnull = Q(**{f"{column.lookup}__isnull": True})
    if column.is_datetime_column:
        empty = Q(pk__in=[])
    elif column.fieldtype in fieldtypes.NUMERIC_TYPES:
        empty = Q(**{column.lookup: 0})
    else:
        empty = Q(**{column.lookup: ""})
    not_set = isnull | empty
    return ~not_set & Q(**{f"{column.lookup}__isnull": False}) if wanted == "set" else not_set


def _between_q(column: Column, value: Any, bind: Binder | None) -> Q:
    if value is not None and not isinstance(value, (str, list, tuple)):
        raise exceptions.ValidationError("'between' needs a list of two values")
    bounds = _split_values(value) if isinstance(value, str) else list(value or [])
    if len(bounds) == 1:
        bounds.append(None)
    if len(bounds) != 2:
        raise exceptions.ValidationError("'between' needs a list of two values")
    today = timezone.localdate()
    low, high = (bound if bound not in (None, "") else today for bound in bounds)
    if column.is_datetime_column or column.fieldtype == "Datetime":
        low, high = timespans.day_start(low), timespans.day_end(high)
        if column.is_datetime_column:
            low, high = _aware(low), _aware(high)
        else:
            low, high = fieldtypes.store_datetime(low), fieldtypes.store_datetime(high)
    else:
        low, high = _coerce(column, low), _coerce(column, high)
    if bind is not None:
        kind = fieldtypes.db_kind(column.fieldtype)
        low = bind(low, fieldtype_kind=kind, datetime_column=column.is_datetime_column)
        high = bind(high, fieldtype_kind=kind, datetime_column=column.is_datetime_column)
    return Q(**{f"{column.lookup}__gte": low, f"{column.lookup}__lte": high}) & Q(
        **{f"{column.lookup}__isnull": False}
    )
