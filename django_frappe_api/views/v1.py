"""API v1 views: ``/api/resource`` (REST) under ``/api/`` and ``/api/v1/``.

Usage (see ``urls.py``)::

    ResourceViewSet.as_view({"get": "list", "post": "create"})

List parameters follow Frappe's v1 (§4) and are read by ``ListRequest.from_v1``; documents come back
without null fields; delete answers ``202 {"data": "ok"}``.
"""

from __future__ import annotations

from django.http.response import HttpResponseBase

from .. import document, document_methods, exceptions, fieldtypes, parsers, rpc
from ..params import ListRequest
from ..registry import method_registry
from ..serialization import strip_nulls
from .base import FrappeViewSet


class ResourceViewSet(FrappeViewSet):
    """``/resource/<doctype>[/<name>]``: list, create, read, update, delete, document methods."""

    api_version = "v1"
    rollback_reads = True
    replica_reads = True

    def reads_from_replica(self, request) -> bool:
        # A document method run by GET may write before it reads: its reads stay with the primary.
        return "run_method" not in request.GET

    def list(self, request, doctype: str):
        list_request = ListRequest.from_v1(self.form, host_params=request.query_params)
        rows = document.get_list(doctype, list_request, user=request.user)
        if self.form.get("expand"):
            rows = document.expand_list_links(doctype, rows, self.form["expand"], user=request.user)
        return self.respond(rows)

    def create(self, request, doctype: str):
        values = parsers.v1_payload(request, self.form)
        doc = document.insert_doc(doctype, values, user=request.user)
        return self.respond(strip_nulls(doc))

    def retrieve(self, request, doctype: str, name: str):
        if "run_method" in self.form:
            return self._run_method(request, doctype, name)
        if fieldtypes.sbool(self.form.get("expand_links")) is True:
            doc = document.get_doc(doctype, name, user=request.user, nulls=True)
            return self.respond(document.expand_doc_links(doctype, doc, user=request.user))
        return self.respond(document.get_doc(doctype, name, user=request.user, nulls=False))

    def update(self, request, doctype: str, name: str):
        values = parsers.v1_payload(request, self.form)
        doc = document.update_doc(doctype, name, values, user=request.user)
        return self.respond(strip_nulls(doc))

    def destroy(self, request, doctype: str, name: str):
        document.delete_doc(doctype, name, user=request.user)
        return self.respond("ok", status=202)

    def run_method(self, request, doctype: str, name: str):
        return self._run_method(request, doctype, name)

    def _run_method(self, request, doctype: str, name: str):
        form = dict(self.form)
        method = form.pop("run_method", None)
        if not method or not isinstance(method, str):
            raise exceptions.ValidationError("run_method is required")
        result = document_methods.run(doctype, name, method, form, user=request.user, http_method=request.method)
        return self.respond(result)


class MethodViewSet(FrappeViewSet):
    """``/method/<dotted.path>``: whitelisted callables, result under ``message`` (§5)."""

    api_version = "v1"
    result_key = "message"

    def reads_from_replica(self, request) -> bool:
        # Methods whitelisted as read-only (frappe.client.get_list, get, ...) only read.
        name = self.kwargs.get("method", "")
        return method_registry.is_registered(name) and method_registry.get(name).read_only

    def call(self, request, method: str):
        result = rpc.call(method, self.form, request=request)
        if isinstance(result, HttpResponseBase):
            return result
        return self.respond(result, key=self.result_key)
