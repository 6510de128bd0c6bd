"""Link-field search of API v2: ``GET /api/v2/doctype/<doctype>/search?txt=`` (§6.11).

Usage::

    rows = search_link("ToDo", "call", user=request.user, filters={"status": "Open"}, start=0, limit=10)
    # [{"value": "3k9q0v1m2r", "description": "Call Bob"}, ...]

``txt`` matches ``name``, the title field and the search fields as a case-insensitive substring; disabled
records (an ``enabled`` Check at 0, a ``disabled`` Check at 1) are left out; names that start with ``txt``
come first. Title and search fields the caller may not read (permlevel) are neither matched nor shown.
Everything happens in SQL through ``document.get_list``: one count of the prefix matches and
at most two page queries, whatever the page size.

``query`` names a custom search function (Frappe's ``search_widget``): only a name the method
registry holds is called, never imported, with Frappe's positional arguments
``(doctype, txt, searchfield, start, page_len, filters)`` plus ``as_dict`` and ``reference_doctype``
when it takes them; its rows are shaped by ``autosuggest``. An unregistered name is the 417 an
unknown method gets::

    rows = run_custom_query("shop.queries.open_suppliers", meta, "ac", request=request, start=0, limit=10)
"""

from __future__ import annotations

from typing import Any

from . import document, exceptions, rpc
from .field_access import FieldAccess
from .filters import load_json_param
from .meta import Meta, get_meta
from .params import ListRequest

DEFAULT_LIMIT = 10
CACHE_CONTROL = "private,max-age=60,stale-while-revalidate=300"
# Fieldtypes a search matches `txt` against (frappe/desk/search.py).
SEARCHABLE_TYPES = frozenset({"Data", "Text", "Small Text", "Long Text", "Link", "Select", "Read Only",
                              "Text Editor", "Dynamic Link"})


def search_link(
    doctype: str, txt: str, *, user: Any, filters: Any = None, start: int = 0, limit: int = DEFAULT_LIMIT,
    reference_doctype: str | None = None, ignore_user_permissions: bool = False,
) -> list[dict[str, Any]]:
    """One page of ``{"value", "label"?, "description"}`` for a link field pointing at ``doctype``.

    ``reference_doctype`` (the DocType holding the searched field) picks the User Permissions that apply;
    ``ignore_user_permissions`` leaves them out only when a Link field of ``reference_doctype`` to ``doctype``
    is marked ``ignore_user_permissions``, as such a field may hold any value."""
    meta = get_meta(doctype)
    scope = {"reference_doctype": reference_doctype,
             "ignore_user_permissions": bool(ignore_user_permissions and reference_doctype and any(
                 field.fieldtype == "Link" and field.options == meta.name
                 and field.properties.get("ignore_user_permissions")
                 for field in get_meta(reference_doctype).data_fields))}
    txt = (txt or "").strip()
    base = base_filters(meta, filters)
    access = FieldAccess(user, meta)
    fields = [f for f in result_fields(meta) if access.can_read(meta, f)]
    if limit <= 0:
        return []
    if not txt:
        rows = _page(meta, user, fields, base, None, start, limit, scope)
        return autosuggest(meta, rows)
    prefix = [*base, [meta.name, "name", "like", f"{txt}%"]]
    others = [*base, [meta.name, "name", "not like", f"{txt}%"]]
    matching = [[meta.name, fieldname, "like", f"%{txt}%"] for fieldname in match_fields(meta)
                if access.can_read(meta, fieldname)]
    prefix_count = document.get_count(meta.name, ListRequest(filters=prefix, **scope), user=user)
    rows: list[list[Any]] = []
    if start < prefix_count:
        rows = _page(meta, user, fields, prefix, None, start, limit, scope)
    if len(rows) < limit:
        rest_start = max(start - prefix_count, 0)
        rows += _page(meta, user, fields, others, matching, rest_start, limit - len(rows), scope)
    return autosuggest(meta, rows)


