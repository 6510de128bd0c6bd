"""Keyset pagination for v2 lists (beyond Frappe): an opaque, signed cursor after the last row of a page.

Usage::

    keyset = Keyset.from_request(meta, request, order)     # query.py, when the request has a ``cursor``
    token = encode_cursor(meta, request, keys)              # the last row's sort values, for ``next_cursor``

A page after a cursor is ``WHERE (sort values) after (the cursor's)`` instead of ``OFFSET``, so the database
walks the sort index from there: a deep page costs what the first one does. The cursor holds the last row's
sort values with ``name`` as the tie-breaker, signed (``django.core.signing``) and tied to the DocType,
filters and ``order_by`` it was made for: reused with other ones, or altered, it is refused (417).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.core import signing

from . import exceptions
from .meta import Meta
from .params import LIST_PARAMETERS, ListRequest

SALT = "django_frappe_api.cursor"


@dataclass(frozen=True)
class Keyset:
    """A cursor request: ``after`` is ``None`` on the first page, else the sort values to continue after."""

    after: tuple[Any, ...] | None = None

    @classmethod
    def from_request(cls, meta: Meta, request: ListRequest, width: int) -> Keyset:
        """The keyset of ``request.cursor`` (``""``: the first page); ``width`` sort values are expected."""
        if not request.cursor:
            return cls()
        try:
            payload = signing.loads(request.cursor, salt=SALT)
        except signing.BadSignature:
            raise exceptions.ValidationError("Invalid cursor") from None
        keys = payload.get("k") if isinstance(payload, dict) else None
        if not isinstance(keys, list) or len(keys) != width:
            raise exceptions.ValidationError("Invalid cursor")
        if payload.get("f") != fingerprint(meta, request):
            raise exceptions.ValidationError(
                "This cursor belongs to another list: send the same filters and order_by as the page it came from"
            )
        return cls(tuple(keys))


def fingerprint(meta: Meta, request: ListRequest) -> str:
    """What a cursor is tied to: DocType, filters, ``order_by``, parent and a FilterSet's own parameters."""
    host = request.host_params
    host_items = sorted((k, str(host.get(k))) for k in host if k not in LIST_PARAMETERS) if host else []
    basis = [meta.name, request.filters, request.or_filters, request.order_by, request.parent, host_items]
    text = json.dumps(basis, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def encode_cursor(meta: Meta, request: ListRequest, keys: list[Any] | tuple[Any, ...]) -> str:
    """The ``next_cursor`` after a row whose sort values are ``keys``."""
    values = [_plain(value) for value in keys]
    return signing.dumps({"k": values, "f": fingerprint(meta, request)}, salt=SALT, compress=True)


def _plain(value: Any) -> Any:
    """A sort value as JSON keeps it exactly (microseconds included; the column's field parses it back)."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


__all__ = ["Keyset", "encode_cursor", "fingerprint"]
