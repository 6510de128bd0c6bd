"""Flat route tables of API v1 and v2, mounted at ``api/``, ``api/v1/`` and ``api/v2/``.

Usage (the host's root URLconf)::

    urlpatterns = [path("", include("django_frappe_api.urls"))]

Routes read like Frappe's ``url_rules`` (``frappe/api/v1.py``): trailing slashes optional, no
redirects, document names may contain slashes, and anything else under ``api/`` is a Frappe 404.
Uploaded files are served at the site root (``/files/...``, ``/private/files/...``) as in Frappe;
a host that mounts the API elsewhere can include ``file_patterns`` at its root on their own.
"Any character" is ``[\\s\\S]``, not ``.`` (which stops at a line break): a name holding CR/LF still reaches
its view, and no path under ``api/`` falls through to the host's HTML 404.
"""

from __future__ import annotations

from django.urls import include, path, re_path

from .views import auth, files, v1, v2
from .views.base import NotFoundV2ViewSet, NotFoundViewSet

app_name = "frappe_api"

_ANY = {verb: "not_found" for verb in ("get", "post", "put", "patch", "delete", "head")}

_CALL = {verb: "call" for verb in ("get", "post", "put", "patch", "delete")}

v1_patterns = [
    # RPC: anything after a further "/" is ignored (frappe/api/v1.py keeps it for old clients)
    re_path(r"^method/login(?:/[\s\S]*)?$", auth.LoginViewSet.as_view(_CALL), name="v1-login"),
    re_path(r"^method/logout(?:/[\s\S]*)?$", auth.LogoutViewSet.as_view(_CALL), name="v1-logout"),
    re_path(r"^method/(?P<method>[^/]+)(?:/[\s\S]*)?$", v1.MethodViewSet.as_view(_CALL), name="v1-method"),
    # REST
    re_path(
        r"^resource/(?P<doctype>[^/]+)/?$",
        v1.ResourceViewSet.as_view({"get": "list", "post": "create"}),
        name="v1-resource-list",
    ),
    re_path(
        r"^resource/(?P<doctype>[^/]+)/(?P<name>[\s\S]+?)/?$",
        v1.ResourceViewSet.as_view(
            {"get": "retrieve", "put": "update", "delete": "destroy", "post": "run_method"}
        ),
        name="v1-resource-detail",
    ),
    re_path(r"^[\s\S]*$", NotFoundViewSet.as_view(_ANY), name="v1-not-found"),
]

_CALL_V2 = {**_CALL, "query": "call"}
_DOCUMENT_DETAIL = {"get": "retrieve", "put": "update", "patch": "update", "delete": "destroy"}

