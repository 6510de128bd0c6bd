"""Child tables as the admin's inline formsets: add, remove and reorder (by the "No." column) rows.

Usage (``DocumentAdmin.get_inline_instances``)::

    ChildTableInline(parent_model, site, table=meta.get_field("items"), child_model=proxy, parent_admin=self)

Rows are ``Document`` rows whose ``parent_document`` is the parent's row, so Django's inline formset binds
them; saving never goes through the formset: ``ChildFormSet.frappe_rows`` turns the rows into the Table
field's value and the parent is saved once by the document layer with all of them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets as admin_widgets
from django.forms.models import BaseInlineFormSet, inlineformset_factory

from .. import fieldtypes
from ..meta import FieldMeta, get_meta
from ..models import Document
from .forms import document_form


class ChildFormSet(BaseInlineFormSet):
    def frappe_rows(self) -> list[dict[str, Any]]:
        """The Table field's value: kept and added rows in "No." order; an edited row keeps the fields its
        form does not show (Frappe rewrites a row from what is sent)."""
        rows: list[tuple[int, int, dict[str, Any]]] = []
        for position, form in enumerate(self.forms, start=1):
            if not hasattr(form, "cleaned_data") or (self.can_delete and self._should_delete_form(form)):
                continue
            stored = form.instance.pk is not None
            if not stored and not form.has_changed():
                continue  # an untouched blank row
            values: dict[str, Any] = {}
            if stored:
                meta = form.frappe_meta
                values.update({f.fieldname: fieldtypes.to_wire(f.fieldtype, form.instance.data.get(f.fieldname))
                               for f in meta.data_fields
                               if f.fieldname in form.instance.data and f.fieldtype != "Password"})
                values["name"] = form.instance.name
            values.update(form.frappe_values())
            rows.append((form.cleaned_data.get("idx") or position, position, values))
        rows.sort(key=lambda row: (row[0], row[1]))
        return [{**values, "idx": number} for number, (_, _, values) in enumerate(rows, start=1)]


class ChildTableInline(admin.TabularInline):
    """One Table field of a DocType; rights are the parent's (Frappe: a child follows its parent)."""

    fk_name = "parent_document"
    extra = 0
    classes = ("frappe-child-table",)

    def __init__(self, parent_model: Any, admin_site: Any, *, table: FieldMeta, child_model: type[Document],
                 parent_admin: admin.ModelAdmin) -> None:  # the DocType's DocumentAdmin
        self.model = child_model
        self.table = table
        self.child_meta = get_meta(table.options)
        self.parent_admin = parent_admin
        self.verbose_name = f"{table.display_label} row"
        self.verbose_name_plural = table.display_label
        super().__init__(parent_model, admin_site)

    def get_queryset(self, request: Any) -> Any:
        return Document.objects.filter(doctype_id=self.child_meta.name, parentfield=self.table.fieldname
                                       ).order_by("idx", "id")

    def _editable(self, request: Any, obj: Any) -> bool:
        admin_ = self.parent_admin
        return admin_.has_add_permission(request) if obj is None else admin_.has_change_permission(request, obj)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return self.parent_admin.has_view_permission(request, obj)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return self._editable(request, obj) and (obj is None or obj.docstatus == 0 or self.table.allow_on_submit)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return self.has_add_permission(request, obj)

    def get_formset(self, request: Any, obj: Any = None, **kwargs: Any) -> type[ChildFormSet]:
        docstatus = obj.docstatus if obj is not None else 0
        if docstatus == 1 and self.table.allow_on_submit:
            docstatus = 0
        form = document_form(self.child_meta, user=request.user, docstatus=docstatus, is_new=True,
                             site_name=self.admin_site.name, perm_meta=self.parent_admin.frappe_meta,
                             model=self.model)
        number = forms.IntegerField(label="No.", required=False, min_value=1,
                                    widget=admin_widgets.AdminIntegerFieldWidget(attrs={"style": "width: 4em"}))
        formset = inlineformset_factory(
            self.parent_model, self.model, form=type(form.__name__, (form,), {"idx": number}), formset=ChildFormSet,
            fk_name=self.fk_name, fields=[], extra=self.extra, can_delete=self.has_delete_permission(request, obj),
        )
        fields = formset.form.base_fields  # "No." first
        formset.form.base_fields = {"idx": fields["idx"], **{k: v for k, v in fields.items() if k != "idx"}}
        return formset

    def get_fieldsets(self, request: Any, obj: Any = None) -> list[Any]:
        names = list(self.get_formset(request, obj).form.base_fields)
        if obj is not None and not self.has_change_permission(request, obj):
            return [(None, {"fields": [self.parent_admin.display_field(self.child_meta, n) for n in names
                                       if n != "idx"]})]
        return [(None, {"fields": names})]

