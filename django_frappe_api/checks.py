"""System checks of the ``FRAPPE_API`` setting (ids ``django_frappe_api.E0NN``, never reused).

Usage: registered on import from ``FrappeApiConfig.ready()``; run by ``manage.py check``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .conf import DEFAULTS


@register(Tags.compatibility)
def check_settings(app_configs, **kwargs) -> list:
    """``FRAPPE_API`` must be a dict of known keys with values of the right type."""
    value = getattr(settings, "FRAPPE_API", {})
    if not isinstance(value, dict):
        return [Error("FRAPPE_API must be a dict.", id="django_frappe_api.E001")]
    errors: list = []
    for key in value:
        if key not in DEFAULTS:
            errors.append(Warning(f"Unknown FRAPPE_API key {key!r}.", id="django_frappe_api.W001"))
    for key in ("DEFAULT_PAGE_LENGTH", "MAX_PAGE_LENGTH", "MAX_BODY_SIZE", "META_CACHE_TIMEOUT"):
        if key in value and (not isinstance(value[key], int) or isinstance(value[key], bool) or value[key] <= 0):
            errors.append(Error(f"FRAPPE_API[{key!r}] must be a positive integer.", id="django_frappe_api.E002"))
    for key in ("METHOD_MODULES", "DOCTYPE_APPS"):
        if key in value and not (isinstance(value[key], (list, tuple)) and all(isinstance(v, str) for v in value[key])):
            errors.append(Error(f"FRAPPE_API[{key!r}] must be a list of strings.", id="django_frappe_api.E003"))
    return errors
