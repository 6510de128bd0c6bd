"""JSON rendering with Frappe's value formats (§3.7) and compact separators.

Usage::

    json.dumps(value, cls=FrappeJSONEncoder)     # datetimes as "2024-05-10 12:01:33.224841"

Datetimes use ``str()`` (space separator, microseconds only when non-zero, no zone), decimals
become numbers, times and durations print like MariaDB's ``H:MM:SS``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
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


class FrappeJSONRenderer(JSONRenderer):
    """Compact JSON, ``application/json`` without a charset suffix, Frappe's encoder."""

    encoder_class = FrappeJSONEncoder
    compact = True
    ensure_ascii = False
    charset = None


class FirstRendererNegotiation(BaseContentNegotiation):
    """Always answer JSON: Frappe's API ignores ``Accept`` and never sends 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
