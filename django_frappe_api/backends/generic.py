"""Backend for DocTypes stored as JSON rows of ``models.Document``.

Usage::

    from django_frappe_api.backends.generic import generic_backend
    generic_backend.get_doc(get_meta("ToDo"), "3k9q0v1m2r")

Data fields are read in SQL with ``KeyTextTransform`` on the ``data`` column (cast to a number for
numeric fieldtypes), child-table fields through a ``FilteredRelation`` on ``children``, and Link
targets through a correlated subquery, so every list is one query whatever its page size.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import router
from django.db.models import (
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Lower
from django.utils import timezone

from .. import fieldtypes, nul_bytes
from ..field_refs import FieldRef
from ..filters import Column
from ..meta import Meta, get_meta
from ..models import Document
from ..query import ListQuery, SelectItem
from . import statements
from .aliases import Aliases, Deferred
from .indexes import field_value
from .json_keys import DocTypeName
from .json_keys import json_value as _json_value
from .sql import SQLBackend, link_value, wire_value

# Time zones that are UTC all year: a datetime stored in UTC is sent as it is stored.
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"})
# Standard fields that are real columns of Document.
_COLUMNS = frozenset(fieldtypes.STANDARD_FIELDS + fieldtypes.CHILD_STANDARD_FIELDS)
_DATETIME_COLUMNS = frozenset({"creation", "modified"})
# Columns of the document row itself that are NOT NULL (a child relation's columns may be NULL: LEFT JOIN).
_NOT_NULL_COLUMNS = frozenset(fieldtypes.STANDARD_FIELDS) | {"doctype_id"}


class GenericBackend(SQLBackend):
    """Documents as ``Document`` rows; see the module docstring."""

    def base_queryset(self, meta: Meta) -> QuerySet:
        return Document.objects.filter(doctype_id=DocTypeName(meta.name))  # a literal where indexes need it

    def model(self, meta: Meta) -> type[Document]:
        return Document

    def column(self, aliases: Aliases, ref: FieldRef) -> Column:
        if ref.via_kind == "child":
            relation = f"_c_{ref.via}"
            aliases.relations.setdefault(
                relation, FilteredRelation("children", condition=Q(children__parentfield=ref.via))
            )
            if ref.fieldname in _COLUMNS:
                return Column(f"{relation}__{ref.fieldname}", ref.fieldtype, ref.fieldname in _DATETIME_COLUMNS)
            alias = f"_cf_{ref.via}__{ref.fieldname}"
            path = f"{ref.fieldname}|{relation}__data"
            aliases.expressions.setdefault(alias, Deferred(_json_value, ref.fieldtype, path))
            return Column(alias, ref.fieldtype)
        if ref.via_kind == "link":
            source = self.column(aliases, FieldRef(ref.via, "Link"))
            alias = f"_lf_{ref.via}__{ref.fieldname}"
            if alias not in aliases.expressions and get_meta(ref.target_doctype).backend != "generic":
                aliases.expressions[alias] = link_value(ref, source.lookup)
            if alias not in aliases.expressions:
                target = Document.objects.filter(doctype_id=ref.target_doctype, name=OuterRef(source.lookup))
                if ref.owner:  # the caller reads only their own documents of the target
                    target = target.filter(owner=ref.owner)
                if ref.fieldname in _COLUMNS:
                    value = F(ref.fieldname)
                else:
                    value = _json_value(ref.fieldtype, f"{ref.fieldname}|data")
                aliases.expressions[alias] = Subquery(target.annotate(_v=value).values("_v")[:1])
            return Column(alias, ref.fieldtype, ref.fieldname in _DATETIME_COLUMNS)
        if ref.fieldname == "doctype":
            return Column("doctype_id", "Data")
        if ref.fieldname in _COLUMNS:
            return Column(ref.fieldname, ref.fieldtype, ref.fieldname in _DATETIME_COLUMNS)
        alias = f"_f_{ref.fieldname}"
        if alias not in aliases.expressions:  # the expression (or column) the field's index is built on
            aliases.expressions[alias] = Deferred(field_value, aliases.meta, ref.fieldname, ref.fieldtype)
        return Column(alias, ref.fieldtype)

    def not_null(self, column: Column) -> bool:
        return column.lookup in _NOT_NULL_COLUMNS

    def order_expression(self, column: Column) -> Any:
        """Text sorts case-insensitively, as under MariaDB's default collation, so that every database
        gives the same order (SQLite and JSON text on MySQL compare bytes, PostgreSQL follows its locale)."""
        if column.fieldtype in fieldtypes.TEXT_TYPES and not column.is_datetime_column:
            return Lower(column.lookup)
        return F(column.lookup)

    def reuses_statements(self, query: ListQuery, *, count: bool = False) -> bool:
        # The base queryset is the DocType's rows and every column a fixed expression of the DocType's fields.
        return count or not (query.is_aggregate or query.distinct)

    def project(self, query: ListQuery, queryset: QuerySet, select_columns: dict[str, Column]) -> list[Any]:
        """Plain rows: fetch the row's columns and JSON data, then pick the requested keys."""
        names = self._needed(query, select_columns)
        rows = queryset.values_list(*names)
        return self.project_values(query, list(rows), names, select_columns)

    def select_values(self, query: ListQuery, queryset: QuerySet, select_columns: dict[str, Column],
                      extra: tuple[str, ...] = ()) -> QuerySet:
        needed = self._needed(query, select_columns)
        return queryset.values_list(*needed, *(name for name in extra if name not in needed))

    def _needed(self, query: ListQuery, select_columns: dict[str, Column]) -> list[str]:
        """The columns and JSON data a list reads, in a fixed order."""
        return sorted(self._needed_set(query, select_columns)) or ["name"]

    def _needed_set(self, query: ListQuery, select_columns: dict[str, Column]) -> set[str]:
        needed: set[str] = set()
        for item in query.select:
            column = select_columns[item.key]
            if item.ref.via_kind == "child":
                needed.add(column.lookup if item.ref.fieldname in _COLUMNS else f"_c_{item.ref.via}__data")
            elif item.ref.via_kind == "link" or item.ref.fieldname == "doctype":
                needed.add(column.lookup)
            elif item.ref.fieldname in _COLUMNS:
                needed.add(item.ref.fieldname)
            else:
                needed.add("data")
        return needed

    def raw_columns(self, query: ListQuery, select_columns: dict[str, Column]) -> frozenset[str]:
        # Datetime columns: when datetimes are sent in UTC the driver's value needs no time zone conversion.
        return frozenset(column.lookup for item in query.select
                         if (column := select_columns[item.key]).is_datetime_column and item.ref.via_kind != "link")

    def project_values(self, query: ListQuery, rows: list[Any], names: list[str], select_columns: dict[str, Column],
                       statement: tuple[statements.Statement, str] | None = None) -> list[Any]:
        """Pick each output column from a row of ``names``: a real column, or a key of the JSON data."""
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        position = {name: i for i, name in enumerate(names)}
        pickers = [self._picker(item, select_columns[item.key], zone, statement, position) for item in query.select]
        if query.as_dict:
            keys = [item.key for item in query.select]
            return [{key: pick(raw) for key, pick in zip(keys, pickers, strict=True)} for raw in rows]
        return [[pick(raw) for pick in pickers] for raw in rows]

    def _picker(self, item: SelectItem, column: Column, zone: Any,
                statement: tuple[statements.Statement, str] | None, position: dict[str, int]):
        """A function of a row giving one output value in wire form (``zone``: the time zone datetimes are sent in;
        ``statement``: the one the row came from, its datetime columns unconverted)."""
        ref = item.ref
        fieldtype, fieldname = ref.fieldtype, ref.fieldname
        if column.is_datetime_column and ref.via_kind != "link":
            lookup = column.lookup
            at = position[lookup]
            text_is_wire = zone is None or str(zone) in _UTC_NAMES
            if statement is not None:
                convert = statement[0].converter(lookup, statement[1])

            def pick_datetime(raw: list[Any]) -> Any:
                value = raw[at]
                if value is None:
                    return None
                if statement is not None:
                    if text_is_wire:
                        # Sent in UTC: the driver's UTC value, naive (SQLite, MySQL) or aware, is the wire form.
                        if value.tzinfo is None:
                            return fieldtypes.format_datetime(value)
                        if not value.utcoffset():
                            return fieldtypes.format_datetime(value)
                    value = convert(value)
                if zone is not None and value.tzinfo is not None:
                    value = value.astimezone(zone)
                return fieldtypes.format_datetime(value)

            return pick_datetime
        if ref.via_kind == "child" and fieldname not in _COLUMNS:
            at = position[f"_c_{ref.via}__data"]
            return lambda raw: fieldtypes.to_wire(fieldtype, (raw[at] or {}).get(fieldname))
        if ref.via_kind in ("child", "link") or fieldname == "doctype" or fieldname in _COLUMNS:
            at = position[column.lookup]
            return lambda raw: wire_value(fieldtype, raw[at])
        at = position["data"]
        if fieldtype not in fieldtypes.DATETIME_TYPES and fieldtype not in fieldtypes.TIME_TYPES:
            return lambda raw: (raw[at] or {}).get(fieldname)  # stored as sent (``to_wire`` changes nothing)
        return lambda raw: fieldtypes.to_wire(fieldtype, (raw[at] or {}).get(fieldname))

    # -- single documents -----------------------------------------------------------------------

    def get_doc(self, meta: Meta, name: Any, *, for_update: bool = False) -> dict[str, Any] | None:
        """One document and its child rows: two statements compiled once per DocType (one without tables)."""
        if nul_bytes.has_nul(name):
            return None  # never stored (refused on write); PostgreSQL cannot even compare it
        binder = statements.Binder()
        match = Q(name=binder(str(name), fieldtype_kind="text"))
        using = router.db_for_write(Document) if for_update else router.db_for_read(Document)

        def build() -> QuerySet:
            queryset = self.base_queryset(meta).filter(match).order_by("pk")
            return (queryset.select_for_update() if for_update else queryset).values(*_ROW_FIELDS)[:1]

        statement = statements.cached(meta, using, ("doc", for_update), build)
        found = statement.rows(using, binder.values)
        if not found:
            return None
        row = dict(zip(statement.names, found[0], strict=True))
        doc = _row_to_doc(meta, row)
        if meta.table_fields:
            children: dict[str, list[dict[str, Any]]] = {f.fieldname: [] for f in meta.table_fields}
            child_metas = {f.fieldname: get_meta(f.options) for f in meta.table_fields}
            binder = statements.Binder()
            parent = Q(parent_document_id=binder(row["id"], fieldtype_kind="int"))

            def build_children() -> QuerySet:
                # The child DocTypes named: PostgreSQL then reads their partitions only (``partitions``).
                kinds = sorted({child.name for child in child_metas.values()})
                rows = Document.objects.filter(parent, doctype_id__in=kinds).order_by("parentfield", "idx", "id")
                return rows.values(*_ROW_FIELDS)

            statement = statements.cached(meta, using, ("children",), build_children)
            for values in statement.rows(using, binder.values):
                child = dict(zip(statement.names, values, strict=True))
                if child["parentfield"] in children:
                    children[child["parentfield"]].append(_row_to_doc(child_metas[child["parentfield"]], child))
            doc.update(children)
        return doc

    def exists(self, meta: Meta, name: Any) -> bool:
        return not nul_bytes.has_nul(name) and self.base_queryset(meta).filter(name=str(name)).exists()

    def value_exists(self, meta: Meta, fieldname: str, value: Any, *, exclude_name: Any = None) -> bool:
        field = meta.get_field(fieldname)
        queryset = self.base_queryset(meta).alias(_v=_json_value(field.fieldtype, f"{fieldname}|data"))
        queryset = queryset.filter(_v=value)
        if exclude_name is not None:
            queryset = queryset.exclude(name=str(exclude_name))
        return queryset.exists()

    def insert(self, meta: Meta, doc: dict[str, Any]) -> None:
        row = Document(doctype_id=meta.name)
        _doc_to_row(meta, doc, row)
        row.save(force_insert=True)
        doc["_row_id"] = row.id
        for table in meta.table_fields:
            self._insert_children(meta, row, table.fieldname, doc.get(table.fieldname) or [])

    def _insert_children(self, meta: Meta, row: Document, tablefield: str, children: list[dict]) -> None:
        child_meta = get_meta(meta.get_field(tablefield).options)
        rows = []
        for child in children:
            child_row = Document(doctype_id=child_meta.name, parent_document=row)
            _doc_to_row(child_meta, child, child_row)
            rows.append(child_row)
        Document.objects.bulk_create(rows)

    def update(self, meta: Meta, doc: dict[str, Any], *, tables: tuple[str, ...]) -> None:
        row = self.base_queryset(meta).get(name=str(doc["name"]))
        _doc_to_row(meta, doc, row)
        row.save()
        for tablefield in tables:
            child_meta = get_meta(meta.get_field(tablefield).options)
            children = Document.objects.filter(doctype_id=child_meta.name, parent_document=row)
            existing = {child.name: child for child in children.filter(parentfield=tablefield)}
            keep, new = [], []
            for child in doc.get(tablefield) or []:
                current = existing.get(str(child.get("name")))
                if current is not None and current.name not in {r.name for r in keep}:
                    _doc_to_row(child_meta, child, current)
                    keep.append(current)
                else:
                    new.append(child)
            stale = [child.id for name, child in existing.items() if name not in {r.name for r in keep}]
            if stale:
                children.filter(id__in=stale).delete()
            if keep:
                children.bulk_update(
                    keep, ["data", "idx", "modified", "modified_by", "docstatus", "parent", "parenttype"]
                )
            if new:
                self._insert_children(meta, row, tablefield, new)
        if not tables and meta.table_fields:
            # Child rows mirror the parent's docstatus and audit fields on every save.
            Document.objects.filter(doctype_id__in=_child_doctypes(meta), parent_document=row).update(
                docstatus=row.docstatus, modified=row.modified, modified_by=row.modified_by
            )

    def delete(self, meta: Meta, name: Any) -> None:
        self.base_queryset(meta).filter(name=str(name)).delete()

    def get_optional(self, meta: Meta, name: Any, fieldname: str) -> Any:
        """An optional column (``_comments``, ...) of one document; ``None`` when unset or no such document."""
        data = self.base_queryset(meta).filter(name=str(name)).values_list("data", flat=True).first()
        return (data or {}).get(fieldname)

    def set_optional(self, meta: Meta, name: Any, fieldname: str, value: Any) -> None:
        """Write one optional column without touching ``modified`` (Frappe writes them with plain SQL)."""
        row = self.base_queryset(meta).select_for_update().filter(name=str(name)).first()
        if row is None:
            return
        data = dict(row.data or {})
        if value is None:
            data.pop(fieldname, None)
        else:
            data[fieldname] = value
        self.base_queryset(meta).filter(pk=row.pk).update(data=data)


    # -- links between documents ----------------------------------------------------------------

    def linked_row(self, meta: Meta, fieldname: str, value: Any, *, submitted_only: bool,
                   exclude_parent: tuple[str, str]) -> dict[str, Any] | None:
        rows = self.base_queryset(meta).filter(**{f"data__{fieldname}": value})
        rows = rows.filter(docstatus=1) if submitted_only else rows.exclude(docstatus=2)
        rows = rows.exclude(parenttype=exclude_parent[0], parent=exclude_parent[1])
        return rows.values("name", "parent", "parenttype").first()

    def rename(self, meta: Meta, old: Any, new: Any) -> None:
        row = self.base_queryset(meta).get(name=old)
        row.name = new
        if meta.autoname.lower().startswith("field:"):  # the name field mirrors the name
            row.data = {**(row.data or {}), meta.autoname.split(":", 1)[1].strip(): new}
        row.save(update_fields=["name", "data"])
        Document.objects.filter(parent_document=row).update(parent=new)

    def replace_link(self, meta: Meta, fieldname: str, old: Any, new: Any, *, type_field: str | None = None,
                     type_value: str | None = None) -> None:
        match = {f"data__{fieldname}": old}
        if type_field is not None:
            match[f"data__{type_field}"] = type_value
        changed = []
        for row in self.base_queryset(meta).filter(**match).only("id", "data"):
            row.data = {**(row.data or {}), fieldname: new}
            changed.append(row)
        if changed:
            Document.objects.filter(doctype_id=meta.name).bulk_update(changed, ["data"])

