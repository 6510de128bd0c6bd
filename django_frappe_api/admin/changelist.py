"""A DocType's changelist through the API's list engine: Frappe filters, permissions, order and a capped count.

Usage (``DocumentAdmin`` wires it)::

    list_filter = [field_filter(meta, meta.get_field("status"), user)]
    get_changelist = lambda request: DocumentChangeList

Django's ``ChangeList`` keeps its parameters (``?status=Open&q=call&o=2``), templates and paging; the rows
come from ``ListQuery`` and the backend's ``queryset``, so a filter means what it means in
``/api/resource`` and a user sees exactly the documents the API would list for them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import build_q_object_from_lookup_parameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .. import document, exceptions
from ..conf import api_settings
from ..document.docstatus import DOCSTATUS_LABELS
from ..meta import FieldMeta, Meta

# Fieldtypes that get a filter even when not ``in_standard_filter``.
FILTERED_TYPES = frozenset({"Select", "Check", "Link"})
# Distinct values offered by a Link or Data filter.
FILTER_CHOICES = 50


class FrappeFilter(admin.SimpleListFilter):
    """One field's filter; subclasses are made per field by ``field_filter``. The engine applies it."""

    fieldname = ""
    choices_of: list[tuple[str, str]] = []

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return self.choices_of

    def queryset(self, request: Any, queryset: Any) -> Any:
        return queryset  # applied by DocumentChangeList through the list engine

    def frappe_filter(self) -> list[Any]:
        return [self.fieldname, "=", self.value()]


def field_filter(meta: Meta, field: FieldMeta | None, user: Any, *, fieldname: str = "") -> type[FrappeFilter]:
    """A filter class for one field (or ``docstatus``), with the choices the user can pick."""
    if field is None:
        name, title = fieldname, "document status" if fieldname == "docstatus" else fieldname
        choices = [(str(k), v) for k, v in DOCSTATUS_LABELS.items()]
    else:
        name, title = field.fieldname, field.display_label
        if field.fieldtype == "Select":
            choices = [(o, o) for o in field.select_options if o]
        elif field.fieldtype == "Check":
            choices = [("1", "Yes"), ("0", "No")]
        else:
            choices = _distinct_values(meta, field.fieldname, user)
    return type(f"{name}Filter", (FrappeFilter,), {"title": title, "parameter_name": name, "fieldname": name,
                                                   "choices_of": choices})


def _distinct_values(meta: Meta, fieldname: str, user: Any) -> list[tuple[str, str]]:
    try:
        rows = document.get_list(meta.name, user=user, fields=[fieldname], filters=[[fieldname, "is", "set"]],
                                 distinct=True, order_by=f"{fieldname} asc", page_length=FILTER_CHOICES,
                                 as_dict=False)
    except exceptions.FrappeError:
        return []
    return [(str(row[0]), str(row[0])) for row in rows]


class CappedPaginator(Paginator):
    """Counts up to ``FRAPPE_API["COUNT_CAP"]`` rows, as the API's counts do: a large table is not scanned.
    Pages past the cap stay reachable (``?p=``); the page links stop there."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: api_settings.COUNT_CAP].count()

    @property
    def capped(self) -> bool:
        return self.count >= api_settings.COUNT_CAP

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            return max(super().validate_number(1), int(number))
        except (TypeError, ValueError):
            return super().validate_number(number)  # Django's own error

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)
        if not self.capped or number <= self.num_pages:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


class DocumentChangeList(ChangeList):
    """``ChangeList`` whose queryset is built by the list engine from the filters, search and sort chosen."""

    def get_queryset(self, request: Any, exclude_parameters: Any = None) -> Any:
        (self.filter_specs, self.has_filters, remaining, _duplicates, self.has_active_filters) = self.get_filters(
            request
        )
        filters = [spec.frappe_filter() for spec in self.filter_specs
                   if isinstance(spec, FrappeFilter) and spec.value() not in (None, "")]
        try:
            queryset = self.model_admin.engine_queryset(
                request, filters=filters, or_filters=self.model_admin.search_filters(self.query),
                order_by=self.frappe_order_by(),
            )
            queryset = queryset.filter(build_q_object_from_lookup_parameters(remaining))
        except (SuspiciousOperation, ImproperlyConfigured):
            raise
        except Exception as error:  # a bad parameter: the admin shows the list with ?e=1
            raise IncorrectLookupParameters(error) from error
        self.clear_all_filters_qs = self.get_query_string(new_params=remaining, remove=self.get_filters_params())
        return queryset

    def frappe_order_by(self) -> str | None:
        """The clicked columns as a Frappe ``order_by`` (``None``: the DocType's sort field and order)."""
        parts = []
        for index, direction in self.get_ordering_field_columns().items():
            try:
                field_name = self.list_display[index]
            except IndexError:
                continue
            order_field = self.get_ordering_field(field_name)
            if isinstance(order_field, str):
                parts.append(f"{order_field} {direction}")
        return ", ".join(parts) if parts and "o" in self.params else None
