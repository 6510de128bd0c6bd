"""JSON rendering with Frappe's value formats (§3.7) and compact separators.

Usage::

    json.dumps(value, cls=FrappeJSONEncoder)     # datetimes as "2024-05-10 12:01:33.224841"
    dumps({"x": float("nan")})                   # '{"x":null}': always valid JSON

Datetimes use ``str()`` (space separator, microseconds only when non-zero, no zone), decimals
become numbers, times and durations print like MariaDB's ``H:MM:SS``. Every body is strict JSON that
any client parses: ``NaN``/``Infinity`` (which JSON has no word for) are written as ``null``, as
Frappe's orjson-based responses do, and a lone UTF-16 surrogate (not encodable as UTF-8) is written
as a ``\\uXXXX`` escape instead of failing the response.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import uuid
from pathlib import PurePath
from typing import Any

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer

from .serialization import wire_datetime


class FrappeJSONEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            return wire_datetime(o)
        if isinstance(o, dt.date):
            return o.isoformat()
        if isinstance(o, dt.time):
            return o.isoformat()
        if isinstance(o, dt.timedelta):
            total = o.total_seconds()
            hours, rest = divmod(int(total), 3600)
            minutes, seconds = divmod(rest, 60)
            fraction = f"{total - int(total):.6f}"[1:].rstrip("0").rstrip(".")
            return f"{hours}:{minutes:02d}:{seconds:02d}{fraction}"
        if isinstance(o, decimal.Decimal):
            return float(o)
        if isinstance(o, (set, frozenset, tuple)):
            return list(o)
        if isinstance(o, (uuid.UUID, PurePath)):
            return str(o)
        return super().default(o)


_SEPARATORS = (",", ":")


def dumps(value: Any) -> str:
    """Compact strict JSON of ``value``; non-finite numbers become ``null``, lone surrogates escapes."""
    try:
        text = json.dumps(value, cls=FrappeJSONEncoder, ensure_ascii=False, allow_nan=False, separators=_SEPARATORS)
    except ValueError:  # a NaN or an infinity somewhere (circular values fail again below, as they should)
        value = _finite(value, set())
        text = json.dumps(value, cls=FrappeJSONEncoder, ensure_ascii=False, allow_nan=False, separators=_SEPARATORS)
    if not text.isascii() and _has_surrogate(text):
        text = json.dumps(value, cls=FrappeJSONEncoder, ensure_ascii=True, allow_nan=False, separators=_SEPARATORS)
    # Escape the two line separators JavaScript does not allow in string literals (as DRF does).
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _has_surrogate(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def _finite(value: Any, active: set[int]) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return value if value.is_finite() else None
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        if id(value) in active:
            return value  # a cycle: left for the encoder to report
        active.add(id(value))
        try:
            if isinstance(value, dict):
                return {key: _finite(item, active) for key, item in value.items()}
            return [_finite(item, active) for item in value]
        finally:
            active.discard(id(value))
    return value


class FrappeJSONRenderer(JSONRenderer):
    """Compact strict JSON, ``application/json`` without a charset suffix, Frappe's encoder."""

    encoder_class = FrappeJSONEncoder
    compact = True
    ensure_ascii = False
    strict = True
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        return dumps(data).encode()


class FirstRendererNegotiation(BaseContentNegotiation):
    """Always answer JSON: Frappe's API ignores ``Accept`` and never sends 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
