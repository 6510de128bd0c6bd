"""django_frappe_api: the Frappe Framework HTTP API for any Django project.

Usage::

    INSTALLED_APPS = [..., "rest_framework", "django_frappe_api"]
    urlpatterns = [..., path("", include("django_frappe_api.urls"))]

This module imports no models, so it is safe to import from settings and app modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "register_model", "whitelist"]

if TYPE_CHECKING:
    from .registry import register_model, whitelist


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the package from settings or models never imports Django models.
    if name in ("whitelist", "register_model"):
        from . import registry

        return getattr(registry, name)
    raise AttributeError(name)
