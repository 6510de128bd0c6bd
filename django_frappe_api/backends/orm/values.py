"""Values between a model instance and a document in stored form (the dicts the document layer handles).

Usage::

    doc[fieldname] = to_stored(fieldtype, plain_value(getattr(instance, attname)))
    setattr(instance, attname, to_python(model_field, fieldtype, doc[fieldname]))

Dates, times and datetimes are stored as fixed-width strings (``fieldtypes``), decimals as floats,
booleans as 0/1, durations as seconds; ``full_clean`` errors become Frappe's validation errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from ... import exceptions, fieldtypes, json_input


def is_automatic(model_field: models.Field) -> bool:
    return bool(getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False))


def is_datetime(model: type[models.Model], lookup: str) -> bool:
    try:
        current = model
        parts = lookup.split("__")
        for part in parts[:-1]:
            current = current._meta.get_field(part).related_model
        return isinstance(current._meta.get_field(parts[-1]), models.DateTimeField)
    except (FieldDoesNotExist, AttributeError):
        return False


def plain_value(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "name") and hasattr(value, "url") and not isinstance(value, str):  # FieldFile
        return value.name or None
    return value


def to_stored(fieldtype: str, value: Any) -> Any:
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
        return json.dumps(value, separators=(",", ":"), default=str)
    return value


def to_python(model_field: models.Field, fieldtype: str, value: Any) -> Any:
    """A stored value back into what the model field holds."""
    if value is None:
        return None if model_field.null else _empty_for(model_field)
    if fieldtype == "Datetime" and isinstance(value, str):
        parsed = fieldtypes.parse_datetime(value)
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


def set_field(model: type[models.Model], instance: models.Model, column: str, value: Any) -> None:
    """Write a standard field (``owner``, ``modified_by``); a user foreign key is found by username."""
    model_field = model._meta.get_field(column)
    if isinstance(model_field, models.ForeignKey):
        user_model = get_user_model()
        if model_field.related_model is user_model:
            user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: value}).first()
            setattr(instance, model_field.name, user)
            return
    setattr(instance, model_field.attname, value or ("" if isinstance(model_field, models.CharField) else None))


def set_foreign_key(instance: models.Model, model_field: models.ForeignKey, lookup: str, value: Any) -> None:
    """Point the foreign key at the row whose ``lookup`` (the target's Frappe name) is ``value``."""
    if value in (None, ""):
        setattr(instance, model_field.attname, None)
        return
    if lookup == model_field.attname:
        setattr(instance, model_field.attname, value)
        return
    related = model_field.related_model._default_manager.filter(**{lookup.split("__", 1)[1]: value}).first()
    setattr(instance, model_field.name, related)


def frappe_validation_error(model: type[models.Model], error: DjangoValidationError) -> exceptions.FrappeError:
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
