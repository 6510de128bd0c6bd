"""Who callers are, kept between requests in the meta cache: users with their roles, and API keys.

Usage::

    stamp = identity_cache.current_stamp()               # by the authentication classes, before their first query
    user = identity_cache.cached_user(pk, load)          # the auth backend's get_user (session requests)
    key = identity_cache.cached_api_key(api_key, load)   # token requests: the ApiKey row with its user
    names = identity_cache.group_names(user)             # permissions.get_roles: no query when warm
    rows = identity_cache.user_entry(user, "user_permissions", load)   # other per-user rows, same stamp

Why: with the documents themselves one query, authentication was most of a request's SQL (the API key row, or
the session's user, and the user's roles). Every entry is tagged with one version stamp that any change to users,
groups, memberships or API keys replaces (at once and again on commit), so each process sharing the cache
backend sees a change on its next request. An entry is stored under the stamp read before the request's first
query: a request whose snapshot predates a change can only store an entry that the change's new stamp already
refuses. Within a request the stamp is read once (``request_started`` opens that memo, ``request_finished``
closes it); outside requests it is read on every use.

While ``META_CACHE`` is a per-process ``LocMemCache`` nothing is kept: its stamps are not seen by other
processes, and a disabled user or a revoked key must stop working in all of them at once.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .conf import api_settings

STAMP_KEY = "frappe_api:identity:stamp"
_STAMP_ATTR = "_frappe_api_identity_stamp"
_GROUPS_ATTR = "_frappe_api_group_names"
_UNREAD = object()


class _Request(threading.local):
    """The stamp read by this thread's current request (``_UNREAD`` before its first read)."""

    def __init__(self) -> None:
        self.active = False
        self.stamp: Any = _UNREAD


_request = _Request()


def _cache():
    return caches[api_settings.META_CACHE]


def is_shared() -> bool:
    """Whether the cache is one other processes see (so entries may be kept in it)."""
    return not isinstance(_cache(), (LocMemCache, DummyCache))


def current_stamp() -> str | None:
    """The version stamp now in force (created when missing); ``None`` when nothing is kept (see above)."""
    if not is_shared():
        return None
    if _request.active and _request.stamp is not _UNREAD:
        return _request.stamp
    cache = _cache()
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        cache.add(STAMP_KEY, secrets.token_hex(8), None)
        stamp = cache.get(STAMP_KEY)
    if _request.active:
        _request.stamp = stamp
    return stamp


def mark(user: Any, stamp: str | None) -> None:
    """Let ``group_names`` use the cache for this user object, stored under ``stamp``."""
    if stamp is not None and getattr(user, "is_authenticated", False):
        setattr(user, _STAMP_ATTR, stamp)


def _load_groups(user: Any) -> tuple[str, ...]:
    return tuple(user.groups.values_list("name", flat=True))


def group_names(user: Any) -> tuple[str, ...]:
    """The names of the user's groups: kept with a cached user, else from the cache under the current stamp."""
    names = getattr(user, _GROUPS_ATTR, None)
    if names is not None:
        return names
    stamp = getattr(user, _STAMP_ATTR, None)
    if stamp is None:
        return _load_groups(user)
    key = f"frappe_api:roles:{user.pk}"
    entry = _cache().get(key)
    if entry is not None and entry[0] == stamp and current_stamp() == stamp:
        return entry[1]
    names = _load_groups(user)
    _cache().set(key, (stamp, names), api_settings.META_CACHE_TIMEOUT)
    return names


def user_entry(user: Any, kind: str, load: Callable[[], Any]) -> Any:
    """Another per-user value kept under the same stamp (the user's User Permissions): ``load()`` runs when the
    cache holds no current entry, or when the user was not marked by authentication. Whoever changes what
    ``load`` reads calls ``invalidate()``."""
    stamp = getattr(user, _STAMP_ATTR, None)
    if stamp is None:
        return load()
    key = f"frappe_api:{kind}:{user.pk}"
    entry = _cache().get(key)
    if entry is not None and entry[0] == stamp and current_stamp() == stamp:
        return entry[1]
    value = load()
    _cache().set(key, (stamp, value), api_settings.META_CACHE_TIMEOUT)
    return value


def cached_user(pk: Any, load: Callable[[], Any]) -> Any:
    """The user with primary key ``pk`` and their group names, from the cache when its entry is current."""
    return _cached(f"frappe_api:user:{pk}", load, lambda user: user)


def cached_api_key(api_key: str, load: Callable[[], Any]) -> Any:
    """The ``ApiKey`` row of ``api_key`` (its user loaded, with group names), from the cache when current.
    Unknown keys are not remembered (a flood of made-up keys would fill the cache)."""
    return _cached(f"frappe_api:apikey:{api_key}", load, lambda key: key.user)


def _cached(key: str, load: Callable[[], Any], user_of: Callable[[Any], Any]) -> Any:
    stamp = current_stamp()
    if stamp is None:
        return load()
    cache = _cache()
    entry = cache.get(key)
    if entry is not None and entry[0] == stamp:
        found = entry[1]
    else:
        found = load()
        if found is None:
            return None
        user = user_of(found)
        if getattr(user, "is_authenticated", False):
            setattr(user, _GROUPS_ATTR, _load_groups(user))
        cache.set(key, (stamp, found), api_settings.META_CACHE_TIMEOUT)
    user = user_of(found)
    if user is not None:
        mark(user, stamp)
    return found


def invalidate() -> None:
    """A new stamp: every cached entry is stale. Again on commit, for requests that read the old rows meanwhile."""
    _new_stamp()
    transaction.on_commit(_new_stamp)


def _new_stamp() -> None:
    if not is_shared():
        return
    stamp = secrets.token_hex(8)
    _cache().set(STAMP_KEY, stamp, None)
    if _request.active:
        _request.stamp = stamp


def _begin_request(**kwargs: Any) -> None:
    _request.active, _request.stamp = True, _UNREAD


def _end_request(**kwargs: Any) -> None:
    _request.active, _request.stamp = False, _UNREAD


def _membership_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate()


def _user_saved(sender, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every login saves last_login, which no permission depends on
    invalidate()


def _changed(sender, **kwargs) -> None:
    invalidate()  # a group renamed or deleted (dropping its memberships without an m2m signal), a key, a user


def connect() -> None:
    """Connect the receivers (from ``AppConfig.ready``, once the user model is known)."""
    from django.contrib.auth.models import Group  # not at import: this module loads before the app registry

    from .models import ApiKey

    user_model = get_user_model()
    m2m_changed.connect(_membership_changed, sender=user_model.groups.through, dispatch_uid="frappe_api_id_m2m")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="frappe_api_id_user_saved")
    post_delete.connect(_changed, sender=user_model, dispatch_uid="frappe_api_id_user_deleted")
    post_save.connect(_changed, sender=Group, dispatch_uid="frappe_api_id_group_saved")
    post_delete.connect(_changed, sender=Group, dispatch_uid="frappe_api_id_group_deleted")
    post_save.connect(_changed, sender=ApiKey, dispatch_uid="frappe_api_id_key_saved")
    post_delete.connect(_changed, sender=ApiKey, dispatch_uid="frappe_api_id_key_deleted")
    request_started.connect(_begin_request, dispatch_uid="frappe_api_id_request_started")
    request_finished.connect(_end_request, dispatch_uid="frappe_api_id_request_finished")
