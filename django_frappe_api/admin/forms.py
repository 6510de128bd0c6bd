"""Forms generated from a DocType's Meta: one form field per DocField, with the admin's widget for its type.

Usage::

    Form = document_form(meta, user=request.user, docstatus=0, site_name="admin")
    form = Form(request.POST, request.FILES, instance=document_row)
    form.is_valid() and form.frappe_values()          # {"status": "Open", "date": "2024-05-01", ...}

The form only shapes input: the document layer validates, names and saves what ``frappe_values`` returns,
so the admin obeys the API's rules. Fields the user may not read (permlevel) are left out; fields they may
not write, read-only fields and, once submitted, fields not ``allow_on_submit`` are disabled.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.utils import timezone
from django.utils.html import strip_tags

from .. import exceptions, fieldtypes, permissions
from ..document import new_doc
from ..meta import FieldMeta, Meta
from ..models import Document
from .layout import statically_hidden, statically_read_only, statically_required
from .widgets import AttachInput, CodeTextarea, DynamicLinkSelect, LinkSelect

LONG_TEXT_TYPES = frozenset({"Small Text", "Text", "Long Text", "Text Editor", "HTML Editor", "Markdown Editor"})
CODE_TYPES = frozenset({"Code", "JSON"})
ATTACH_TYPES = frozenset({"Attach", "Attach Image"})
# Fieldtypes shown but never written from a form.
DISPLAY_ONLY_TYPES = frozenset({"Read Only", "Signature", "Geolocation", "Barcode"})


class JSONTextField(forms.CharField):
    """A JSON field's text; refused unless it parses."""

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if text:
            try:
                json.loads(text)
            except ValueError as error:
                raise forms.ValidationError(f"Invalid JSON: {error}") from None
        return text


def form_field(field: FieldMeta, *, site_name: str, is_new: bool) -> forms.Field:
    """The form field (and widget) of one DocField."""
    fieldtype, required = field.fieldtype, statically_required(field)
    options: dict[str, Any] = {"label": field.display_label, "required": required,
                               "help_text": field.properties.get("description") or ""}
    if fieldtype == "Check":
        return forms.BooleanField(**{**options, "required": False})
    if fieldtype in ("Int", "Long Int", "Duration"):
        return forms.IntegerField(widget=admin_widgets.AdminIntegerFieldWidget,
                                  min_value=0 if field.non_negative else None, **options)
    if fieldtype in fieldtypes.FLOAT_TYPES:
        return forms.FloatField(widget=forms.NumberInput(attrs={"step": "any", "class": "vTextField"}),
                                min_value=0 if field.non_negative else None, **options)
    if fieldtype == "Select":
        choices = [(option, option or "---------") for option in field.select_options]
        if not any(value == "" for value, _ in choices):
            choices.insert(0, ("", "---------"))
        return forms.ChoiceField(choices=choices, **options)
    if fieldtype == "Date":
        return forms.DateField(widget=admin_widgets.AdminDateWidget, **options)
    if fieldtype == "Datetime":
        return forms.SplitDateTimeField(widget=admin_widgets.AdminSplitDateTime, **options)
    if fieldtype == "Time":
        return forms.TimeField(widget=admin_widgets.AdminTimeWidget, **options)
    if fieldtype in LONG_TEXT_TYPES:
        return forms.CharField(widget=admin_widgets.AdminTextareaWidget, strip=False, **options)
    if fieldtype == "JSON":
        return JSONTextField(widget=CodeTextarea("JSON"), strip=False, **options)
    if fieldtype == "Code":
        return forms.CharField(widget=CodeTextarea(field.options or ""), strip=False, **options)
    if fieldtype == "Link" and field.options:
        return forms.CharField(widget=LinkSelect(field.options, admin_site_name=site_name), **options)
    if fieldtype == "Dynamic Link" and field.options:
        return forms.CharField(widget=DynamicLinkSelect(field.options, admin_site_name=site_name), **options)
    if fieldtype == "Password":
        return forms.CharField(widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                               **{**options, "required": required and is_new,
                                  "help_text": options["help_text"] or ("" if is_new else "Leave empty to keep it.")})
    if fieldtype in ATTACH_TYPES:
        return forms.FileField(widget=AttachInput, **{**options, "required": False})
    limit = fieldtypes.column_limit(fieldtype, field.length)
    max_length = limit[1] if limit and limit[0] == "varchar" else None
    return forms.CharField(widget=admin_widgets.AdminTextInputWidget, max_length=max_length, **options)


def initial_value(field: FieldMeta, stored: Any) -> Any:
    """A stored value as the field's widget expects it."""
    if stored in (None, "") or field.fieldtype == "Password":
        return None
    wire = fieldtypes.to_wire(field.fieldtype, stored)
    try:
        if field.fieldtype == "Check":
            return bool(fieldtypes.cint(wire))
        if field.fieldtype == "Date":
            return fieldtypes.parse_date(wire)
        if field.fieldtype == "Datetime":
            return fieldtypes.parse_datetime(wire)
        if field.fieldtype == "Time":
            return fieldtypes.parse_time(wire)
    except exceptions.ValidationError:
        return wire
    if field.fieldtype == "JSON" and not isinstance(wire, str):
        return json.dumps(wire, indent=2, ensure_ascii=False)
    return wire


