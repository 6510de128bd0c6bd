"""Backend for host models registered with ``register_model``: the Frappe API over existing tables.

Usage::

    from django_frappe_api import register_model
    register_model(Customer, doctype="Customer", title_field="customer_name")

The model's fields become a ``Meta`` through ``FIELD_TYPES`` (Django field class -> Frappe fieldtype),
filters become ORM lookups on real columns (Link filters follow the foreign key), and writes go through
``full_clean()`` so model validation reaches clients as Frappe errors. No data is copied.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, models
from django.db.models import FilteredRelation, IntegerField, ProtectedError, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import capfirst

from .. import exceptions, fieldtypes, nul_bytes
from ..exceptions import AlreadyRegistered, NotRegistered
from ..filters import Column
from ..hooks import controller_registry
from ..meta import FieldMeta, Meta, PermRule, get_meta
from ..query import FieldRef, ListQuery
from .sql import Aliases, SQLBackend, wire_value

# Django field class -> Frappe fieldtype, most specific first (django-filter's FILTER_FOR_DBFIELD idea).
FIELD_TYPES: tuple[tuple[type[models.Field], str], ...] = (
    (models.EmailField, "Data"),
    (models.URLField, "Data"),
    (models.SlugField, "Data"),
    (models.UUIDField, "Data"),
    (models.CharField, "Data"),
    (models.TextField, "Text"),
    (models.BooleanField, "Check"),
    (models.BigIntegerField, "Int"),
    (models.IntegerField, "Int"),
    (models.SmallIntegerField, "Int"),
    (models.PositiveIntegerField, "Int"),
    (models.DecimalField, "Currency"),
    (models.FloatField, "Float"),
    (models.DateTimeField, "Datetime"),
    (models.DateField, "Date"),
    (models.TimeField, "Time"),
    (models.DurationField, "Duration"),
    (models.JSONField, "JSON"),
    (models.ImageField, "Attach Image"),
    (models.FileField, "Attach"),
    (models.ForeignKey, "Link"),
)
_DATA_OPTIONS = {models.EmailField: "Email", models.URLField: "URL"}
# Standard fields a child model without its own columns takes from its parent document.
DERIVED_FROM_PARENT = ("owner", "creation", "modified", "modified_by")


@dataclass(frozen=True)
class ModelOptions:
    """How one model is exposed; frozen at registration."""

    model: type[models.Model]
    doctype: str
    fields: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    read_only_fields: tuple[str, ...] = ()
    name_field: str | None = None
    title_field: str = ""
    search_fields: tuple[str, ...] = ()
    sort_field: str | None = None
    sort_order: str = "DESC"
    owner_field: str | None = None
    creation_field: str | None = None
    modified_field: str | None = None
    modified_by_field: str | None = None
    # Table fieldname -> reverse accessor of a child model that is registered with istable=True.
    child_tables: dict[str, str] = field(default_factory=dict)
    istable: bool = False
    # For child models: the ForeignKey to the parent model.
    parent_field: str | None = None
    permissions: tuple[dict[str, Any], ...] = ()
    module: str = ""
    controller: Any = None
    labels: dict[str, str] = field(default_factory=dict)
    # An OrmBackend subclass for models whose Frappe shape needs more than field mapping (User, Role).
    backend_class: Any = None
    # A django-filter FilterSet over the model: its declared query parameters filter the DocType's REST lists
    # and counts, as DRF's DjangoFilterBackend applies it, before Frappe's filters.
    filterset_class: Any = None

    @property
    def name_attname(self) -> str:
        return self.name_field or self.model._meta.pk.name

    def standard_column(self, fieldname: str) -> str | None:
        """The model field behind a Frappe standard field, if the registration maps one."""
        return {
            "name": self.name_attname,
            "owner": self.owner_field,
            "creation": self.creation_field,
            "modified": self.modified_field,
            "modified_by": self.modified_by_field,
        }.get(fieldname)

    def exposed_fields(self) -> list[models.Field]:
        """Concrete, non-standard model fields in declaration order, as the registration selects them."""
        mapped = {self.name_attname, self.owner_field, self.creation_field, self.modified_field,
                  self.modified_by_field, self.parent_field}
        result = []
        for model_field in self.model._meta.concrete_fields:
            if model_field.name in mapped or model_field.name in self.exclude:
                continue
            if model_field.primary_key and model_field.name != self.name_attname and isinstance(
                model_field, models.AutoField
            ):
                continue
            if self.fields is not None and model_field.name not in self.fields:
                continue
            result.append(model_field)
        return result


def options_from_class(options: type) -> dict[str, Any]:
    """Registration settings from the public attributes of an options class (inherited ones included).

    An attribute that is not a ``ModelOptions`` name is a programmer error, raised at start-up.
    """
    known = {f.name for f in dataclasses.fields(ModelOptions)} - {"model"}
    values: dict[str, Any] = {}
    for klass in reversed(options.__mro__[:-1]):  # object last: base classes first, subclasses override
        for key, value in vars(klass).items():
            if key.startswith("_"):
                continue
            if key not in known:
                raise TypeError(f"{options.__qualname__}.{key} is not a register_model() option")
            values[key] = value
    return values


def fieldtype_for(model_field: models.Field) -> str:
    if getattr(model_field, "choices", None) and not isinstance(model_field, models.BooleanField):
        return "Select"
    for field_class, fieldtype in FIELD_TYPES:
        if isinstance(model_field, field_class):
            return fieldtype
    return "Data"


def build_meta(options: ModelOptions, doctype_for_model) -> Meta:
    """The Meta of a registered model: fields, standard-field mapping, permissions, sort."""
    fields = []
    for idx, model_field in enumerate(options.exposed_fields(), start=1):
        fields.append(_field_meta(options, model_field, idx, doctype_for_model))
    for position, (tablefield, accessor) in enumerate(options.child_tables.items(), start=len(fields) + 1):
        relation = options.model._meta.get_field(accessor)
        child_doctype = doctype_for_model(relation.related_model)
        label = options.labels.get(tablefield) or tablefield.replace("_", " ").title()
        fields.append(
            FieldMeta(
                fieldname=tablefield, fieldtype="Table", label=label, options=child_doctype or "", idx=position,
                properties={"fieldname": tablefield, "label": label, "fieldtype": "Table",
                            "options": child_doctype or "", "idx": position},
            )
        )
    parent = parent_options(options)
    derived = {key for key in DERIVED_FROM_PARENT if parent is not None and parent.standard_column(key)}
    standard = [
        key for key in fieldtypes.STANDARD_FIELDS
        if key in ("name", "docstatus", "idx") or options.standard_column(key) or key in derived
    ]
    if options.istable:
        standard += ["parent", "parentfield", "parenttype"]
    sort_field = options.sort_field or (options.modified_field and "modified") or "name"
    definition = {
        "name": options.doctype,
        "module": options.module or options.model._meta.app_config.verbose_name,
        "custom": 0,
        "istable": int(options.istable),
        "issingle": 0,
        "is_submittable": 0,
        "autoname": _autoname(options),
        "title_field": options.title_field,
        "search_fields": ", ".join(options.search_fields),
        "sort_field": sort_field,
        "sort_order": options.sort_order,
        "description": str(options.model.__doc__ or "").strip() if options.model.__doc__ and not
        options.model.__doc__.startswith(options.model.__name__ + "(") else "",
        "allow_rename": 0,  # a model's key is the host's business
        "fields": [f.properties for f in fields],
        "permissions": list(options.permissions),
        "actions": [], "links": [], "states": [],
        "doctype": "DocType",
    }
    definition = _serialised(definition)
    from ..meta import PERMISSION_RIGHTS

    return Meta(
        name=options.doctype,
        fields=tuple(fields),
        permissions=tuple(
            PermRule(role=p["role"], permlevel=int(p["permlevel"]), if_owner=bool(p["if_owner"]),
                     rights={r: bool(p[r]) for r in PERMISSION_RIGHTS})
            for p in definition["permissions"]
        ),
        allow_rename=False,
        module=definition["module"],
        istable=options.istable,
        title_field=options.title_field,
        search_fields=options.search_fields,
        sort_field=sort_field,
        sort_order=options.sort_order,
        backend="orm",
        properties=definition,
        autoname=definition["autoname"],
        standard=tuple(standard),
        model_label=options.model._meta.label_lower,
    )


def _serialised(definition: dict[str, Any]) -> dict[str, Any]:
    """The definition with every property a JSON DocType serialises, so both kinds of meta look alike.

    Properties the model does not decide take the defaults of the ``DocType``, ``DocField`` and
    ``DocPerm`` columns; fields and permission rows carry their child-row standard keys (§10.4).
    """
    from .. import definitions
    from ..models import DocField, DocPerm, DocType

    def default(model, column: str) -> Any:
        value = model._meta.get_field(column).get_default()
        return int(value) if isinstance(value, bool) else value

    name = definition["name"]
    standard = {"owner": "Administrator", "modified_by": "Administrator", "docstatus": 0, "parent": name,
                "parenttype": "DocType"}
    result = {"name": name, "owner": "Administrator", "modified_by": "Administrator", "docstatus": 0, "idx": 0}
    result.update({column: default(DocType, column) for column in definitions.DOCTYPE_COLUMNS})
    result.update(definition)
    result["fields"] = [
        {"name": f"{name}-field-{field['idx']}", **standard,
         **{column: default(DocField, column) for column in definitions.DOCFIELD_COLUMNS},
         **field, "parentfield": "fields", "doctype": "DocField"}
        for field in definition["fields"]
    ]
    result["permissions"] = [
        {"name": f"{name}-perm-{idx}", **standard, "idx": idx,
         **{right: default(DocPerm, column) for right, column in definitions.DOCPERM_COLUMNS.items()},
         **{key: int(value) if isinstance(value, bool) else value for key, value in permission.items()},
         "parentfield": "permissions", "doctype": "DocPerm"}
        for idx, permission in enumerate(definition["permissions"], start=1)
    ]
    return result


def _autoname(options: ModelOptions) -> str:
    """Database-assigned keys behave like Frappe's ``autoincrement``; any other key is set by the client."""
    name_field = options.model._meta.get_field(options.name_attname)
    return "autoincrement" if isinstance(name_field, models.AutoField) else "Prompt"


