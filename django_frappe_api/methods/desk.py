"""Desk helpers that Frappe UIs and SDKs call: form load/save, report view, link search, ``run_doc_method``.

Usage::

    GET  /api/method/frappe.desk.form.load.getdoc?doctype=ToDo&name=3k9q0v1m2r   -> {"docs": [...], "docinfo": {...}}
    POST /api/method/frappe.desk.form.save.savedocs  doc=<JSON>&action=Save      -> {"docs": [...], ...}
    GET  /api/method/frappe.desk.search.search_link?doctype=ToDo&txt=call        -> {"message": [{"value": ...}]}

These answer partly through top-level keys (``docs``, ``docinfo``) set with ``django_frappe_api.response``,
as Frappe's handlers write into ``frappe.response``. Permissions are checked by the document layer.
"""

from __future__ import annotations

from typing import Any

from .. import document, document_methods, exceptions, fieldtypes, report_view, response, search
from ..field_access import FieldAccess
from ..filters import load_json_param
from ..messages import collected, msgprint
from ..meta import Meta, get_meta
from ..params import ListRequest
from ..registry import whitelist
from ..serialization import doc_as_dict, strip_nulls

SAVE_ACTIONS = {"Save": 0, "Submit": 1, "Update": 1, "Cancel": 2}


# -- form load / save ------------------------------------------------------------------------------


VERSIONS_IN_DOCINFO = 10  # Frappe's frappe.desk.form.load.get_versions limit


def get_versions(meta: Meta, name: Any) -> list[dict[str, Any]]:
    """The newest Version records of one document (``name, owner, creation, data``), newest first."""
    try:
        return document.get_all(
            "Version",
            fields=["name", "owner", "creation", "data"],
            filters={"ref_doctype": meta.name, "docname": str(name)},
            order_by="creation desc",
            limit=VERSIONS_IN_DOCINFO,
        )
    except exceptions.DoesNotExistError:  # the host removed the built-in DocType
        return []


def get_docinfo(meta: Meta, doc: dict[str, Any], user: Any) -> dict[str, Any]:
    """The sidebar data of a form: attachments, comments and the caller's rights on the document.

    ``versions`` are the newest ``VERSIONS_IN_DOCINFO`` Version records of the document, as Frappe's
    ``get_versions`` answers them. Frappe's other keys are present with empty values (this app keeps no
    shares, assignments or view logs), so desk code reading them finds the types it expects.
    """
    name = doc["name"]
    comments = document.get_all(
        "Comment",
        fields=["name", "creation", "content", "owner", "comment_type"],
        filters={"reference_doctype": meta.name, "reference_name": name},
        order_by="creation asc",
    )
    attachments = document.get_all(
        "File",
        fields=["name", "file_name", "file_url", "is_private"],
        filters={"attached_to_doctype": meta.name, "attached_to_name": name},
        order_by="creation asc",
    )
    by_type: dict[str, list[dict[str, Any]]] = {}
    groups = {
        "Comment": "comments", "Shared": "shared", "Unshared": "shared", "Assigned": "assignment_logs",
        "Assignment Completed": "assignment_logs", "Attachment": "attachment_logs",
        "Attachment Removed": "attachment_logs", "Info": "info_logs", "Edit": "info_logs", "Label": "info_logs",
        "Like": "like_logs", "Workflow": "workflow_logs",
    }  # fmt: skip
    for comment in comments:
        group = groups.get(comment["comment_type"])
        if group:
            by_type.setdefault(group, []).append(comment)
    return {
        "user_info": {},
        "comments": by_type.get("comments", []),
        "shared": by_type.get("shared", []),
        "assignment_logs": by_type.get("assignment_logs", []),
        "attachment_logs": by_type.get("attachment_logs", []),
        "info_logs": by_type.get("info_logs", []),
        "like_logs": by_type.get("like_logs", []),
        "workflow_logs": by_type.get("workflow_logs", []),
        "doctype": meta.name,
        "name": name,
        "attachments": attachments,
        "communications": [],
        "automated_messages": [],
        "total_comments": len(by_type.get("comments", [])),
        "versions": get_versions(meta, name),
        "assignments": [],
        "permissions": document.get_doc_permissions(meta.name, name, user=user),
        "views": [],
        "energy_point_logs": [],
        "additional_timeline_content": [],
        "milestones": [],
        "is_document_followed": False,
        "tags": "",
        "document_email": None,
    }


