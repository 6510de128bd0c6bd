"""Session and server helpers every Frappe client calls: ``ping``, ``frappe.auth.get_logged_user``, ...

Usage::

    GET /api/method/ping                          -> {"message": "pong"}
    GET /api/method/frappe.auth.get_logged_user   -> {"message": "Administrator"}
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .. import __version__, permissions
from ..registry import whitelist


@whitelist(name="ping", aliases=["frappe.ping"], allow_guest=True)
def ping() -> str:
    """Health check; answers ``pong``."""
    return "pong"


@whitelist(name="frappe.auth.get_logged_user")
def get_logged_user(request: Any) -> str:
    """The user id of the caller (403 for guests)."""
    return permissions.user_id(request.user)


@whitelist(name="frappe.realtime.get_user_info", allow_guest=True)
def get_user_info(request: Any) -> dict[str, str]:
    """The caller and whether they are a desk (System) user or a website user."""
    user = request.user
    user_type = "System User" if getattr(user, "is_staff", False) else "Website User"
    return {"user": permissions.user_id(user), "user_type": user_type}


@whitelist(name="version", allow_guest=True)
def version() -> str:
    """The version string of the app serving the API (Frappe answers ``frappe.__version__``)."""
    return __version__


@whitelist(name="frappe.utils.change_log.get_versions", allow_guest=True)
def get_versions() -> dict[str, dict[str, str]]:
    """Versions of the apps serving the API, in the shape of Frappe's ``get_versions``."""
    return {
        "django_frappe_api": {
            "title": "Django Frappe API",
            "description": "The Frappe Framework HTTP API for Django",
            "branch": "main",
            "version": __version__,
        }
    }


@whitelist(name="frappe.client.get_time_zone", allow_guest=True)
def get_time_zone() -> dict[str, str]:
    """The server's time zone (Django's ``TIME_ZONE``)."""
    return {"time_zone": settings.TIME_ZONE}
