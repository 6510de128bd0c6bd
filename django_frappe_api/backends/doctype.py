"""The backend serving DocType itself (``/api/resource/DocType``): definitions managed over REST, as on a Frappe site.

Usage (wired in ``FrappeApiConfig.ready()``)::

    register_backend("doctype", lambda meta: doctype_backend)
    register_whole_request_meta(DOCTYPE_META)
    whole_request_backend("DocType").serve_insert({"name": "Task", "fields": [...]}, user=request.user)

A definition is no document of a Meta, so this backend answers whole requests with its own grammar: lists
select, filter and sort on the DocType table's columns only, ``*`` is all of them, the order defaults to
``modified desc``, ``group_by`` is ignored and ``distinct`` refused. Reads are open to logged-in users (every
client needs meta); creating, changing and removing a DocType needs the System Manager role. A DocType with
documents cannot be removed, as in Frappe. A definition read or saved here carries
``__onload.indexed_fields``: the fields the database holds an index for.
"""

from __future__ import annotations

from typing import Any

from django.db.models import ProtectedError, Q

from .. import exceptions, permissions
from ..definitions import save_definition
from ..doctype_rows import doctype_as_dict
from ..filters import Column, condition_q, load_json_param, parse_filters
from ..meta import Meta
from ..models import DocType, Document
from ..params import ListRequest, page_size, sql_integer
from ..serialization import wire_datetime
from . import indexes

DOCTYPE = "DocType"
# Found only by ``whole_request_backend``: ``get_meta("DocType")`` stays unknown to every other caller.
DOCTYPE_META = Meta(name=DOCTYPE, module="Core", backend="doctype")
# Columns of the DocType table a list may filter, sort and select on.
_LIST_COLUMNS = {
    "name": "Data", "module": "Data", "custom": "Check", "istable": "Check", "issingle": "Check",
    "is_submittable": "Check", "is_tree": "Check", "autoname": "Data", "title_field": "Data",
    "search_fields": "Data", "sort_field": "Data", "sort_order": "Data", "description": "Text",
    "owner": "Data", "creation": "Datetime", "modified": "Datetime", "modified_by": "Data",
    "track_changes": "Check", "allow_rename": "Check", "document_type": "Data", "icon": "Data",
}  # fmt: skip