@whitelist(name="frappe.desk.form.load.getdoc")
def getdoc(request: Any, doctype: str, name: Any, user: Any = None) -> Any:
    """The document without nulls in ``docs`` and its ``docinfo``; ``[]`` when it does not exist."""
    if not (doctype and name):
        raise exceptions.ValidationError("doctype and name required!")
    meta = get_meta(doctype)
    try:
        doc = document.get_doc(meta.name, name, user=request.user, nulls=False)
    except exceptions.DoesNotExistError:
        return []
    except exceptions.PermissionError as error:
        denial = f"Insufficient Permission for <strong>{doctype} {name}</strong>"
        raise exceptions.PermissionError(error.message, title=error.title, error_message=denial) from None
    response.set_key("docinfo", get_docinfo(meta, doc, request.user))
    response.add_docs([doc])
    return None


def _send_updated(meta: Meta, doc: dict[str, Any], user: Any, localname: Any = None) -> None:
    response.set_key("docinfo", get_docinfo(meta, doc, user))
    if localname:
        doc = {**doc, "localname": localname}
    response.add_docs([doc])


@whitelist(name="frappe.desk.form.save.savedocs", methods=["POST", "PUT"])
def savedocs(request: Any, doc: Any, action: str) -> None:
    """Save, submit, update or cancel a whole document as the desk form sends it (``__islocal`` for new)."""
    values = load_json_param(doc, "doc")
    if not isinstance(values, dict):
        raise exceptions.ValidationError("Invalid request arguments")
    if action not in SAVE_ACTIONS:
        raise exceptions.ValidationError(f"Invalid action {action}")
    values = dict(values)
    localname = None
    if values.get("__islocal"):
        localname = values.pop("name", None)  # the desk's temporary "new-todo-1"
        if values.get("__newname"):
            values["name"] = values["__newname"]
    values["docstatus"] = SAVE_ACTIONS[action]
    try:
        saved = document.save_doc(values, user=request.user)
    except Exception as error:
        if not collected() and not getattr(error, "message", None):
            msgprint("Did not save")
        raise
    _send_updated(get_meta(saved["doctype"]), saved, request.user, localname)
    msgprint("Saved", indicator="green", alert=True)


@whitelist(name="frappe.desk.form.save.cancel", methods=["POST", "PUT"])
def cancel(
    request: Any, doctype: str, name: Any, workflow_state_fieldname: Any = None, workflow_state: Any = None
) -> None:
    """Cancel a submitted document; it comes back in ``docs``."""
    values: dict[str, Any] = {"docstatus": 2}
    if workflow_state_fieldname and workflow_state:
        values[workflow_state_fieldname] = workflow_state
    try:
        saved = document.update_doc(doctype, name, values, user=request.user)
    except Exception:
        msgprint("Did not cancel")
        raise
    _send_updated(get_meta(saved["doctype"]), saved, request.user)


# -- report view -----------------------------------------------------------------------------------


# Report-view arguments not implemented: refused rather than accepted and ignored.
_UNSUPPORTED_REPORT_ARGS = ("aggregate_on_field", "aggregate_function")


def _flag(form: dict[str, Any], key: str) -> bool:
    value = form.get(key)
    return value not in (None, "") and fieldtypes.sbool(value) not in (False, 0)


def _report_rows(user: Any, doctype: str, form: dict[str, Any], *, total_row: bool = False) -> list[Any]:
    for key in _UNSUPPORTED_REPORT_ARGS + (() if total_row else ("add_total_row",)):
        if _flag(form, key):
            where = "" if key != "add_total_row" else " here; frappe.desk.reportview.get adds the total row"
            raise exceptions.ValidationError(f"The report view argument {key} is not supported{where}.")
    rows = document.get_list(doctype, ListRequest.from_reportview(form), user=user)
    if _flag(form, "with_comment_count"):
        report_view.add_comment_counts(rows)
    return rows


def compress(rows: list[dict[str, Any]], meta: Meta | None = None) -> Any:
    """Frappe's report-view shape: ``{"keys": [...], "values": [[...]], "user_info": {}}``; ``[]`` if empty.

    With ``meta`` (``add_total_row``) the values end with their total row (``report_view.py``).
    """
    if not rows:
        return rows
    keys = list(rows[0])
    values = [[row.get(key) for key in keys] for row in rows]
    if meta is not None:
        values = report_view.total_row(keys, values, meta)
    return {"keys": keys, "values": values, "user_info": {}}


@whitelist(name="frappe.desk.reportview.get")
def reportview_get(request: Any, doctype: str, **form: Any) -> Any:
    """List rows compressed into keys and values; ordered by the DocType's sort when no ``order_by``.

    ``with_comment_count`` adds ``_comment_count``, ``distinct`` selects distinct rows and
    ``add_total_row`` appends the totals row, as Frappe's report view does.
    """
    rows = _report_rows(request.user, doctype, form, total_row=True)
    return compress(rows, get_meta(doctype) if _flag(form, "add_total_row") else None)


