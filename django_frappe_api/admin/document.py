"""The admin of one DocType's documents: changelist, generated form, child tables, docstatus, history.

Usage: built per request by ``SectionRegistry.model_admin("ToDo")``; nothing to register.

Every read goes through the list engine with the user's permissions, every write through the document
layer (``insert_doc``, ``update_doc``, ``delete_doc``) in the change form's transaction: validation,
naming, hooks, versions and permissions are those of the API. A refused save is rolled back and the form
is shown again with what the user typed and Frappe's message next to the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse

from .. import document, exceptions, fieldtypes, permissions
from ..backends.base import get_backend
from ..document.docstatus import DOCSTATUS_LABELS
from ..field_access import FieldAccess
from ..match_conditions import row_condition
from ..meta import FieldMeta, Meta
from ..methods.files import store_upload
from ..models import Document
from ..params import ListRequest
from ..query import ListQuery
from . import layout
from .actions import cancel_selected, delete_selected, submit_selected
from .changelist import FILTERED_TYPES, CappedPaginator, DocumentChangeList, field_filter
from .docstatus import CANCEL, SUBMIT, DocstatusButtons
from .forms import ATTACH_TYPES, document_form, initial_value
from .history import history_page
from .inlines import ChildFormSet, ChildTableInline
from .permissions import DocumentPermissions
from .refusals import Refused, ShowsRefusals, refusal


class DocumentAdmin(ShowsRefusals, DocstatusButtons, DocumentPermissions, admin.ModelAdmin):
    """``ModelAdmin`` of one DocType over its ``Document`` proxy; see the module docstring."""

    change_form_template = "django_frappe_api/admin/document_change_form.html"
    list_per_page = 20
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    date_hierarchy = "creation"
    paginator = CappedPaginator
    search_help_text = "Searches the name, the title and the DocType's search fields."
    save_on_top = False

    def __init__(self, model: type[Document], admin_site: Any, *, meta: Meta, section: Any) -> None:
        self.frappe_meta = meta
        self.section = section
        self._displays: dict[tuple[str, str], Callable[[Any], Any]] = {}
        super().__init__(model, admin_site)
        self.search_fields = ("name",)  # shows the search box; ``search_filters`` does the searching
        self.list_display = self._list_display()
        sort_field = (meta.sort_field or "modified").strip()
        if sort_field in ("modified", "creation", "name") or meta.has_field(sort_field):
            self.ordering = (("-" if meta.sort_order.upper() == "DESC" else "") + sort_field,)

    def get_actions(self, request: Any) -> dict[str, Any]:
        self.actions = [delete_selected, submit_selected, cancel_selected]  # each shown only with its right
        return super().get_actions(request)

    # -- the changelist -----------------------------------------------------------------------------

    def get_queryset(self, request: Any) -> Any:
        return self.engine_queryset(request)

    def engine_queryset(self, request: Any, *, filters: Any = None, or_filters: Any = None,
                        order_by: str | None = None) -> Any:
        """The documents the user may read that match Frappe ``filters`` / ``or_filters``, in order."""
        meta, user = self.frappe_meta, request.user
        permissions.check_doctype_permission(meta, user, "read")
        request_ = ListRequest(fields=["name"], filters=filters or None, or_filters=or_filters or None,
                               order_by=order_by)
        query = ListQuery.from_request(meta, request_, FieldAccess(user, meta))
        backend = get_backend(meta)
        condition = row_condition(meta, user, backend)  # the API's rows: if_owner, User Permissions, shares
        return backend.queryset(query, condition)

    def get_object(self, request: Any, object_id: str, from_field: str | None = None) -> Any:
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.__class__ = self.model  # the DocType's proxy: its _meta names this section's URLs
        return obj

    def search_filters(self, request: Any, term: str) -> list[list[Any]]:
        """``or_filters`` of a search: ``like %term%`` over name, the title field and the search fields the
        user may read (as the link search matches them)."""
        term = (term or "").strip()
        if not term:
            return []
        meta = self.frappe_meta
        access = FieldAccess(request.user, meta)
        names = ["name", meta.title_field, *meta.search_fields]
        fields = [n for n in dict.fromkeys(names)
                  if n == "name" or (n and meta.has_field(n) and access.can_read(meta, n))]
        return [[meta.name, fieldname, "like", f"%{term}%"] for fieldname in fields]

    def get_changelist(self, request: Any, **kwargs: Any) -> type[DocumentChangeList]:
        return DocumentChangeList

    def get_list_filter(self, request: Any) -> list[Any]:
        meta, user = self.frappe_meta, request.user
        readable = FieldAccess(user, meta).readable(meta)
        filters = [
            field_filter(meta, field, user) for field in meta.data_fields
            if (field.properties.get("in_standard_filter") or field.fieldtype in FILTERED_TYPES)
            and field.fieldtype not in ("Password", *ATTACH_TYPES)
            and (readable is None or field.fieldname in readable)
        ]
        if meta.is_submittable:
            filters.append(field_filter(meta, None, user, fieldname="docstatus"))
        return filters

    def _list_display(self) -> list[Any]:
        meta = self.frappe_meta
        shown = [f for f in meta.data_fields if f.in_list_view and f.fieldtype != "Password"]
        title = meta.get_field(meta.title_field) if meta.title_field else None
        if title is not None and title not in shown:
            shown.insert(0, title)
        columns: list[Any] = [admin.display(description="Name", ordering="name")(lambda obj: obj.name),
                              *(self._column(f) for f in shown)]
        if meta.is_submittable:
            columns.append(admin.display(description="Document status", ordering="docstatus")(
                lambda obj: DOCSTATUS_LABELS.get(obj.docstatus, obj.docstatus)))
        columns.append(admin.display(description="Modified", ordering="modified")(lambda obj: obj.modified))
        return columns

    def get_list_display(self, request: Any) -> list[Any]:
        meta = self.frappe_meta
        readable = FieldAccess(request.user, meta).readable(meta)
        if readable is None:
            return self.list_display
        return [c for c in self.list_display if getattr(c, "fieldname", None) in (None, *readable)]

    def _column(self, field: FieldMeta) -> Callable[[Any], Any]:
        def column(obj: Any) -> Any:
            value = fieldtypes.to_wire(field.fieldtype, (obj.data or {}).get(field.fieldname))
            return bool(value) if field.fieldtype == "Check" else value

        column.fieldname = field.fieldname  # type: ignore[attr-defined]
        column.__name__ = field.fieldname
        return admin.display(description=field.display_label, ordering=field.fieldname,
                             boolean=field.fieldtype == "Check")(column)

    # -- the change form ----------------------------------------------------------------------------

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return document_form(self.frappe_meta, user=request.user, docstatus=obj.docstatus if obj else 0,
                             site_name=self.admin_site.name, is_new=obj is None, model=self.model,
                             refusal=refusal(request))

    def get_fieldsets(self, request: Any, obj: Any = None) -> list[Any]:
        meta = self.frappe_meta
        names = list(self.get_form(request, obj).base_fields)
        if obj is not None and not self.has_change_permission(request, obj):
            sets = layout.fieldsets(meta, names, entry=lambda name: self.display_field(meta, name))
        else:
            sets = layout.fieldsets(meta, names)
        return sets or [(None, {"fields": []})]

    def display_field(self, meta: Meta, fieldname: str) -> Callable[[Any], Any]:
        """A read-only field for ``fieldsets`` (users who may only read): the stored value, shown."""
        key = (meta.name, fieldname)
        if key not in self._displays:
            field = meta.get_field(fieldname)

            def show(obj: Any) -> Any:
                value = fieldtypes.to_wire(field.fieldtype, (obj.data or {}).get(fieldname))
                return bool(value) if field.fieldtype == "Check" else value

            show.__name__ = fieldname
            self._displays[key] = admin.display(description=field.display_label,
                                                boolean=field.fieldtype == "Check")(show)
        return self._displays[key]

    def get_inline_instances(self, request: Any, obj: Any = None) -> list[Any]:
        meta = self.frappe_meta
        readable = FieldAccess(request.user, meta).readable(meta)
        inlines = []
        for table in meta.table_fields:
            if readable is not None and table.fieldname not in readable:
                continue
            if layout.statically_hidden(table):
                continue
            inline = ChildTableInline(self.model, self.admin_site, table=table, parent_admin=self,
                                      child_model=self.admin_site.sections.child_model(table.options))
            if inline.has_view_permission(request, obj):
                inlines.append(inline)
        return inlines

    def get_formset_kwargs(self, request: Any, obj: Any, inline: Any, prefix: str) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        kwargs["prefix"] = inline.table.fieldname
        return kwargs

    def get_changeform_initial_data(self, request: Any) -> dict[str, Any]:
        """``?amend=<name>``: the new document starts as a copy of the cancelled one."""
        amend = request.GET.get("amend")
        if not amend:
            return super().get_changeform_initial_data(request)
        try:
            copied = document.copy_doc(self.frappe_meta.name, amend, user=request.user)
        except exceptions.FrappeError:
            return {}
        return {f.fieldname: initial_value(f, copied.get(f.fieldname)) for f in self.frappe_meta.data_fields}

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        """Nothing here: ``save_related`` saves the document and its child rows in one document-layer call."""

    def save_related(self, request: Any, form: Any, formsets: list[Any], change: bool) -> None:
        meta, user = self.frappe_meta, request.user
        values = form.frappe_values()
        for formset in formsets:
            if isinstance(formset, ChildFormSet):
                values[formset.prefix] = formset.frappe_rows()
        instance = form.instance
        try:
            rows = [values, *(row for table in meta.table_fields for row in values.get(table.fieldname) or [])]
            for row in rows:  # Attach fields: the uploads become File documents, the fields their URLs
                for fieldname, value in list(row.items()):
                    if value is not None and not isinstance(value, (str, int, float, list, dict)):
                        stored = store_upload(value, user=user, doctype=meta.name, fieldname=fieldname,
                                              docname=instance.name if change else None)
                        row[fieldname] = stored["file_url"]
            if change and CANCEL in request.POST:
                saved = document.update_doc(meta.name, instance.name, {"docstatus": 2}, user=user)
            elif change:
                if SUBMIT in request.POST:
                    values["docstatus"] = 1
                saved = document.update_doc(meta.name, instance.name, values, user=user)
            else:
                if request.GET.get("amend") and meta.has_field("amended_from"):
                    values["amended_from"] = request.GET["amend"]
                saved = document.insert_doc(meta.name, values, user=user)
        except exceptions.FrappeError as error:
            raise Refused(error) from None
        row = Document.objects.get(doctype_id=meta.name, name=str(saved["name"]))
        instance.pk, instance.name, instance.docstatus, instance.data = row.pk, row.name, row.docstatus, row.data
        instance.doctype_id, instance.owner = row.doctype_id, row.owner

    def construct_change_message(self, request: Any, form: Any, formsets: Any, add: bool = False) -> list[Any]:
        if add:
            return [{"added": {}}]
        fields = [form.fields[name].label for name in form.changed_data if name in form.fields]
        fields += [formset.prefix for formset in formsets if formset.has_changed()]
        return [{"changed": {"fields": fields}}] if fields else []

    # -- the admin log: entries name the Document row, never the proxy (it has no content type) ----------

    def log_addition(self, request: Any, obj: Any, message: Any) -> Any:
        return super().log_addition(request, _as_document(obj), message)

    def log_change(self, request: Any, obj: Any, message: Any) -> Any:
        return super().log_change(request, _as_document(obj), message)

    def log_deletions(self, request: Any, queryset: Any) -> Any:
        return super().log_deletions(request, [_as_document(obj) for obj in queryset])

    # -- deletion -----------------------------------------------------------------------------------

    def delete_model(self, request: Any, obj: Any) -> None:
        try:
            document.delete_doc(self.frappe_meta.name, obj.name, user=request.user)
        except exceptions.FrappeError as error:
            raise Refused(error) from None

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        """Bulk delete: ``delete_doc`` per row, with the same rules (permissions, links, docstatus)."""
        for obj in list(queryset):
            self.delete_model(request, obj)

    def delete_view(self, request: Any, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        try:
            return super().delete_view(request, object_id, extra_context)
        except Refused as refused:
            self.message_user(request, f"Not deleted: {refused.text}", messages.ERROR)
            change_url = reverse(f"{self.admin_site.name}:{self.section.url_name('change')}", args=[object_id])
            return HttpResponseRedirect(change_url)

    def history_view(self, request: Any, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        """The document's ``Version`` records (``history.py``) on Django's history page."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return history_page(self, request, obj, extra_context)


def _as_document(obj: Any) -> Document:
    """A copy of a proxy row as a plain ``Document`` (whose content type exists)."""
    row = Document.__new__(Document)
    row.__dict__.update(obj.__dict__)
    return row
