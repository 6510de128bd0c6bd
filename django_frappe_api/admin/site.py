"""The admin site with a section per DocType, grouped by module, next to the registered models.

Usage: install ``FrappeAdminConfig`` instead of ``django.contrib.admin`` (it makes this the default site)::

    INSTALLED_APPS = [..., "django_frappe_api.admin.apps.FrappeAdminConfig", ...]
    urlpatterns = [path("admin/", admin.site.urls), ...]

Django's documented way to change what ``admin.site`` is (``AdminConfig.default_site``): every model
registered with ``@admin.register`` keeps working, and the index gains one app per DocType module.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils.text import capfirst

from .. import exceptions, search
from ..meta import get_meta
from . import register
from .registry import SectionRegistry

LINK_SEARCH_PAGE = 20


class FrappeAdminSite(admin.AdminSite):
    """``AdminSite`` plus the DocType sections of ``SectionRegistry`` and the Link fields' search."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self.sections = SectionRegistry(self)
        register(self)  # the DocType and API key admins

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()
        extra = [
            path("link-search/<str:doctype>/", self.admin_view(self.link_search_view), name="frappe_link_search"),
            self.sections.resolver,
        ]
        # Before the final catch-all, which would otherwise answer every section's URL.
        position = len(urls) - 1 if self.final_catch_all_view else len(urls)
        return [*urls[:position], *extra, *urls[position:]]

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        """The registered models' apps, then one app per DocType module with a model per DocType."""
        app_list = super().get_app_list(request, app_label)
        modules: dict[str, dict[str, Any]] = {}
        for section in self.sections.current():
            if app_label and section.app_label != app_label:
                continue
            entry = self._section_entry(request, section)
            if entry is None:
                continue
            app = modules.get(section.app_label)
            if app is None:
                app = modules[section.app_label] = {
                    "name": section.module or "Custom",
                    "app_label": section.app_label,
                    "app_url": reverse("admin:app_list", kwargs={"app_label": section.app_label},
                                       current_app=self.name),
                    "has_module_perms": True,
                    "models": [],
                }
            app["models"].append(entry)
        for app in modules.values():
            app["models"].sort(key=lambda model: model["name"].lower())
        return sorted([*app_list, *modules.values()], key=lambda app: app["name"].lower())

    def _section_entry(self, request: HttpRequest, section: Any) -> dict[str, Any] | None:
        try:
            model_admin = self.sections.model_admin(section.doctype)
        except exceptions.DoesNotExistError:
            return None
        perms = model_admin.get_model_perms(request)
        if not perms.get("view"):
            return None
        entry = {
            "model": section.model, "name": capfirst(section.doctype), "object_name": section.model_name,
            "perms": perms, "admin_url": None, "add_url": None, "view_only": not perms.get("change"),
        }
        try:
            entry["admin_url"] = reverse(f"admin:{section.url_name('changelist')}", current_app=self.name)
            if perms.get("add"):
                entry["add_url"] = reverse(f"admin:{section.url_name('add')}", current_app=self.name)
        except NoReverseMatch:  # removed meanwhile
            return None
        return entry

    def link_search_view(self, request: HttpRequest, doctype: str) -> JsonResponse:
        """Options of a Link field for the admin's autocomplete (select2): the API's link search, same rights."""
        term = request.GET.get("term", "")
        try:
            page = max(int(request.GET.get("page") or 1), 1)
        except ValueError:
            page = 1
        try:
            meta = get_meta(doctype)
            rows = search.search_link(meta.name, term, user=request.user, start=(page - 1) * LINK_SEARCH_PAGE,
                                      limit=LINK_SEARCH_PAGE + 1)
        except exceptions.FrappeError as error:
            return JsonResponse({"error": error.message or error.exc_type}, status=error.http_status_code)
        results = [
            {"id": row["value"], "text": " : ".join(str(v) for v in (row["value"], row.get("description")) if v)}
            for row in rows[:LINK_SEARCH_PAGE]
        ]
        return JsonResponse({"results": results, "pagination": {"more": len(rows) > LINK_SEARCH_PAGE}})
