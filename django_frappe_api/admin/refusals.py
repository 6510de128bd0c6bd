"""``Refused`` and ``ShowsRefusals``: a document-layer refusal inside an admin save, rolled back and shown.

Usage::

    class DocumentAdmin(ShowsRefusals, admin.ModelAdmin): ...   # raise Refused(error) inside the save
    refusal(request)                                             # the refusal the second pass shows, or None

The first pass of the change form saves inside Django's transaction; a ``Refused`` raised there rolls it
back. The second pass only validates, and the form shows the refusal as field errors, the input kept.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import strip_tags

from .. import exceptions


class Refused(Exception):
    """A document-layer refusal raised inside an admin transaction, to roll it back and show why."""

    def __init__(self, error: exceptions.FrappeError) -> None:
        super().__init__(error.message or str(error) or error.exc_type)
        self.error = error

    @property
    def text(self) -> str:
        return strip_tags(str(self))


class ShowsRefusals:
    """A ``ModelAdmin`` mixin: a refused save is rolled back, then the form is shown again with the input."""

    def changeform_view(self, request: Any, object_id: str | None = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> Any:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:
            request._frappe_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)


def refusal(request: Any) -> exceptions.FrappeError | None:
    """The refusal of this request's first pass, which the second pass's form shows."""
    return getattr(request, "_frappe_refusal", None)
