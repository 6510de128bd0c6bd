"""Widgets the generated forms add to Django's admin widgets: Link and Dynamic Link autocomplete, code editor,
Attach.

Usage::

    LinkSelect("Customer", admin_site_name="admin")      # select2 fed by the API's link search
    DynamicLinkSelect("reference_type")                   # the same, over the DocType another field names
    CodeTextarea(language="JSON")                         # monospace, tab-friendly textarea
    AttachInput()                                         # upload, with a download link to the current file
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import SELECT2_TRANSLATIONS, AdminTextareaWidget
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language


class LinkSelect(forms.Select):
    """The admin's autocomplete widget (select2 + ``autocomplete.js``) over a Link field's target DocType.

    ``autocomplete.js`` reads the ``data-ajax--url`` it is given; ours answers from ``search.search_link``
    with the user's rights on the target, as ``/api/method/frappe.desk.search.search_link`` does.
    """

    def __init__(self, doctype: str, *, admin_site_name: str = "admin", attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.doctype = doctype
        self.admin_site_name = admin_site_name

    def build_attrs(self, base_attrs: dict[str, Any], extra_attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.setdefault("class", "")
        attrs.update({
            "data-ajax--cache": "true", "data-ajax--delay": 250, "data-ajax--type": "GET",
            "data-ajax--url": reverse(f"{self.admin_site_name}:frappe_link_search", args=[self.doctype]),
            "data-app-label": "", "data-model-name": "", "data-field-name": "",
            "data-theme": "admin-autocomplete", "data-allow-clear": "true", "data-placeholder": "",
            "lang": SELECT2_TRANSLATIONS.get(get_language(), ""),
            "class": (attrs["class"] + " admin-autocomplete").strip(),
        })  # fmt: skip
        return attrs

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        """Only the current value is an option; select2 asks the server for the others."""
        current = [v for v in value if v not in (None, "")]
        self.choices = [("", ""), *((v, v) for v in current)]
        return super().optgroups(name, value, attrs)

    @property
    def media(self) -> forms.Media:
        extra = "" if __debug__ else ".min"
        i18n = SELECT2_TRANSLATIONS.get(get_language())
        i18n_file = (f"admin/js/vendor/select2/i18n/{i18n}.js",) if i18n else ()
        return forms.Media(
            js=(f"admin/js/vendor/jquery/jquery{extra}.js", f"admin/js/vendor/select2/select2.full{extra}.js",
                *i18n_file, "admin/js/jquery.init.js", "admin/js/autocomplete.js"),
            css={"screen": (f"admin/css/vendor/select2/select2{extra}.css", "admin/css/autocomplete.css")},
        )


class DynamicLinkSelect(LinkSelect):
    """A Dynamic Link: the same autocomplete, over the DocType its DocType field (``options``) holds."""

    def __init__(self, doctype_field: str, *, admin_site_name: str = "admin", attrs: dict[str, Any] | None = None
                 ) -> None:
        super().__init__("__doctype__", admin_site_name=admin_site_name, attrs=attrs)
        self.doctype_field = doctype_field

    def build_attrs(self, base_attrs: dict[str, Any], extra_attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["class"] = attrs["class"].replace("admin-autocomplete", "frappe-dynamic-link")
        attrs["data-search-url"] = attrs.pop("data-ajax--url")
        attrs["data-doctype-field"] = self.doctype_field
        return attrs

    @property
    def media(self) -> forms.Media:
        return super().media + forms.Media(js=["django_frappe_api/admin/dynamic_link.js"])


class CodeTextarea(AdminTextareaWidget):
    """Code and JSON fields: monospace, no wrapping, spellcheck off."""

    def __init__(self, language: str = "", attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"rows": 6, "spellcheck": "false", "wrap": "off", "data-language": language,
                          "style": "font-family: monospace; width: 100%; max-width: 60em", **(attrs or {})})


class AttachInput(forms.ClearableFileInput):
    """An upload input; the current file (a ``file_url``) is shown as a download link."""

    template_name = "django/forms/widgets/clearable_file_input.html"

    def is_initial(self, value: Any) -> bool:
        return bool(value)

    def format_value(self, value: Any) -> Any:
        if isinstance(value, str) and value:
            return _FileLink(value)
        return super().format_value(value)


class _FileLink(str):
    """What ``ClearableFileInput`` renders as "Currently: <a href=url>": a string with a ``url``."""

    @property
    def url(self) -> str:
        return str(self)

    def __html__(self) -> str:
        return format_html("{}", str(self))