def frappe_value(field: FieldMeta, value: Any) -> Any:
    """A cleaned form value in the form the API accepts."""
    if value in (None, ""):
        return 0 if field.fieldtype == "Check" else None
    if field.fieldtype == "Check":
        return int(bool(value))
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return value


class DocumentForm(forms.ModelForm):
    """Base of the generated forms. Subclasses set ``frappe_meta``, ``frappe_fields`` (fieldname -> FieldMeta
    of the editable fields) and ``refusal`` (a refused save's error, shown again with the input kept)."""

    frappe_meta: Meta
    frappe_fields: dict[str, FieldMeta] = {}
    frappe_defaults: dict[str, Any] = {}
    refusal: exceptions.FrappeError | None = None

    class Meta:
        model = Document
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.data if self.instance.pk else self.frappe_defaults
        for name, field in self.frappe_fields.items():
            if name in self.fields and name not in self.initial:
                self.initial[name] = initial_value(field, (stored or {}).get(name))
        if "idx" in self.fields and self.instance.pk:  # a child row's "No."
            self.initial.setdefault("idx", self.instance.idx)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.refusal is not None:
            for fieldname, message in refusal_errors(self.frappe_meta, self.refusal, set(self.fields)):
                self.add_error(fieldname, message)
        return cleaned

    def frappe_values(self) -> dict[str, Any]:
        """The edited values, ready for ``insert_doc`` / ``update_doc``; uploads still as files."""
        values: dict[str, Any] = {}
        for name, field in self.frappe_fields.items():
            form_field = self.fields.get(name)
            if form_field is None or form_field.disabled:
                continue
            value = self.cleaned_data.get(name)
            if field.fieldtype == "Password" and not value:
                continue
            if field.fieldtype in ATTACH_TYPES:
                if value is False:
                    values[name] = None  # "Clear" ticked
                elif value and not isinstance(value, str):
                    values[name] = value
                continue
            values[name] = frappe_value(field, value)
        return values


def document_form(meta: Meta, *, user: Any, docstatus: int, site_name: str, is_new: bool, model: type[Document],
                  perm_meta: Meta | None = None, refusal: exceptions.FrappeError | None = None) -> type[DocumentForm]:
    """The form class of ``meta`` (rows of ``model``, its admin proxy) for this user and document state (child
    tables: ``perm_meta`` the parent)."""
    rules = perm_meta or meta
    readable = permissions.readable_levels(rules, user)
    writable = permissions.writable_levels(rules, user)
    attrs: dict[str, Any] = {}
    fields: dict[str, FieldMeta] = {}
    for field in meta.data_fields:
        if readable is not None and field.permlevel not in readable:
            continue
        if statically_hidden(field) and not statically_required(field):
            continue
        if field.fieldtype == "Password" and writable is not None and field.permlevel not in writable:
            continue
        form_field_ = form_field(field, site_name=site_name, is_new=is_new)
        if (
            field.fieldtype in DISPLAY_ONLY_TYPES
            or statically_read_only(field)
            or (writable is not None and field.permlevel not in writable)
            or docstatus == 2
            or (docstatus == 1 and not field.allow_on_submit)
            or (field.set_only_once and not is_new)
        ):
            form_field_.disabled = True
            form_field_.required = False
        attrs[field.fieldname] = form_field_
        fields[field.fieldname] = field
    attrs.update(frappe_meta=meta, frappe_fields=fields, refusal=refusal,
                 frappe_defaults=new_doc(meta, user=user) if is_new else {},
                 Meta=type("Meta", (DocumentForm.Meta,), {"model": model, "fields": []}))
    return type(f"{meta.name.replace(' ', '')}Form", (DocumentForm,), attrs)


def refusal_errors(meta: Meta, error: exceptions.FrappeError, fieldnames: set[str]) -> list[tuple[str | None, str]]:
    """Where a refused save's message belongs: next to each field it names, else on top of the form.

    Frappe names fields by label in its messages ("Status cannot be ..."), by fieldname in a
    ``MandatoryError`` ("[ToDo, x]: description, date").
    """
    message = strip_tags(error.message or str(error) or error.exc_type)
    named: list[str] = []
    if isinstance(error, exceptions.MandatoryError) and "]: " in message:
        listed = {part.strip() for part in message.rsplit("]: ", 1)[1].split(",")}
        named = [name for name in fieldnames if name in listed]
    if not named:
        for field in meta.data_fields:
            if field.fieldname in fieldnames and _mentions(message, field):
                named.append(field.fieldname)
                break
    if not named:
        return [(None, message)]
    return [(name, message) for name in named]


def _mentions(message: str, field: FieldMeta) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(text)}(?![\w-])", message) for text in (field.label, field.fieldname)
               if text)
