"""Assigning documents to users through ToDo rows (``frappe/desk/form/assign_to.py``).

Usage::

    POST /api/method/frappe.desk.form.assign_to.add  assign_to=["joe@example.com"]&doctype=Deal&name=D1
    -> {"message": [{"owner": "joe@example.com", "name": "<ToDo name>"}]}
    POST /api/method/frappe.desk.form.assign_to.remove  doctype=Deal&name=D1&assign_to=joe@example.com
    POST /api/method/frappe.desk.form.assign_to.close   (by the assignee: the ToDo is Closed, not Cancelled)

The caller needs read on the document; the ToDo rows are written without role checks, as Frappe inserts them
with ``ignore_permissions``. An assignee who cannot read the document gets it shared for reading (by the caller,
who then needs ``share`` on it). ``_assign`` follows through ``assignments.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from .. import assignments, document, exceptions, permissions
from ..filters import load_json_param
from ..messages import msgprint
from ..meta import get_meta
from ..registry import whitelist
from .share import add_docshare

WRITE_VERBS = ["POST", "PUT"]


def _args(args: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    found = load_json_param(args, "args") if args not in (None, "") else kwargs
    if not isinstance(found, dict):
        raise exceptions.ValidationError("Invalid request arguments")
    return found


def _readable(doctype: Any, name: Any, user: Any) -> tuple[str, Any]:
    """The document's DocType name and name after checking the caller may read it (404, 403)."""
    if not isinstance(doctype, str) or name in (None, ""):
        raise exceptions.ValidationError("doctype and name are required")
    meta = get_meta(doctype)
    document.check_permission(meta.name, name, "read", user=user)
    return meta.name, name


def get_assignments(doctype: str, name: Any) -> list[dict[str, Any]]:
    """``[{"owner": <user>, "name": <ToDo>}]`` of at most 5 unfinished ToDos, newest first (Frappe's ``get``)."""
    rows = assignments.todo_rows(doctype, name, ["allocated_to", "name"], limit=5, order_by="modified desc")
    return [{"owner": row["allocated_to"], "name": row["name"]} for row in rows]


@whitelist(name="frappe.desk.form.assign_to.get")
def get(request: Any, args: Any = None, **kwargs: Any) -> list[dict[str, Any]]:
    """The unfinished assignments of a document the caller may read."""
    found = _args(args, kwargs)
    doctype, name = _readable(found.get("doctype"), found.get("name"), request.user)
    return get_assignments(doctype, name)


@whitelist(name="frappe.desk.form.assign_to.add", methods=WRITE_VERBS)
def add(request: Any, args: Any = None, **kwargs: Any) -> list[dict[str, Any]]:
    """Assign the document to each user of ``assign_to`` (a JSON list) not already holding an Open ToDo for it."""
    found = _args(args, kwargs)
    doctype, name = _readable(found.get("doctype"), found.get("name"), request.user)
    users = load_json_param(found.get("assign_to"), "assign_to")
    if isinstance(users, str):
        users = [users]
    if not isinstance(users, list) or not all(isinstance(user, str) and user for user in users):
        raise exceptions.ValidationError("assign_to must be a list of users")
    todo_meta = get_meta(assignments.TODO)
    already, shared = [], []
    for assignee in users:
        open_rows = [row for row in assignments.todo_rows(doctype, name, ["allocated_to", "status"])
                     if row["allocated_to"] == assignee and row["status"] == "Open"]
        if open_rows:
            already.append(assignee)
            continue
        description = str(found.get("description") or "").strip() or f"Assignment for {doctype} {name}"
        values = {"allocated_to": assignee, "reference_type": doctype, "reference_name": str(name),
                  "description": description, "priority": found.get("priority") or "Medium", "status": "Open",
                  "date": found.get("date") or timezone.localdate().isoformat(),
                  "assigned_by": found.get("assigned_by") or permissions.user_id(request.user),
                  "assignment_rule": found.get("assignment_rule")}
        values = {key: value for key, value in values.items() if todo_meta.has_field(key)}
        document.insert_doc(assignments.TODO, values, user=request.user, ignore_permissions=True)
        if _share_for_reading(doctype, name, assignee, request.user):
            shared.append(assignee)
    if shared:
        msgprint("Shared with the following Users with Read access:<br><br>" + "<br>".join(shared))
    if already:
        msgprint("Already in the following Users ToDo list:<br><br>" + "<br>".join(already))
    return get_assignments(doctype, name)


def _share_for_reading(doctype: str, name: Any, assignee: str, user: Any) -> bool:
    """Share the document with an assignee who cannot read it; whether it was shared."""
    model = get_user_model()
    target = model._default_manager.filter(**{model.USERNAME_FIELD: assignee}).first()
    if target is None or document.has_permission(doctype, name, "read", user=target):
        return False
    add_docshare(doctype, name, user=user, share_with=assignee, rights={"read": 1, "write": 0, "submit": 0,
                                                                       "share": 0}, everyone=False)
    return True


def set_status(doctype: str, name: Any, assignee: str, status: str, user: Any) -> list[dict[str, Any]]:
    """Give the assignee's unfinished ToDo on the document ``status`` (Closed or Cancelled)."""
    rows = [row for row in assignments.todo_rows(doctype, name, ["name", "allocated_to", "status"], open_only=False)
            if row["allocated_to"] == assignee and row["status"] != status]
    if rows:
        document.update_doc(assignments.TODO, rows[0]["name"], {"status": status}, user=user,
                            ignore_permissions=True)
    return get_assignments(doctype, name)


@whitelist(name="frappe.desk.form.assign_to.remove", methods=WRITE_VERBS)
def remove(request: Any, doctype: str, name: Any, assign_to: str) -> list[dict[str, Any]]:
    """Cancel the assignee's ToDo on the document; the remaining assignments."""
    doctype, name = _readable(doctype, name, request.user)
    return set_status(doctype, name, assign_to, "Cancelled", request.user)


@whitelist(name="frappe.desk.form.assign_to.close", methods=WRITE_VERBS)
def close(request: Any, doctype: str, name: Any, assign_to: str) -> list[dict[str, Any]]:
    """The assignee completes their ToDo (Closed); the remaining assignments."""
    if assign_to != permissions.user_id(request.user):
        raise exceptions.ValidationError("Only the assignee can complete this to-do.")
    doctype, name = _readable(doctype, name, request.user)
    return set_status(doctype, name, assign_to, "Closed", request.user)