def _label(model_field: models.Field) -> str:
    """Frappe-style Title Case for generated verbose names; a verbose_name the model sets is kept."""
    verbose = str(model_field.verbose_name)
    return verbose.title() if verbose == model_field.name.replace("_", " ") else capfirst(verbose)


def _field_meta(options: ModelOptions, model_field: models.Field, idx: int, doctype_for_model) -> FieldMeta:
    fieldtype = fieldtype_for(model_field)
    props: dict[str, Any] = {
        "fieldname": model_field.name,
        "label": options.labels.get(model_field.name) or _label(model_field),
        "fieldtype": fieldtype,
        "idx": idx,
    }
    if fieldtype == "Select":
        props["options"] = "\n".join(str(value) for value, _ in model_field.flatchoices)
        if getattr(model_field, "max_length", None):
            props["length"] = model_field.max_length
    elif fieldtype == "Link":
        target = doctype_for_model(model_field.related_model)
        if target is None:
            fieldtype = props["fieldtype"] = fieldtype_for(model_field.target_field)
        else:
            props["options"] = target
    elif fieldtype == "Data":
        for field_class, option in _DATA_OPTIONS.items():
            if isinstance(model_field, field_class):
                props["options"] = option
        if getattr(model_field, "max_length", None):
            props["length"] = model_field.max_length
    elif fieldtype == "Int" and isinstance(model_field, models.BigIntegerField):
        props["length"] = 20  # Frappe's Int column is a bigint when its length exceeds 11
    elif fieldtype == "Currency" and model_field.decimal_places != 2:
        fieldtype = props["fieldtype"] = "Float"
    if isinstance(model_field, models.DecimalField):
        props["precision"] = str(model_field.decimal_places)
    has_default = model_field.has_default() or getattr(model_field, "auto_now", False) or getattr(
        model_field, "auto_now_add", False
    )
    props["reqd"] = int(not model_field.blank and not has_default and not isinstance(model_field, models.BooleanField))
    props["unique"] = int(bool(model_field.unique))
    if model_field.has_default() and not callable(model_field.default):
        default = model_field.default
        props["default"] = str(int(default) if isinstance(default, bool) else default)
    read_only = (
        not model_field.editable
        or model_field.name in options.read_only_fields
        or getattr(model_field, "auto_now", False)
        or getattr(model_field, "auto_now_add", False)
    )
    props["read_only"] = int(read_only)
    if model_field.help_text:
        props["description"] = str(model_field.help_text)
    return FieldMeta(
        fieldname=model_field.name,
        fieldtype=fieldtype,
        label=props["label"],
        options=props.get("options", ""),
        default=props.get("default", ""),
        reqd=bool(props["reqd"]),
        unique=bool(props["unique"]),
        read_only=read_only,
        length=int(props.get("length") or 0),
        idx=idx,
        properties=props,
    )


