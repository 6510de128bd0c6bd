"""The row condition of a list: Frappe's match conditions (``DatabaseQuery.build_match_conditions``) as one ``Q``.

Usage::

    condition = row_condition(meta, user)          # None: every row; else a Q the list and count both filter by
    backend.get_list(query, condition)

What Frappe puts in the WHERE clause, in the same single SQL query as the filters:

* roles granting read or select only through ``if_owner`` rows: ``owner = <user>``;
* otherwise User Permissions: for ``name`` and every Link field whose target the user has rows for (and that is
  not ``ignore_user_permissions``), the value is one of the allowed ones or empty (unless
  ``APPLY_STRICT_USER_PERMISSIONS``), all AND-ed;
* when either restricts the list, the documents shared with the user are OR-ed back in, as a subquery on
  DocShare; without any role read, the list is the shared documents alone.

The columns are the backend's own (a JSON key of a generic document, a model's column or foreign key), so the
condition works for JSON DocTypes and registered models alike.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, In, IsNull

from . import permissions, shares, user_permissions
from .backends.aliases import Aliases, Deferred
from .backends.base import DocumentBackend, get_backend
from .conf import api_settings
from .field_refs import FieldRef
from .meta import Meta


def row_condition(meta: Meta, user: Any, backend: DocumentBackend | None = None, *,
                  reference_doctype: str | None = None, ignore_user_permissions: bool = False) -> Q | None:
    """The rows of ``meta`` the user may list (``None``: all of them). Call after the DocType-level read check.

    ``reference_doctype`` is the DocType of a searched Link field: rows ``applicable_for`` it narrow ``name``.
    ``ignore_user_permissions`` (a link search from a field marked so) leaves User Permissions out."""
    backend = backend or get_backend(meta)
    constrained = permissions.owner_constrained(meta, user)
    restriction: Q | None = None
    if constrained:
        owner = backend.owner_lookup(meta)
        restriction = Q(**{owner: permissions.user_id(user)}) if owner else Q(pk__in=[])
    elif constrained is False:
        restriction = None if ignore_user_permissions else _user_permission_condition(
            meta, user, backend, reference_doctype)
        if restriction is None:
            return None
    self_name = permissions.self_shared_name(meta, user)
    if self_name is not None:
        own = Q(**{backend.name_lookup(meta): self_name})
        restriction = own if restriction is None else restriction | own
    shared = Q(In(_name_column(meta, backend), shares.shared_names_query(meta.name, user)))
    return shared if restriction is None else restriction | shared


def _user_permission_condition(meta: Meta, user: Any, backend: DocumentBackend, reference_doctype: str | None,
                               ) -> Q | None:
    condition: Q | None = None
    for fieldname, allowed in user_permissions.restricted_fields(meta, user, reference_doctype):
        column = _column(meta, backend, fieldname)
        field = Q(In(column, allowed))
        if fieldname != "name" and not api_settings.APPLY_STRICT_USER_PERMISSIONS:  # an empty Link stays visible
            field |= Q(IsNull(column, True))
            if meta.backend == "generic":
                field |= Q(Exact(column, ""))
        condition = field if condition is None else condition & field
    return condition


def _column(meta: Meta, backend: DocumentBackend, fieldname: str) -> Any:
    """The SQL expression of a field as the backend's list query reads it."""
    resolve = getattr(backend, "column", None)
    if resolve is None:
        return F(fieldname)
    aliases = Aliases(meta)
    fieldtype = "Data" if fieldname == "name" else meta.get_field(fieldname).fieldtype
    column = resolve(aliases, FieldRef(fieldname, fieldtype))
    expression = aliases.expressions.get(column.lookup)
    if expression is None:
        return F(column.lookup)
    return expression.build() if isinstance(expression, Deferred) else expression


def _name_column(meta: Meta, backend: DocumentBackend) -> Any:
    """``name`` compared as text with DocShare's ``share_name`` (a model's key may be a number)."""
    column = F(backend.name_lookup(meta))
    return column if meta.backend == "generic" else Cast(column, TextField())
