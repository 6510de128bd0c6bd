"""CORS for the API routes (Frappe's ``allow_cors``), answered by our views with django-cors-headers' vocabulary.

Usage (the host's settings)::

    FRAPPE_API = {"CORS_ALLOWED_ORIGINS": ["http://localhost:5173", "https://app.example.com"]}

Why in our views and not in ``corsheaders.middleware.CorsMiddleware``: that middleware reads one global
``CORS_*`` configuration for the whole project, which the host may already use for its own routes with other
rules (no credentials, other origins). Our views answer every path under ``api/`` (unknown ones included), so
handling CORS in ``FrappeViewSet`` covers all API responses, errors included, needs no middleware and no
ordering, and leaves the host's django-cors-headers setup untouched. The header and method lists are
django-cors-headers' defaults plus Frappe's CSRF header, and its header constants and ``Vary`` handling are used.

What Frappe does (``set_cors_headers`` in ``frappe/app.py``): for a listed ``Origin`` the origin is echoed (never
``*``: frappe-js-sdk always sends ``withCredentials``), ``Access-Control-Allow-Credentials: true``, ``Vary:
Origin``; a preflight also gets the allowed methods and headers and ``Access-Control-Max-Age: 86400`` unless in
developer mode (here: ``DEBUG``). ``"*"`` allows any origin, still echoed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from corsheaders.defaults import default_headers, default_methods
from corsheaders.middleware import (
    ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_MAX_AGE,
)
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers

from .conf import api_settings

#: Request headers a cross-origin page may send: django-cors-headers' defaults and Frappe's CSRF header.
ALLOW_HEADERS: tuple[str, ...] = (*default_headers, "x-frappe-csrf-token")
#: The verbs Frappe's routes serve (v1 and v2), as django-cors-headers lists them.
ALLOW_METHODS: tuple[str, ...] = default_methods
#: Seconds a browser may cache a preflight answer (Frappe: one day).
PREFLIGHT_MAX_AGE = 86400


def _origin_key(origin: str) -> tuple[str, str] | None:
    try:
        url = urlsplit(origin)
    except ValueError:
        return None
    if not url.scheme or not url.netloc:
        return None
    return url.scheme.lower(), url.netloc.lower()


def is_allowed_origin(origin: str | None) -> bool:
    """Whether ``origin`` is listed in ``FRAPPE_API["CORS_ALLOWED_ORIGINS"]`` (scheme and host[:port] compared)."""
    allowed = api_settings.CORS_ALLOWED_ORIGINS
    if not origin or not allowed:
        return False
    key = _origin_key(origin)
    if key is None:
        return False
    if allowed == "*":
        return True
    return any(_origin_key(candidate) == key for candidate in allowed)


def is_preflight(request: HttpRequest) -> bool:
    """A browser's CORS preflight: ``OPTIONS`` naming the method it wants to send."""
    return request.method == "OPTIONS" and "access-control-request-method" in request.headers


def options_response(allowed_methods: list[str]) -> HttpResponse:
    """Frappe answers every ``OPTIONS`` with an empty 200; ``Allow`` lists this route's verbs."""
    response = HttpResponse(b"", content_type="text/plain; charset=utf-8")
    response["Allow"] = ", ".join(allowed_methods)
    return response


def add_cors_headers(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Add the ``Access-Control-*`` headers to an API response when CORS is configured and the origin listed."""
    if not api_settings.CORS_ALLOWED_ORIGINS:
        return response
    patch_vary_headers(response, ("origin",))  # the body depends on Origin even when it is refused
    origin = request.headers.get("origin")
    if not is_allowed_origin(origin):
        return response
    response[ACCESS_CONTROL_ALLOW_ORIGIN] = origin
    response[ACCESS_CONTROL_ALLOW_CREDENTIALS] = "true"
    if is_preflight(request):
        response[ACCESS_CONTROL_ALLOW_METHODS] = ", ".join(ALLOW_METHODS)
        response[ACCESS_CONTROL_ALLOW_HEADERS] = ", ".join(ALLOW_HEADERS)
        if not settings.DEBUG:
            response[ACCESS_CONTROL_MAX_AGE] = str(PREFLIGHT_MAX_AGE)
    return response


def is_foreign_origin(request: HttpRequest) -> bool:
    """An ``Origin`` that is neither this site, a CORS origin, nor one of Django's ``CSRF_TRUSTED_ORIGINS``.

    A cookie-authenticated write from such an origin is a cross-site request forgery: browsers send simple
    (form-encoded) POSTs cross-origin without a preflight, so CORS alone does not stop them.
    """
    origin = request.headers.get("origin")
    if not origin:
        return False
    key = _origin_key(origin)
    if key is None:
        return True
    own = (request.scheme, request.get_host().lower())
    if key == own or is_allowed_origin(origin):
        return False
    return not any(_origin_key(trusted) == key for trusted in getattr(settings, "CSRF_TRUSTED_ORIGINS", ()))