def run_custom_query(
    name: str, meta: Meta, txt: str, *, request: Any, searchfield: str = "name", start: int = 0,
    limit: int = DEFAULT_LIMIT, filters: Any = None, reference_doctype: str | None = None,
    api_version: str = "v1",
) -> list[dict[str, Any]]:
    """The whitelisted search function ``name``'s rows for ``txt``, shaped like a link search.
    ``api_version`` words the error for an unregistered name as that version's method route does."""
    entry = rpc.resolve(name, request.user, None, api_version=api_version)
    if isinstance(filters, str) and filters.strip():
        filters = load_json_param(filters, "filters")
    optional = {"as_dict": False, "reference_doctype": reference_doctype}
    names = {parameter.name for parameter in entry.parameters}
    kwargs = {key: value for key, value in optional.items() if entry.accepts_kwargs or key in names}
    if entry.wants_request:
        kwargs["request"] = request
    rows = entry.func(meta.name, txt, searchfield, start, limit, filters or None, **kwargs) or []
    return autosuggest(meta, [list(row.values()) if isinstance(row, dict) else list(row) for row in rows])


def check_reference_doctype(reference_doctype: Any) -> str | None:
    """The DocType the searched link field sits on, which must exist (404 otherwise).

    It chooses which User Permissions apply to the search (``applicable_for``); the caller's own read (or
    select) right on the searched DocType is always required.
    """
    if reference_doctype in (None, ""):
        return None
    if not isinstance(reference_doctype, str):
        raise exceptions.ValidationError("'reference_doctype' must be a string")
    return get_meta(reference_doctype).name


def _page(meta: Meta, user: Any, fields: list[str], filters: list, or_filters: list | None, start: int,
          limit: int, scope: dict[str, Any]) -> list[list[Any]]:
    page = ListRequest(fields=fields, filters=filters, or_filters=or_filters, start=start, page_length=limit,
                       as_dict=False, **scope)
    rows = document.get_list(meta.name, page, user=user)
    return [list(row) for row in rows]


def base_filters(meta: Meta, filters: Any) -> list[list[Any]]:
    """The client's filters as a list, plus the exclusion of disabled records."""
    if isinstance(filters, str) and filters.strip():
        filters = load_json_param(filters, "filters")
    result: list[list[Any]] = []
    if isinstance(filters, dict):
        for key, value in filters.items():
            if isinstance(value, (list, tuple)) and len(value) == 2:
                result.append([meta.name, key, value[0], value[1]])
            else:
                result.append([meta.name, key, "=", value])
    elif isinstance(filters, list):
        result.extend(filters)
    elif filters not in (None, ""):
        raise exceptions.FrappeValueError("'filters' must be a list or dictionary")
    enabled, disabled = meta.get_field("enabled"), meta.get_field("disabled")
    if enabled is not None and enabled.fieldtype == "Check":
        result.append([meta.name, "enabled", "=", 1])
    if disabled is not None and disabled.fieldtype == "Check":
        result.append([meta.name, "disabled", "!=", 1])
    return result


def match_fields(meta: Meta) -> list[str]:
    """``name``, the title field and the search fields that hold text."""
    names = ["name"]
    for fieldname in (meta.title_field, *meta.search_fields):
        field = meta.get_field(fieldname) if fieldname else None
        if field is not None and field.fieldtype in SEARCHABLE_TYPES and fieldname not in names:
            names.append(fieldname)
    return names


def result_fields(meta: Meta) -> list[str]:
    """Selected columns: ``name``, then the title field, then the search fields."""
    names = ["name"]
    for fieldname in (meta.title_field, *meta.search_fields):
        if fieldname and fieldname not in names and meta.fieldtype_of(fieldname) is not None:
            names.append(fieldname)
    return names


def autosuggest(meta: Meta, rows: list[list[Any]]) -> list[dict[str, Any]]:
    """Frappe's ``build_for_autosuggest``: ``label`` is the title when the DocType shows titles in links,
    ``description`` the other distinct non-empty values, comma-joined."""
    show_title = bool(meta.title_field and meta.properties.get("show_title_field_in_link"))
    results = []
    for row in rows:
        value = row[0]
        if show_title:
            label = row[1] if len(row) > 1 and row[1] not in (None, "") else value
            rest = [value, *[v for v in row[2:] if v != label]]
            results.append({"value": value, "label": label, "description": _describe(rest)})
        else:
            results.append({"value": value, "description": _describe(row[1:])})
    return results


def _describe(values: list[Any]) -> str:
    seen: list[str] = []
    for value in values:
        text = "" if value is None else str(value)
        if text and text not in seen:
            seen.append(text)
    return ", ".join(seen)
