"""The Django admin as a DocType browser: a section per DocType, forms built from its fields.

Usage::

    INSTALLED_APPS = [..., "django_frappe_api.apps.FrappeAdminConfig", ...]   # instead of django.contrib.admin
    urlpatterns = [path("admin/", admin.site.urls), ...]

One noun a module: ``site`` (the admin site: sections in the index, Link search), ``registry`` (the
sections, their proxies and URLs), ``document`` (a DocType's ModelAdmin) with ``permissions`` (its
rights), ``docstatus`` (Submit / Cancel / Amend) and ``history`` (Version records), ``changelist`` (the
list engine behind the changelist), ``forms``, ``widgets`` and ``layout`` (the form built from a Meta),
``inlines`` (child tables), ``actions`` (bulk delete/submit/cancel), ``doctype`` (the DocType definition
admin) and ``api_keys``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import sites
from django.utils.functional import empty

from ..models import ApiKey, DocType
from .api_keys import ApiKeyAdmin
from .doctype import DocTypeAdmin


def register(site: Any) -> None:
    """Register the DocType and API key admins on ``site`` (``FrappeAdminSite`` does it for itself)."""
    for model, model_admin in ((DocType, DocTypeAdmin), (ApiKey, ApiKeyAdmin)):
        if not site.is_registered(model):
            site.register(model, model_admin)


# Autodiscovery imports this package once ``admin.site`` exists: register on it. When ``admin.site`` is
# being built from ``FrappeAdminConfig`` (importing ``.site`` imports this package first), the new site
# registers these itself; touching the lazy ``admin.site`` here would build a second one.
if sites.site._wrapped is not empty:
    register(sites.site)
