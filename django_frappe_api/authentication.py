"""Who is calling: API keys in the ``Authorization`` header, Frappe's ``sid`` and Django's session.

Usage::

    authentication_classes = [TokenAuthentication, FrappeSessionAuthentication]   # set by views/base.py
    token = get_csrf_token(request)        # in a server-rendered page: <script>csrf_token = "{{ token }}"</script>

Frappe's order (§8.1): the session is resumed first (Django's session cookie, else ``sid`` from the parameters,
else the ``sid`` cookie, whose value is the Django session key); an unknown or expired ``sid`` continues as Guest
and the body gets ``"session_expired": 1``. Then an ``Authorization`` header of exactly two space-separated parts
is tried: ``token <api_key>:<api_secret>`` or ``Basic base64(<api_key>:<api_secret>)``. A wrong key or secret is
a 401 even for guest methods, a valid header is ignored when a logged-in session exists (the session wins), and
token requests create no session and are never CSRF-checked.

CSRF follows Frappe (§8.8): only a session that holds a CSRF token (one that rendered a page and called
``get_csrf_token``) must send ``X-Frappe-CSRF-Token`` (or a ``csrf_token`` parameter) on unsafe requests.
Sessions opened by the login API hold none, so API clients that never load a page keep working. Whatever the
token, an unsafe session request whose ``Origin`` is another site (not a CORS origin of ``FRAPPE_API``, not in
Django's ``CSRF_TRUSTED_ORIGINS``) is refused the same way: browsers send form posts cross-site without asking.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from importlib import import_module
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.authentication import BaseAuthentication

from . import cookies, envelopes, exceptions, identity_cache
from .cors import is_foreign_origin
from .models import ApiKey
from .parsers import form_dict

CSRF_SESSION_KEY = "frappe_csrf_token"
CSRF_HEADER = "HTTP_X_FRAPPE_CSRF_TOKEN"
UNSAFE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})

_SESSION_USER_ATTR = "_frappe_session_user"
_SESSION_EXPIRED_ATTR = "_frappe_session_expired"


def _django_request(request: Any) -> HttpRequest:
    return getattr(request, "_request", request)


def get_csrf_token(request: Any) -> str:
    """The CSRF token of this session, created and stored on first use.

    Call it when rendering a page for a logged-in user and hand the value to the page's JavaScript (Frappe
    exposes it as ``window.csrf_token``). From then on this session's unsafe API requests must send it in
    ``X-Frappe-CSRF-Token``.
    """
    session = _django_request(request).session
    token = session.get(CSRF_SESSION_KEY)
    if not token:
        token = session[CSRF_SESSION_KEY] = secrets.token_hex(28)
    return token


def get_session_user(request: Any) -> Any:
    """The user of the request's session, resuming it from ``sid`` when Django's own cookie has none (§8.3).

    Computed once per request. ``sid`` is read from the parameters first, then from the cookie; a value that no
    longer names a live logged-in session marks the request ``session_expired``.
    """
    django_request = _django_request(request)
    if hasattr(django_request, _SESSION_USER_ATTR):
        return getattr(django_request, _SESSION_USER_ATTR)
    # Read before the session's queries (see identity_cache); a request without cookies has no session to resume.
    stamp = identity_cache.current_stamp() if django_request.COOKIES else None
    user = getattr(django_request, "user", None)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        user = _resume_from_sid(django_request)
    identity_cache.mark(user, stamp)
    setattr(django_request, _SESSION_USER_ATTR, user)
    return user


def _presented_sid(django_request: HttpRequest) -> str:
    value = form_dict(django_request).get("sid")
    if not isinstance(value, str) or not value:
        value = unquote(django_request.COOKIES.get(cookies.SID, ""))
    return "" if value == "Guest" else value


def _resume_from_sid(django_request: HttpRequest) -> Any:
    anonymous = AnonymousUser()
    sid = _presented_sid(django_request)
    current = getattr(django_request, "session", None)
    if not sid or current is None:
        return anonymous
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=sid)
    if store.get(auth.SESSION_KEY) is None:
        # No such session (never existed, expired, or logged out); an existing anonymous one is not "expired".
        if store.session_key is None:
            setattr(django_request, _SESSION_EXPIRED_ATTR, True)
        return anonymous
    django_request.session = store
    user = auth.get_user(django_request)  # checks the password hash and the user's backend, as Django's does
    if user.is_authenticated and user.is_active:
        django_request.user = user
        return user
    django_request.session = current
    setattr(django_request, _SESSION_EXPIRED_ATTR, True)
    return anonymous


def is_session_expired(request: Any) -> bool:
    return bool(getattr(_django_request(request), _SESSION_EXPIRED_ATTR, False))


def finalize_response(request: Any, response: HttpResponseBase) -> None:
    """Tell a client whose ``sid`` was dead: ``"session_expired": 1`` in the body, its cookies cleared."""
    if not is_session_expired(request):
        return
    body = getattr(response, "data", None)
    if isinstance(body, dict):
        envelopes.mark_session_expired(body)
    cookies.clear_user_cookies(request, response)


class TokenAuthentication(BaseAuthentication):
    """``Authorization: token <api_key>:<api_secret>`` or ``Basic base64(<api_key>:<api_secret>)`` (§8.5)."""

    keyword = "token"

    def authenticate(self, request):
        header = _django_request(request).META.get("HTTP_AUTHORIZATION", "")
        parts = header.split(" ")
        if len(parts) != 2:
            return None  # one part ("token") or three and more are ignored entirely, as in Frappe
        stamp = identity_cache.current_stamp()  # before the first query of the request (see identity_cache)
        session_user = get_session_user(request)
        credentials = self.get_credentials(*parts)
        api_key = self.authenticate_credentials(*credentials) if credentials else None
        if getattr(session_user, "is_authenticated", False):
            return None  # a logged-in session wins over the header; FrappeSessionAuthentication takes it
        if api_key is None:
            raise exceptions.AuthenticationError()
        identity_cache.mark(api_key.user, stamp)
        return (api_key.user, api_key)

    def authenticate_header(self, request) -> str:
        return self.keyword

    def get_credentials(self, scheme: str, token: str) -> tuple[str, str] | None:
        """``(api_key, api_secret)`` of a ``token`` or ``Basic`` header; ``None`` for any other shape."""
        scheme = scheme.lower()
        if scheme == "basic":
            try:
                token = base64.b64decode(token).decode()
            except binascii.Error:
                raise exceptions.InvalidAuthorizationToken(
                    "Failed to decode token, please provide a valid base64-encoded token."
                ) from None
            except UnicodeDecodeError:
                return None
        elif scheme != "token":
            return None
        pieces = token.split(":")
        if len(pieces) != 2:
            return None  # secrets containing ":" are not supported (Frappe's split fails the same way)
        return pieces[0], pieces[1]

    def authenticate_credentials(self, key: str, secret: str) -> Any:
        """The ``ApiKey`` row; a wrong key or secret, or a disabled user, is a 401 whatever the session."""
        api_key = identity_cache.cached_api_key(
            key, lambda: ApiKey.objects.select_related("user").filter(api_key=key).first()
        )
        if api_key is None or not api_key.check_secret(secret) or not api_key.user.is_active:
            raise exceptions.AuthenticationError()
        return api_key


class FrappeSessionAuthentication(BaseAuthentication):
    """The user of the Django session (or of the one named by ``sid``), with Frappe's CSRF rule."""

    def authenticate(self, request):
        user = get_session_user(request)
        if not getattr(user, "is_authenticated", False):
            return None
        self.enforce_csrf(_django_request(request))
        return (user, None)

    def enforce_csrf(self, django_request) -> None:
        if django_request.method not in UNSAFE_METHODS:
            return
        if is_foreign_origin(django_request):  # a page on another site writing with this session's cookie
            raise exceptions.CSRFTokenError("Invalid Request")
        expected = django_request.session.get(CSRF_SESSION_KEY)
        if not expected:
            return
        supplied = django_request.META.get(CSRF_HEADER) or ""
        if not supplied:
            supplied = str(form_dict(django_request).pop("csrf_token", "") or "")
        if not hmac.compare_digest(str(expected), supplied):
            raise exceptions.CSRFTokenError("Invalid Request")
