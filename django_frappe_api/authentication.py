"""Who is calling: Frappe's session cookie semantics on top of Django's session.

Usage::

    authentication_classes = [FrappeSessionAuthentication]   # set by views/base.py

CSRF follows Frappe (§8.8): only a session that carries a CSRF token (one opened by a browser page
that was given the token) must send ``X-Frappe-CSRF-Token`` on unsafe requests. Sessions opened by
the login API carry none, so API clients that never load a page keep working.
"""

from __future__ import annotations

import hmac

from rest_framework.authentication import BaseAuthentication

from . import exceptions

CSRF_SESSION_KEY = "frappe_csrf_token"
CSRF_HEADER = "HTTP_X_FRAPPE_CSRF_TOKEN"
UNSAFE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})


class FrappeSessionAuthentication(BaseAuthentication):
    """The user of the Django session, with Frappe's CSRF rule instead of Django's."""

    def authenticate(self, request):
        django_request = request._request
        user = getattr(django_request, "user", None)
        if user is None or not user.is_active or not user.is_authenticated:
            return None
        self.enforce_csrf(django_request)
        return (user, None)

    def enforce_csrf(self, django_request) -> None:
        if django_request.method not in UNSAFE_METHODS:
            return
        expected = django_request.session.get(CSRF_SESSION_KEY)
        if not expected:
            return
        supplied = django_request.META.get(CSRF_HEADER) or ""
        if not supplied:
            from .parsers import form_dict

            supplied = str(form_dict(django_request).pop("csrf_token", "") or "")
        if not hmac.compare_digest(str(expected), supplied):
            raise exceptions.CSRFTokenError("Invalid Request")
