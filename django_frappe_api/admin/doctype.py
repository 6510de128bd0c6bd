"""The DocType definition admin: fields and permissions inline, saved with the API's definition checks.

Usage: ``django_frappe_api.admin.register(site)`` registers it (on ``admin.site`` by default).

``fieldtype`` is a dropdown of the supported types; a Link or Table field's options are checked against
the existing DocTypes in its row. The whole definition is then validated as JSON files and
``/api/resource/DocType`` validate it (``definitions.validate_definition``); a refusal rolls the save back
and shows the form again with everything typed kept and the message on top.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html

from .. import exceptions, fieldtypes
from ..backends import index_sync
from ..definitions import validate_definition
from ..doctype_rows import doctype_as_dict
from ..meta import clear_meta_cache, doctype_exists
from ..models import DocField, DocPerm, DocType
from .refusals import Refused, ShowsRefusals, refusal

# Fieldtypes whose options name a DocType.
DOCTYPE_OPTION_TYPES = frozenset({"Link", "Table", "Table MultiSelect"})
FIELDTYPE_CHOICES = [(t, t) for t in sorted(fieldtypes.ALL_TYPES)]


def _small(size: int) -> forms.TextInput:
    return forms.TextInput(attrs={"size": size})


class DocFieldForm(forms.ModelForm):
    fieldtype = forms.ChoiceField(choices=FIELDTYPE_CHOICES, initial="Data")

    class Meta:
        model = DocField
        fields = ("idx", "label", "fieldname", "fieldtype", "options", "default", "reqd", "unique", "in_list_view",
                  "in_standard_filter", "read_only", "hidden", "permlevel")
        widgets = {
            "idx": forms.NumberInput(attrs={"style": "width: 3.5em"}),
            "label": _small(14), "fieldname": _small(14), "default": _small(8),
            "options": forms.Textarea(attrs={"rows": 1, "cols": 16}),
            "permlevel": forms.NumberInput(attrs={"style": "width: 3em"}),
        }  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        fieldtype, options = cleaned.get("fieldtype"), (cleaned.get("options") or "").strip()
        if fieldtype in DOCTYPE_OPTION_TYPES:
            own_name = getattr(self, "doctype_name", "")
            if not options:
                self.add_error("options", f"Options required for {fieldtype} field")
            elif options != own_name and not doctype_exists(options):
                self.add_error("options", f"Options must be a valid DocType: {options} does not exist")
        return cleaned


class DocFieldInline(admin.TabularInline):
    model = DocField
    form = DocFieldForm
    extra = 0
    ordering = ("idx",)
    classes = ("frappe-fields",)

    def get_formset(self, request: Any, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        name = request.POST.get("name") or (obj.name if obj is not None else "")
        formset.form = type("DocFieldForm", (formset.form,), {"doctype_name": name})
        return formset


class DocPermInline(admin.TabularInline):
    model = DocPerm
    extra = 0
    ordering = ("idx",)
    fields = ("idx", "role", "permlevel", "if_owner", "select", "read", "write", "create", "delete_right", "submit",
              "cancel", "amend")
    formfield_overrides = {}

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name in ("idx", "permlevel"):
            kwargs["widget"] = forms.NumberInput(attrs={"style": "width: 3.5em"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class DocTypeAdmin(ShowsRefusals, admin.ModelAdmin):
    change_form_template = "django_frappe_api/admin/doctype_change_form.html"
    list_display = ("name", "module", "istable", "is_submittable", "custom", "modified", "documents")
    list_filter = ("module", "istable", "is_submittable", "custom")
    search_fields = ("name", "module")
    readonly_fields = ("documents", "owner", "creation", "modified", "modified_by")
    inlines = [DocFieldInline, DocPermInline]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> tuple[str, ...]:
        return (*self.readonly_fields, "name") if obj else self.readonly_fields

    @admin.display(description="Documents")
    def documents(self, obj: DocType) -> str:
        """A link to the DocType's own section of the admin, when it has one."""
        sections = getattr(self.admin_site, "sections", None)
        # The page's sidebar has checked the DocType table already: no query per row.
        section = sections.get(obj.name, refresh=False) if sections is not None and obj.pk else None
        if section is None:
            return "-"
        try:
            url = reverse(f"{self.admin_site.name}:{section.url_name('changelist')}")
        except NoReverseMatch:
            return "-"
        return format_html('<a href="{}">{} documents</a>', url, obj.name)

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        refused = refusal(request)
        if refused is None:
            return form

        def clean(self: Any) -> Any:
            cleaned = form.clean(self)
            self.add_error(None, Refused(refused).text)
            return cleaned

        return type(form.__name__, (form,), {"clean": clean})

    def save_model(self, request: Any, obj: DocType, form: Any, change: bool) -> None:
        obj.modified = timezone.now()
        obj.modified_by = request.user.get_username()
        if not change:
            obj.owner = obj.modified_by
        super().save_model(request, obj, form, change)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        row = DocType.objects.prefetch_related("fields", "permissions").get(pk=form.instance.pk)
        try:
            validate_definition(doctype_as_dict(row))
        except exceptions.ValidationError as error:
            raise Refused(error) from None
        clear_meta_cache(row.name)
        index_sync.sync_doctype(row.name)  # as save_definition does: the fields' indexes follow the definition
