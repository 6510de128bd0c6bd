"""API v2 views: ``/api/v2/document``, ``/api/v2/doctype`` and ``/api/v2/method`` (§6).

Usage (see ``urls.py``)::

    DocumentViewSet.as_view({"get": "list", "post": "create"})

The same document layer as v1 behind thinner parameter handling: ``start``/``limit`` paging with
``has_next_page`` (one extra row fetched), ``include=count``, every result under ``data`` and errors as
v2's ``errors`` list.
"""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase

from .. import doctype_resource, document, document_methods, exceptions, fieldtypes, rpc
from ..conf import api_settings
from ..meta import get_meta
from ..serialization import strip_nulls
from .base import FrappeViewSet

COUNT_CAP = 1000


def _json_param(form: dict[str, Any], key: str, kinds: tuple[type, ...], message: str) -> Any:
    from ..filters import load_json_param

    value = form.get(key)
    if value in (None, ""):
        return None
    if key == "fields" and value == "*":
        return ["*"]
    decoded = load_json_param(value, key)
    if decoded is not None and not isinstance(decoded, kinds):
        raise exceptions.FrappeValueError(message)
    return decoded


def _string_param(form: dict[str, Any], key: str) -> str | None:
    value = form.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise exceptions.FrappeValueError(f"'{key}' must be a string")
    return value


def _include_parts(form: dict[str, Any], known: tuple[str, ...]) -> list[str]:
    parts = [part.strip() for part in str(form.get("include") or "").split(",") if part.strip()]
    for part in parts:
        if part not in known:
            raise exceptions.UnknownPartError(f"Unknown include part {part}. Known parts: {', '.join(known)}")
    return parts


class DocumentViewSet(FrappeViewSet):
    """``/document/<doctype>[/<name>]`` and the document sub-routes (copy, method)."""

    api_version = "v2"

    def list(self, request, doctype: str):
        form = self.form
        fields = _json_param(form, "fields", (list,), "'fields' must be a list")
        filters = _json_param(form, "filters", (list, dict), "'filters' must be a list or dictionary")
        or_filters = _json_param(form, "or_filters", (list, dict), "'or_filters' must be a list or dictionary")
        order_by = _string_param(form, "order_by")
        group_by = _string_param(form, "group_by")
        start = fieldtypes.cint(form.get("start", form.get("limit_start", 0)))
        limit = fieldtypes.cint(form.get("limit", api_settings.DEFAULT_PAGE_LENGTH)) if "limit" in form else (
            api_settings.DEFAULT_PAGE_LENGTH
        )
        if start < 0 or limit < 0:
            raise exceptions.FrappeValueError("'start' and 'limit' must be non-negative integers")
        limit = min(limit, api_settings.MAX_PAGE_LENGTH)
        parts = _include_parts(form, ("count",))
        as_dict = bool(form.get("as_dict", True))
        common = {"filters": filters, "or_filters": or_filters, "parent": form.get("parent") or None}
        rows = document.get_list(
            doctype, user=request.user, fields=fields, order_by=order_by, group_by=group_by, start=start,
            page_length=limit + 1, as_dict=as_dict, **common,
        ) if limit else document.get_list(
            doctype, user=request.user, fields=["name"], start=start, page_length=1, **common,
        )
        extra: dict[str, Any] = {"has_next_page": len(rows) > limit}
        rows = rows[:limit]
        if "count" in parts:
            count = document.get_count(doctype, user=request.user, limit=COUNT_CAP + 1, **common)
            extra["count"] = min(count, COUNT_CAP)
            extra["count_capped"] = count > COUNT_CAP
        return self.respond(rows, extra=extra)

    def create(self, request, doctype: str):
        values = dict(self.form)
        values.pop("doctype", None)
        if doctype == doctype_resource.DOCTYPE:
            return self.respond(doctype_resource.insert(values, user=request.user))
        doc = document.insert_doc(doctype, values, user=request.user)
        return self.respond(strip_nulls(doc))

    def retrieve(self, request, doctype: str, name: str):
        if doctype == doctype_resource.DOCTYPE:
            return self.respond(doctype_resource.get(name, user=request.user))
        return self.respond(document.get_doc(doctype, name, user=request.user, nulls=False))

    def update(self, request, doctype: str, name: str):
        values = dict(self.form)
        values.pop("doctype", None)
        if doctype == doctype_resource.DOCTYPE:
            return self.respond(doctype_resource.update(name, values, user=request.user))
        return self.respond(strip_nulls(document.update_doc(doctype, name, values, user=request.user)))

    def destroy(self, request, doctype: str, name: str):
        if doctype == doctype_resource.DOCTYPE:
            doctype_resource.delete(name, user=request.user)
        else:
            document.delete_doc(doctype, name, user=request.user)
        return self.respond("ok", status=202)

    def copy(self, request, doctype: str, name: str):
        ignore_no_copy = fieldtypes.sbool(self.form.get("ignore_no_copy", True))
        doc = document.copy_doc(doctype, name, user=request.user, keep_no_copy=bool(ignore_no_copy))
        return self.respond(doc)

    def method(self, request, doctype: str, name: str, method: str):
        form = dict(self.form)
        result = document_methods.run(doctype, name, method, form, user=request.user, http_method=request.method)
        return self.respond(result)


class DocTypeViewSet(FrappeViewSet):
    """``/doctype/<doctype>/meta`` and ``/doctype/<doctype>/count``."""

    api_version = "v2"

    def meta(self, request, doctype: str):
        if not getattr(request.user, "is_authenticated", False):
            raise exceptions.PermissionError()
        return self.respond(dict(get_meta(doctype).properties))

    def count(self, request, doctype: str):
        form = self.form
        filters = _json_param(form, "filters", (list, dict), "'filters' must be a list or dictionary")
        or_filters = _json_param(form, "or_filters", (list, dict), "'or_filters' must be a list or dictionary")
        limit = fieldtypes.cint(form.get("limit")) or None
        distinct = fieldtypes.sbool(form.get("distinct", False)) is True
        count = document.get_count(
            doctype, user=request.user, filters=filters, or_filters=or_filters, distinct=distinct, limit=limit
        )
        return self.respond(count)


class MethodViewSet(FrappeViewSet):
    """``/method/<dotted.path>``: the registry's callables, result under ``data``."""

    api_version = "v2"

    def call(self, request, method: str):
        result = rpc.call(method, self.form, request=request)
        if isinstance(result, HttpResponseBase):
            return result
        return self.respond(result)
