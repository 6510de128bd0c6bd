"""The cookies Frappe clients read after login (§8.9): ``sid``, ``system_user``, ``full_name``, ...

Usage::

    set_user_cookies(request, response, user)     # after a password login
    clear_user_cookies(request, response)         # logout, failed login, expired ``sid``

Values are URL-quoted UTF-8 (``full_name=Jane%20Doe``), every cookie has ``Path=/``, ``SameSite=Lax``, no
``Domain``, and ``Secure`` when the request came over https; only ``sid`` is HttpOnly. Deleting a cookie sets it
empty with an expiry in the past, as Frappe's ``CookieManager`` does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from . import permissions

SID = "sid"
USER_COOKIES = ("sid", "system_user", "full_name", "user_id", "user_image")


def _django_request(request: Any) -> HttpRequest:
    return getattr(request, "_request", request)


def is_system_user(user: Any) -> bool:
    """Frappe's *System User* (desk access) is Django's staff user; everyone else is a *Website User*."""
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


def full_name(user: Any) -> str:
    """First and last name, missing parts skipped; the user id when both are empty (Frappe ``get_fullname``)."""
    if not getattr(user, "is_authenticated", False):
        return permissions.GUEST
    names = [getattr(user, "first_name", "") or "", getattr(user, "last_name", "") or ""]
    return " ".join(part for part in names if part) or permissions.user_id(user)


def _set_cookie(response: HttpResponseBase, name: str, value: str, **options: Any) -> None:
    response.set_cookie(name, value, path="/", samesite="Lax", **options)
    if not value:
        # http.cookies writes an empty value as `""`, which browsers keep as two quote characters; Frappe sends
        # `user_image=` and `sid=` when deleting.
        response.cookies[name].set(name, "", "")


def set_user_cookies(request: Any, response: HttpResponseBase, user: Any) -> None:
    """The session cookie ``sid`` (= the Django session key) and the user cookies desk JS reads."""
    django_request = _django_request(request)
    secure = django_request.is_secure()
    session = django_request.session
    _set_cookie(response, SID, session.session_key or "", max_age=session.get_expiry_age(), secure=secure,
                httponly=True)
    values = {
        "system_user": "yes" if is_system_user(user) else "no",
        "full_name": full_name(user),
        "user_id": permissions.user_id(user),
        "user_image": "",
    }
    for name, value in values.items():
        _set_cookie(response, name, quote(value), secure=secure)


def clear_user_cookies(request: Any, response: HttpResponseBase) -> None:
    """Every Frappe user cookie, emptied with an expiry in the past."""
    secure = _django_request(request).is_secure()
    for name in USER_COOKIES:
        _set_cookie(response, name, "", max_age=0, expires="Thu, 01 Jan 1970 00:00:00 GMT", secure=secure,
                    httponly=name == SID)