class OrmBackend(SQLBackend):
    """One registered model; see the module docstring."""

    def __init__(self, options: ModelOptions) -> None:
        self.options = options

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
        return parent_options(self.options)

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
            return f"{self.options.parent_field}__{_backend_for(parent.doctype)._lookup(fieldname, fieldtype)}"
        model_field = self.model._meta.get_field(fieldname)
        if isinstance(model_field, models.ForeignKey):
            target = model_registry.options_for_model(model_field.related_model)
            target_name = target.name_attname if target else model_field.target_field.name
            if target_name == model_field.target_field.name:
                return model_field.attname
            return f"{fieldname}__{target_name}"
        return fieldname

    def column(self, aliases: Aliases, ref: FieldRef) -> Column:
        if ref.via_kind == "child":
            accessor = self.options.child_tables[ref.via]
            child = _backend_for(ref.target_doctype)
            inner = child._lookup(ref.fieldname, ref.fieldtype)
            return Column(f"{accessor}__{inner}", ref.fieldtype, _is_datetime(child.model, inner))
        if ref.via_kind == "link":
            link_field = self.model._meta.get_field(ref.via)
            target = _backend_for(ref.target_doctype)
            inner = target._lookup(ref.fieldname, ref.fieldtype)
            relation = link_field.name
            if ref.owner:  # the caller reads only their own documents of the target: join only those
                relation = f"_l_{ref.via}"
                owner = target.owner_lookup(get_meta(ref.target_doctype))
                condition = (Q(**{f"{link_field.name}__{owner}": ref.owner}) if owner
                             else Q(**{f"{link_field.name}__pk__isnull": True}))
                aliases.relations.setdefault(relation, FilteredRelation(link_field.name, condition=condition))
            return Column(f"{relation}__{inner}", ref.fieldtype, _is_datetime(target.model, inner))
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
        return Column(lookup, ref.fieldtype, _is_datetime(self.model, lookup))

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

    def _filtered(self, query: ListQuery, row_condition: Q | None) -> tuple[QuerySet, Aliases, Q]:
        """A child model has one parent DocType: ``parent=<other DocType>`` lists nothing. The host's
        FilterSet, if any, narrows the rows in the same query (a subquery on the primary key)."""
        if not (self.options.istable and query.parent_doctype):
            queryset, aliases, where = super()._filtered(query, row_condition)
        else:
            parent_doctype = query.parent_doctype
            queryset, aliases, where = super()._filtered(
                dataclasses.replace(query, parent_doctype=None), row_condition
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
        parent = model_registry.options_for_model(parent_model)
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
            [wire_value(item.ref.fieldtype, _plain(row[i])) for i, item in enumerate(query.select)] for row in rows
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
            child_backend = _backend_for(child_meta.name)
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
            doc[field_meta.fieldname] = _stored(field_meta.fieldtype, _plain(value))
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
            options = model_registry.options_for_model(type(blocking))
            label = options.doctype if options else capfirst(str(type(blocking)._meta.verbose_name))
            blocking_name = getattr(blocking, options.name_attname) if options else blocking.pk
            raise exceptions.LinkExistsError(
                f"Cannot delete or cancel because {meta.name} {name} is linked with {label} {blocking_name}"
            ) from None

    def _assign(self, meta: Meta, instance: models.Model, doc: dict[str, Any], *, is_new: bool) -> None:
        if is_new and self.options.name_field and doc.get("name") not in (None, ""):
            name_field = self.model._meta.get_field(self.options.name_field)
            if not name_field.primary_key or not isinstance(name_field, models.AutoField):
                setattr(instance, self.options.name_attname, doc["name"])
        for key in ("owner", "modified_by"):
            column = self.options.standard_column(key)
            if column:
                _set_field(self.model, instance, column, doc.get(key))
        for key in ("creation", "modified"):
            column = self.options.standard_column(key)
            model_field = self.model._meta.get_field(column) if column else None
            if model_field is not None and not (getattr(model_field, "auto_now", False) or getattr(
                model_field, "auto_now_add", False
            )):
                setattr(instance, column, doc.get(key))
        for field_meta in meta.data_fields:
            model_field = self.model._meta.get_field(field_meta.fieldname)
            # ``read_only_fields`` are a form property, written like any other field (as Frappe does);
            # what Django itself owns (editable=False, auto_now, auto_now_add) is never written.
            if not model_field.editable or _is_automatic(model_field):
                continue
            value = doc.get(field_meta.fieldname)
            if isinstance(model_field, models.ForeignKey):
                _set_foreign_key(self, instance, model_field, field_meta, value)
            else:
                setattr(instance, model_field.attname, _to_python(model_field, field_meta.fieldtype, value))

    def _save(self, instance: models.Model) -> None:
        try:
            instance.full_clean(validate_unique=True)
        except DjangoValidationError as error:
            raise _frappe_validation_error(self.model, error) from None
        instance.save()

    def _replace_children(self, meta: Meta, instance: models.Model, tablefield: str, rows: list[dict]) -> None:
        accessor = self.options.child_tables[tablefield]
        child_meta = get_meta(meta.get_field(tablefield).options)
        child = _backend_for(child_meta.name)
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


def _is_automatic(model_field: models.Field) -> bool:
    return bool(getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False))


