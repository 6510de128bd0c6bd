"""How one host model is exposed as a DocType: the options of ``register_model``, frozen at registration.

Usage::

    options = ModelOptions(model=Customer, doctype="Customer", title_field="customer_name")
    options.exposed_fields()            # the model fields that become DocType fields

``ModelLookup`` is what the Meta builder and the backend need from the registry (other registrations,
their backends); the registry passes itself in, so neither module imports it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models

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


class ModelLookup(Protocol):
    """The registry as the Meta builder and the backends see it (``ModelRegistry`` implements it)."""

    def options_for_model(self, model: type) -> ModelOptions | None: ...

    def doctype_for_model(self, model: type) -> str | None: ...

    def backend_for(self, doctype: str) -> Any: ...


def parent_options(options: ModelOptions, lookup: ModelLookup) -> ModelOptions | None:
    """Registration of the parent model of a child model, ``None`` when not a child or not registered."""
    if not (options.istable and options.parent_field):
        return None
    parent_model = options.model._meta.get_field(options.parent_field).related_model
    return lookup.options_for_model(parent_model)
