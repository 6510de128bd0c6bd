"""The storage contract every backend fulfils, so views cannot tell JSON rows from ORM models.

Usage::

    backend = get_backend(meta)
    rows = backend.get_list(query, row_condition)

Documents cross this boundary as plain dicts in *stored* form (see ``fieldtypes``): standard fields
(``name``, ``owner``, ``creation`` as a datetime, ...), data fields, and each Table field as a list
of child dicts. Validation, naming and permissions happen above, in the document layer (``document/``).

``get_backend`` is a lookup by ``Meta.backend`` that the storages fill (``register_backend``, called from
``AppConfig.ready()`` for "generic" and "orm"), not an import of them: the storages import this module
(``sql`` links through ``get_backend``), so this one imports no storage and the graph stays acyclic.

A backend may instead answer whole requests (``WholeRequestBackend``): DocType itself, whose documents are
definitions with their own query grammar and rights. ``whole_request_backend`` finds it for the document
layer's list, read, insert, update and delete; ``get_meta`` does not know its Meta, so everything else
(counts, v2 meta, search, Link checks) answers for such a DocType as for any unknown one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, Protocol

from django.db.models import Q

from .. import exceptions
from ..meta import Meta
from ..params import ListRequest
from ..query import ListQuery


class DocumentBackend(Protocol):
    """What the document layer needs from a storage (after Frappe's ``VirtualDoctype`` contract)."""

    def get_list(self, query: ListQuery, row_condition: Q | None) -> list[Any]:
        """Rows of a list request, as dicts (or lists when ``query.as_dict`` is false)."""

    def get_count(self, query: ListQuery, row_condition: Q | None, *, distinct: bool = False,
                  limit: int | None = None, timeout_ms: int | None = None) -> int | None:
        """Number of rows matching the query's conditions, at most ``limit``; ``None`` when counting took
        longer than ``timeout_ms`` (no limit when ``None``)."""

    def get_keyset_page(self, query: ListQuery, row_condition: Q | None, limit: int | None,
                        ) -> tuple[list[Any], list[Any] | None]:
        """``get_list`` of a keyset (cursor) query, and the sort values then ``name`` of row ``limit - 1`` when
        the page holds more than ``limit`` rows (its ``next_cursor``; ``None`` otherwise)."""

    def get_doc(self, meta: Meta, name: Any, *, for_update: bool = False) -> dict[str, Any] | None:
        """One document with its child rows, or ``None``."""

    def exists(self, meta: Meta, name: Any) -> bool: ...

    def owner_lookup(self, meta: Meta) -> str | None:
        """The lookup holding ``owner`` in ``row_condition`` (if_owner permissions); ``None`` when there is none."""

    def name_lookup(self, meta: Meta) -> str:
        """The lookup holding ``name`` in ``row_condition`` (documents shared with their own user)."""

    def value_exists(self, meta: Meta, fieldname: str, value: Any, *, exclude_name: Any = None) -> bool:
        """Whether another document holds ``value`` in ``fieldname`` (unique checks)."""

    def insert(self, meta: Meta, doc: dict[str, Any]) -> None: ...

    def update(self, meta: Meta, doc: dict[str, Any], *, tables: tuple[str, ...]) -> None:
        """Store ``doc``; only the Table fields named in ``tables`` have their rows replaced."""

    def delete(self, meta: Meta, name: Any) -> None: ...

    def get_optional(self, meta: Meta, name: Any, fieldname: str) -> Any:
        """One of Frappe's optional columns (``_comments``, ``_assign``, ...); ``None`` when unset."""

    def set_optional(self, meta: Meta, name: Any, fieldname: str, value: Any) -> None:
        """Write an optional column without changing ``modified``; a storage without it keeps nothing."""

    def linked_row(self, meta: Meta, fieldname: str, value: Any, *, submitted_only: bool,
                   exclude_parent: tuple[str, str]) -> dict[str, Any] | None:
        """The first document or child row whose ``fieldname`` holds ``value``, as ``name``, ``parent``,
        ``parenttype``: a cancelled one never counts, and with ``submitted_only`` only a submitted one does;
        the child rows of ``exclude_parent`` (DocType, name) are left out. Deletes and cancels ask this."""

    def rename(self, meta: Meta, old: Any, new: Any) -> None:
        """Give the document ``old`` the key ``new``; its child rows follow. ``modified`` is unchanged."""

    def replace_link(self, meta: Meta, fieldname: str, old: Any, new: Any, *, type_field: str | None = None,
                     type_value: str | None = None) -> None:
        """Rewrite ``fieldname`` from ``old`` to ``new`` in every document of ``meta`` (for a Dynamic Link,
        only those whose ``type_field`` holds ``type_value``), without changing ``modified``. Renames ask this."""


class WholeRequestBackend(Protocol):
    """A storage that checks rights and reads the request itself; the document layer only hands it over."""

    def serve_list(self, request: ListRequest, *, user: Any) -> list[Any]: ...

    def serve_get(self, name: Any, *, user: Any) -> dict[str, Any]: ...

    def serve_insert(self, values: dict[str, Any], *, user: Any) -> dict[str, Any]: ...

    def serve_update(self, name: Any, values: dict[str, Any], *, user: Any) -> dict[str, Any]: ...

    def serve_delete(self, name: Any, *, user: Any) -> None: ...


class ParentRowsBackend:
    """A child DocType whose rows live inside another backend's documents (``Has Role`` in ``User``).

    Read directly, as Frappe reads a child DocType by name, nothing is found (404 after the permission
    checks, 403 without a parent); rows change only through their parent document. Lists of the rows (with a
    parent, or nested in the parent's list) are refused rather than answered empty: an empty list would say
    "no roles", which is false.
    """

    def get_list(self, query: ListQuery, row_condition: Q | None) -> list[Any]:
        self._refuse_list(query.meta)

    def get_count(self, query: ListQuery, row_condition: Q | None, *, distinct: bool = False,
                  limit: int | None = None, timeout_ms: int | None = None) -> int | None:
        self._refuse_list(query.meta)

    def get_keyset_page(self, query: ListQuery, row_condition: Q | None, limit: int | None,
                        ) -> tuple[list[Any], list[Any] | None]:
        self._refuse_list(query.meta)

    def get_doc(self, meta: Meta, name: Any, *, for_update: bool = False) -> dict[str, Any] | None:
        return None

    def exists(self, meta: Meta, name: Any) -> bool:
        return False

    def value_exists(self, meta: Meta, fieldname: str, value: Any, *, exclude_name: Any = None) -> bool:
        return False

    def owner_lookup(self, meta: Meta) -> str | None:
        return None

    def name_lookup(self, meta: Meta) -> str:
        return "name"

    def insert(self, meta: Meta, doc: dict[str, Any]) -> None:
        self._refuse(meta)

    def update(self, meta: Meta, doc: dict[str, Any], *, tables: tuple[str, ...]) -> None:
        self._refuse(meta)

    def delete(self, meta: Meta, name: Any) -> None:
        self._refuse(meta)

    def get_optional(self, meta: Meta, name: Any, fieldname: str) -> Any:
        return None

    def set_optional(self, meta: Meta, name: Any, fieldname: str, value: Any) -> None:
        return None  # a row read only with its parent keeps no optional columns

    def linked_row(self, meta: Meta, fieldname: str, value: Any, *, submitted_only: bool,
                   exclude_parent: tuple[str, str]) -> dict[str, Any] | None:
        return None

    def rename(self, meta: Meta, old: Any, new: Any) -> None:
        self._refuse(meta)

    def replace_link(self, meta: Meta, fieldname: str, old: Any, new: Any, *, type_field: str | None = None,
                     type_value: str | None = None) -> None:
        return None  # no rows of its own: they are read and written with their parent

    @staticmethod
    def _refuse_list(meta: Meta) -> NoReturn:
        raise exceptions.DataError(f"{meta.name} rows are read with their parent document, not listed")

    @staticmethod
    def _refuse(meta: Meta) -> None:
        raise exceptions.PermissionError(f"{meta.name} rows are changed through their parent document")


parent_rows_backend = ParentRowsBackend()


# Meta.backend -> the backend storing those documents ("virtual": child rows inside a parent document;
# "doctype": definitions, a WholeRequestBackend).
_resolvers: dict[str, Callable[[Meta], DocumentBackend]] = {"virtual": lambda meta: parent_rows_backend}


def register_backend(kind: str, resolver: Callable[[Meta], DocumentBackend]) -> None:
    """Serve every ``Meta`` whose ``backend`` is ``kind`` with ``resolver(meta)``."""
    _resolvers[kind] = resolver


# DocType name -> its Meta, for DocTypes served by a WholeRequestBackend (filled in AppConfig.ready()).
_whole_request_metas: dict[str, Meta] = {}


def register_whole_request_meta(meta: Meta) -> None:
    """Serve the document layer's requests for ``meta.name`` whole by ``get_backend(meta)``."""
    _whole_request_metas[meta.name] = meta


def whole_request_backend(doctype: Any) -> WholeRequestBackend | None:
    """The backend answering whole requests for ``doctype``; ``None`` when the document layer runs its steps."""
    meta = _whole_request_metas.get(doctype) if isinstance(doctype, str) else None
    return None if meta is None else get_backend(meta)  # type: ignore[return-value]


def get_backend(meta: Meta) -> DocumentBackend:
    """The backend storing documents of ``meta``."""
    try:
        resolver = _resolvers[meta.backend]
    except KeyError:
        raise exceptions.NotRegistered(f"No backend stores {meta.backend!r} DocTypes ({meta.name})") from None
    return resolver(meta)
