"""Django admin for DocTypes (fields and permissions inline) and for the documents stored as JSON.

Usage: nothing to call; ``django.contrib.admin`` autodiscovers this module.

Saving a DocType runs the same validation as JSON files and the REST API
(``definitions.validate_definition``); editing a document goes through the document layer, so
defaults, validation and permissions are those of the API.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils import timezone

from . import document, exceptions
from .backends import indexes
from .backends.base import get_backend
from .definitions import validate_definition
from .doctype_rows import doctype_as_dict
from .meta import clear_meta_cache, get_meta
from .models import ApiKey, DocField, DocPerm, DocType, Document
from .serialization import doc_as_dict


class _Refused(Exception):
    """Raised inside the change form's transaction to undo a save the API's rules refuse."""


class RefusalMessageMixin:
    """The change form in one transaction (the row and its inlines): a refused save rolls back entirely
    and is shown to the admin user as an error message instead of a 500."""

    refused_prefix = "Not saved"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            self.message_user(request, f"{self.refused_prefix}: {refused}", level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class DocFieldInline(admin.TabularInline):
    model = DocField
    extra = 0
    ordering = ("idx",)
    fields = ("idx", "fieldname", "label", "fieldtype", "options", "reqd", "unique", "default", "in_list_view",
              "read_only", "hidden", "permlevel")


class DocPermInline(admin.TabularInline):
    model = DocPerm
    extra = 0
    ordering = ("idx",)
    fields = ("idx", "role", "permlevel", "if_owner", "select", "read", "write", "create", "delete_right", "submit",
              "cancel", "amend")


@admin.register(DocType)
class DocTypeAdmin(RefusalMessageMixin, admin.ModelAdmin):
    refused_prefix = "DocType not saved"
    list_display = ("name", "module", "istable", "is_submittable", "custom", "modified")
    list_filter = ("module", "istable", "is_submittable", "custom")
    search_fields = ("name", "module")
    readonly_fields = ("owner", "creation", "modified", "modified_by")
    inlines = [DocFieldInline, DocPermInline]

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "name") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj.modified = timezone.now()
        obj.modified_by = request.user.get_username()
        if not change:
            obj.owner = obj.modified_by
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        row = DocType.objects.prefetch_related("fields", "permissions").get(pk=form.instance.pk)
        try:
            validate_definition(doctype_as_dict(row))
        except exceptions.ValidationError as error:
            raise _Refused(error.message) from None
        clear_meta_cache(row.name)
        indexes.sync_doctype(row.name)  # as save_definition does: the fields' indexes follow the definition


class DocumentForm(forms.ModelForm):
    """The JSON data shown indented; saved through the document layer with the API's validation."""

    data = forms.CharField(widget=forms.Textarea(attrs={"rows": 20, "cols": 100, "style": "font-family: monospace"}),
                           required=False, help_text="Field values as JSON (child tables as lists of rows).")

    class Meta:
        model = Document
        fields = ("doctype", "name", "data")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["data"] = json.dumps(self._current_values(), indent=2, ensure_ascii=False)
            self.fields["doctype"].disabled = True
            self.fields["name"].disabled = True
        else:
            self.fields["name"].required = False
            self.fields["name"].help_text = "Leave empty to let the DocType's naming rule choose."
            self.initial.setdefault("data", "{}")

    def _current_values(self) -> dict[str, Any]:
        meta = get_meta(self.instance.doctype_id)
        doc = get_backend(meta).get_doc(meta, self.instance.name) or {}
        wire = doc_as_dict(meta, doc, nulls=False)
        return {k: v for k, v in wire.items() if k not in meta.standard_fields and k != "doctype"}

    def clean_data(self) -> dict[str, Any]:
        try:
            values = json.loads(self.cleaned_data.get("data") or "{}")
        except ValueError as error:
            raise forms.ValidationError(f"Invalid JSON: {error}") from None
        if not isinstance(values, dict):
            raise forms.ValidationError("Enter a JSON object of field values.")
        return values


@admin.register(Document)
class DocumentAdmin(RefusalMessageMixin, admin.ModelAdmin):
    refused_prefix = "Document not saved"
    form = DocumentForm
    list_display = ("name", "doctype", "owner", "modified", "docstatus")
    list_filter = ("doctype",)
    search_fields = ("name",)
    ordering = ("-modified",)
    readonly_fields = ("owner", "creation", "modified", "modified_by", "docstatus", "parent", "parenttype",
                       "parentfield")

    def get_queryset(self, request):
        # Child rows are edited through their parent document.
        return super().get_queryset(request).filter(parent_document__isnull=True)

    def save_model(self, request, obj, form, change):
        values = dict(form.cleaned_data["data"])
        try:
            with transaction.atomic():
                if change:
                    saved = document.update_doc(obj.doctype_id, obj.name, values, user=request.user)
                else:
                    if form.cleaned_data.get("name"):
                        values["name"] = form.cleaned_data["name"]
                    saved = document.insert_doc(
                        obj.doctype_id, values, user=request.user, honour_name=bool(form.cleaned_data.get("name"))
                    )
        except exceptions.FrappeError as error:
            raise _Refused(error.message or str(error) or error.exc_type) from None
        obj.pk = Document.objects.get(doctype_id=obj.doctype_id, name=str(saved["name"])).pk
        obj.name = str(saved["name"])

    def save_related(self, request, form, formsets, change):
        """Nothing to save: the document layer already stored the document and its child rows."""

    def delete_model(self, request, obj):
        document.delete_doc(obj.doctype_id, obj.name, user=request.user)

    def delete_queryset(self, request, queryset):
        """The changelist's bulk delete obeys the same rules (permissions, links, docstatus)."""
        for obj in queryset:
            document.delete_doc(obj.doctype_id, obj.name, user=request.user)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """API keys are issued by ``generate_keys`` or ``frappe_api_create_keys``; here they are listed and revoked.

    The secret is never shown (only its hash is stored); deleting a row revokes the key at once.
    """

    list_display = ("user", "api_key", "created", "rotated")
    search_fields = ("api_key", "user__username", "user__email")
    fields = ("user", "api_key", "created", "rotated")
    readonly_fields = fields
    ordering = ("-created",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