v2_patterns = [
    # discovery (System Manager only)
    re_path(r"^discovery/?$", v2.DiscoveryViewSet.as_view({"get": "root"}), name="v2-discovery"),
    re_path(r"^discovery/search/?$", v2.DiscoveryViewSet.as_view({"get": "search"}), name="v2-discovery-search"),
    re_path(r"^discovery/method/?$", v2.DiscoveryViewSet.as_view({"get": "methods"}), name="v2-discovery-methods"),
    re_path(
        r"^discovery/method/(?P<method>[^/]+)/?$",
        v2.DiscoveryViewSet.as_view({"get": "method"}),
        name="v2-discovery-method",
    ),
    re_path(
        r"^discovery/doctype/(?P<doctype>[^/]+)/?$",
        v2.DiscoveryViewSet.as_view({"get": "doctype"}),
        name="v2-discovery-doctype",
    ),
    re_path(
        r"^discovery/doctype/(?P<doctype>[^/]+)/method/(?P<method>[^/]+)/?$",
        v2.DiscoveryViewSet.as_view({"get": "doctype_method"}),
        name="v2-discovery-doctype-method",
    ),
    # RPC
    re_path(r"^method/login/?$", auth.LoginV2ViewSet.as_view(_CALL), name="v2-login"),
    re_path(r"^method/logout/?$", auth.LogoutV2ViewSet.as_view(_CALL), name="v2-logout"),
    re_path(r"^method/bulk_delete/?$", v2.MethodViewSet.as_view({"post": "bulk_delete"}), name="v2-bulk-delete"),
    re_path(r"^method/bulk_update/?$", v2.MethodViewSet.as_view({"post": "bulk_update"}), name="v2-bulk-update"),
    re_path(
        r"^method/bulk_job_status/?$",
        v2.MethodViewSet.as_view({"get": "bulk_job_status"}),
        name="v2-bulk-job-status",
    ),
    re_path(
        r"^method/run_doc_method/?$",
        v2.MethodViewSet.as_view({"get": "run_doc_method", "post": "run_doc_method", "query": "run_doc_method"}),
        name="v2-run-doc-method",
    ),
    re_path(r"^method/(?P<method>[^/]+)/?$", v2.MethodViewSet.as_view(_CALL_V2), name="v2-method"),
    re_path(
        r"^method/(?P<doctype>[^/]+)/(?P<method>[^/]+)/?$",
        v2.MethodViewSet.as_view({verb: "doctype_call" for verb in _CALL_V2}),
        name="v2-doctype-method",
    ),
    # documents: the static sub-routes come before the greedy name (frappe/api/v2.py)
    re_path(
        r"^document/(?P<doctype>[^/]+)/?$",
        v2.DocumentViewSet.as_view({"get": "list", "query": "list", "post": "create"}),
        name="v2-document-list",
    ),
    # POST only: other verbs still reach a document named "bulk_delete" / "bulk_update"
    re_path(
        r"^document/(?P<doctype>[^/]+)/(?P<name>bulk_delete)/?$",
        v2.DocumentViewSet.as_view({**_DOCUMENT_DETAIL, "post": "bulk_delete"}),
        name="v2-document-bulk-delete",
    ),
    re_path(
        r"^document/(?P<doctype>[^/]+)/(?P<name>bulk_update)/?$",
        v2.DocumentViewSet.as_view({**_DOCUMENT_DETAIL, "post": "bulk_update"}),
        name="v2-document-bulk-update",
    ),
    re_path(
        r"^document/(?P<doctype>[^/]+)/(?P<name>[\s\S]+?)/copy/?$",
        v2.DocumentViewSet.as_view({"get": "copy"}),
        name="v2-document-copy",
    ),
    re_path(
        r"^document/(?P<doctype>[^/]+)/(?P<name>[\s\S]+?)/method/(?P<method>[^/]+)/?$",
        v2.DocumentViewSet.as_view({"get": "method", "post": "method", "query": "method"}),
        name="v2-document-method",
    ),
    re_path(r"^document/(?P<doctype>[^/]+)/(?P<name>[\s\S]+?)/?$", v2.DocumentViewSet.as_view(_DOCUMENT_DETAIL),
            name="v2-document-detail"),
    # DocType endpoints
    re_path(r"^doctype/(?P<doctype>[^/]+)/meta/?$", v2.DocTypeViewSet.as_view({"get": "meta"}), name="v2-doctype-meta"),
    re_path(
        r"^doctype/(?P<doctype>[^/]+)/count/?$",
        v2.DocTypeViewSet.as_view({"get": "count", "query": "count"}),
        name="v2-doctype-count",
    ),
    re_path(
        r"^doctype/(?P<doctype>[^/]+)/search/?$",
        v2.DocTypeViewSet.as_view({"get": "search"}),
        name="v2-doctype-search",
    ),
    re_path(r"^[\s\S]*$", NotFoundV2ViewSet.as_view(_ANY), name="v2-not-found"),
]

file_patterns = [
    re_path(r"^files/(?P<path>.+)$", files.FileViewSet.as_view({"get": "public"}), name="public-file"),
    re_path(r"^private/files/(?P<path>.+)$", files.FileViewSet.as_view({"get": "private"}), name="private-file"),
]

urlpatterns = [
    path("", include((file_patterns, "files"))),
    re_path(r"^api/v2/", include((v2_patterns, "v2"))),
    re_path(r"^api/v1/", include((v1_patterns, "v1"))),
    re_path(r"^api/", include((v1_patterns, "v1-legacy"))),
]
