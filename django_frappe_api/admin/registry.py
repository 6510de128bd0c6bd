"""The DocType sections of the admin: one changelist, form and history per DocType, found in the DocType table.

Usage (wired by ``FrappeAdminSite``)::

    sections = SectionRegistry(site)
    sections.current()                      # [Section("ToDo", "Custom", "custom", "todo", <proxy>), ...]
    sections.model_admin("ToDo")            # a DocumentAdmin for ToDo's current Meta

Why proxies in a private app registry and a live URL list: Django's admin wants a model per section (its
``_meta`` names the URLs, breadcrumbs, permissions and templates) and URL patterns that ``reverse()`` knows.
A proxy of ``Document`` per DocType gives the admin that model without a table or a migration; built in
an ``Apps`` registry of its own it stays invisible to ``makemigrations``, content types and permissions.
The URL patterns are an iterable the admin's resolver reads on every request, and when the set of DocTypes
changes (in any process: each request compares the table with what it last saw) the resolver caches are
reset, so a DocType created or deleted by the API, the admin or a JSON file appears or disappears without
a restart. DocTypes backed by a registered ORM model keep their model's own admin.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DatabaseError
from django.http import Http404
from django.urls import clear_url_caches, path, re_path
from django.utils.text import slugify
from django.views.generic import RedirectView

from ..meta import get_meta
from ..models import DocType, Document
from .document import DocumentAdmin

if TYPE_CHECKING:
    from django.contrib.admin import AdminSite


@dataclass(frozen=True)
class Section:
    """One DocType as the admin shows it: under ``/admin/<app_label>/<model_name>/``."""

    doctype: str
    module: str
    app_label: str
    model_name: str
    model: type[Document]

    def url_name(self, action: str) -> str:
        return f"{self.app_label}_{self.model_name}_{action}"


class _Module:
    """What the admin's templates read of ``opts.app_config``: the module's name."""

    def __init__(self, label: str, verbose_name: str) -> None:
        self.label, self.verbose_name = label, verbose_name

    def get_models(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []


def make_proxy(doctype: str, app_label: str, model_name: str, module: str) -> type[Document]:
    """A proxy of ``Document`` named for one DocType, registered in a private ``Apps`` of its own."""
    registry = Apps(installed_apps=())
    meta = type("Meta", (), {"proxy": True, "apps": registry, "app_label": app_label,
                             "verbose_name": doctype, "verbose_name_plural": doctype})
    proxy = type(model_name, (Document,), {"__module__": __name__, "Meta": meta})
    registry.app_configs[app_label] = _Module(app_label, module)
    return proxy


class _LivePatterns:
    """The sections' URL patterns, read afresh (after a check of the DocType table) on every iteration."""

    def __init__(self, registry: SectionRegistry) -> None:
        self.registry = registry

    def __iter__(self) -> Iterator[Any]:
        return iter(self.registry.patterns())

    def __reversed__(self) -> Iterator[Any]:
        return reversed(self.registry.patterns())


