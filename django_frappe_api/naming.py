"""How a new document gets its ``name``: Frappe's ``autoname`` rules (§9.4).

Usage::

    name = make_name(meta, doc, client_name=payload.get("name"))

Rules: ``hash`` (default), ``field:<fieldname>``, ``naming_series:``, ``Prompt``, ``autoincrement``,
``format:...{field}...{####}`` and dotted series patterns such as ``TASK-.YYYY.-.####``; an amendment
(``amended_from`` set) is named ``<original>-1``, ``-2``, ... Series
counters live in the ``Series`` table and are incremented under a row lock, so concurrent inserts
never share a number.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any
from urllib.parse import quote

from django.db import IntegrityError, connections, router, transaction
from django.db.models import F
from django.utils import timezone

from . import exceptions, nul_bytes
from .backends.base import get_backend
from .meta import Meta
from .models import Series

_BASE32HEX = "0123456789abcdefghijklmnopqrstuv"
_FORMAT_PART_RE = re.compile(r"\{([^{}]+)\}")


def make_hash_name() -> str:
    """Frappe v15's 10-character name: 4 characters of time (deciseconds) + 6 random, base32hex."""
    deciseconds = int(time.time() * 10)
    prefix = "".join(_BASE32HEX[(deciseconds >> (5 * i)) & 31] for i in range(3, -1, -1))
    return prefix + "".join(secrets.choice(_BASE32HEX) for _ in range(6))


def make_name(meta: Meta, doc: dict[str, Any], *, client_name: Any = None, honour_client_name: bool = False) -> Any:
    """Pick the name of a new document according to the DocType's ``autoname``."""
    autoname = (meta.autoname or "").strip()
    rule = autoname.lower()
    if meta.issingle:
        return meta.name
    if honour_client_name and client_name not in (None, ""):
        name = validate_name(meta, client_name)
        if rule == "autoincrement" and isinstance(name, int):
            advance_autoincrement(meta, name)
        return name
    if rule == "autoincrement":
        # Before amendments, as in Frappe's set_new_name: an integer key cannot be "<original>-1".
        # A client name is discarded like for any rule but Prompt (§9.4 step 1).
        if meta.backend == "orm":
            return None  # the database assigns the key on insert
        return next_autoincrement(meta)
    if doc.get("amended_from") and meta.has_field("amended_from"):
        # Whatever the rule (hash, series, field, Prompt...), an amendment is named after its original.
        return validate_name(meta, make_amended_name(meta, doc["amended_from"]))
    if rule == "prompt":
        chosen = doc.get("__newname") or client_name
        if chosen in (None, ""):
            raise exceptions.ValidationError("Please set the document name")
        return validate_name(meta, chosen)
    if rule.startswith("field:"):
        fieldname = autoname.split(":", 1)[1].strip()
        value = doc.get(fieldname)
        value = value.strip() if isinstance(value, str) else value
        if value in (None, ""):
            field = meta.get_field(fieldname)
            label = field.display_label if field else fieldname
            raise exceptions.ValidationError(f"{label} is required")
        return validate_name(meta, str(value))
    if rule == "naming_series:":
        series = doc.get("naming_series")
        if not series:
            field = meta.get_field("naming_series")
            options = [o for o in (field.select_options if field else []) if o]
            series = options[0] if options else None
        if not series:
            raise exceptions.ValidationError("Naming Series mandatory")
        doc["naming_series"] = series
        pattern = series if "#" in series else series.rstrip(".") + ".#####"
        return validate_name(meta, make_series_name(pattern, doc))
    if rule.startswith("format:"):
        return validate_name(meta, make_format_name(autoname.split(":", 1)[1], doc))
    if "#" in autoname:
        return validate_name(meta, make_series_name(autoname, doc))
    return make_hash_name()


def make_amended_name(meta: Meta, amended_from: Any) -> str:
    """``X`` -> ``X-1``; amending ``X-1`` (itself an amendment) -> ``X-2`` (``frappe.model.naming``)."""
    amended_from = str(amended_from)
    original = get_backend(meta).get_doc(meta, amended_from)
    if original is not None and original.get("amended_from"):
        prefix, _, number = amended_from.rpartition("-")
        try:
            return f"{prefix}-{int(number) + 1}"
        except ValueError:
            pass
    return f"{amended_from}-1"


def check_amended_from(meta: Meta, amended_from: Any) -> None:
    """Only a cancelled document can be amended (Frappe's ``Document.validate_amended_from``, message and
    title included; the link is the desk path of the original)."""
    original = get_backend(meta).get_doc(meta, amended_from)
    if original is None or int(original.get("docstatus") or 0) != 2:
        url = f"/app/{quote(meta.name.lower().replace(' ', '-'))}/{quote(str(amended_from))}"
        raise exceptions.ValidationError(
            f'<a href="{url}">{amended_from}</a> cannot be amended because it is not cancelled. '
            "Please cancel the document before creating an amendment.",
            title="Amendment Not Allowed",
        )


