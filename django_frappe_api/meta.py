"""``Meta``: an immutable, cached view of one DocType, whatever stores its documents.

Usage::

    from django_frappe_api.meta import get_meta
    meta = get_meta("ToDo")
    meta.get_field("status").options         # "Open\\nClosed\\nCancelled"

Metas are built from the DocType tables (or, for registered ORM models, from the model) and kept in
the cache named by ``FRAPPE_API["META_CACHE"]``; saving or deleting a DocType drops its entry. Each
process also keeps the metas it has read, each with the version stamp it was read under: a request
reads that small stamp from the shared cache instead of fetching and unpickling the whole Meta, and a
change made through any process (a new stamp) is seen by the next request of every other one.
"""

from __future__ import annotations

import secrets
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote

from django.core.cache import caches
from django.db import transaction

from . import exceptions, fieldtypes
from .conf import api_settings
from .doctype_rows import doctype_as_dict
from .models import DocPerm, DocType

CACHE_PREFIX = "django_frappe_api:meta:"
STAMP_PREFIX = "django_frappe_api:meta-stamp:"
# The rights of a DocPerm row, in Frappe's order.
PERMISSION_RIGHTS = tuple(DocPerm.RIGHTS)


@dataclass(frozen=True)
class FieldMeta:
    """One DocField. ``properties`` holds every property as Frappe serialises it."""

    fieldname: str
    fieldtype: str
    label: str = ""
    options: str = ""
    default: str = ""
    reqd: bool = False
    unique: bool = False
    read_only: bool = False
    hidden: bool = False
    permlevel: int = 0
    in_list_view: bool = False
    no_copy: bool = False
    allow_on_submit: bool = False
    set_only_once: bool = False
    non_negative: bool = False
    length: int = 0
    fetch_from: str = ""
    idx: int = 0
    properties: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def holds_value(self) -> bool:
        return fieldtypes.holds_value(self.fieldtype)

    @property
    def is_table(self) -> bool:
        return self.fieldtype in fieldtypes.TABLE_TYPES

    @property
    def select_options(self) -> list[str]:
        return [opt.strip() for opt in (self.options or "").split("\n")]

    @property
    def display_label(self) -> str:
        return self.label or self.fieldname.replace("_", " ").title()


@dataclass(frozen=True)
class PermRule:
    """One DocPerm row, rights as Frappe names them."""

    role: str
    permlevel: int = 0
    if_owner: bool = False
    rights: dict[str, bool] = field(default_factory=dict, compare=False, hash=False)

    def grants(self, right: str) -> bool:
        return bool(self.rights.get(right))


@dataclass(frozen=True)
class Meta:
    """The definition of one DocType as every layer above storage sees it."""

    name: str
    fields: tuple[FieldMeta, ...] = ()
    permissions: tuple[PermRule, ...] = ()
    module: str = "Custom"
    istable: bool = False
    issingle: bool = False
    is_submittable: bool = False
    autoname: str = ""
    title_field: str = ""
    search_fields: tuple[str, ...] = ()
    sort_field: str = "modified"
    sort_order: str = "DESC"
    allow_rename: bool = True
    # Which backend stores the documents: "generic" (JSON rows) or "orm" (a registered model).
    backend: str = "generic"
    # The whole definition as Frappe serialises a DocType document (v2 meta, /resource/DocType).
    properties: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # Standard fields this DocType has, when not all of them (a model may lack owner or modified).
    standard: tuple[str, ...] | None = None
    # "app_label.model_name" of the Django model behind an ORM-backed DocType.
    model_label: str = ""

    @cached_property
    def _by_name(self) -> dict[str, FieldMeta]:
        return {f.fieldname: f for f in self.fields if f.fieldname}

    def get_field(self, fieldname: str) -> FieldMeta | None:
        return self._by_name.get(fieldname)

    def has_field(self, fieldname: str) -> bool:
        return fieldname in self._by_name

    @cached_property
    def data_fields(self) -> tuple[FieldMeta, ...]:
        """Fields holding a value of their own, in form order."""
        return tuple(f for f in self.fields if f.fieldname and f.holds_value)

    @cached_property
    def table_fields(self) -> tuple[FieldMeta, ...]:
        return tuple(f for f in self.fields if f.fieldname and f.is_table)

    @property
    def standard_fields(self) -> tuple[str, ...]:
        if self.standard is not None:
            return self.standard
        if self.istable:
            return fieldtypes.STANDARD_FIELDS + fieldtypes.CHILD_STANDARD_FIELDS
        return fieldtypes.STANDARD_FIELDS

    @property
    def optional_fields(self) -> tuple[str, ...]:
        """Frappe's ``_comments``, ``_assign``, ... columns: on every DocType but child tables and Singles."""
        return () if self.istable or self.issingle else fieldtypes.OPTIONAL_FIELDS

    def fieldtype_of(self, fieldname: str) -> str | None:
        """Fieldtype of a data or standard field, ``None`` if the DocType has no such column."""
        if fieldname in fieldtypes.STANDARD_FIELD_TYPES and (
            fieldname in self.standard_fields
        ):
            return fieldtypes.STANDARD_FIELD_TYPES[fieldname]
        if fieldname in self.optional_fields:
            return "Text"
        found = self.get_field(fieldname)
        if found is not None and found.holds_value:
            return found.fieldtype
        return None

    @property
    def default_order_by(self) -> str:
        """``sort_field sort_order``; a sort_field with commas is a whole order clause already."""
        sort_field = (self.sort_field or "modified").strip()
        if "," in sort_field or " " in sort_field:
            return sort_field
        return f"{sort_field} {(self.sort_order or 'DESC').lower()}"