def parent_options(options: ModelOptions) -> ModelOptions | None:
    """Registration of the parent model of a child model, ``None`` when not a child or not registered."""
    if not (options.istable and options.parent_field):
        return None
    parent_model = options.model._meta.get_field(options.parent_field).related_model
    return model_registry.options_for_model(parent_model)


def _backend_for(doctype: str) -> OrmBackend:
    return model_registry.backend_for(doctype)


def _is_datetime(model: type[models.Model], lookup: str) -> bool:
    try:
        current = model
        parts = lookup.split("__")
        for part in parts[:-1]:
            current = current._meta.get_field(part).related_model
        return isinstance(current._meta.get_field(parts[-1]), models.DateTimeField)
    except (FieldDoesNotExist, AttributeError):
        return False


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "name") and hasattr(value, "url") and not isinstance(value, str):  # FieldFile
        return value.name or None
    return value


def _stored(fieldtype: str, value: Any) -> Any:
    """A model value in the stored form the document layer uses (fixed-width date strings)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and fieldtype == "Datetime":
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return fieldtypes.store_datetime(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return fieldtypes.format_date(value)
    if isinstance(value, dt.time):
        return fieldtypes.store_time(value)
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds())
    if fieldtype == "JSON" and not isinstance(value, str):
        import json

        return json.dumps(value, separators=(",", ":"), default=str)
    return value


def _to_python(model_field: models.Field, fieldtype: str, value: Any) -> Any:
    """A stored value back into what the model field holds."""
    if value is None:
        return None if model_field.null else _empty_for(model_field)
    if fieldtype == "Datetime" and isinstance(value, str):
        parsed = fieldtypes.parse_datetime(value)
        from django.conf import settings

        return timezone.make_aware(parsed) if settings.USE_TZ else parsed
    if fieldtype == "Date" and isinstance(value, str):
        return fieldtypes.parse_date(value)
    if fieldtype == "Time" and isinstance(value, str):
        return fieldtypes.parse_time(value)
    if fieldtype == "Duration":
        return dt.timedelta(seconds=fieldtypes.cint(value))
    if fieldtype == "Check":
        return bool(value)
    if fieldtype == "JSON" and isinstance(value, str):
        from .. import json_input

        not_json = object()
        decoded = json_input.loads(value, str(model_field.verbose_name), default=not_json)
        if decoded is not_json:
            raise exceptions.ValidationError(f"Invalid JSON for {model_field.verbose_name}")
        return decoded
    if isinstance(model_field, models.DecimalField):
        return decimal.Decimal(str(value))
    return value


def _empty_for(model_field: models.Field) -> Any:
    if isinstance(model_field, (models.CharField, models.TextField)):
        return ""
    if model_field.has_default():
        return model_field.get_default()
    return None


def _set_field(model, instance, column: str, value: Any) -> None:
    model_field = model._meta.get_field(column)
    if isinstance(model_field, models.ForeignKey):
        from django.contrib.auth import get_user_model

        user_model = get_user_model()
        if model_field.related_model is user_model:
            user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: value}).first()
            setattr(instance, model_field.name, user)
            return
    setattr(instance, model_field.attname, value or ("" if isinstance(model_field, models.CharField) else None))


def _set_foreign_key(backend: OrmBackend, instance, model_field, field_meta: FieldMeta, value: Any) -> None:
    if value in (None, ""):
        setattr(instance, model_field.attname, None)
        return
    lookup = backend._lookup(field_meta.fieldname, field_meta.fieldtype)
    if lookup == model_field.attname:
        setattr(instance, model_field.attname, value)
        return
    related = model_field.related_model._default_manager.filter(**{lookup.split("__", 1)[1]: value}).first()
    setattr(instance, model_field.name, related)


def _frappe_validation_error(model, error: DjangoValidationError) -> exceptions.FrappeError:
    """Map ``full_clean`` errors: missing values -> MandatoryError, duplicates -> UniqueValidationError."""
    messages = []
    kind = exceptions.ValidationError
    for fieldname, errors in error.message_dict.items():
        label = fieldname
        with contextlib.suppress(FieldDoesNotExist):
            label = capfirst(str(model._meta.get_field(fieldname).verbose_name))
        for item in errors:
            messages.append(f"{label}: {item}" if fieldname != "__all__" else str(item))
        codes = {e.code for e in error.error_dict.get(fieldname, [])}
        if "unique" in codes or "unique_together" in codes:
            kind = exceptions.UniqueValidationError
        elif codes & {"blank", "null"} and kind is exceptions.ValidationError:
            kind = exceptions.MandatoryError
    return kind("; ".join(messages))


class ModelRegistry:
    """Host models exposed as DocTypes, keyed by DocType name and by ``app_label.model_name``."""

    def __init__(self) -> None:
        self._registry: dict[str, Any] = {}
        self._by_model: dict[str, str] = {}
        self._metas: dict[str, Any] = {}
        self._backends: dict[str, Any] = {}

    def register(self, model: type, *, doctype: str | None = None, options: type | None = None,
                 **overrides: Any) -> Any:
        """Expose ``model`` as ``doctype`` (default: its verbose name, title-cased); returns the options.

        ``options`` is a plain class whose attributes are ``ModelOptions`` names (``doctype``,
        ``fields``, ``title_field``, ``controller``, ...); keyword arguments override them.
        """
        values = {**options_from_class(options), **overrides} if options is not None else dict(overrides)
        if doctype is not None:
            values["doctype"] = doctype
        name = values.pop("doctype", None) or str(model._meta.verbose_name).title()
        label = model._meta.label_lower
        if name in self._registry:
            raise AlreadyRegistered(f"DocType {name!r} is already registered for {self._registry[name].model!r}")
        if label in self._by_model:
            raise AlreadyRegistered(f"Model {label} is already registered as DocType {self._by_model[label]!r}")
        for key in ("fields", "exclude", "read_only_fields", "search_fields"):
            if isinstance(values.get(key), str):
                values[key] = [part.strip() for part in values[key].split(",") if part.strip()]
        for key in ("fields", "exclude", "read_only_fields", "search_fields", "permissions"):
            if key in values and values[key] is not None:
                values[key] = tuple(values[key])
        entry = ModelOptions(model=model, doctype=name, **values)
        if entry.controller is not None:
            controller_registry.register(name, entry.controller)
        self._registry[name] = entry
        self._by_model[label] = name
        self._metas.clear()
        self._backends.pop(name, None)
        return entry

    def unregister(self, doctype: str) -> None:
        entry = self._registry.pop(doctype, None)
        if entry is None:
            raise NotRegistered(f"No model is registered as DocType {doctype!r}")
        self._by_model.pop(entry.model._meta.label_lower, None)
        self._forget_controller(entry)
        self._metas.clear()
        self._backends.pop(doctype, None)

    def _forget_controller(self, entry: Any) -> None:
        if entry.controller is not None and controller_registry.get(entry.doctype) is entry.controller:
            controller_registry.unregister(entry.doctype)

    def is_registered(self, doctype: str) -> bool:
        return doctype in self._registry

    def get(self, doctype: str) -> Any:
        try:
            return self._registry[doctype]
        except KeyError:
            raise NotRegistered(f"No model is registered as DocType {doctype!r}") from None

    def options_for_model(self, model: type) -> Any:
        name = self._by_model.get(model._meta.label_lower)
        return self._registry.get(name) if name else None

    def doctype_for_model(self, model: type) -> str | None:
        return self._by_model.get(model._meta.label_lower)

    def entries(self) -> list[Any]:
        return [self._registry[name] for name in sorted(self._registry)]

    def build_meta(self, doctype: str) -> Any:
        """Meta builder plugged into ``meta.get_meta``: ``None`` for names this registry does not own."""
        entry = self._registry.get(doctype)
        if entry is None:
            return None
        meta = self._metas.get(doctype)
        if meta is None:
            meta = build_meta(entry, self.doctype_for_model)
            if entry.backend_class is not None:
                meta = entry.backend_class.extend_meta(entry, meta)
            self._metas[doctype] = meta
        return meta

    def backend_for(self, doctype: str) -> Any:
        backend = self._backends.get(doctype)
        if backend is None:
            entry = self.get(doctype)
            backend = self._backends[doctype] = (entry.backend_class or OrmBackend)(entry)
        return backend

    def snapshot(self) -> tuple[dict[str, Any], dict[str, str]]:
        return dict(self._registry), dict(self._by_model)

    def restore(self, snapshot: tuple[dict[str, Any], dict[str, str]]) -> None:
        for name, entry in self._registry.items():
            if snapshot[0].get(name) is not entry:
                self._forget_controller(entry)
        for entry in snapshot[0].values():
            if entry.controller is not None and controller_registry.get(entry.doctype) is None:
                controller_registry.register(entry.doctype, entry.controller)
        self._registry, self._by_model = dict(snapshot[0]), dict(snapshot[1])
        self._metas.clear()
        self._backends.clear()


model_registry = ModelRegistry()


def register_model(model: type | None = None, *, doctype: str | None = None, options: type | None = None,
                   **overrides: Any):
    """Expose a Django model as a DocType, as a call or a class decorator (``@register_model(...)``).

    Settings come as keyword arguments, or as the attributes of an ``options`` class (keyword
    arguments win); a ``controller`` class gets Frappe's hooks and whitelisted document methods.
    """

    def decorator(target: type) -> type:
        model_registry.register(target, doctype=doctype, options=options, **overrides)
        return target

    return decorator(model) if model is not None else decorator