def _check_read(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise permissions.permission_denied(DOCTYPE, user, "read")


def _check_write(user: Any, right: str) -> None:
    if permissions.SYSTEM_MANAGER not in permissions.get_roles(user):
        raise exceptions.PermissionError(
            f"No permission for {DOCTYPE} (<strong>{right}</strong>)",
            error_message=f"No permission for {DOCTYPE}",
        )


def _load(name: str) -> DocType:
    row = DocType.objects.prefetch_related("fields", "permissions").filter(name=name).first()
    if row is None:
        raise exceptions.DoesNotExistError(f"{DOCTYPE} {name} not found", doctype=DOCTYPE)
    return row


class DocTypeBackend:
    """DocType definitions, read and saved through ``definitions`` (a ``WholeRequestBackend``)."""

    def serve_get(self, name: Any, *, user: Any) -> dict[str, Any]:
        _check_read(user)
        return _answer(_load(name))

    def serve_list(self, request: ListRequest, *, user: Any) -> list[Any]:
        if request.distinct:
            raise exceptions.ValidationError("distinct is not supported when listing DocTypes")
        _check_read(user)
        return _list(request)

    def serve_insert(self, values: dict[str, Any], *, user: Any) -> dict[str, Any]:
        _check_write(user, "create")
        name = values.get("name")
        if isinstance(name, str) and DocType.objects.filter(name=name.strip()).exists():
            raise exceptions.DuplicateEntryError(
                f"{DOCTYPE} <strong>{name}</strong> already exists", title="Duplicate Name"
            )
        row = save_definition(values, user=permissions.user_id(user))
        return _answer(row)

    def serve_update(self, name: Any, values: dict[str, Any], *, user: Any) -> dict[str, Any]:
        _check_write(user, "write")
        current = doctype_as_dict(_load(name))
        merged = {**current, **{k: v for k, v in values.items() if k != "name"}, "name": name}
        row = save_definition(merged, user=permissions.user_id(user))
        return _answer(row)

    def serve_delete(self, name: Any, *, user: Any) -> None:
        _check_write(user, "delete")
        _delete(name, _load(name))


doctype_backend = DocTypeBackend()


def _answer(row: DocType) -> dict[str, Any]:
    """A definition as clients read it, with the fields the database has an index for (``backends.indexes``)
    under ``__onload``, where a Frappe document carries what its form shows beside the fields."""
    return {**doctype_as_dict(row), "__onload": {"indexed_fields": indexes.indexed_fieldnames(row.name)}}


def _list(request: ListRequest) -> list[Any]:
    """A list of DocTypes; filters and ordering run in SQL on the DocType table's columns."""
    form_fields, filters, or_filters, order_by = request.fields, request.filters, request.or_filters, request.order_by
    fields = load_json_param(form_fields, "fields") if form_fields != "*" else ["*"]
    if not fields:
        fields = ["name"]
    if not isinstance(fields, list):
        raise exceptions.ValidationError("'fields' must be a list")
    if "*" in fields:
        fields = list(_LIST_COLUMNS)
    for fieldname in fields:
        if fieldname not in _LIST_COLUMNS:
            raise exceptions.DataError(f"Field not permitted in query: {fieldname}")
    where = Q()
    for condition in parse_filters(filters, DOCTYPE):
        where &= _condition_q(condition)
    any_of = Q()
    for condition in parse_filters(or_filters, DOCTYPE, "or_filters"):
        any_of |= _condition_q(condition)
    where &= any_of
    ordering = []
    for part in (order_by or "modified desc").split(","):
        words = part.split()
        if not words:
            continue
        if words[0] not in _LIST_COLUMNS or len(words) > 2 or (len(words) == 2 and words[1].lower() not in (
            "asc", "desc"
        )):
            raise exceptions.DataError(f"Field not permitted in query: {part.strip()}")
        ordering.append(f"-{words[0]}" if len(words) == 2 and words[1].lower() == "desc" else words[0])
    offset, length = sql_integer(request.start), page_size(request.page_length)
    rows = DocType.objects.filter(where).order_by(*ordering).values(*fields)[offset : offset + length]
    result = []
    for row in rows:
        values = [
            wire_datetime(row[f]) if f in ("creation", "modified") else int(row[f]) if isinstance(row[f], bool)
            else row[f]
            for f in fields
        ]
        result.append(dict(zip(fields, values, strict=True)) if request.as_dict else values)
    return result


def _condition_q(condition) -> Q:
    fieldtype = _LIST_COLUMNS.get(condition.fieldname)
    if fieldtype is None or condition.doctype != DOCTYPE:
        raise exceptions.DataError(f"Field not permitted in query: {condition.fieldname}")
    column = Column(condition.fieldname, fieldtype, condition.fieldname in ("creation", "modified"))
    return condition_q(column, condition.operator, condition.value)


def _delete(name: Any, row: DocType) -> None:
    if Document.objects.filter(doctype_id=name).exists():
        raise exceptions.LinkExistsError(
            f"Cannot delete {DOCTYPE} {name}: documents of it exist. Delete them first."
        )
    linked = list(
        DocType.objects.filter(fields__fieldtype__in=("Link", "Table", "Table MultiSelect"), fields__options=name)
        .exclude(name=name)
        .values_list("name", flat=True)
        .distinct()
    )
    if linked:
        raise exceptions.LinkExistsError(
            f"Cannot delete {DOCTYPE} {name} because it is linked with {DOCTYPE} {', '.join(sorted(linked))}"
        )
    try:
        row.delete()
    except ProtectedError:
        raise exceptions.LinkExistsError(f"Cannot delete {DOCTYPE} {name}: documents of it exist.") from None
