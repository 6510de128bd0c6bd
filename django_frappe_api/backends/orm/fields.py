"""A registered model as a ``Meta``: Django field classes -> Frappe fieldtypes, standard-field mapping.

Usage::

    meta = build_meta(options, model_registry)      # what get_meta("Customer") answers
    fieldtype_for(Customer._meta.get_field("email"))  # "Data"

The table is ordered most specific first (django-filter's ``FILTER_FOR_DBFIELD_DEFAULTS`` idea). The
definition a model yields carries every property a JSON DocType serialises, so both kinds look alike.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.text import capfirst

from ... import doctype_rows, fieldtypes
from ...meta import PERMISSION_RIGHTS, FieldMeta, Meta, PermRule
from ...models import DocField, DocPerm, DocType
from .options import DERIVED_FROM_PARENT, ModelLookup, ModelOptions, parent_options

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


def fieldtype_for(model_field: models.Field) -> str:
    if getattr(model_field, "choices", None) and not isinstance(model_field, models.BooleanField):
        return "Select"
    for field_class, fieldtype in FIELD_TYPES:
        if isinstance(model_field, field_class):
            return fieldtype
    return "Data"


def build_meta(options: ModelOptions, lookup: ModelLookup) -> Meta:
    """The Meta of a registered model: fields, standard-field mapping, permissions, sort."""
    fields = []
    for idx, model_field in enumerate(options.exposed_fields(), start=1):
        fields.append(_field_meta(options, model_field, idx, lookup))
    for position, (tablefield, accessor) in enumerate(options.child_tables.items(), start=len(fields) + 1):
        relation = options.model._meta.get_field(accessor)
        child_doctype = lookup.doctype_for_model(relation.related_model)
        label = options.labels.get(tablefield) or tablefield.replace("_", " ").title()
        fields.append(
            FieldMeta(
                fieldname=tablefield, fieldtype="Table", label=label, options=child_doctype or "", idx=position,
                properties={"fieldname": tablefield, "label": label, "fieldtype": "Table",
                            "options": child_doctype or "", "idx": position},
            )
        )
    parent = parent_options(options, lookup)
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
    def default(model, column: str) -> Any:
        value = model._meta.get_field(column).get_default()
        return int(value) if isinstance(value, bool) else value

    name = definition["name"]
    standard = {"owner": "Administrator", "modified_by": "Administrator", "docstatus": 0, "parent": name,
                "parenttype": "DocType"}
    result = {"name": name, "owner": "Administrator", "modified_by": "Administrator", "docstatus": 0, "idx": 0}
    result.update({column: default(DocType, column) for column in doctype_rows.DOCTYPE_COLUMNS})
    result.update(definition)
    result["fields"] = [
        {"name": f"{name}-field-{field['idx']}", **standard,
         **{column: default(DocField, column) for column in doctype_rows.DOCFIELD_COLUMNS},
         **field, "parentfield": "fields", "doctype": "DocField"}
        for field in definition["fields"]
    ]
    result["permissions"] = [
        {"name": f"{name}-perm-{idx}", **standard, "idx": idx,
         **{right: default(DocPerm, column) for right, column in doctype_rows.DOCPERM_COLUMNS.items()},
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


def _field_meta(options: ModelOptions, model_field: models.Field, idx: int, lookup: ModelLookup) -> FieldMeta:
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
        target = lookup.doctype_for_model(model_field.related_model)
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
