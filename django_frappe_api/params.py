"""A list or count request's parameters, read once from whichever API sent them, as one ``ListRequest``.

Usage::

    request = ListRequest.from_v1(view.form, host_params=http_request.query_params)
    request = ListRequest.from_v2(view.form, host_params=http_request.query_params)
    rows = document.get_list("ToDo", request, user=http_request.user)

v1 (``/api/resource``), v2 (``/api/v2/document``), ``frappe.client.*`` and the desk's report view name
and default the same things differently (``limit_start`` / ``start``, ``limit_page_length`` / ``limit``,
``as_dict`` as text or JSON); each constructor below holds one of those vocabularies, as DRF's
``LimitOffsetPagination`` holds its parameter names. Below the views only ``ListRequest`` travels.

JSON-encoded ``fields`` and ``filters`` stay as sent for v1, ``frappe.client`` and the report view: they
are decoded by the list query after the permission check, so a guest or an unknown DocType is refused
before a malformed parameter is (as in Frappe). v2 decodes and type-checks them up front, as Frappe's v2
does, and refuses negative paging before anything else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from . import exceptions
from .conf import api_settings
from .fieldtypes import cint, sbool
from .filters import load_json_param

# Every query parameter Frappe's list routes read themselves (v1, v2, frappe.client), with the list's own
# neighbours (include, expand, cmd): a host's FilterSet filter of the same name would take one over (E015).
LIST_PARAMETERS = frozenset({
    "fields", "filters", "or_filters", "order_by", "group_by", "limit", "limit_start", "limit_page_length",
    "start", "page_length", "as_dict", "include", "parent", "debug", "expand", "expand_links", "distinct", "cmd",
    "cursor",
})
# Largest OFFSET/LIMIT every supported database takes (a signed 64-bit integer).
MAX_SQL_INTEGER = 2**63 - 1


def sql_integer(value: int, param: str = "limit_start") -> int:
    """A paging number refused before SQL runs when no database could take it."""
    if value > MAX_SQL_INTEGER:
        raise exceptions.FrappeValueError(f"'{param}' must be at most {MAX_SQL_INTEGER}")
    return value


def page_size(value: Any) -> int:
    """Page length with Frappe's defaults; 0 means "all rows", bounded by MAX_PAGE_LENGTH."""
    if value in (None, ""):
        return api_settings.DEFAULT_PAGE_LENGTH
    size = cint(value)
    if size <= 0:
        return api_settings.MAX_PAGE_LENGTH
    return min(size, api_settings.MAX_PAGE_LENGTH)


def _flag(value: Any) -> bool:
    """A boolean sent as text, form value or JSON: ``"0"``/``"false"``/``""`` are false."""
    flag = sbool(value)
    return bool(flag) if flag not in ("", None) else False


def _report_flag(value: Any) -> bool:
    """The report view's reading of a flag: anything but empty, false or 0 is true."""
    return value not in (None, "") and sbool(value) not in (False, 0)


