"""Checking a DocType definition in Frappe's JSON shape: every problem found, not only the first.

Usage::

    from django_frappe_api.definition_checks import check_definition
    cleaned, problems = check_definition(data, known_doctypes={"Customer"}, from_file=True)
    # problems == [] -> cleaned is ready to store; otherwise cleaned may be None

``definitions.validate_definition`` raises the first problem (REST, admin); the sync command reports
them all, file by file. Wrong JSON types (a dict where a string belongs, a string where ``fields``
belongs, a non-integer ``permlevel``) are problems like any other, never a ``TypeError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from . import fieldtypes, formats
from .doctype_rows import DOCFIELD_COLUMNS, DOCPERM_COLUMNS, DOCTYPE_COLUMNS, DOCUMENT_KEYS
from .meta import doctype_exists, served_elsewhere
from .models import DocField, DocType

# Names the app serves itself; a definition may not take them.
BUILTIN_DOCTYPES = frozenset({"DocType", "DocField", "DocPerm"})
# Link targets that are not stored definitions but are served all the same (Frappe's Dynamic Link
# pattern: ``party_type`` Link to DocType, ``party`` Dynamic Link naming it).
BUILTIN_LINK_TARGETS = frozenset({"DocType"})
_LIST_PROPERTIES = ("actions", "links", "states")
_JSON_TYPES = {dict: "an object", list: "a list", str: "text", bool: "a boolean", int: "a number", float: "a number"}


def check_definition(
    data: Any, *, known_doctypes: Iterable[str] = (), from_file: bool = False
) -> tuple[dict[str, Any] | None, list[str]]:
    """The definition cleaned (fields numbered, flags as 0/1) and the list of its problems."""
    if not isinstance(data, dict):
        return None, ["DocType definition must be a JSON object"]
    problems: list[str] = []
    name = data.get("name")
    if not isinstance(name, str) or not formats.DOCTYPE_NAME_RE.match(name.strip()):
        problems.append(
            f"DocType name {name!r} is invalid: use letters, numbers, spaces, '-' or '_', "
            "starting with a letter (at most 140 characters)"
        )
        name = ""
    name = name.strip()
    if name in BUILTIN_DOCTYPES:
        problems.append(f"DocType {name} is reserved")
    elif name and (owner := served_elsewhere(name)):
        problems.append(f"DocType {name} is already served by {owner}; a definition may not replace it")
    known = set(known_doctypes) | {name}

    fields = data.get("fields") or []
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        problems.append("fields must be a list of objects")
        fields = []
    permissions = data.get("permissions") or []
    if not isinstance(permissions, list) or not all(isinstance(p, dict) for p in permissions):
        problems.append("permissions must be a list of objects")
        permissions = []
    for key in _LIST_PROPERTIES:
        if data.get(key) is not None and not isinstance(data[key], list):
            problems.append(f"{key} must be a list")

    cleaned = {k: v for k, v in data.items() if k not in DOCUMENT_KEYS and k not in ("fields", "permissions")}
    cleaned["name"] = name
    _check_column_types(DocType, DOCTYPE_COLUMNS, cleaned, "", problems)
    for flag in ("custom", "istable", "issingle", "is_submittable", "is_tree", "allow_rename"):
        if flag in cleaned:
            cleaned[flag] = 1 if fieldtypes.cint(cleaned[flag]) else 0

    cleaned_fields = [_clean_field(f, i + 1, problems) for i, f in enumerate(fields)]
    seen: dict[str, int] = {}
    for f in cleaned_fields:
        fieldname, row = f.get("fieldname"), f["idx"]
        if not fieldname or not isinstance(fieldname, str):
            continue
        if fieldname in seen:
            problems.append(f"Fieldname {fieldname} appears multiple times in rows {seen[fieldname]}, {row}")
            continue
        seen[fieldname] = row

    def target_exists(target: str) -> bool:
        return target in known or target in BUILTIN_LINK_TARGETS or doctype_exists(target)

    for f in cleaned_fields:
        _check_field_options(f, seen, target_exists, problems)
    cleaned["fields"] = cleaned_fields
    if from_file:
        for flag in ("custom", "allow_rename"):
            cleaned.setdefault(flag, 0)
    cleaned["permissions"] = [_clean_permission(p, i + 1, from_file, problems) for i, p in enumerate(permissions)]
    _check_doctype_properties(cleaned, seen, problems)
    return (None if problems else cleaned), problems


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _check_column_types(model, columns: Iterable[str], values: dict[str, Any], where: str,
                        problems: list[str]) -> None:
    """Values of stored columns must have the column's JSON type; bad ones are reported and dropped."""
    for column in columns:
        if column not in values or values[column] is None:
            continue
        value = values[column]
        internal = model._meta.get_field(column).get_internal_type()
        if internal in ("CharField", "TextField"):
            ok = isinstance(value, (str, int, float))
            expected = "text"
        else:
            ok = _is_integer(value)
            expected = "an integer"
        if not ok:
            problems.append(f"{column}{where} must be {expected}, not {_json_type(value)}")
            del values[column]


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, str):
        return value.strip() == "" or re.fullmatch(r"-?[0-9]+", value.strip()) is not None
    return False


