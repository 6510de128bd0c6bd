"""Frappe's legacy ``cmd`` entry point (§1.5): ``POST / cmd=frappe.client.get_list&doctype=ToDo``.

Usage (the host's settings; after the session and authentication middleware)::

    MIDDLEWARE = [
        ...,
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django_frappe_api.middleware.FrappeCommandMiddleware",
    ]

A request to any path outside ``/api/`` whose query string or urlencoded form carries ``cmd=<method>`` is
answered exactly as ``/api/method/<method>``: the same route table resolves it (so ``cmd=login`` and
``cmd=logout`` reach the login and logout views), and the same view answers. A JSON body is read for ``cmd``
only when posted to the site root ``/`` (frappe-js-sdk's ``forgetPassword`` posts
``{"cmd": "frappe.core.doctype.user.user.reset_password", "user": ...}`` there), so the host's own JSON APIs
on other paths are left untouched; multipart bodies are never inspected.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import ResolverMatch

from . import exceptions
from .parsers import form_dict, is_json_content_type
from .urls import v1_patterns


def resolve_command(cmd: str) -> ResolverMatch | None:
    """The v1 route that ``/api/method/<cmd>`` reaches, looked up in the API's own route table."""
    path = f"method/{cmd}"
    for pattern in v1_patterns:
        match = pattern.resolve(path)
        if match is not None:
            return match
    return None


class FrappeCommandMiddleware:
    """Answer ``cmd=<method>`` requests outside ``/api/`` with the API's method views."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        cmd = self.get_command(request)
        if not cmd:
            return self.get_response(request)
        match = resolve_command(cmd)
        if match is None:
            return self.get_response(request)
        self.drop_command(request)
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        render = getattr(response, "render", None)
        return render() if callable(render) else response

    def get_command(self, request: HttpRequest) -> str:
        path = request.path_info
        if path == "/api" or path.startswith("/api/"):
            return ""
        cmd = request.GET.get("cmd")
        if not cmd and request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            cmd = request.POST.get("cmd")
        if not cmd and request.method == "POST" and path == "/":
            cmd = self.get_json_command(request)
        return cmd if isinstance(cmd, str) else ""

    def get_json_command(self, request: HttpRequest) -> str:
        """``cmd`` of a JSON object body; anything unreadable is left to the host's own view at ``/``."""
        content_type = request.META.get("CONTENT_TYPE", "")
        if not is_json_content_type(content_type) or content_type.lower().startswith("multipart/"):
            return ""
        try:
            cmd = form_dict(request).get("cmd")
        except exceptions.FrappeError:  # oversized or malformed: not a command we can answer
            return ""
        return cmd if isinstance(cmd, str) else ""

    def drop_command(self, request: HttpRequest) -> None:
        """``cmd`` names the method; it is not one of its arguments."""
        # An unreadable body is left to the view, which parses it again and answers the error in Frappe's shape.
        with contextlib.suppress(Exception):
            form_dict(request).pop("cmd", None)
