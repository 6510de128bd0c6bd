"""API v2 views: ``/api/v2/document``, ``/api/v2/doctype`` and ``/api/v2/method`` (§6).

Usage (see ``urls.py``)::

    DocumentViewSet.as_view({"get": "list", "post": "create"})

The same document layer as v1 behind thinner parameter handling: ``start``/``limit`` paging with
``has_next_page`` (one extra row fetched), ``include=`` parts beside ``data``, every result under ``data``
and errors as v2's ``errors`` list. ``QUERY`` (a GET with a body) is answered like ``GET`` on the read-only
routes: list, count, RPC, document methods and ``run_doc_method``.
"""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase

from .. import (
    bulk,
    discovery,
    document,
    document_methods,
    exceptions,
    fieldtypes,
    include,
    rpc,
    search,
)
from ..conf import api_settings
from ..field_access import FieldAccess
from ..filters import load_json_param
from ..hooks import controller_registry
from ..meta import get_meta
from ..params import ListRequest
from ..registry import method_registry
from ..serialization import doc_as_dict, strip_nulls
from .base import FrappeViewSet


def _verb(request) -> str:
    """The verb the checks see: ``QUERY`` has the semantics of ``GET`` (§1.3)."""
    return "GET" if request.method == "QUERY" else request.method


class V2ViewSet(FrappeViewSet):
    api_version = "v2"
    http_method_names = [*FrappeViewSet.http_method_names, "query"]

    def bulk(self, request, operation: str, doctype: str | None, items: list[Any]):
        """Run a bulk request inline, or queue it above the threshold: 202 ``{"data": {"job_id": ...}}``.

        Only a task backend that can report a job's status queues (``bulk_job_status`` must find every id
        it hands out); without one (Django's default immediate backend) the request runs inline."""
        if not getattr(request.user, "is_authenticated", False):
            raise exceptions.PermissionError()
        if doctype is not None:
            get_meta(doctype)  # an unknown DocType is 404 at once, queued or not
        if len(items) > api_settings.bulk_async_threshold(doctype) and bulk.can_queue():
            job_id = bulk.enqueue(operation, request.user, doctype=doctype, items=items)
            return self.respond({"job_id": job_id}, status=202)
        summary, docs = bulk.run(operation, request.user, doctype=doctype, items=items)
        return self.respond(summary, extra={"docs": docs} if docs else None)


