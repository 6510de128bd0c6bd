"""App configuration: registers lookups, built-in methods and the host's ``frappe_api`` modules; the admin's
configuration with a section per DocType (``FrappeAdminConfig``)."""

from __future__ import annotations

from importlib import import_module

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules

from .conf import api_settings


class FrappeApiConfig(AppConfig):
    name = "django_frappe_api"
    verbose_name = "Frappe API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which are not loaded when
        # Django imports this module (settings, INSTALLED_APPS), and importing some registers things.
        from . import (  # noqa: F401 - importing registers
            assignments,
            checks,
            comment_cache,
            identity_cache,
            lookups,
            methods,
            signals,
            user_permissions,
        )
        from .backends.base import register_backend, register_whole_request_meta
        from .backends.doctype import DOCTYPE_META, doctype_backend
        from .backends.generic import generic_backend
        from .backends.orm.registry import model_registry
        from .builtin_doctypes import sync_builtin_doctypes
        from .meta import begin_request, end_request, register_meta_builder
        from .registry import method_registry

        lookups.register()
        # Storages below the document layer are found through lookups filled here, never by import.
        register_backend("generic", lambda meta: generic_backend)
        register_backend("orm", lambda meta: model_registry.backend_for(meta.name))
        register_backend("doctype", lambda meta: doctype_backend)
        register_whole_request_meta(DOCTYPE_META)  # DocType itself: definitions, not documents of a Meta
        identity_cache.connect()
        request_started.connect(begin_request, dispatch_uid="frappe_api_meta_request_started")
        request_finished.connect(end_request, dispatch_uid="frappe_api_meta_request_finished")
        register_meta_builder(model_registry.build_meta)
        # Comment and File are DocTypes like any other, loaded from doctypes/*.json after each migrate.
        post_migrate.connect(sync_builtin_doctypes, sender=self, dispatch_uid="django_frappe_api.builtin_doctypes")
        post_migrate.connect(signals.resync_after_partitioning, sender=self,
                             dispatch_uid="django_frappe_api.resync_after_partitioning")
        # Each installed app may ship a `frappe_api` module registering methods, as with admin.py.
        autodiscover_modules("frappe_api", register_to=method_registry)
        for module in api_settings.METHOD_MODULES:
            import_module(module)
        if api_settings.USER_DOCTYPES:  # after the host's modules, which may expose the user model themselves
            from .backends.orm.identity import register_identity_doctypes

            register_identity_doctypes()


class FrappeAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with ``FrappeAdminSite`` as ``admin.site``: install it in its place to get a
    section per DocType (``django_frappe_api.admin.site``)."""

    default = False  # never picked for "django_frappe_api" itself
    default_site = "django_frappe_api.admin.site.FrappeAdminSite"