# Builders for metas not stored as DocType rows (registered ORM models, built-in DocTypes).
# The model registry adds its entries here; a builder returns None for names it does not own.
_extra_builders: list[Callable[[str], Meta | None]] = []


def register_meta_builder(builder: Callable[[str], Meta | None]) -> None:
    """Let another storage (e.g. the ORM registry) provide metas for the DocTypes it owns."""
    if builder not in _extra_builders:
        _extra_builders.append(builder)


def served_elsewhere(doctype: str) -> str | None:
    """What serves ``doctype`` when not a stored definition (a registered model, a built-in), else None."""
    for builder in _extra_builders:
        built = builder(doctype)
        if built is not None:
            if built.model_label:
                return f"the registered model {built.model_label}"
            return "a built-in DocType"
    return None


def _cache():
    return caches[api_settings.META_CACHE]


def get_meta(doctype: str) -> Meta:
    """The Meta of ``doctype``; ``DoesNotExistError`` ("DocType X not found") when unknown."""
    if not isinstance(doctype, str) or not doctype:
        raise exceptions.DoesNotExistError(f"DocType {doctype} not found", doctype="DocType")
    for builder in _extra_builders:
        built = builder(doctype)
        if built is not None:
            return built
    cache = _cache()
    seen = _pending.stamps  # the stamps this request has read, None outside a request
    stamp = seen.get(doctype) if seen is not None else None
    if stamp is None:
        stamp_key = _stamp_key(doctype)
        stamp = cache.get(stamp_key)
        if stamp is None:  # first read since a restart or an eviction of the stamp
            cache.add(stamp_key, secrets.token_hex(8), api_settings.META_CACHE_TIMEOUT)
            stamp = cache.get(stamp_key)
        if seen is not None and stamp is not None:
            seen[doctype] = stamp
    local = _process_metas.get(doctype)
    if stamp is not None and local is not None and local[0] == stamp:
        return local[1]
    key = _cache_key(doctype)
    entry = cache.get(key)
    if stamp is not None and isinstance(entry, tuple) and entry[0] == stamp:
        meta = entry[1]
    else:
        # Stored with the stamp read before the rows: if a change lands meanwhile, its new stamp refuses it.
        meta = build_meta_from_db(doctype)
        cache.set(key, (stamp, meta), api_settings.META_CACHE_TIMEOUT)
    if stamp is not None:
        # Kept under the stamp read before the meta: a change since then has replaced it already.
        _process_metas[doctype] = (stamp, meta)
    return meta


def keeping_meta(doctype: Any, name: Any, fieldname: str) -> Meta | None:
    """The Meta of a document named by a reference (``reference_doctype``/``reference_name`` of a Comment, a
    ToDo) when its DocType keeps the optional column ``fieldname`` (``_comments``, ``_assign``); ``None`` for
    an empty or unknown reference, a child table or a Single."""
    if not (isinstance(doctype, str) and doctype and name not in (None, "")):
        return None
    try:
        meta = get_meta(doctype)
    except exceptions.DoesNotExistError:
        return None
    return meta if fieldname in meta.optional_fields else None


def doctype_exists(doctype: str) -> bool:
    try:
        get_meta(doctype)
    except exceptions.DoesNotExistError:
        return False
    return True


def clear_meta_cache(doctype: str) -> None:
    """Drop a cached meta, in every process; called whenever a DocType, DocField or DocPerm row changes.

    Again when the transaction commits: a request may have cached the old rows meanwhile.
    """
    _drop(doctype)
    transaction.on_commit(lambda: _drop(doctype))
    if transaction.get_connection().in_atomic_block:
        _pending.changed.add(doctype)


def settle_pending(*, rolled_back: bool) -> None:
    """End of a request's transaction: a rolled-back DocType change may have left its uncommitted Meta in
    the caches (read again by the same request after the change), so drop it; a commit dropped it already."""
    changed = getattr(_pending, "changed", None)
    if not changed:
        return
    _pending.changed = set()
    if rolled_back:
        for doctype in changed:
            _drop(doctype)


def _drop(doctype: str) -> None:
    cache = _cache()
    cache.delete(_cache_key(doctype))
    cache.set(_stamp_key(doctype), secrets.token_hex(8), api_settings.META_CACHE_TIMEOUT)
    _process_metas.pop(doctype, None)
    if _pending.stamps is not None:
        _pending.stamps.pop(doctype, None)


