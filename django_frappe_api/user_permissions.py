"""Frappe's User Permissions: a user restricted to some documents of a DocType, and to documents linking to them.

Usage::

    found = get_user_permissions(user)        # {"Company": [{"doc": "Acme", "applicable_for": None, "is_default": 0}]}
    allowed_values(meta, "Company", found)    # ["Acme"]: what a Link to Company in ``meta`` may hold
    has_user_permission(meta, doc, user)      # None, or Frappe's message when the document names another value

The rows are ``User Permission`` documents (a JSON DocType of this app, managed by System Manager). As in
``frappe/core/doctype/user_permission/user_permission.py`` they are read once per user and kept: per request on
the user object, and between requests in the shared cache under the identity stamp (``identity_cache``), which every
change to a User Permission replaces. A user without rows pays no query on a warm cache. Administrator and Guest
have none. Unless ``APPLY_STRICT_USER_PERMISSIONS`` (Frappe's "strict" setting, off by default), an empty Link
value stays visible and writable. Tree DocTypes' descendants are not added (``hide_descendants`` is stored only).
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from . import exceptions, identity_cache, signals
from .conf import api_settings
from .meta import Meta
from .models import Document

DOCTYPE = "User Permission"
_ATTR = "_frappe_api_user_permissions"


def get_user_permissions(user: Any) -> dict[str, list[dict[str, Any]]]:
    """``{allow: [{"doc", "applicable_for", "is_default"}]}`` of the user, in creation order."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_superuser", False):
        return {}
    found = getattr(user, _ATTR, None)
    if found is None:
        found = identity_cache.user_entry(user, "user_permissions", lambda: _load(user.get_username()))
        setattr(user, _ATTR, found)
    return found


def _load(uid: str) -> dict[str, list[dict[str, Any]]]:
    rows = Document.objects.filter(doctype_id=DOCTYPE, data__user=uid).order_by("creation", "id")
    found: dict[str, list[dict[str, Any]]] = {}
    for data in rows.values_list("data", flat=True):
        data = data or {}
        allow, value = data.get("allow"), data.get("for_value")
        if not allow or value in (None, ""):
            continue
        applicable = None if data.get("apply_to_all_doctypes") else (data.get("applicable_for") or None)
        found.setdefault(allow, []).append(
            {"doc": str(value), "applicable_for": applicable, "is_default": int(data.get("is_default") or 0)}
        )
    return found


def allowed_values(meta: Meta, target: str, found: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Values of ``target`` a document of ``meta`` may name; ``[]`` means unrestricted (Frappe's
    ``get_allowed_docs_for_doctype``: rows for every DocType, or for this one)."""
    return [row["doc"] for row in found.get(target, ()) if not row["applicable_for"]
            or row["applicable_for"] == meta.name]


def user_default(meta: Meta, target: str, user: Any) -> str | None:
    """The value a new ``meta`` document's Link to ``target`` starts with: the row marked ``is_default``, or
    the only allowed value (Frappe's ``create_new.get_user_default_value``); never for Links to User."""
    if target == "User":
        return None
    rows = [row for row in get_user_permissions(user).get(target, ())
            if not row["applicable_for"] or row["applicable_for"] == meta.name]
    marked = [row["doc"] for row in rows if row["is_default"]]
    if marked:
        return marked[0]
    values = list(dict.fromkeys(row["doc"] for row in rows))
    return values[0] if len(values) == 1 else None


def restricted_fields(meta: Meta, user: Any, reference_doctype: str | None = None) -> list[tuple[str, list[str]]]:
    """``(fieldname, allowed values)`` for ``name`` and each Link field of ``meta`` the user's rows restrict;
    fields marked ``ignore_user_permissions`` are exempt (``DatabaseQuery.add_user_permissions``). ``name`` is
    narrowed by rows for every DocType and by those ``applicable_for`` ``reference_doctype`` (a link search's
    DocType), or else ``meta`` itself."""
    found = get_user_permissions(user)
    if not found:
        return []
    result = []
    scope = reference_doctype or meta.name
    own = [row["doc"] for row in found.get(meta.name, ()) if row["applicable_for"] in (None, scope)]
    if own:
        result.append(("name", own))
    for field in meta.data_fields:
        if field.fieldtype != "Link" or field.properties.get("ignore_user_permissions"):
            continue
        values = allowed_values(meta, field.options, found)
        if values:
            result.append((field.fieldname, values))
    return result


def has_user_permission(meta: Meta, doc: dict[str, Any], user: Any, child_metas: dict[str, Meta] | None = None,
                        ) -> str | None:
    """``None`` when the user's rows allow ``doc``, otherwise Frappe's message saying why (``has_user_permission``
    in ``frappe/permissions.py``): the document itself, then every non-empty Link of it and of its child rows."""
    found = get_user_permissions(user)
    if not found:
        return None
    if meta.name in found:
        own = allowed_values(meta, meta.name, found)
        if own and doc.get("name") not in (None, "") and str(doc["name"]) not in own:
            return f"Not allowed for {meta.name}: {doc['name']}"
    rows: list[tuple[Meta, dict[str, Any]]] = [(meta, doc)]
    for table in meta.table_fields:
        child = (child_metas or {}).get(table.options)
        if child is not None:
            rows.extend((child, row) for row in doc.get(table.fieldname) or [] if isinstance(row, dict))
    strict = api_settings.APPLY_STRICT_USER_PERMISSIONS and not meta.issingle
    for row_meta, row in rows:
        for field in row_meta.data_fields:
            value = row.get(field.fieldname)
            if field.fieldtype != "Link" or field.properties.get("ignore_user_permissions"):
                continue
            if value in (None, "") and not strict:
                continue
            allowed = allowed_values(meta, field.options, found)
            if allowed and str(value) not in allowed:
                where = f"in row {row.get('idx')}, field {field.display_label}" if row is not doc else (
                    f"in field {field.display_label}")
                return (f"You are not allowed to access this {row_meta.name} record because it is linked to "
                        f"{field.options} '{value or 'empty'}' {where}")
    return None


@receiver(signals.validate, dispatch_uid="frappe_api_user_permission_validate")
def _validate(sender: str, doc: dict[str, Any], **kwargs: Any) -> None:
    """One row per user, value and scope; one default per user and DocType (``UserPermission.validate``)."""
    if sender != DOCTYPE:
        return
    if doc.get("apply_to_all_doctypes"):
        doc["applicable_for"] = None
    rows = Document.objects.filter(doctype_id=DOCTYPE, data__user=doc.get("user"), data__allow=doc.get("allow"))
    rows = rows.exclude(name=str(doc.get("name") or ""))
    for data in rows.values_list("data", flat=True):
        data = data or {}
        same_scope = (bool(data.get("apply_to_all_doctypes")) == bool(doc.get("apply_to_all_doctypes"))
                      and (data.get("applicable_for") or None) == (doc.get("applicable_for") or None))
        if str(data.get("for_value")) == str(doc.get("for_value")) and same_scope:
            raise exceptions.DuplicateEntryError("User permission already exists")
        if doc.get("is_default") and data.get("is_default"):
            raise exceptions.ValidationError(
                f"{doc.get('user')} has already assigned default value for {doc.get('allow')}.")


@receiver([signals.on_update, signals.on_trash], dispatch_uid="frappe_api_user_permission_changed")
def _changed(sender: str, **kwargs: Any) -> None:
    if sender == DOCTYPE:
        identity_cache.invalidate()