class DocumentViewSet(V2ViewSet):
    """``/document/<doctype>[/<name>]`` and the document sub-routes (copy, method, bulk)."""

    rollback_reads = True
    replica_reads = True

    def reads_from_replica(self, request) -> bool:
        # A document method run by GET may write before it reads: its reads stay with the primary.
        return self.action_map.get(request.method.lower()) != "method"

    def list(self, request, doctype: str):
        list_request = ListRequest.from_v2(self.form, host_params=request.query_params)
        parts = include.parse_include(self.form.get("include"), include.LIST_PARTS)
        limit, page = list_request.page_length, list_request.with_lookahead()
        if "count" in parts:
            page = page.counting(api_settings.COUNT_CAP, api_settings.COUNT_TIMEOUT_MS)
        rows, count, next_cursor = document.get_list_page(doctype, page, limit=limit, user=request.user,
                                                          count="count" in parts)
        extra: dict[str, Any] = {"has_next_page": len(rows) > limit}
        if "count" in parts:
            extra.update(include.count_part(count))
        if list_request.cursor is not None:  # beyond Frappe: only a request with `cursor` gets the key
            extra["next_cursor"] = next_cursor
        return self.respond(rows[:limit], extra=extra)

    def create(self, request, doctype: str):
        values = dict(self.form)
        values.pop("doctype", None)
        doc = document.insert_doc(doctype, values, user=request.user)
        return self.respond(strip_nulls(doc))

    def retrieve(self, request, doctype: str, name: str):
        parts = include.parse_include(self.form.get("include"), include.DOCUMENT_PARTS)
        doc = document.get_doc(doctype, name, user=request.user, nulls=False)
        extra = include.document_parts(doctype, doc, parts, user=request.user) if parts else None
        return self.respond(doc, extra=extra)

    def update(self, request, doctype: str, name: str):
        values = dict(self.form)
        values.pop("doctype", None)
        return self.respond(strip_nulls(document.update_doc(doctype, name, values, user=request.user)))

    def destroy(self, request, doctype: str, name: str):
        document.delete_doc(doctype, name, user=request.user)
        return self.respond("ok", status=202)

    def copy(self, request, doctype: str, name: str):
        ignore_no_copy = fieldtypes.sbool(self.form.get("ignore_no_copy", True))
        doc = document.copy_doc(doctype, name, user=request.user, keep_no_copy=bool(ignore_no_copy))
        return self.respond(doc)

    def method(self, request, doctype: str, name: str, method: str):
        """The method's result under ``data`` and the document after the call in ``docs`` (dev26)."""
        form = dict(self.form)
        result, after = document_methods.run_with_doc(
            doctype, name, method, form, user=request.user, http_method=_verb(request)
        )
        return self.respond(result, extra={"docs": _docs(doctype, after, request.user, nulls=True)})

    def bulk_delete(self, request, doctype: str, name: str = "bulk_delete"):
        return self.bulk(request, "delete", doctype, bulk.check_items(self.form, "names"))

    def bulk_update(self, request, doctype: str, name: str = "bulk_update"):
        return self.bulk(request, "update", doctype, bulk.check_items(self.form, "docs"))


def _docs(doctype: str, doc: dict[str, Any] | None, user: Any, *, nulls: bool) -> list[dict[str, Any]]:
    """``docs`` of a method call: the document as the caller may read it; none once it is gone."""
    if doc is None:
        return []
    meta = get_meta(doctype)
    return [doc_as_dict(meta, doc, nulls=nulls, access=FieldAccess(user, meta))]


class DocTypeViewSet(V2ViewSet):
    """``/doctype/<doctype>/meta``, ``/count`` and ``/search``."""

    replica_reads = True  # all three only read

    def meta(self, request, doctype: str):
        if not getattr(request.user, "is_authenticated", False):
            raise exceptions.PermissionError()
        meta = get_meta(doctype)
        parts = include.parse_include(self.form.get("include"), include.META_PARTS)
        return self.respond(dict(meta.properties), extra=include.meta_parts(meta.name, parts) or None)

    def count(self, request, doctype: str):
        count_request = ListRequest.from_v2_count(self.form, host_params=request.query_params)
        count = document.get_count(doctype, count_request, user=request.user)
        # A count stopped by COUNT_TIMEOUT_MS is an explicit `"data": null`, not a body without data.
        return self.respond(count, extra={"data": None} if count is None else None)

    def search(self, request, doctype: str):
        """Link-field search: ``[{"value", "label"?, "description"}]``, privately cacheable for a minute;
        ``query`` runs a registered custom search function, ``reference_doctype`` must be a DocType."""
        form = self.form
        limit = fieldtypes.cint(form["limit"]) if form.get("limit") not in (None, "") else search.DEFAULT_LIMIT
        start = fieldtypes.cint(form.get("start") or 0)
        if start < 0 or limit < 0:
            raise exceptions.FrappeValueError("'start' and 'limit' must be non-negative integers")
        txt = "" if form.get("txt") is None else str(form.get("txt")).strip()
        reference_doctype = search.check_reference_doctype(form.get("reference_doctype"))
        limit = min(limit, api_settings.MAX_PAGE_LENGTH)
        if form.get("query"):
            rows = search.run_custom_query(str(form["query"]), get_meta(doctype), txt, request=request,
                                           start=start, limit=limit, filters=form.get("filters"),
                                           reference_doctype=reference_doctype, api_version="v2")
        else:
            rows = search.search_link(doctype, txt, user=request.user, filters=form.get("filters"), start=start,
                                      limit=limit, reference_doctype=reference_doctype,
                                      ignore_user_permissions=fieldtypes.sbool(form.get("ignore_user_permissions"))
                                      is True)
        response = self.respond(rows)
        response["Cache-Control"] = search.CACHE_CONTROL
        return response