def begin_request(**kwargs: Any) -> None:
    """``request_started``: a request reads each DocType's stamp once (a change it makes replaces it)."""
    _pending.stamps = {}


def end_request(**kwargs: Any) -> None:
    """``request_finished``: outside requests every ``get_meta`` reads the stamp."""
    _pending.stamps = None


def _cache_key(doctype: str) -> str:
    return CACHE_PREFIX + quote(doctype, safe="")


def _stamp_key(doctype: str) -> str:
    key = _stamp_keys.get(doctype)
    if key is None:
        key = _stamp_keys[doctype] = STAMP_PREFIX + quote(doctype, safe="")
    return key


_stamp_keys: dict[str, str] = {}  # quoting a name per request cost more than reading its stamp


class _Memos(threading.local):
    """Per thread: id(Meta) -> (weak reference to it, {namespace: dict}) (see ``memo``)."""

    def __init__(self) -> None:
        self.by_meta: dict[int, tuple[weakref.ref, dict[str, dict[Any, Any]]]] = {}


_memos = _Memos()
_MEMO_SIZE = 256


def memo(meta: Meta, namespace: str) -> dict[Any, Any]:
    """A dict kept with one Meta object for values computed from it alone (compiled statements, parsed
    ``fields``, rights per set of roles): a changed DocType is a new Meta, so its memos start empty and the old
    ones go with the old Meta. Per thread, and cleared when it holds ``_MEMO_SIZE`` entries."""
    entry = _memos.by_meta.get(id(meta))
    if entry is None or entry[0]() is not meta:
        for stale in [key for key, (ref, _) in _memos.by_meta.items() if ref() is None]:
            del _memos.by_meta[stale]
        entry = _memos.by_meta[id(meta)] = (weakref.ref(meta), {})
    found = entry[1].get(namespace)
    if found is None or len(found) >= _MEMO_SIZE:
        found = entry[1][namespace] = {}
    return found


# DocType name -> (stamp it was read under, Meta): the metas this process has read.
_process_metas: dict[str, tuple[str, Meta]] = {}


class _Pending(threading.local):
    """DocTypes changed inside this thread's open transaction (see ``settle_pending``), and the stamps read by
    this thread's current request (see ``begin_request``)."""

    def __init__(self) -> None:
        self.changed: set[str] = set()
        self.stamps: dict[str, str] | None = None


_pending = _Pending()


def build_meta_from_db(doctype: str) -> Meta:
    """Read one DocType with its fields and permissions (three queries)."""
    try:
        row = DocType.objects.prefetch_related("fields", "permissions").get(name=doctype)
    except DocType.DoesNotExist:
        raise exceptions.DoesNotExistError(f"DocType {doctype} not found", doctype="DocType") from None
    return meta_from_definition(doctype_as_dict(row), backend="generic")


def meta_from_definition(definition: dict[str, Any], *, backend: str) -> Meta:
    """Build a Meta from a DocType dict in Frappe's JSON shape."""
    fields = tuple(
        FieldMeta(
            fieldname=f.get("fieldname") or "",
            fieldtype=f.get("fieldtype") or "Data",
            label=f.get("label") or "",
            options=f.get("options") or "",
            default="" if f.get("default") is None else str(f.get("default")),
            reqd=bool(f.get("reqd")),
            unique=bool(f.get("unique")),
            read_only=bool(f.get("read_only")),
            hidden=bool(f.get("hidden")),
            permlevel=int(f.get("permlevel") or 0),
            in_list_view=bool(f.get("in_list_view")),
            no_copy=bool(f.get("no_copy")),
            allow_on_submit=bool(f.get("allow_on_submit")),
            set_only_once=bool(f.get("set_only_once")),
            non_negative=bool(f.get("non_negative")),
            length=int(f.get("length") or 0),
            fetch_from=f.get("fetch_from") or "",
            idx=int(f.get("idx") or i + 1),
            properties=dict(f),
        )
        for i, f in enumerate(definition.get("fields") or [])
    )
    permissions = tuple(
        PermRule(
            role=p.get("role") or "",
            permlevel=int(p.get("permlevel") or 0),
            if_owner=bool(p.get("if_owner")),
            rights={right: bool(p.get(right)) for right in PERMISSION_RIGHTS},
        )
        for p in definition.get("permissions") or []
    )
    search_fields = tuple(
        s.strip() for s in (definition.get("search_fields") or "").split(",") if s.strip()
    )
    return Meta(
        name=definition["name"],
        fields=fields,
        permissions=permissions,
        module=definition.get("module") or "Custom",
        istable=bool(definition.get("istable")),
        issingle=bool(definition.get("issingle")),
        is_submittable=bool(definition.get("is_submittable")),
        autoname=definition.get("autoname") or "",
        title_field=definition.get("title_field") or "",
        search_fields=search_fields,
        sort_field=definition.get("sort_field") or "modified",
        sort_order=(definition.get("sort_order") or "DESC").upper(),
        allow_rename=bool(definition.get("allow_rename", True)),
        backend=backend,
        properties=definition,
    )

