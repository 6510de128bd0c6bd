"""``frappe.client.get_password``: the clear value of a Password field, for System Managers only.

Usage::

    GET /api/method/frappe.client.get_password?doctype=Email Account&name=Support&fieldname=password
    -> {"message": "s3cret"}

Frappe checks the role (``frappe.only_for("System Manager")``, a bare 403 otherwise) and loads the
document without a DocPerm check; a field with no readable value answers 401 ``AuthenticationError``
"Password not found for <doctype> <name> <fieldname>" (``frappe/utils/password.py``). Unlike Frappe,
only Password fields are answered: other fields are read through the document API and its rules.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from .. import document, exceptions, passwords, permissions
from ..meta import get_meta
from ..registry import whitelist


@whitelist(name="frappe.client.get_password")
def get_password(request: Any, doctype: str, name: Any, fieldname: str) -> str:
    if permissions.SYSTEM_MANAGER not in permissions.get_roles(request.user):
        raise exceptions.PermissionError()
    meta = get_meta(doctype)
    stored = document.load_doc(meta, name)
    field = meta.get_field(fieldname) if isinstance(fieldname, str) else None
    value = passwords.reveal(stored.get(fieldname)) if field is not None and field.fieldtype == "Password" else None
    if value is None:
        raise exceptions.AuthenticationError(
            f"Password not found for {escape(meta.name)} {escape(str(name))} {escape(str(fieldname))}"
        )
    return value
