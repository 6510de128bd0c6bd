"""Request parameters as Frappe reads them (§2.1, §2.4): ``form_dict`` and the v1 ``data`` payload.

Usage::

    form = form_dict(request)            # JSON object body, or query string + form fields
    values = v1_payload(request, form)   # body of POST/PUT /api/resource

A JSON body with a JSON content type replaces the query string entirely; form-encoded bodies are
parsed on PUT, PATCH and DELETE too, which Django does not do by itself. Bodies larger than
``FRAPPE_API["MAX_BODY_SIZE"]`` are refused with 413.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError

from . import exceptions
from .conf import api_settings


def _django_request(request: Any) -> HttpRequest:
    return getattr(request, "_request", request)


def is_json_content_type(content_type: str) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def raw_body(request: Any) -> bytes:
    """The request body, refused when larger than the configured limit."""
    django_request = _django_request(request)
    declared = django_request.META.get("CONTENT_LENGTH") or 0
    try:
        declared = int(declared)
    except (TypeError, ValueError):
        declared = 0
    if declared > api_settings.MAX_BODY_SIZE:
        raise exceptions.RequestEntityTooLarge("Request body is too large")
    if getattr(django_request, "_frappe_body_consumed", False):
        return b""
    try:
        body = django_request.body
    except Exception:  # the stream was already read as multipart: no raw body to offer
        return b""
    if len(body) > api_settings.MAX_BODY_SIZE:
        raise exceptions.RequestEntityTooLarge("Request body is too large")
    return body


def form_dict(request: Any) -> dict[str, Any]:
    """Merged request parameters; values from a query string or form are strings."""
    django_request = _django_request(request)
    cached = getattr(django_request, "_frappe_form_dict", None)
    if cached is not None:
        return cached
    content_type = django_request.META.get("CONTENT_TYPE", "")
    result: dict[str, Any]
    if is_json_content_type(content_type) and not content_type.lower().startswith("multipart/"):
        body = raw_body(request)
        if body.strip():
            result = _json_body(body)
            django_request._frappe_form_dict = result
            return result
    result = _first_values(django_request.GET)
    result.update(_first_values(_form_fields(django_request, content_type)))
    result.pop("_", None)
    django_request._frappe_form_dict = result
    return result


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise exceptions.ValidationError("Invalid JSON in request body", detail="JSONDecodeError") from None
    if isinstance(parsed, dict):
        return parsed
    if isinstance(parsed, list):
        return {"data": parsed}
    raise exceptions.ValidationError("Invalid request arguments")


def _form_fields(request: HttpRequest, content_type: str) -> QueryDict:
    media = content_type.split(";", 1)[0].strip().lower()
    if request.method == "POST":
        raw_body(request)  # size check before Django buffers the form
        return request.POST
    if media == "application/x-www-form-urlencoded":
        return QueryDict(raw_body(request), encoding=request.encoding)
    if media == "multipart/form-data":
        raw_body(request)
        try:
            data, files = MultiPartParser(request.META, request, request.upload_handlers, request.encoding).parse()
        except MultiPartParserError:
            raise exceptions.ValidationError("Invalid multipart body") from None
        request._files = files
        request._frappe_body_consumed = True
        return data
    return QueryDict()


def _first_values(query: QueryDict) -> dict[str, Any]:
    """For repeated keys Frappe keeps the first value."""
    return {key: values[0] if values else "" for key, values in query.lists()}


def v1_payload(request: Any, form: dict[str, Any]) -> dict[str, Any]:
    """Document values of v1 create/update: ``data`` param, else the body as JSON, else form_dict."""
    if "data" in form and form["data"] not in (None, ""):
        data = form["data"]
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise exceptions.ValidationError("Invalid JSON in data") from None
        if not isinstance(data, dict):
            raise exceptions.ValidationError("Invalid request arguments")
        return _without_doctype(data)
    body = raw_body(request)
    if body.strip():
        try:
            parsed = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            parsed = None
        if isinstance(parsed, dict):
            return _without_doctype(parsed)
        if parsed is not None and not isinstance(parsed, dict) and is_json_content_type(
            _django_request(request).META.get("CONTENT_TYPE", "")
        ):
            raise exceptions.ValidationError("Invalid request arguments")
    return _without_doctype(dict(form))


def _without_doctype(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    values.pop("doctype", None)
    values.pop("flags", None)
    return values