@whitelist(name="frappe.desk.reportview.get_list")
def reportview_get_list(request: Any, doctype: str, **form: Any) -> list[Any]:
    """List rows as dicts, with the report view's parameters (``start``, ``page_length``)."""
    return _report_rows(request.user, doctype, form)


@whitelist(name="frappe.desk.reportview.get_count")
def reportview_get_count(
    request: Any, doctype: str, filters: Any = None, or_filters: Any = None, distinct: Any = False,
    limit: Any = None, **form: Any,
) -> int:
    """Rows matching the filters, counting at most ``limit`` rows when given."""
    count_request = ListRequest.from_reportview_count(
        {**form, "filters": filters, "or_filters": or_filters, "distinct": distinct, "limit": limit}
    )
    return document.get_count(doctype, count_request, user=request.user)


# -- link search -----------------------------------------------------------------------------------


@whitelist(name="frappe.desk.search.search_link")
def search_link(
    request: Any,
    doctype: str,
    txt: str = "",
    query: str | None = None,
    filters: Any = None,
    page_length: Any = 10,
    searchfield: str | None = None,
    reference_doctype: str | None = None,
    ignore_user_permissions: Any = False,
) -> list[dict[str, Any]]:
    """Documents whose name, title or search fields contain ``txt``; prefix matches on name first.

    The same search as ``GET /api/v2/doctype/<dt>/search`` (``search.py``); a custom ``query`` is a
    registered whitelisted function called with Frappe's arguments. ``reference_doctype`` must be a
    DocType; it picks the User Permissions that apply and reaches the custom query. ``ignore_user_permissions``
    is honoured only for a Link field of ``reference_doctype`` marked so (``search.search_link``).
    """
    meta = get_meta(doctype)
    txt = (txt or "").strip()
    if searchfield and searchfield != "name" and meta.get_field(searchfield) is None:
        raise exceptions.DataError(f"Invalid Search Field {searchfield}")
    reference_doctype = search.check_reference_doctype(reference_doctype)
    page_length = fieldtypes.cint(page_length) or search.DEFAULT_LIMIT
    if not query:
        return search.search_link(meta.name, txt, user=request.user, filters=filters, limit=page_length,
                                  reference_doctype=reference_doctype,
                                  ignore_user_permissions=fieldtypes.sbool(ignore_user_permissions) is True)
    return search.run_custom_query(query, meta, txt, request=request, searchfield=searchfield or "name",
                                   limit=page_length, filters=filters, reference_doctype=reference_doctype)


# -- run_doc_method --------------------------------------------------------------------------------


@whitelist(name="run_doc_method", aliases=["runserverobj"], methods=["GET", "POST", "PUT", "DELETE", "QUERY"])
def run_doc_method(
    request: Any,
    method: str,
    docs: Any = None,
    dt: str | None = None,
    dn: Any = None,
    arg: Any = None,
    args: Any = None,
    document: Any = None,
    kwargs: Any = None,
) -> Any:
    """Run a whitelisted document method; the document after the call comes back in ``docs``.

    v1 sends ``docs`` (the full document, whose ``modified`` must be current) or ``dt`` + ``dn``, and
    ``args`` (v2's own ``document`` + ``kwargs`` are accepted too). GET needs read on the document, other
    verbs write. ``/api/v2/method/run_doc_method`` has its own view in ``views/v2.py``.
    """
    call_args = next((value for value in (args, arg, kwargs) if value not in (None, "")), None)
    call_args = load_json_param(call_args, "args") if isinstance(call_args, str) else call_args
    call_args = dict(call_args) if isinstance(call_args, dict) else {}
    options = {"user": request.user, "http_method": request.method}
    if dt:
        doctype = dt
        result, after = document_methods.run_with_doc(dt, dn or dt, method, call_args, **options)
    else:
        supplied = load_json_param(docs if docs not in (None, "") else document, "document")
        if not isinstance(supplied, dict):
            raise exceptions.ValidationError("'document' must be a dictionary")
        doctype = supplied.get("doctype")
        result, after = document_methods.run_on_document(supplied, method, call_args, **options)
    if after is not None:  # the document as the method left it (gone after a delete)
        meta = get_meta(doctype)
        response.add_docs([doc_as_dict(meta, after, nulls=False, access=FieldAccess(request.user, meta))])
    return strip_nulls(result) if isinstance(result, dict) and "doctype" in result else result
