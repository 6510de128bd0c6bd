"""``CachedModelBackend``: Django's ``ModelBackend`` whose session user comes from the identity cache.

Usage (settings.py)::

    AUTHENTICATION_BACKENDS = ["django_frappe_api.auth_backend.CachedModelBackend"]
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"      # with a cache shared by the processes

Why: Django reads the session's user with one query per request (``get_user``). Everything else stays
Django's: passwords are checked by ``ModelBackend.authenticate``, the session hash by ``auth.get_user``, and
a user saved anywhere (disabled, password changed) is read anew by every process on its next request
(``identity_cache``). Sessions opened under another backend keep using it until the user logs in again.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from . import identity_cache


class CachedModelBackend(ModelBackend):
    """``ModelBackend`` with ``get_user`` answered from the identity cache when its entry is current."""

    def get_user(self, user_id: Any) -> Any:
        return identity_cache.cached_user(user_id, lambda: super(CachedModelBackend, self).get_user(user_id))
