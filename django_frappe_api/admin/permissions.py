"""The rights of a DocType's admin: Frappe's DocPerm rules for the request's user, as the API applies them.

Usage (mixed into ``DocumentAdmin``, which sets ``frappe_meta``)::

    model_admin.has_change_permission(request, obj)     # DocPerm "write" on obj (if_owner included)

Superusers are Administrators and hold every right; a cancelled document cannot be changed and a
submitted one cannot be deleted, as in Frappe.
"""

from __future__ import annotations

from typing import Any

from .. import permissions
from ..meta import Meta


class DocumentPermissions:
    """``has_*_permission`` of ``ModelAdmin`` answered by ``permissions.py``."""

    frappe_meta: Meta

    def _doc_right(self, request: Any, right: str, obj: Any = None) -> bool:
        meta, user = self.frappe_meta, request.user
        if obj is None:
            return permissions.has_doctype_permission(meta, user, right)
        return permissions.has_doc_permission(meta, obj.owner, user, right, obj.name)

    def has_module_permission(self, request: Any) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return self._doc_right(request, "read", obj)

    def has_add_permission(self, request: Any) -> bool:
        return self._doc_right(request, "create")

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return self._doc_right(request, "write", obj) and (obj is None or obj.docstatus != 2)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return self._doc_right(request, "delete", obj) and (obj is None or obj.docstatus != 1)

    def has_submit_permission(self, request: Any) -> bool:
        return self.frappe_meta.is_submittable and self._doc_right(request, "submit")

    def has_cancel_permission(self, request: Any) -> bool:
        return self.frappe_meta.is_submittable and self._doc_right(request, "cancel")