def _child_doctypes(meta: Meta) -> list[str]:
    """The DocTypes of ``meta``'s child rows: naming them lets PostgreSQL read their partitions only."""
    return sorted({field.options for field in meta.table_fields})


# The columns of a stored document, as ``_row_to_doc`` reads them.
_ROW_FIELDS = ("id", "name", "owner", "creation", "modified", "modified_by", "docstatus", "idx", "data",
               "parent", "parentfield", "parenttype", "parent_document_id")


def _row_to_doc(meta: Meta, row: dict[str, Any]) -> dict[str, Any]:
    """A document from a ``values(*_ROW_FIELDS)`` row."""
    doc: dict[str, Any] = {
        "name": row["name"],
        "owner": row["owner"],
        "creation": row["creation"],
        "modified": row["modified"],
        "modified_by": row["modified_by"],
        "docstatus": row["docstatus"],
        "idx": row["idx"],
    }
    data = row["data"] or {}
    for field in meta.data_fields:
        doc[field.fieldname] = data.get(field.fieldname)
    if meta.istable or row["parent_document_id"]:
        doc.update(parent=row["parent"], parentfield=row["parentfield"], parenttype=row["parenttype"])
    doc["doctype"] = meta.name
    return doc


def _doc_to_row(meta: Meta, doc: dict[str, Any], row: Document) -> None:
    row.name = str(doc["name"])
    row.owner = doc.get("owner") or ""
    row.modified_by = doc.get("modified_by") or ""
    row.creation = doc["creation"]
    row.modified = doc["modified"]
    row.docstatus = int(doc.get("docstatus") or 0)
    row.idx = int(doc.get("idx") or 0)
    row.parent = doc.get("parent")
    row.parentfield = doc.get("parentfield")
    row.parenttype = doc.get("parenttype")
    # Nulls are not stored: a missing key reads as SQL NULL on every database. The optional columns
    # (`_comments`, ...) live in `data` too and belong to their features: a save keeps them as they are.
    kept = {key: value for key, value in (row.data or {}).items() if key in fieldtypes.OPTIONAL_FIELDS}
    row.data = {f.fieldname: doc[f.fieldname] for f in meta.data_fields if doc.get(f.fieldname) is not None}
    row.data.update(kept)


generic_backend = GenericBackend()