def make_series_name(pattern: str, doc: dict[str, Any]) -> str:
    """Expand a dotted series such as ``TASK-.YYYY.-.####``; the counter key is the prefix."""
    if re.search(r"[<>\"'\\;]", pattern):
        raise exceptions.InvalidNamingSeriesError(f"Special characters are not allowed in naming series {pattern}")
    name = ""
    for part in pattern.split("."):
        if part.startswith("#") and set(part) == {"#"}:
            name += str(next_series_value(name)).zfill(len(part))
        else:
            name += _expand_part(part, doc)
    return name


def make_format_name(template: str, doc: dict[str, Any]) -> str:
    """Expand ``format:`` templates: ``{YYYY}``, ``{MM}``, ``{fieldname}``, ``{#####}``."""
    result = ""
    position = 0
    for match in _FORMAT_PART_RE.finditer(template):
        result += template[position : match.start()]
        token = match.group(1).strip()
        if token and set(token) == {"#"}:
            result += str(next_series_value(result)).zfill(len(token))
        else:
            result += _expand_part(token, doc)
        position = match.end()
    return result + template[position:]


def _expand_part(part: str, doc: dict[str, Any]) -> str:
    today = timezone.localdate()
    dates = {
        "YYYY": today.strftime("%Y"),
        "YY": today.strftime("%y"),
        "MM": today.strftime("%m"),
        "DD": today.strftime("%d"),
        "WW": today.strftime("%V"),
        "timestamp": str(int(time.time())),
    }
    if part in dates:
        return dates[part]
    if part.startswith("{") and part.endswith("}"):
        part = part[1:-1]
    if part in doc and part not in ("name",):
        value = doc.get(part)
        return "" if value is None else str(value)
    return part


def next_series_value(prefix: str) -> int:
    """Atomically increment the counter of ``prefix`` and return the new value.

    Every statement, the read of the new value included, runs on the write alias: a router that sends reads
    to a replica must not serve a counter that is behind the primary's."""
    alias = router.db_for_write(Series)
    series = Series.objects.db_manager(alias)
    with transaction.atomic(using=alias):
        if connections[alias].vendor == "mysql":
            _mysql_increment(alias, prefix)
            return series.filter(name=prefix).values_list("current", flat=True).get()
        updated = series.filter(name=prefix).update(current=F("current") + 1)
        if not updated:
            try:
                with transaction.atomic(using=alias):
                    series.create(name=prefix, current=1)
                return 1
            except IntegrityError:
                series.filter(name=prefix).update(current=F("current") + 1)
        return series.filter(name=prefix).values_list("current", flat=True).get()


def _mysql_increment(alias: str, prefix: str) -> None:
    """One upsert. InnoDB keeps a shared lock on the key after a duplicate-key error, so two requests
    that both try to create a new prefix and then update it would deadlock; an upsert locks exclusively."""
    connection = connections[alias]
    table = connection.ops.quote_name(Series._meta.db_table)
    name, current = (connection.ops.quote_name(Series._meta.get_field(f).column) for f in ("name", "current"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({name}, {current}) VALUES (%s, 1) "
            f"ON DUPLICATE KEY UPDATE {current} = {current} + 1",
            [prefix],
        )


def next_autoincrement(meta: Meta) -> int:
    """Next integer name of an ``autoincrement`` DocType, from its own counter."""
    return next_series_value(_autoincrement_key(meta))


def advance_autoincrement(meta: Meta, value: int) -> None:
    """After an explicit integer name, the counter continues above it (never below)."""
    key = _autoincrement_key(meta)
    alias = router.db_for_write(Series)
    series = Series.objects.db_manager(alias)
    with transaction.atomic(using=alias):
        if not series.filter(name=key, current__lt=value).update(current=value):
            try:
                with transaction.atomic(using=alias):
                    series.create(name=key, current=value)
            except IntegrityError:
                pass  # the counter exists and is already at or above ``value``


def _autoincrement_key(meta: Meta) -> str:
    return f"__autoincrement__:{meta.name}"


def validate_name(meta: Meta, name: Any) -> Any:
    """Frappe's checks on a final name (§9.4 step 8)."""
    if isinstance(name, int) and not isinstance(name, bool):
        if meta.autoname.lower() != "autoincrement":
            raise exceptions.NameError(f"Invalid name type (integer) for varchar name column: {name}")
        return name
    if not isinstance(name, str):
        raise exceptions.NameError(f"Invalid name: {name}")
    nul_bytes.check_name(name)
    name = name.strip()
    if not name:
        raise exceptions.ValidationError(f"No Name Specified for {meta.name}")
    if name.startswith(f"New {meta.name}"):
        raise exceptions.NameError("There were some errors setting the name, please contact the administrator")
    if name == meta.name:
        raise exceptions.NameError(f"Name of {meta.name} cannot be {name}")
    if "<" in name or ">" in name:
        raise exceptions.NameError("Name cannot contain special characters like '<', '>'")
    if len(name) > 140:
        raise exceptions.NameError("Name is too long: at most 140 characters")
    return name
