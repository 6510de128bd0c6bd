"""Login and logout routes: ``/api/method/login`` and ``/api/method/logout`` (v1), their v2 forms (§8.2, §8.4).

Usage (see ``urls.py``, routed before the generic method route)::

    LoginViewSet.as_view({"post": "call", ...})

Only v1 logs in (``/api/method/login`` and ``/api/v1/method/login``); ``/api/v2/method/login`` answers ``{}``
and leaves the session alone, as in Frappe. A successful login sets ``sid`` (the Django session key) and the
user cookies; a failed one answers 401 and clears them. Logout accepts any verb and any caller.
"""

from __future__ import annotations

from .. import cookies, exceptions
from ..methods import auth
from .base import FrappeViewSet


class LoginViewSet(FrappeViewSet):
    """Password login into a Django session, answered with Frappe's login body and cookies."""

    api_version = "v1"
    # The credentials are the request: neither a stale session nor an Authorization header decides anything.
    authentication_classes: list = []

    def call(self, request):
        user = auth.login(request, self.form.get("usr"), self.form.get("pwd"))
        message, extra = auth.login_body(user)
        response = self.respond(message, key="message", extra=extra)
        cookies.set_user_cookies(request, response, user)
        return response

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if type(exceptions.as_frappe_error(exc)) is exceptions.AuthenticationError:
            cookies.clear_user_cookies(self.request, response)
        return response


class LoginV2ViewSet(FrappeViewSet):
    """``/api/v2/method/login``: Frappe performs no login on this path and answers ``{}``."""

    api_version = "v2"

    def call(self, request):
        return self.respond(None)


class LogoutViewSet(FrappeViewSet):
    """End the session and clear the cookies; the body carries the Guest login keys (v1) or nothing (v2)."""

    api_version = "v1"

    def call(self, request):
        auth.logout(request)
        if self.api_version == "v2":
            response = self.respond(None)
        else:
            message, extra = auth.login_body(None)
            response = self.respond(message, key="message", extra=extra)
        cookies.clear_user_cookies(request, response)
        return response


class LogoutV2ViewSet(LogoutViewSet):
    api_version = "v2"
