"""App configuration: registers lookups, built-in methods and the host's ``frappe_api`` modules."""

from __future__ import annotations

from importlib import import_module

from django.apps import AppConfig


class FrappeApiConfig(AppConfig):
    name = "django_frappe_api"
    verbose_name = "Frappe API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import checks, lookups, methods, signals  # noqa: F401 - importing registers
        from .conf import api_settings
        from .meta import register_meta_builder
        from .registry import method_registry, model_registry

        lookups.register()
        register_meta_builder(model_registry.build_meta)
        # Each installed app may ship a `frappe_api` module registering methods, as with admin.py.
        autodiscover_modules("frappe_api", register_to=method_registry)
        for module in api_settings.METHOD_MODULES:
            import_module(module)
