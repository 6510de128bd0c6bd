"""Submit, Cancel and Amend on a document's change form, for submittable DocTypes.

Usage (mixed into ``DocumentAdmin``, which sets ``frappe_meta`` and ``section``)::

    if SUBMIT in request.POST: values["docstatus"] = 1      # the save then submits, through update_doc

The buttons post the form with ``SUBMIT`` or ``CANCEL``; a cancelled document shows an Amend link to the
add page with ``?amend=<name>``, whose new draft starts as a copy and is saved with ``amended_from``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from ..document.docstatus import DOCSTATUS_LABELS

# The change form's docstatus buttons (POST keys).
SUBMIT, CANCEL = "_frappe_submit", "_frappe_cancel"


class DocstatusButtons:
    """The docstatus shown and its buttons offered by the user's rights; a submit or cancel returns to the form."""

    def render_change_form(self, request: Any, context: dict[str, Any], add: bool = False, change: bool = False,
                           form_url: str = "", obj: Any = None) -> Any:
        meta = self.frappe_meta
        if obj is not None and meta.is_submittable:
            context.update(
                frappe_docstatus=DOCSTATUS_LABELS.get(obj.docstatus, obj.docstatus),
                frappe_can_submit=obj.docstatus == 0 and self._doc_right(request, "submit", obj),
                frappe_can_cancel=obj.docstatus == 1 and self._doc_right(request, "cancel", obj),
                frappe_submit=SUBMIT, frappe_cancel=CANCEL,
            )
            if obj.docstatus == 2 and self._doc_right(request, "amend", obj) and self.has_add_permission(request):
                add_url = reverse(f"{self.admin_site.name}:{self.section.url_name('add')}")
                context["frappe_amend_url"] = f"{add_url}?amend={obj.name}"
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request: Any, obj: Any) -> Any:
        if SUBMIT in request.POST or CANCEL in request.POST:
            done = "submitted" if SUBMIT in request.POST else "cancelled"
            self.message_user(request, f"{self.frappe_meta.name} {obj.name} {done}.", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