def _clean_field(field: dict[str, Any], idx: int, problems: list[str]) -> dict[str, Any]:
    cleaned = {k: v for k, v in field.items() if k not in DOCUMENT_KEYS}
    cleaned["idx"] = idx
    _check_column_types(DocField, DOCFIELD_COLUMNS, cleaned, f" in row {idx}", problems)
    fieldtype = cleaned.get("fieldtype") or "Data"
    cleaned["fieldtype"] = fieldtype = str(fieldtype)
    if fieldtype not in fieldtypes.ALL_TYPES:
        problems.append(f"Fieldtype {fieldtype} in row {idx} is not valid")
    fieldname = cleaned.get("fieldname") or ""
    if not isinstance(fieldname, str):
        problems.append(f"Fieldname in row {idx} must be a string")
        fieldname = ""
    cleaned["fieldname"] = fieldname = fieldname.strip()
    if not fieldname and fieldtype not in fieldtypes.LAYOUT_TYPES:
        problems.append(f"Fieldname is required in row {idx}")
    if fieldname:
        if not formats.FIELDNAME_RE.match(fieldname):
            problems.append(f"Fieldname {fieldname} can only have letters, numbers and underscores (row {idx})")
        elif fieldname.lower() in fieldtypes.RESERVED_FIELDNAMES:
            problems.append(f"Fieldname {fieldname} is restricted (row {idx})")
    for flag in ("reqd", "unique", "read_only", "hidden", "in_list_view", "no_copy", "allow_on_submit",
                 "set_only_once", "non_negative", "search_index", "in_standard_filter", "bold"):
        if flag in cleaned:
            cleaned[flag] = 1 if fieldtypes.cint(cleaned[flag]) else 0
    for number in ("permlevel", "length"):
        if number in cleaned:
            cleaned[number] = max(fieldtypes.cint(cleaned[number]), 0)
    return cleaned


def _check_field_options(field: dict[str, Any], fieldnames: dict[str, int], target_exists: Callable[[str], bool],
                         problems: list[str]) -> None:
    # A Select without options is allowed, as in Frappe: the options are set at run time.
    fieldtype, options, label = field["fieldtype"], str(field.get("options") or "").strip(), _label(field)
    if fieldtype in ("Link", "Table", "Table MultiSelect"):
        if not options:
            problems.append(f"Options are required for {fieldtype} field {label}")
        elif not target_exists(options):
            problems.append(f"Options must be a valid DocType for field {label} in row {field['idx']}")
    if fieldtype == "Dynamic Link" and options not in fieldnames:
        problems.append(f"Options for Dynamic Link field {label} must name a field holding the DocType")


def _clean_permission(permission: dict[str, Any], idx: int, from_file: bool, problems: list[str]) -> dict[str, Any]:
    role = permission.get("role")
    if not isinstance(role, str) or not role.strip():
        problems.append(f"Role is required in permission row {idx}")
        role = ""
    cleaned = {k: v for k, v in permission.items() if k not in DOCUMENT_KEYS}
    cleaned["role"] = role.strip()
    cleaned["idx"] = idx
    defaults = {} if from_file else {"read": 1, "write": 1, "create": 1, "delete": 1, "report": 1, "export": 1,
                                      "share": 1, "print": 1, "email": 1}
    for right in DOCPERM_COLUMNS:
        if right == "role":
            continue
        value = cleaned.get(right, 0 if right == "permlevel" else defaults.get(right, 0))
        if value is not None and not _is_integer(value):
            problems.append(f"{right} in permission row {idx} must be an integer, not {_json_type(value)}")
            value = 0
        if right == "permlevel":
            cleaned[right] = max(fieldtypes.cint(value), 0)
        else:
            cleaned[right] = 1 if fieldtypes.cint(value) else 0
    return cleaned


def _check_doctype_properties(cleaned: dict[str, Any], fieldnames: dict[str, int], problems: list[str]) -> None:
    autoname = str(cleaned.get("autoname") or "").strip()
    if autoname.lower().startswith("field:"):
        target = autoname.split(":", 1)[1].strip()
        if target not in fieldnames:
            problems.append(f"Invalid fieldname '{target}' in autoname")
    title_field = cleaned.get("title_field")
    if title_field and title_field not in fieldnames and title_field != "name":
        problems.append(f"Title field must be a valid fieldname: {title_field}")
    for search_field in str(cleaned.get("search_fields") or "").split(","):
        search_field = search_field.strip()
        if search_field and search_field not in fieldnames and search_field != "name":
            problems.append(f"Search field {search_field} is not valid")
    sort_order = str(cleaned.get("sort_order") or "DESC").upper()
    if sort_order not in ("ASC", "DESC"):
        problems.append("Sort order must be ASC or DESC")
    cleaned["sort_order"] = sort_order


def _label(field: dict[str, Any]) -> str:
    return str(field.get("label") or field.get("fieldname") or field.get("fieldtype"))


def link_targets(definition: dict[str, Any]) -> set[str]:
    """DocTypes the Link and Table fields of a (raw) definition point to."""
    targets = set()
    for field in definition.get("fields") or []:
        if isinstance(field, dict) and field.get("fieldtype") in ("Link", "Table", "Table MultiSelect"):
            options = field.get("options")
            if isinstance(options, str) and options.strip():
                targets.add(options.strip())
    return targets
