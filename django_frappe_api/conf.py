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


api_settings = APISettings()
