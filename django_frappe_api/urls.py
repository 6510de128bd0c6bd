"""Flat route tables of API v1 and v2, mounted at ``api/``, ``api/v1/`` and ``api/v2/``.

Usage (the host's root URLconf)::

    urlpatterns = [path("", include("django_frappe_api.urls"))]

Routes read like Frappe's ``url_rules`` (``frappe/api/v1.py``): trailing slashes optional, no
redirects, document names may contain slashes, and anything else under ``api/`` is a Frappe 404.
"""

from __future__ import annotations

from django.urls import include, re_path

from .views import v1, v2
from .views.base import NotFoundV2ViewSet, NotFoundViewSet

app_name = "frappe_api"

_ANY = {verb: "not_found" for verb in ("get", "post", "put", "patch", "delete", "head")}

_CALL = {verb: "call" for verb in ("get", "post", "put", "patch", "delete")}

v1_patterns = [
    # RPC: anything after a further "/" is ignored (frappe/api/v1.py keeps it for old clients)
    re_path(r"^method/(?P<method>[^/]+)(?:/.*)?$", v1.MethodViewSet.as_view(_CALL), name="v1-method"),
    # REST
    re_path(
        r"^resource/(?P<doctype>[^/]+)/?$",
        v1.ResourceViewSet.as_view({"get": "list", "post": "create"}),
        name="v1-resource-list",
    ),
    re_path(
        r"^resource/(?P<doctype>[^/]+)/(?P<name>.+?)/?$",
        v1.ResourceViewSet.as_view(
            {"get": "retrieve", "put": "update", "delete": "destroy", "post": "run_method"}
        ),
        name="v1-resource-detail",
    ),
    re_path(r"^.*$", NotFoundViewSet.as_view(_ANY), name="v1-not-found"),
]

v2_patterns = [
    # RPC
    re_path(r"^method/(?P<method>[^/]+)/?$", v2.MethodViewSet.as_view(_CALL), name="v2-method"),
    # documents: the static sub-routes come before the greedy name (frappe/api/v2.py)
    re_path(
        r"^document/(?P<doctype>[^/]+)/?$",
        v2.DocumentViewSet.as_view({"get": "list", "post": "create"}),
        name="v2-document-list",
    ),
    re_path(
        r"^document/(?P<doctype>[^/]+)/(?P<name>.+?)/copy/?$",
        v2.DocumentViewSet.as_view({"get": "copy"}),
        name="v2-document-copy",
    ),
    re_path(
        r"^document/(?P<doctype>[^/]+)/(?P<name>.+?)/method/(?P<method>[^/]+)/?$",
        v2.DocumentViewSet.as_view({"get": "method", "post": "method"}),
        name="v2-document-method",
    ),
    re_path(
        r"^document/(?P<doctype>[^/]+)/(?P<name>.+?)/?$",
        v2.DocumentViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "update", "delete": "destroy"}
        ),
        name="v2-document-detail",
    ),
    # DocType endpoints
    re_path(r"^doctype/(?P<doctype>[^/]+)/meta/?$", v2.DocTypeViewSet.as_view({"get": "meta"}), name="v2-doctype-meta"),
    re_path(
        r"^doctype/(?P<doctype>[^/]+)/count/?$", v2.DocTypeViewSet.as_view({"get": "count"}), name="v2-doctype-count"
    ),
    re_path(r"^.*$", NotFoundV2ViewSet.as_view(_ANY), name="v2-not-found"),
]

urlpatterns = [
    re_path(r"^api/v2/", include((v2_patterns, "v2"))),
    re_path(r"^api/v1/", include((v1_patterns, "v1"))),
    re_path(r"^api/", include((v1_patterns, "v1-legacy"))),
]
