"""django_frappe_api: the Frappe Framework HTTP API for any Django project.

Usage::

    INSTALLED_APPS = [..., "rest_framework", "django_frappe_api"]
    urlpatterns = [..., path("", include("django_frappe_api.urls"))]

This module imports no models, so it is safe to import from settings and app modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "DocumentController",
    "__version__",
    "register_controller",
    "register_model",
    "whitelist",
    "whitelist_method",
]

if TYPE_CHECKING:
    from .backends.orm.registry import register_model
    from .controllers import DocumentController
    from .hooks import register_controller, whitelist_method
    from .registry import whitelist

_LAZY = {
    "whitelist": "registry",
    "register_model": "backends.orm.registry",
    "DocumentController": "controllers",
    "register_controller": "hooks",
    "whitelist_method": "hooks",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the package from settings or models never imports Django models.
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(name)