class MethodViewSet(V2ViewSet):
    """``/method/<dotted.path>``, ``/method/<doctype>/<function>``, ``run_doc_method`` and the bulk methods."""

    def reads_from_replica(self, request) -> bool:
        # Methods whitelisted as read-only (frappe.client.get_list, get, ...) only read.
        if self.action_map.get(request.method.lower()) != "call":
            return False
        name = self.kwargs.get("method", "")
        return method_registry.is_registered(name) and method_registry.get(name).read_only

    def call(self, request, method: str):
        result = rpc.call(method, self.form, request=request, http_method=_verb(request), api_version="v2")
        if isinstance(result, HttpResponseBase):
            return result
        return self.respond(result)

    def doctype_call(self, request, doctype: str, method: str):
        """A whitelisted static or class method of the DocType's controller (§6.9)."""
        meta = get_meta(doctype)
        entry = controller_registry.function(meta.name, method)
        if entry is None:
            found = controller_registry.method(meta.name, method)
            raise rpc.not_whitelisted(
                f"{found.__module__}.{found.__qualname__}" if callable(found) else f"{meta.name}.{method}"
            )
        result = rpc.call_method(entry, self.form, request=request, http_method=_verb(request))
        if isinstance(result, HttpResponseBase):
            return result
        return self.respond(result)

    def run_doc_method(self, request):
        """Run a whitelisted method on the document the client sends: ``{"data": result, "docs": [doc]}``."""
        form = self.form
        supplied = form.get("document")
        if isinstance(supplied, str):
            supplied = load_json_param(supplied, "document")
        if not isinstance(supplied, dict):
            raise exceptions.FrappeValueError("'document' must be a dictionary")
        method = form.get("method")
        if not isinstance(method, str) or not method:
            raise exceptions.FrappeTypeError("run_doc_method() missing required argument: 'method'")
        kwargs = form.get("kwargs")
        kwargs = load_json_param(kwargs, "kwargs") if isinstance(kwargs, str) and kwargs else kwargs
        kwargs = dict(kwargs) if isinstance(kwargs, dict) else {}
        result, after = document_methods.run_on_document(
            supplied, method, kwargs, user=request.user, http_method=_verb(request)
        )
        return self.respond(result, extra={"docs": _docs(supplied["doctype"], after, request.user, nulls=False)})

    def bulk_delete(self, request):
        return self.bulk(request, "delete", None, bulk.check_items(self.form, "docs", required=False))

    def bulk_update(self, request):
        return self.bulk(request, "update", None, bulk.check_items(self.form, "docs"))

    def bulk_job_status(self, request):
        """``{"job_id", "status": "queued|started|finished|failed", "result"?}`` of a queued bulk request."""
        if not getattr(request.user, "is_authenticated", False):
            raise exceptions.PermissionError()
        return self.respond(bulk.job_status(self.form.get("job_id"), user=request.user))


class DiscoveryViewSet(V2ViewSet):
    """``/discovery``: the callable methods, for System Managers (§6.13)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        discovery.check_access(request.user)

    def root(self, request):
        return self.respond(discovery.root())

    def search(self, request):
        return self.respond(discovery.search(self.form.get("q")))

    def methods(self, request):
        return self.respond(discovery.method_index())

    def method(self, request, method: str):
        return self.respond(discovery.method(method))

    def doctype(self, request, doctype: str):
        return self.respond(discovery.doctype_index(doctype))

    def doctype_method(self, request, doctype: str, method: str):
        return self.respond(discovery.doctype_method(doctype, method))
