"""Each user's group names (their Frappe roles), and other per-user rows, kept between requests in the meta cache.

Usage::

    stamp = role_cache.current_stamp()        # by the authentication classes, before their first query
    role_cache.mark(user, stamp)              # the user authenticated by this request
    names = role_cache.group_names(user)      # permissions.get_roles: a cache read when warm

Why: the roles query was one of the costs of every authenticated request. An entry is tagged with a version
stamp that every change to groups or memberships replaces (at once and again on commit), so each process
sharing the cache backend sees a change on its next request. The stamp an entry is stored under is the one read
before the request's first query: a request whose snapshot predates a change can only store an entry that the
change's new stamp already invalidates. A user not marked by authentication (tests forcing a user, code outside
a request) is answered from the database, as before. So is everyone while ``META_CACHE`` is a per-process
``LocMemCache``: its stamps are not seen by the other processes, and a removed role must stop working in all of
them at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .conf import api_settings

STAMP_KEY = "frappe_api:roles:stamp"
_STAMP_ATTR = "_frappe_api_roles_stamp"


def _cache():
    return caches[api_settings.META_CACHE]


def _key(user: Any) -> str:
    return f"frappe_api:roles:{user.pk}"


def current_stamp() -> str | None:
    """The version stamp now in force (created when missing); ``None`` when the cache keeps nothing or is
    private to this process (roles are then read per request)."""
    cache = _cache()
    if isinstance(cache, LocMemCache):
        return None
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        cache.add(STAMP_KEY, secrets.token_hex(8), None)
        stamp = cache.get(STAMP_KEY)
    return stamp


def mark(user: Any, stamp: str | None) -> None:
    """Let ``group_names`` use the cache for this user object, stored under ``stamp``."""
    if stamp is not None and getattr(user, "is_authenticated", False):
        setattr(user, _STAMP_ATTR, stamp)


def group_names(user: Any) -> tuple[str, ...]:
    """The names of the user's groups: from the cache when its entry has the current stamp."""
    stamp = getattr(user, _STAMP_ATTR, None)
    if stamp is None:
        return tuple(user.groups.values_list("name", flat=True))
    cache, key = _cache(), _key(user)
    found = cache.get_many([STAMP_KEY, key])
    entry = found.get(key)
    if entry is not None and found.get(STAMP_KEY) == entry[0]:
        return entry[1]
    names = tuple(user.groups.values_list("name", flat=True))
    cache.set(key, (stamp, names), api_settings.META_CACHE_TIMEOUT)
    return names


def user_entry(user: Any, kind: str, load: Callable[[], Any]) -> Any:
    """Another per-user value kept under the same stamp (the user's User Permissions): ``load()`` runs when
    the cache holds no current entry, or when the user was not marked by authentication."""
    stamp = getattr(user, _STAMP_ATTR, None)
    if stamp is None:
        return load()
    cache, key = _cache(), f"frappe_api:{kind}:{user.pk}"
    found = cache.get_many([STAMP_KEY, key])
    entry = found.get(key)
    if entry is not None and found.get(STAMP_KEY) == entry[0]:
        return entry[1]
    value = load()
    cache.set(key, (stamp, value), api_settings.META_CACHE_TIMEOUT)
    return value


def invalidate() -> None:
    """A new stamp: every cached entry is stale. Again on commit, for requests that read the old rows meanwhile."""
    _new_stamp()
    transaction.on_commit(_new_stamp)


def _new_stamp() -> None:
    _cache().set(STAMP_KEY, secrets.token_hex(8), None)


def _membership_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate()


def _user_changed(sender, created: bool = True, **kwargs) -> None:
    if created:  # a new user may reuse the id of a deleted one (SQLite and MySQL after a rollback)
        invalidate()


def _group_changed(sender, **kwargs) -> None:
    invalidate()  # renamed or deleted: deleting also drops its memberships without an m2m signal


def connect() -> None:
    """Connect the receivers (from ``AppConfig.ready``, once the user model is known)."""
    from django.contrib.auth.models import Group  # not at import: this module loads before the app registry

    user_model = get_user_model()
    m2m_changed.connect(_membership_changed, sender=user_model.groups.through, dispatch_uid="frappe_api_roles_m2m")
    post_save.connect(_user_changed, sender=user_model, dispatch_uid="frappe_api_roles_user_saved")
    post_delete.connect(_group_changed, sender=user_model, dispatch_uid="frappe_api_roles_user_deleted")
    post_save.connect(_group_changed, sender=Group, dispatch_uid="frappe_api_roles_group_saved")
    post_delete.connect(_group_changed, sender=Group, dispatch_uid="frappe_api_roles_group_deleted")
