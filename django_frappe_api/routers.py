"""A database router that sends the reads of read-only API requests to a replica.

Usage (settings)::

    DATABASES = {"default": {...primary...}, "replica": {...a streaming replica of it...}}
    DATABASE_ROUTERS = ["django_frappe_api.routers.ReplicaRouter"]
    FRAPPE_API = {"READ_REPLICA": "replica"}   # the alias; "replica" when unset

Only GET/HEAD/QUERY requests of the read-only routes (``/api/resource``, ``/api/v2/document``, the v2
DocType meta, count and search: lists, counts, reads, metas; views with ``replica_reads``) read from the
replica, and so do GET calls of the methods whitelisted ``read_only`` (``frappe.client.get_list``, ``get``,
``get_count``, ``get_value``). Every write, and every read of any other request (POST/PUT/DELETE, other RPC
methods, which may write on GET, the admin, commands) goes to the primary, so a request always reads what it
wrote; sessions, users, groups and API keys are always read from the primary. The views mark the
read-only requests with :func:`read_only`; without this router the mark changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS

from .conf import api_settings

# Who the caller is is always read from the primary: a session or an API key issued a moment ago may not have
# reached the replica yet, and the caller would be answered as Guest.
_PRIMARY_APPS = frozenset({"sessions", "auth"})

_read_only: ContextVar[bool] = ContextVar("django_frappe_api_read_only", default=False)


@contextmanager
def read_only() -> Iterator[None]:
    """Mark the code inside as a request whose reads may come from a replica."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


def replica_alias() -> str:
    """The replica's alias in ``DATABASES`` (``FRAPPE_API["READ_REPLICA"]``, default ``"replica"``)."""
    return api_settings.READ_REPLICA


def _api_key_model() -> Any:
    from .models import ApiKey  # not at import: settings load this module before the app registry is ready

    return ApiKey


class ReplicaRouter:
    """Reads of read-only requests to the replica; everything else to ``default``."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if _read_only.get() and model._meta.app_label not in _PRIMARY_APPS and model is not _api_key_model():
            return replica_alias()
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != replica_alias()  # the replica follows the primary's schema
