"""Changelist bulk actions through the document layer: delete, submit, cancel -- all rows or none.

Usage (``DocumentAdmin.actions``)::

    actions = [delete_selected, submit_selected, cancel_selected]

Each row goes through ``delete_doc`` / ``update_doc`` with the user's rights, as one API call per row
would; the first refusal rolls back every row of the action and is shown as the error message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.db import transaction

from .. import document, exceptions
from .refusals import Refused


@admin.action(description="Delete selected %(verbose_name_plural)s", permissions=["delete"])
def delete_selected(modeladmin: Any, request: Any, queryset: Any) -> Any:
    """Django's confirmation page, then ``delete_doc`` for each row (``DocumentAdmin.delete_queryset``)."""
    try:
        with transaction.atomic():
            return django_delete_selected(modeladmin, request, queryset)
    except Refused as refused:
        modeladmin.message_user(request, f"Nothing deleted: {refused.text}", messages.ERROR)
        return None


@admin.action(description="Submit selected %(verbose_name_plural)s", permissions=["submit"])
def submit_selected(modeladmin: Any, request: Any, queryset: Any) -> None:
    _set_docstatus(modeladmin, request, queryset, 1, "submitted")


@admin.action(description="Cancel selected %(verbose_name_plural)s", permissions=["cancel"])
def cancel_selected(modeladmin: Any, request: Any, queryset: Any) -> None:
    _set_docstatus(modeladmin, request, queryset, 2, "cancelled")


def _set_docstatus(modeladmin: Any, request: Any, queryset: Any, docstatus: int, done: str) -> None:
    names = list(queryset.values_list("name", flat=True))
    try:
        with transaction.atomic():
            for name in names:
                try:
                    document.update_doc(modeladmin.frappe_meta.name, name, {"docstatus": docstatus},
                                        user=request.user)
                except exceptions.FrappeError as error:
                    raise Refused(error) from None
    except Refused as refused:
        modeladmin.message_user(request, f"Nothing {done}: {refused.text}", messages.ERROR)
        return
    modeladmin.message_user(request, f"{len(names)} {modeladmin.frappe_meta.name} {done}.", messages.SUCCESS)
