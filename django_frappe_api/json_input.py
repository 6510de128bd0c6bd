"""JSON sent by clients, decoded within bounds: the one decoder for bodies and JSON-string parameters.

Usage::

    from django_frappe_api import json_input
    value = json_input.loads(request_body, "request body")     # 417 ValidationError on bad input
    json_input.loads('[1, NaN]', "fields")                     # -> 417 "Invalid JSON in fields: ..."

Python's ``json`` accepts what a database or a JSON client cannot take back: ``NaN``/``Infinity`` (and
``1e999``, which parses as infinity), lone UTF-16 surrogates such as ``"\\udfff"`` (not encodable as
UTF-8), and nesting deep enough to exhaust the interpreter's stack. Each is refused here, before the
value reaches validation, storage or the renderer. Nesting is measured on the raw text before parsing,
so a 50,000-deep array is refused without recursing at all.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

from . import exceptions

# Deepest nesting of arrays and objects accepted (Frappe's filters and child tables need a handful).
MAX_DEPTH = 100

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DELTA = {"[": 1, "{": 1, "]": -1, "}": -1}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


_RAISE = object()


def loads(text: str | bytes | bytearray, where: str, *, default: Any = _RAISE, quote: bool = False) -> Any:
    """Decode client JSON or raise a 417 naming ``where`` ("request body", "fields", ...).

    With ``default``, text that is not JSON at all returns it instead (Frappe's v1 payload falls back to
    the form that way); JSON beyond the bounds is refused either way. ``quote`` repeats the start of the
    text in the message, as list parameters do.
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode(json.detect_encoding(text))
        except (UnicodeDecodeError, LookupError):
            return _not_json(where, None, default, quote)
    check_depth(text, where)
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, numbers beyond Python's digit limit
        if isinstance(exc, json.JSONDecodeError):
            return _not_json(where, text, default, quote)
        raise exceptions.ValidationError(_invalid(where, text if quote else None)) from None
    if _has_lone_surrogate(value):
        raise exceptions.ValidationError(f"Invalid JSON in {where}: text contains a lone UTF-16 surrogate")
    return value


def _not_json(where: str, text: str | None, default: Any, quote: bool) -> Any:
    if default is _RAISE:
        raise exceptions.ValidationError(_invalid(where, text if quote else None))
    return default


def check_depth(text: str, where: str) -> None:
    """Refuse nesting deeper than ``MAX_DEPTH`` without parsing (and so without recursion), in linear time."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if brackets and max(accumulate(map(_DELTA.__getitem__, brackets))) > MAX_DEPTH:
        raise exceptions.ValidationError(f"Invalid JSON in {where}: nested deeper than {MAX_DEPTH} levels")


def _has_lone_surrogate(value: Any) -> bool:
    """Strings (keys included) holding half of a UTF-16 pair, which no UTF-8 database or client accepts."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def _invalid(where: str, text: str | None) -> str:
    if text is None:
        return f"Invalid JSON in {where}"
    return f"Invalid JSON in {where}: {text.strip()[:100]}"
