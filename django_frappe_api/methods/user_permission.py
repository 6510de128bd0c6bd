"""``get_user_permissions``: the caller's User Permissions as the desk reads them
(``frappe/core/doctype/user_permission/user_permission.py``).

Usage::

    GET /api/method/frappe.core.doctype.user_permission.user_permission.get_user_permissions
    -> {"message": {"Company": [{"doc": "Acme", "applicable_for": null, "is_default": 0}]}}

A System Manager may name another ``user``; anyone else always gets their own (Frappe answers the session user
when the desk calls it; naming someone else's would tell who may see what).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from .. import permissions, user_permissions
from ..registry import whitelist


@whitelist(name="frappe.core.doctype.user_permission.user_permission.get_user_permissions")
def get_user_permissions(request: Any, user: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """``{allow: [{"doc", "applicable_for", "is_default"}]}``; ``{}`` for Administrator and Guest."""
    caller = request.user
    if user and user != permissions.user_id(caller) and permissions.SYSTEM_MANAGER in permissions.get_roles(caller):
        model = get_user_model()
        other = model._default_manager.filter(**{model.USERNAME_FIELD: user}).first()
        return user_permissions.get_user_permissions(other) if other is not None else {}
    return user_permissions.get_user_permissions(caller)
