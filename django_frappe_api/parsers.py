"""Request parameters as Frappe reads them (§2.1, §2.4): ``form_dict`` and the v1 ``data`` payload.

Usage::

    form = form_dict(request)            # JSON object body, or query string + form fields
    values = v1_payload(request, form)   # body of POST/PUT /api/resource

A JSON body with a JSON content type replaces the query string entirely; form-encoded bodies are
parsed on PUT, PATCH and DELETE too, which Django does not do by itself. Bodies larger than
``FRAPPE_API["MAX_BODY_SIZE"]`` are refused with 413.
"""

from __future__ import annotations

import codecs
from io import BytesIO
from typing import Any

from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.datastructures import MultiValueDict

from . import exceptions, json_input
from .conf import api_settings


def _django_request(request: Any) -> HttpRequest:
    return getattr(request, "_request", request)


def is_json_content_type(content_type: str) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _media_type(content_type: str) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def raw_body(request: Any) -> bytes:
    """The request body, read once under ``MAX_BODY_SIZE`` (413 beyond it).

    Django's ``request.body`` would apply ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MiB) instead, and the API
    promises Frappe's limit: the body is read here and handed back to Django, so ``request.POST`` and
    ``request.FILES`` parse the same bytes afterwards. A multipart body that Django already parsed from
    the stream (a middleware read ``request.POST``) has no raw form; every other unreadable body is a
    server error, never an empty one.
    """
    django_request = _django_request(request)
    limit = api_settings.MAX_BODY_SIZE
    if _declared_length(django_request) > limit:
        raise exceptions.RequestEntityTooLarge("Request body is too large")
    body = getattr(django_request, "_body", None)
    if body is None:
        if getattr(django_request, "_read_started", False):
            if _media_type(django_request.META.get("CONTENT_TYPE", "")) == "multipart/form-data":
                return b""
            raise RuntimeError("The request body was read before the Frappe API view")
        body = django_request.read(limit + 1)
        django_request._body = body
        django_request._stream = BytesIO(body)
    if len(body) > limit:
        raise exceptions.RequestEntityTooLarge("Request body is too large")
    return body


def check_body_size(request: Any) -> None:
    """413 for a declared body over ``MAX_BODY_SIZE``, whether or not the route reads it (werkzeug's
    ``max_content_length`` in Frappe applies to every request)."""
    if _declared_length(_django_request(request)) > api_settings.MAX_BODY_SIZE:
        raise exceptions.RequestEntityTooLarge("Request body is too large")


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0


def form_dict(request: Any) -> dict[str, Any]:
    """Merged request parameters; values from a query string or form are strings."""
    django_request = _django_request(request)
    cached = getattr(django_request, "_frappe_form_dict", None)
    if cached is not None:
        return cached
    content_type = django_request.META.get("CONTENT_TYPE", "")
    result: dict[str, Any]
    if is_json_content_type(content_type):
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
    parsed = json_input.loads(body, "request body")
    if isinstance(parsed, dict):
        return parsed
    if isinstance(parsed, list):
        return {"data": parsed}
    raise exceptions.ValidationError("Invalid request arguments")


def _form_fields(request: HttpRequest, content_type: str) -> QueryDict:
    media = _media_type(content_type)
    if media == "application/x-www-form-urlencoded":
        return _urlencoded(request)
    if media == "multipart/form-data":
        return _multipart(request)
    return QueryDict()


def _urlencoded(request: HttpRequest) -> QueryDict:
    """A form body on any verb; like Django, only UTF-8 (the one charset such forms have, per WHATWG)."""
    encoding = request.encoding
    if encoding and codecs.lookup(encoding).name != "utf-8":
        raise exceptions.ValidationError(
            "HTTP requests with the 'application/x-www-form-urlencoded' content type must be UTF-8 encoded."
        )
    return QueryDict(raw_body(request), encoding="utf-8")  # Django's field-count limit applies (413)


def _multipart(request: HttpRequest) -> QueryDict:
    """A multipart form on any verb; a malformed one reads as an empty form, as in Frappe (werkzeug)."""
    body = raw_body(request)  # size check before Django parses it
    if request.method == "POST":
        try:
            return request.POST
        except MultiPartParserError:
            return QueryDict()  # Django has already set POST and FILES empty
    try:
        data, files = MultiPartParser(request.META, BytesIO(body), request.upload_handlers, request.encoding).parse()
    except MultiPartParserError:
        data, files = QueryDict(), MultiValueDict()
    request._files = files
    return data


def _first_values(query: QueryDict) -> dict[str, Any]:
    """For repeated keys Frappe keeps the first value."""
    return {key: values[0] if values else "" for key, values in query.lists()}


def v1_payload(request: Any, form: dict[str, Any]) -> dict[str, Any]:
    """Document values of v1 create/update: ``data`` param, else the body as JSON, else form_dict."""
    if "data" in form and form["data"] not in (None, ""):
        data = form["data"]
        if isinstance(data, str):
            data = json_input.loads(data, "data")
        if not isinstance(data, dict):
            raise exceptions.ValidationError("Invalid request arguments")
        return _without_doctype(data)
    body = raw_body(request)
    if body.strip():
        # Frappe parses any body as JSON and falls back to the form when it is not JSON (frappe/api/v1.py).
        parsed = json_input.loads(body, "request body", default=None)
        if isinstance(parsed, dict):
            return _without_doctype(parsed)
        if parsed is not None and is_json_content_type(_django_request(request).META.get("CONTENT_TYPE", "")):
            raise exceptions.ValidationError("Invalid request arguments")
    return _without_doctype(dict(form))


def _without_doctype(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    values.pop("doctype", None)
    values.pop("flags", None)
    return values
