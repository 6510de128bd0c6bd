"""Settings of the app: one ``FRAPPE_API`` dict in the host's settings, read on every access.

Usage::

    FRAPPE_API = {"MAX_PAGE_LENGTH": 500}          # settings.py
    from django_frappe_api.conf import api_settings
    api_settings.MAX_PAGE_LENGTH                   # -> 500

Reading the dict on access (rather than caching it) makes ``override_settings`` work without
signal plumbing, as django-cors-headers does.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Page size when the client sends none (Frappe: 20).
    "DEFAULT_PAGE_LENGTH": 20,
    # Upper bound for one list page, including `limit_page_length=0` ("all rows").
    "MAX_PAGE_LENGTH": 10_000,
    # Largest request body accepted by the API, in bytes (Frappe: 25 MiB).
    "MAX_BODY_SIZE": 25 * 1024 * 1024,
    # Cache alias holding built DocType metas.
    "META_CACHE": "default",
    # Seconds a built meta stays cached (it is also dropped whenever its DocType changes).
    "META_CACHE_TIMEOUT": 3600,
    # Include `exception`/`exc` tracebacks in error bodies; `None` follows settings.DEBUG.
    "SHOW_TRACEBACKS": None,
    # Extra modules to import for @whitelist registrations, besides each app's `frappe_api` module.
    "METHOD_MODULES": [],
    # Apps whose `doctypes/*.json` files `frappe_api_sync_doctypes` loads (all installed apps when empty).
    "DOCTYPE_APPS": [],
    # Name of the Django user with every right (Frappe's Administrator).
    "ADMINISTRATOR": "Administrator",
    # Failed logins of one user or one client address before further attempts are refused (0: never lock).
    "LOGIN_ATTEMPTS": 10,
    # Seconds the failures are counted for, from the first one; also how long a lock lasts.
    "LOGIN_LOCK_SECONDS": 60,
    # `reset_password` calls one client address may make per hour (Frappe's System Settings
    # `password_reset_limit`, default 3; 0: unlimited).
    "PASSWORD_RESET_LIMIT": 3,
    # The reset link mailed by `reset_password`: a format string with `{uidb64}` and `{token}` (e.g. a page of the
    # host's frontend); when `None`, Django's `password_reset_confirm` view (`django.contrib.auth.urls`).
    "PASSWORD_RESET_URL": None,
    # Largest file `upload_file` accepts, in bytes (Frappe's System Settings default: 10 MiB).
    "MAX_FILE_SIZE": 10 * 1024 * 1024,
    # Let guests call `upload_file` (Frappe's System Settings "Allow Guests to Upload Files").
    "ALLOW_GUEST_UPLOADS": False,
    # How `/files/...` and `/private/files/...` are sent: None streams them through Django's storage API;
    # "X-Accel-Redirect" (nginx) or "X-Sendfile" (Apache, lighttpd) hand the sending to the web server.
    "FILE_SERVE_HEADER": None,
    # X-Accel-Redirect value = this prefix + the storage path (an nginx `internal` location over MEDIA_ROOT).
    "FILE_SERVE_PREFIX": "/protected/",
    # Fernet key (urlsafe base64, 32 bytes) that encrypts Password fields; None derives one from SECRET_KEY
    # (and SECRET_KEY_FALLBACKS for reading values encrypted before a key rotation).
    "ENCRYPTION_KEY": None,
    # Serve the user model as the User DocType and groups as Role.
    "USER_DOCTYPES": True,
    # Frappe's System Settings "Apply Strict User Permissions": a document whose restricted Link is empty is
    # hidden too (off: it stays visible and writable).
    "APPLY_STRICT_USER_PERMISSIONS": False,
    # v2 bulk endpoints queue the work when they get more items than this (Frappe's site config
    # `bulk_operation_async_threshold`): an int, or a dict by DocType with "*" for the cross-DocType routes.
    "BULK_ASYNC_THRESHOLD": 20,
    # Largest `count` a v2 list with `include=count` reports (`count_capped` is true when it is reached).
    "COUNT_CAP": 1000,
    # Milliseconds a v2 count (the count route, `include=count`) may run before the database stops it and the
    # count is answered `null` (Frappe: one second). 0 or None: no limit. v1 counts are always exact.
    "COUNT_TIMEOUT_MS": 1000,
    # Origins of browser front ends on another origin (Frappe's `allow_cors`): a list such as
    # ["http://localhost:5173"], or "*" for any origin (echoed, with credentials). Empty: no CORS headers.
    "CORS_ALLOWED_ORIGINS": [],
    # Alias in DATABASES that `django_frappe_api.routers.ReplicaRouter` sends the reads of GET REST requests to.
    "READ_REPLICA": "replica",
}


class APISettings:
    """Typed view of ``settings.FRAPPE_API`` merged over ``DEFAULTS``."""

    def _get(self, key: str) -> Any:
        return getattr(settings, "FRAPPE_API", {}).get(key, DEFAULTS[key])

    @property
    def DEFAULT_PAGE_LENGTH(self) -> int:
        return int(self._get("DEFAULT_PAGE_LENGTH"))

    @property
    def MAX_PAGE_LENGTH(self) -> int:
        return int(self._get("MAX_PAGE_LENGTH"))

    @property
    def MAX_BODY_SIZE(self) -> int:
        return int(self._get("MAX_BODY_SIZE"))

    @property
    def READ_REPLICA(self) -> str:
        return str(self._get("READ_REPLICA"))

    @property
    def META_CACHE(self) -> str:
        return str(self._get("META_CACHE"))

    @property
    def META_CACHE_TIMEOUT(self) -> int:
        return int(self._get("META_CACHE_TIMEOUT"))

    @property
    def SHOW_TRACEBACKS(self) -> bool:
        value = self._get("SHOW_TRACEBACKS")
        return bool(settings.DEBUG) if value is None else bool(value)

    @property
    def METHOD_MODULES(self) -> list[str]:
        return list(self._get("METHOD_MODULES"))

    @property
    def DOCTYPE_APPS(self) -> list[str]:
        return list(self._get("DOCTYPE_APPS"))

    @property
    def ADMINISTRATOR(self) -> str:
        return str(self._get("ADMINISTRATOR"))

    @property
    def LOGIN_ATTEMPTS(self) -> int:
        return int(self._get("LOGIN_ATTEMPTS"))

    @property
    def LOGIN_LOCK_SECONDS(self) -> int:
        return int(self._get("LOGIN_LOCK_SECONDS"))

    @property
    def PASSWORD_RESET_LIMIT(self) -> int:
        return int(self._get("PASSWORD_RESET_LIMIT"))

    @property
    def PASSWORD_RESET_URL(self) -> str | None:
        value = self._get("PASSWORD_RESET_URL")
        return str(value) if value else None

    @property
    def MAX_FILE_SIZE(self) -> int:
        return int(self._get("MAX_FILE_SIZE"))

    @property
    def ALLOW_GUEST_UPLOADS(self) -> bool:
        return bool(self._get("ALLOW_GUEST_UPLOADS"))

    @property
    def FILE_SERVE_HEADER(self) -> str | None:
        value = self._get("FILE_SERVE_HEADER")
        return str(value) if value else None

    @property
    def FILE_SERVE_PREFIX(self) -> str:
        return str(self._get("FILE_SERVE_PREFIX"))

    @property
    def ENCRYPTION_KEY(self) -> str | None:
        value = self._get("ENCRYPTION_KEY")
        return str(value) if value else None

    @property
    def USER_DOCTYPES(self) -> bool:
        return bool(self._get("USER_DOCTYPES"))

    @property
    def APPLY_STRICT_USER_PERMISSIONS(self) -> bool:
        return bool(self._get("APPLY_STRICT_USER_PERMISSIONS"))

    @property
    def BULK_ASYNC_THRESHOLD(self) -> int | dict[str, int]:
        value = self._get("BULK_ASYNC_THRESHOLD")
        return dict(value) if isinstance(value, dict) else int(value)

    def bulk_async_threshold(self, doctype: str | None = None) -> int:
        """Items a bulk request may carry before it is queued; ``doctype=None`` for the cross-DocType routes."""
        value = self.BULK_ASYNC_THRESHOLD
        if isinstance(value, dict):
            return int(value.get(doctype or "*", DEFAULTS["BULK_ASYNC_THRESHOLD"]))
        return value

    @property
    def COUNT_CAP(self) -> int:
        return int(self._get("COUNT_CAP"))

    @property
    def COUNT_TIMEOUT_MS(self) -> int | None:
        value = self._get("COUNT_TIMEOUT_MS")
        return int(value) if value else None

    @property
    def CORS_ALLOWED_ORIGINS(self) -> list[str] | str:
        value = self._get("CORS_ALLOWED_ORIGINS")
        if value == "*":
            return "*"
        return [value] if isinstance(value, str) else list(value or ())


api_settings = APISettings()