class SectionRegistry:
    """The sections of one admin site, rebuilt whenever the DocType table's names or modules change."""

    def __init__(self, site: AdminSite) -> None:
        self.site = site
        self._lock = threading.Lock()
        self._key: tuple[tuple[str, str], ...] | None = None
        self._sections: dict[str, Section] = {}
        self._patterns: list[Any] = []
        self._child_models: dict[str, type[Document]] = {}
        # The resolver the site includes; its reverse() caches are reset when the sections change.
        self.resolver = path("", (_LivePatterns(self), None, None))

    # -- the sections ---------------------------------------------------------------------------

    def current(self) -> list[Section]:
        """Every section, by DocType name, after checking the DocType table."""
        self.refresh()
        return list(self._sections.values())

    def get(self, doctype: str) -> Section | None:
        self.refresh()
        return self._sections.get(doctype)

    def for_model(self, model: type) -> Section | None:
        return next((s for s in self._sections.values() if s.model is model), None)

    def child_model(self, doctype: str) -> type[Document]:
        """The proxy of a child DocType, for its rows' inline formsets."""
        model = self._child_models.get(doctype)
        if model is None:
            slug = slugify(doctype).replace("-", "_") or "row"
            model = self._child_models.setdefault(doctype, make_proxy(doctype, "child_tables", slug, "Child tables"))
        return model

    def model_admin(self, doctype: str) -> DocumentAdmin:
        """A ``DocumentAdmin`` over the DocType's current Meta (built per request: Metas change)."""
        section = self.get(doctype)
        if section is None:
            raise Http404(f"DocType {doctype} not found")
        return DocumentAdmin(section.model, self.site, meta=get_meta(doctype), section=section)

    def patterns(self) -> list[Any]:
        self.refresh()
        return self._patterns

    def refresh(self) -> None:
        """Compare the DocType table with the sections; rebuild them and reset URL caches when it changed."""
        key = _listed_doctypes()
        if key == self._key:
            return
        with self._lock:
            if key == self._key:
                return
            sections = _sections(key, {s.doctype: s for s in self._sections.values()})
            self._sections = sections
            self._patterns = self._build_patterns(list(sections.values()))
            self._key = key
            self._reset_url_caches()

    def _reset_url_caches(self) -> None:
        resolver = self.resolver
        resolver._populated = False
        resolver._reverse_dict.clear()
        resolver._namespace_dict.clear()
        resolver._app_dict.clear()
        clear_url_caches()

    # -- URL patterns ---------------------------------------------------------------------------

    def _build_patterns(self, sections: list[Section]) -> list[Any]:
        site = self.site
        patterns: list[Any] = []
        labels = sorted({s.app_label for s in sections})
        if labels:
            modules = "|".join(re.escape(label) for label in labels)
            patterns.append(re_path(rf"^(?P<app_label>{modules})/$", site.admin_view(site.app_index),
                                    name="app_list"))
        for section in sections:
            prefix = f"{section.app_label}/{section.model_name}/"
            patterns += [
                path(prefix, self._view(section.doctype, "changelist_view"), name=section.url_name("changelist")),
                path(prefix + "add/", self._view(section.doctype, "add_view"), name=section.url_name("add")),
                path(prefix + "<path:object_id>/history/", self._view(section.doctype, "history_view"),
                     name=section.url_name("history")),
                path(prefix + "<path:object_id>/delete/", self._view(section.doctype, "delete_view"),
                     name=section.url_name("delete")),
                path(prefix + "<path:object_id>/change/", self._view(section.doctype, "change_view"),
                     name=section.url_name("change")),
                path(prefix + "<path:object_id>/", site.admin_view(
                    RedirectView.as_view(pattern_name=f"{site.name}:{section.url_name('change')}"))),
            ]
        return patterns

    def _view(self, doctype: str, action: str) -> Callable[..., Any]:
        def view(request: Any, *args: Any, **kwargs: Any) -> Any:
            return getattr(self.model_admin(doctype), action)(request, *args, **kwargs)

        view.__name__ = action
        return self.site.admin_view(view)


def _listed_doctypes() -> tuple[tuple[str, str], ...]:
    """``(name, module)`` of the DocTypes that get a section: stored ones, neither child tables nor Singles."""
    try:
        return tuple(DocType.objects.filter(istable=False, issingle=False).order_by("name")
                     .values_list("name", "module"))
    except DatabaseError:  # not migrated yet (system checks run before migrate)
        return ()


def _sections(key: tuple[tuple[str, str], ...], known: dict[str, Section]) -> dict[str, Section]:
    """Sections for ``key``, keeping the proxies of unchanged ones; slugs unique and apart from app labels."""
    taken_labels = {config.label for config in global_apps.get_app_configs()}
    sections: dict[str, Section] = {}
    used: set[tuple[str, str]] = set()
    for doctype, module in key:
        app_label = slugify(module or "Custom").replace("-", "_") or "custom"
        if app_label in taken_labels:
            app_label += "_doctypes"
        model_name = slugify(doctype).replace("-", "_") or "doctype"
        base, n = model_name, 1
        while (app_label, model_name) in used:
            n += 1
            model_name = f"{base}_{n}"
        used.add((app_label, model_name))
        previous = known.get(doctype)
        if previous is not None and (previous.module, previous.app_label, previous.model_name) == (
            module, app_label, model_name
        ):
            sections[doctype] = previous
        else:
            sections[doctype] = Section(doctype, module, app_label, model_name,
                                        make_proxy(doctype, app_label, model_name, module or "Custom"))
    return sections