@dataclass(frozen=True)
class ListRequest:
    """What a caller asks of a list (or a count), whichever API version it spoke.

    ``fields``, ``filters`` and ``or_filters`` are JSON text or decoded JSON; ``page_length`` ``None``
    means ``DEFAULT_PAGE_LENGTH`` and 0 "every row" (up to ``MAX_PAGE_LENGTH``); ``count_limit`` stops a
    count there, and a count running longer than ``count_timeout_ms`` is stopped (``None``); ``host_params``
    are the HTTP query parameters a registered model's FilterSet reads; ``cursor`` asks for keyset paging
    (``""``: from the first row) and is ``None`` for offset paging only.
    """

    fields: Any = None
    filters: Any = None
    or_filters: Any = None
    order_by: Any = None
    group_by: Any = None
    start: int = 0
    page_length: int | None = None
    as_dict: bool = True
    parent: str | None = None
    default_order: bool = True
    distinct: bool = False
    count_limit: int | None = None
    count_timeout_ms: int | None = None
    cursor: str | None = None
    host_params: Any = None
    # A link search's DocType of the searched field: its User Permissions (applicable_for) narrow the list.
    reference_doctype: str | None = None
    ignore_user_permissions: bool = False

    # v1 ``/api/resource/<doctype>`` (Frappe's frappe.api.v1 + frappe.client.get_list): names of the paging keys.
    V1_START: ClassVar[str] = "limit_start"
    V1_PAGE_LENGTH: ClassVar[str] = "limit_page_length"
    V1_LIMIT: ClassVar[str] = "limit"  # read when limit_page_length is absent
    # v2 ``/api/v2/document/<doctype>`` and ``/api/v2/doctype/<doctype>/count`` (frappe.api.v2).
    V2_START: ClassVar[str] = "start"
    V2_LIMIT: ClassVar[str] = "limit"
    V2_JSON_PARAMS: ClassVar[dict[str, tuple[tuple[type, ...], str]]] = {
        "fields": ((list,), "'fields' must be a list"),
        "filters": ((list, dict), "'filters' must be a list or dictionary"),
        "or_filters": ((list, dict), "'or_filters' must be a list or dictionary"),
    }

    def __post_init__(self) -> None:
        # Paging numbers as Frappe's cint reads them; "" and None keep the default page length.
        object.__setattr__(self, "start", max(cint(self.start), 0))
        if self.page_length is not None:
            object.__setattr__(self, "page_length", None if self.page_length == "" else cint(self.page_length))

    # -- constructors, one per vocabulary ----------------------------------------------------------

    @classmethod
    def from_v1(cls, form: dict[str, Any], *, host_params: Any = None) -> ListRequest:
        """``GET /api/resource/<doctype>``: ``limit_page_length``, else a truthy ``limit`` (§4.1 step 3)."""
        if cls.V1_PAGE_LENGTH in form:
            page_length = form[cls.V1_PAGE_LENGTH]
        else:
            limit = form.get(cls.V1_LIMIT)
            page_length = limit if limit else None
        return cls(
            fields=form.get("fields"),
            filters=form.get("filters"),
            or_filters=form.get("or_filters"),
            order_by=form.get("order_by") or None,
            group_by=form.get("group_by") or None,
            start=form.get(cls.V1_START) or 0,
            page_length=page_length,
            as_dict=_flag(form.get("as_dict", True)),
            parent=form.get("parent") or None,
            host_params=host_params,
        )

    @classmethod
    def from_v2(cls, form: dict[str, Any], *, host_params: Any = None) -> ListRequest:
        """``GET /api/v2/document/<doctype>``: JSON parameters type-checked, ``start``/``limit`` paging.

        ``page_length`` is v2's ``limit`` (0 asks for no rows, only ``has_next_page``); see ``with_lookahead``.
        ``cursor`` (beyond Frappe) pages by keyset: empty for the first page, then a ``next_cursor``.
        """
        fields, filters, or_filters = (cls._v2_json(form, key) for key in cls.V2_JSON_PARAMS)
        order_by, group_by = cls._v2_string(form, "order_by"), cls._v2_string(form, "group_by")
        start = cint(form.get(cls.V2_START, form.get(cls.V1_START, 0)))
        limit = cint(form[cls.V2_LIMIT]) if cls.V2_LIMIT in form else api_settings.DEFAULT_PAGE_LENGTH
        if start < 0 or limit < 0:
            raise exceptions.FrappeValueError("'start' and 'limit' must be non-negative integers")
        sql_integer(start, "start")
        cursor = form.get("cursor")
        if cursor is not None and not isinstance(cursor, str):
            raise exceptions.FrappeValueError("'cursor' must be a string")
        if cursor and start:
            raise exceptions.ValidationError("'start' cannot be combined with a cursor: the cursor says where to go on")
        return cls(
            fields=fields, filters=filters, or_filters=or_filters, order_by=order_by, group_by=group_by,
            start=start, page_length=min(limit, api_settings.MAX_PAGE_LENGTH),
            as_dict=bool(form.get("as_dict", True)), parent=form.get("parent") or None, cursor=cursor,
            host_params=host_params,
        )

    @classmethod
    def from_v2_count(cls, form: dict[str, Any], *, host_params: Any = None) -> ListRequest:
        """``GET /api/v2/doctype/<doctype>/count``: ``filters``, ``or_filters``, ``distinct``, ``limit``;
        counted within ``COUNT_TIMEOUT_MS``."""
        filters, or_filters = cls._v2_json(form, "filters"), cls._v2_json(form, "or_filters")
        return cls(
            filters=filters, or_filters=or_filters, count_limit=cint(form.get(cls.V2_LIMIT)) or None,
            count_timeout_ms=api_settings.COUNT_TIMEOUT_MS, distinct=sbool(form.get("distinct", False)) is True,
            host_params=host_params,
        )

    @classmethod
    def from_client(
        cls, *, fields: Any = None, filters: Any = None, or_filters: Any = None, order_by: Any = None,
        group_by: Any = None, limit_start: Any = None, limit_page_length: Any = 20, as_dict: Any = True,
        parent: Any = None,
    ) -> ListRequest:
        """``frappe.client.get_list``'s arguments: no default ordering, ``limit_page_length=0`` is every row."""
        return cls(
            fields=fields, filters=filters, or_filters=or_filters, order_by=order_by or None,
            group_by=group_by or None, start=limit_start or 0, page_length=limit_page_length,
            as_dict=_flag(as_dict), parent=parent or None, default_order=False,
        )

    @classmethod
    def from_reportview(cls, form: dict[str, Any]) -> ListRequest:
        """``frappe.desk.reportview.get``/``get_list``: ``page_length``, then ``limit``, override
        ``limit_page_length`` (DatabaseQuery); none of them means every row."""
        fields = form.get("fields")
        return cls(
            fields=["*"] if fields == "*" else fields,
            filters=form.get("filters"),
            or_filters=form.get("or_filters"),
            order_by=form.get("order_by") or None,
            group_by=form.get("group_by") or None,
            start=form.get("start") or form.get("limit_start") or 0,
            page_length=form.get("limit") or form.get("page_length") or form.get("limit_page_length") or 0,
            parent=form.get("parent_doctype") or form.get("parent") or None,
            distinct=_report_flag(form.get("distinct")),
        )

    @classmethod
    def from_reportview_count(cls, form: dict[str, Any]) -> ListRequest:
        """``frappe.desk.reportview.get_count``: counts at most ``limit`` rows when given."""
        return cls(
            filters=form.get("filters"),
            or_filters=form.get("or_filters"),
            distinct=sbool(form.get("distinct", False)) is True,
            count_limit=cint(form.get("limit")) or None,
            parent=form.get("parent_doctype") or form.get("parent") or None,
        )

    # -- derived requests --------------------------------------------------------------------------

    def with_lookahead(self) -> ListRequest:
        """v2's page plus one row, so ``has_next_page`` needs no count; a zero ``limit`` fetches one name."""
        if self.page_length:
            return dataclasses.replace(self, page_length=self.page_length + 1)
        return dataclasses.replace(self, fields=["name"], order_by=None, group_by=None, page_length=1, as_dict=True)

    def conditions_only(self) -> ListRequest:
        """The rows' conditions alone, which is all a count reads (its fields and order go unchecked)."""
        return ListRequest(filters=self.filters, or_filters=self.or_filters, parent=self.parent, default_order=False,
                           count_timeout_ms=self.count_timeout_ms, host_params=self.host_params)

    def counting(self, limit: int | None, timeout_ms: int | None = None) -> ListRequest:
        """The same rows, counted up to ``limit`` within ``timeout_ms`` (v2's ``include=count``)."""
        return dataclasses.replace(self, count_limit=limit, count_timeout_ms=timeout_ms)

    # -- v2 parsing --------------------------------------------------------------------------------

    @classmethod
    def _v2_json(cls, form: dict[str, Any], key: str) -> Any:
        value = form.get(key)
        if value in (None, ""):
            return None
        if key == "fields" and value == "*":
            return ["*"]
        decoded = load_json_param(value, key)
        kinds, message = cls.V2_JSON_PARAMS[key]
        if decoded is not None and not isinstance(decoded, kinds):
            raise exceptions.FrappeValueError(message)
        return decoded

    @staticmethod
    def _v2_string(form: dict[str, Any], key: str) -> str | None:
        value = form.get(key)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise exceptions.FrappeValueError(f"'{key}' must be a string")
        return value


__all__ = ["LIST_PARAMETERS", "MAX_SQL_INTEGER", "ListRequest", "page_size", "sql_integer"]
