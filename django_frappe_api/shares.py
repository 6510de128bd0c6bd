"""Documents shared with a user (Frappe's DocShare): read, write, share or submit on one document, without a role.

Usage::

    shared_rights("ToDo", "3k9q0v1m2r", user)           # frozenset({"read", "write"}): this document's rights
    has_any_share("ToDo", user, "read")                  # one shared document at least (the DocType-level check)
    shared_names_query("ToDo", user)                     # a subquery of the names, for a list's one SQL query

As ``frappe/share.py`` reads them: the user's own rows and the rows shared with ``everyone`` (not for Guest);
``print`` and ``email`` follow ``read``; other rights cannot be shared. Only a DocType-level or document-level
question that roles already refused asks the database, so callers with role access pay nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.fields.json import KT

from .models import Document

DOCTYPE = "DocShare"
SHAREABLE = ("read", "write", "share", "submit")


def share_right(right: str) -> str | None:
    """The DocShare column that grants ``right``; ``None`` when it cannot be shared."""
    if right in ("print", "email", "select"):
        return "read"
    return right if right in SHAREABLE else None


def _uid(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "Guest"
    return user.get_username()


def _rows(doctype: str, user: Any, column: str) -> QuerySet:
    uid = _uid(user)
    whom = Q(data__user=uid)
    if uid != "Guest":
        whom |= Q(data__everyone=1)
    return Document.objects.filter(whom, doctype_id=DOCTYPE, data__share_doctype=doctype, **{f"data__{column}": 1})


def shared_rights(doctype: str, name: Any, user: Any) -> frozenset[str]:
    """Every right the document is shared with for the user (or everyone), in one query."""
    if name in (None, ""):
        return frozenset()
    uid = _uid(user)
    whom = Q(data__user=uid) | Q(data__everyone=1) if uid != "Guest" else Q(data__user=uid)
    rows = Document.objects.filter(whom, doctype_id=DOCTYPE, data__share_doctype=doctype,
                                   data__share_name=str(name)).values_list("data", flat=True)
    return frozenset(right for data in rows for right in SHAREABLE if (data or {}).get(right))


def has_any_share(doctype: str, user: Any, right: str) -> bool:
    """Whether at least one document of ``doctype`` is shared with the user with ``right``."""
    column = share_right(right)
    return column is not None and _rows(doctype, user, column).exists()


def shared_names_query(doctype: str, user: Any) -> QuerySet:
    """The names of the documents shared with the user for reading, as a subquery of one column."""
    return _rows(doctype, user, "read").annotate(_share_name=KT("data__share_name")).values("_share_name")


def share_row(doctype: str, name: Any, uid: str | None, everyone: bool) -> Document | None:
    """The DocShare row of this document for the user id ``uid`` (or its ``everyone`` row)."""
    rows = Document.objects.filter(doctype_id=DOCTYPE, data__share_doctype=doctype, data__share_name=str(name))
    rows = rows.filter(data__everyone=1) if everyone else rows.filter(data__user=uid)
    return rows.order_by("creation", "id").first()
