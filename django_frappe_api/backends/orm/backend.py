"""The storage of a registered model: Frappe's list queries and document reads and writes over its table.

Usage::

    backend = OrmBackend(options, model_registry)     # model_registry.backend_for("Customer") does this
    backend.get_doc(get_meta("Customer"), 42)

Filters become ORM lookups on real columns (a Link filter follows the foreign key to the target's name),
child tables are reverse foreign keys of registered child models, and writes go through ``full_clean()``
so model validation reaches clients as Frappe errors. No data is copied.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, models
from django.db.models import FilteredRelation, IntegerField, ProtectedError, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast
from django.utils.text import capfirst

from ... import exceptions, fieldtypes, nul_bytes
from ...field_refs import FieldRef
from ...filters import Column
from ...meta import Meta, get_meta
from ...query import ListQuery
from ..aliases import Aliases
from ..sql import SQLBackend, wire_value
from .options import DERIVED_FROM_PARENT, ModelLookup, ModelOptions, parent_options
from .values import (
    frappe_validation_error,
    is_automatic,
    is_datetime,
    plain_value,
    set_field,
    set_foreign_key,
    to_python,
    to_stored,
)


class OrmBackend(SQLBackend):
    """One registered model; see the module docstring."""

    def __init__(self, options: ModelOptions, registry: ModelLookup) -> None:
        self.options = options
        self.registry = registry  # other registrations: link targets, child and parent models

    @classmethod
    def extend_meta(cls, options: ModelOptions, meta: Meta) -> Meta:
        """Subclasses add virtual fields or tables to the Meta built from the model."""
        return meta

    @property
    def model(self) -> type[models.Model]:
        return self.options.model

    def base_queryset(self, meta: Meta) -> QuerySet:
        return self.model._default_manager.all()

    def owner_lookup(self, meta: Meta) -> str | None:
        if not self.options.owner_field and not (self.options.istable and self._parent_options()):
            return None
        return self._lookup("owner", "Data")

    def name_lookup(self, meta: Meta) -> str:
        return self.options.name_attname

    def _parent_options(self) -> ModelOptions | None:
        return parent_options(self.options, self.registry)

    # -- columns -------------------------------------------------------------------------------

    def _lookup(self, fieldname: str, fieldtype: str) -> str:
        """Lookup of an own field: a Link compares the related object's name, not its pk."""
        column = self.options.standard_column(fieldname)
        if column:
            model_field = self.model._meta.get_field(column)
            if isinstance(model_field, models.ForeignKey) and fieldname in ("owner", "modified_by"):
                # A user FK reads as the user id, as Frappe's owner column holds it.
                return f"{column}__{model_field.related_model.USERNAME_FIELD}"
            return column
        parent = self._parent_options()
        if parent is not None and fieldname == "parent":
            parent_field = self.options.parent_field
            if parent.name_attname == self.model._meta.get_field(parent_field).target_field.name:
                return self.model._meta.get_field(parent_field).attname
            return f"{parent_field}__{parent.name_attname}"
        if parent is not None and fieldname in DERIVED_FROM_PARENT:
            # A child row has its parent's audit fields (Frappe saves them together).
            inner = self.registry.backend_for(parent.doctype)._lookup(fieldname, fieldtype)
            return f"{self.options.parent_field}__{inner}"
        model_field = self.model._meta.get_field(fieldname)
        if isinstance(model_field, models.ForeignKey):
            target = self.registry.options_for_model(model_field.related_model)
            target_name = target.name_attname if target else model_field.target_field.name
            if target_name == model_field.target_field.name:
                return model_field.attname
            return f"{fieldname}__{target_name}"
        return fieldname

    def column(self, aliases: Aliases, ref: FieldRef) -> Column:
        if ref.via_kind == "child":
            accessor = self.options.child_tables[ref.via]
            child = self.registry.backend_for(ref.target_doctype)
            inner = child._lookup(ref.fieldname, ref.fieldtype)
            return Column(f"{accessor}__{inner}", ref.fieldtype, is_datetime(child.model, inner))
        if ref.via_kind == "link":
            link_field = self.model._meta.get_field(ref.via)
            target = self.registry.backend_for(ref.target_doctype)
            inner = target._lookup(ref.fieldname, ref.fieldtype)
            relation = link_field.name
            if ref.owner:  # the caller reads only their own documents of the target: join only those
                relation = f"_l_{ref.via}"
                owner = target.owner_lookup(get_meta(ref.target_doctype))
                condition = (Q(**{f"{link_field.name}__{owner}": ref.owner}) if owner
                             else Q(**{f"{link_field.name}__pk__isnull": True}))
                aliases.relations.setdefault(relation, FilteredRelation(link_field.name, condition=condition))
            return Column(f"{relation}__{inner}", ref.fieldtype, is_datetime(target.model, inner))
        if ref.fieldname in ("docstatus", "idx") or (ref.fieldname == "doctype"):
            alias = f"_const_{ref.fieldname}"
            value = Value(self.options.doctype) if ref.fieldname == "doctype" else Value(0, IntegerField())
            aliases.expressions.setdefault(alias, value)
            return Column(alias, ref.fieldtype)
        if ref.fieldname in fieldtypes.OPTIONAL_FIELDS:
            own = self._optional_field(ref.fieldname)
            if own is not None:
                return Column(own, ref.fieldtype)
            # A model without the column answers null, as a Frappe table before the feature wrote it.
            alias = f"_const_{ref.fieldname}"
            aliases.expressions.setdefault(alias, Cast(Value(None), TextField()))
            return Column(alias, ref.fieldtype)
        if ref.fieldname in ("parentfield", "parenttype") and self.options.istable:
            alias = f"_const_{ref.fieldname}"
            aliases.expressions.setdefault(alias, Value(self._parent_constant(ref.fieldname)))
            return Column(alias, "Data")
        lookup = self._lookup(ref.fieldname, ref.fieldtype)
        return Column(lookup, ref.fieldtype, is_datetime(self.model, lookup))

    def _optional_field(self, fieldname: str) -> str | None:
        """The model's own column for an optional field (``_comments``, ...), if it has one."""
        try:
            return self.model._meta.get_field(fieldname).attname
        except FieldDoesNotExist:
            return None

    def get_optional(self, meta: Meta, name: Any, fieldname: str) -> Any:
        own = self._optional_field(fieldname)
        instance = self._get_instance(name) if own else None
        return getattr(instance, own) if instance is not None else None

    def set_optional(self, meta: Meta, name: Any, fieldname: str, value: Any) -> None:
        """Write an optional column the model has (a model without it keeps nothing), ``modified`` untouched."""
        own = self._optional_field(fieldname)
        if own is not None:
            self.base_queryset(meta).filter(**{self.options.name_attname: name}).update(**{own: value})

    def _filtered(self, query: ListQuery, row_condition: Q | None, bind: Any = None) -> tuple[QuerySet, Aliases, Q]:
        """A child model has one parent DocType: ``parent=<other DocType>`` lists nothing. The host's
        FilterSet, if any, narrows the rows in the same query (a subquery on the primary key)."""
        if not (self.options.istable and query.parent_doctype):
            queryset, aliases, where = super()._filtered(query, row_condition, bind)
        else:
            parent_doctype = query.parent_doctype
            queryset, aliases, where = super()._filtered(
                dataclasses.replace(query, parent_doctype=None), row_condition, bind
            )
            if parent_doctype != self._parent_constant("parenttype"):
                where &= Q(pk__in=[])
        if self.options.filterset_class is not None and query.host_params is not None:
            where &= Q(pk__in=self._filterset_rows(query.host_params))
        return queryset, aliases, where

    def _filterset_rows(self, params: Any) -> QuerySet:
        filterset = self.options.filterset_class(data=params, queryset=self.model._default_manager.all())
        if not filterset.is_valid():
            messages = [f"{field}: {' '.join(errors)}" for field, errors in filterset.errors.items()]
            raise exceptions.ValidationError("; ".join(messages))
        return filterset.qs.values("pk")

    def _parent_constant(self, key: str) -> str:
        parent_model = self.model._meta.get_field(self.options.parent_field).related_model
        parent = self.registry.options_for_model(parent_model)
        if key == "parenttype":
            return parent.doctype if parent else ""
        accessor = self.model._meta.get_field(self.options.parent_field).remote_field.get_accessor_name()
        for tablefield, name in (parent.child_tables if parent else {}).items():
            if name == accessor:
                return tablefield
        return ""

    def project(self, query: ListQuery, queryset: QuerySet, select_columns: dict[str, Column]) -> list[Any]:
        lookups = [select_columns[item.key].lookup for item in query.select]
        rows = queryset.values_list(*lookups) if lookups else queryset.values_list(self.options.name_attname)
        values = [
            [wire_value(item.ref.fieldtype, plain_value(row[i])) for i, item in enumerate(query.select)] for row in rows
        ]
        keys = [item.key for item in query.select]
        return [dict(zip(keys, row, strict=True)) if query.as_dict else row for row in values]

    # -- single documents -----------------------------------------------------------------------

    def _get_instance(self, name: Any, *, for_update: bool = False) -> models.Model | None:
        if nul_bytes.has_nul(name):
            return None  # never stored (refused on write); PostgreSQL cannot even compare it
        queryset = self.base_queryset(get_meta(self.options.doctype))
        if for_update:
            # Lock the model's own row only: a base queryset may outer-join (User's api_key), and PostgreSQL
            # refuses FOR UPDATE on the nullable side of such a join. MariaDB has no OF and locks it all.
            of = ("self",) if connections[queryset.db].features.has_select_for_update_of else ()
            queryset = queryset.select_for_update(of=of)
        try:
            return queryset.filter(**{self.options.name_attname: name}).first()
        except (ValueError, TypeError, DjangoValidationError):
            return None  # a name of the wrong type (e.g. "abc" for an integer key) names nothing

    def get_doc(self, meta: Meta, name: Any, *, for_update: bool = False) -> dict[str, Any] | None:
        instance = self._get_instance(name, for_update=for_update)
        if instance is None:
            return None
        doc = self.instance_to_doc(meta, instance)
        for tablefield, accessor in self.options.child_tables.items():
            child_meta = get_meta(meta.get_field(tablefield).options)
            child_backend = self.registry.backend_for(child_meta.name)
            rows = getattr(instance, accessor).all()
            if not child_backend.model._meta.ordering:
                rows = rows.order_by("pk")
            inherited = {key: doc[key] for key in DERIVED_FROM_PARENT if key in doc}
            doc[tablefield] = [
                {**inherited, **child_backend.instance_to_doc(child_meta, row), "idx": position,
                 "parent": doc["name"], "parentfield": tablefield, "parenttype": meta.name}
                for position, row in enumerate(rows, start=1)
            ]
        return doc

    def instance_to_doc(self, meta: Meta, instance: models.Model) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": getattr(instance, self.options.name_attname)}
        for key in ("owner", "creation", "modified", "modified_by"):
            column = self.options.standard_column(key)
            if column:
                value = getattr(instance, column)
                doc[key] = value.get_username() if hasattr(value, "get_username") else value
        doc.update(docstatus=0, idx=0)
        for field_meta in meta.data_fields:
            model_field = self.model._meta.get_field(field_meta.fieldname)
            if isinstance(model_field, models.ForeignKey):
                related_id = getattr(instance, model_field.attname)
                if related_id is None:
                    value = None
                else:
                    lookup = self._lookup(field_meta.fieldname, field_meta.fieldtype)
                    value = related_id if lookup == model_field.attname else getattr(
                        getattr(instance, model_field.name), lookup.split("__", 1)[1]
                    )
            else:
                value = getattr(instance, model_field.attname)
            doc[field_meta.fieldname] = to_stored(field_meta.fieldtype, plain_value(value))
        doc["doctype"] = meta.name
        return doc

    def exists(self, meta: Meta, name: Any) -> bool:
        return self._get_instance(name) is not None

    def value_exists(self, meta: Meta, fieldname: str, value: Any, *, exclude_name: Any = None) -> bool:
        queryset = self.base_queryset(meta).filter(**{self._lookup(fieldname, "Data"): value})
        if exclude_name is not None:
            queryset = queryset.exclude(**{self.options.name_attname: exclude_name})
        return queryset.exists()

    def insert(self, meta: Meta, doc: dict[str, Any]) -> None:
        instance = self.model()
        self._assign(meta, instance, doc, is_new=True)
        self._save(instance)
        doc["name"] = getattr(instance, self.options.name_attname)
        for tablefield in self.options.child_tables:
            self._replace_children(meta, instance, tablefield, doc.get(tablefield) or [])

    def update(self, meta: Meta, doc: dict[str, Any], *, tables: tuple[str, ...]) -> None:
        instance = self._get_instance(doc["name"])
        self._assign(meta, instance, doc, is_new=False)
        self._save(instance)
        for tablefield in tables:
            self._replace_children(meta, instance, tablefield, doc.get(tablefield) or [])

    def delete(self, meta: Meta, name: Any) -> None:
        instance = self._get_instance(name)
        try:
            instance.delete()
        except ProtectedError as error:
            blocking = next(iter(error.protected_objects), None)
            options = self.registry.options_for_model(type(blocking))
            label = options.doctype if options else capfirst(str(type(blocking)._meta.verbose_name))
            blocking_name = getattr(blocking, options.name_attname) if options else blocking.pk
            raise exceptions.LinkExistsError(
                f"Cannot delete or cancel because {meta.name} {name} is linked with {label} {blocking_name}"
            ) from None

    # -- links between documents ----------------------------------------------------------------
    # A model's Link columns are the host's: its ForeignKeys (on_delete) guard deletes, and its key is
    # not renamed here (rename_doc refuses model-backed DocTypes), so these answer as for no rows.

    def linked_row(self, meta: Meta, fieldname: str, value: Any, *, submitted_only: bool,
                   exclude_parent: tuple[str, str]) -> dict[str, Any] | None:
        return None

    def rename(self, meta: Meta, old: Any, new: Any) -> None:
        raise exceptions.ValidationError(f"{meta.name} not allowed to be renamed")

    def replace_link(self, meta: Meta, fieldname: str, old: Any, new: Any, *, type_field: str | None = None,
                     type_value: str | None = None) -> None:
        return None

    def _assign(self, meta: Meta, instance: models.Model, doc: dict[str, Any], *, is_new: bool) -> None:
        if is_new and self.options.name_field and doc.get("name") not in (None, ""):
            name_field = self.model._meta.get_field(self.options.name_field)
            if not name_field.primary_key or not isinstance(name_field, models.AutoField):
                setattr(instance, self.options.name_attname, doc["name"])
        for key in ("owner", "modified_by"):
            column = self.options.standard_column(key)
            if column:
                set_field(self.model, instance, column, doc.get(key))
        for key in ("creation", "modified"):
            column = self.options.standard_column(key)
            model_field = self.model._meta.get_field(column) if column else None
            if model_field is not None and not is_automatic(model_field):
                setattr(instance, column, doc.get(key))
        for field_meta in meta.data_fields:
            model_field = self.model._meta.get_field(field_meta.fieldname)
            # ``read_only_fields`` are a form property, written like any other field (as Frappe does);
            # what Django itself owns (editable=False, auto_now, auto_now_add) is never written.
            if not model_field.editable or is_automatic(model_field):
                continue
            value = doc.get(field_meta.fieldname)
            if isinstance(model_field, models.ForeignKey):
                lookup = self._lookup(field_meta.fieldname, field_meta.fieldtype)
                set_foreign_key(instance, model_field, lookup, value)
            else:
                setattr(instance, model_field.attname, to_python(model_field, field_meta.fieldtype, value))

    def _save(self, instance: models.Model) -> None:
        try:
            instance.full_clean(validate_unique=True)
        except DjangoValidationError as error:
            raise frappe_validation_error(self.model, error) from None
        instance.save()

    def _replace_children(self, meta: Meta, instance: models.Model, tablefield: str, rows: list[dict]) -> None:
        accessor = self.options.child_tables[tablefield]
        child_meta = get_meta(meta.get_field(tablefield).options)
        child = self.registry.backend_for(child_meta.name)
        parent_attr = child.options.parent_field
        existing = {str(getattr(row, child.options.name_attname)): row for row in getattr(instance, accessor).all()}
        kept = set()
        for row in rows:
            current = existing.get(str(row.get("name"))) if row.get("name") is not None else None
            target = current or child.model(**{parent_attr: instance})
            child._assign(child_meta, target, row, is_new=current is None)
            setattr(target, parent_attr, instance)
            child._save(target)
            row["name"] = getattr(target, child.options.name_attname)
            kept.add(str(row["name"]))
        stale = [name for name in existing if name not in kept]
        if stale:
            getattr(instance, accessor).filter(**{f"{child.options.name_attname}__in": stale}).delete()
