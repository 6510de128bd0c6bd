"""API v1 views: ``/api/resource`` (REST) under ``/api/`` and ``/api/v1/``.

Usage (see ``urls.py``)::

    ResourceViewSet.as_view({"get": "list", "post": "create"})

Parameters follow Frappe's v1 (§4): ``limit_start``, ``limit_page_length`` (or ``limit``), ``fields``,
``filters``, ``or_filters``, ``order_by``, ``group_by``, ``as_dict`` read with ``sbool``; documents
come back without null fields; delete answers ``202 {"data": "ok"}``.
"""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase

from .. import document, document_methods, exceptions, fieldtypes, parsers, rpc
from ..serialization import strip_nulls
from .base import FrappeViewSet


def v1_page_length(form: dict[str, Any]) -> Any:
    """``limit_page_length``, else a truthy ``limit``, else the default (§4.1 step 3)."""
    if "limit_page_length" in form:
        value = form["limit_page_length"]
        return 0 if value in ("0", 0) else value
    limit = form.get("limit")
    if limit:
        return 0 if limit == "0" else limit
    return None


def list_kwargs(form: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of ``document.get_list`` from a v1 ``form_dict``."""
    as_dict = fieldtypes.sbool(form.get("as_dict", True))
    return {
        "fields": form.get("fields"),
        "filters": form.get("filters"),
        "or_filters": form.get("or_filters"),
        "order_by": form.get("order_by") or None,
        "group_by": form.get("group_by") or None,
        "start": form.get("limit_start") or 0,
        "page_length": v1_page_length(form),
        "as_dict": bool(as_dict) if as_dict not in ("", None) else False,
        "parent": form.get("parent") or None,
    }


class ResourceViewSet(FrappeViewSet):
    """``/resource/<doctype>[/<name>]``: list, create, read, update, delete, document methods."""

    api_version = "v1"
    rollback_reads = True

    def list(self, request, doctype: str):
        rows = document.get_list(doctype, user=request.user, host_params=request.query_params,
                                 **list_kwargs(self.form))
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

    def call(self, request, method: str):
        result = rpc.call(method, self.form, request=request)
        if isinstance(result, HttpResponseBase):
            return result
        return self.respond(result, key=self.result_key)
