"""Bulk delete and update of API v2 (§6.12), inline or as a background task.

Usage::

    summary, docs = run("update", user, doctype="ToDo", items=[{"name": "a", "status": "Closed"}])
    job_id = enqueue("delete", user, doctype="ToDo", items=names)      # above FRAPPE_API["BULK_ASYNC_THRESHOLD"]

Each item runs in its own ``transaction.atomic()``: a savepoint inside a request, a transaction of its own
in a worker. One bad item fails alone and is reported in ``failed`` with its message; every item lands in
exactly one of the two lists. Rerunning a job is safe: deleting a name that is already gone reports it
as not found, and updates merge the same values again.

Queued work goes through Django's tasks framework (``django.tasks`` on Django 6, the ``django-tasks``
backport before). With ``django-tasks-db`` the jobs are rows, run by ``manage.py db_worker``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from . import document, exceptions, permissions
from .filters import load_json_param

try:  # Django 6 ships the tasks framework; 5.2 uses the django-tasks backport
    from django.tasks import TaskResultStatus, task
    from django.tasks.exceptions import TaskResultDoesNotExist
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import TaskResultStatus, task
    from django_tasks.exceptions import TaskResultDoesNotExist

logger = logging.getLogger("django_frappe_api")

# RQ's job statuses, which Frappe's "RQ Job" DocType shows.
JOB_STATUS = {
    TaskResultStatus.READY: "queued",
    TaskResultStatus.RUNNING: "started",
    TaskResultStatus.SUCCESSFUL: "finished",
    TaskResultStatus.FAILED: "failed",
}
OPERATIONS = ("delete", "update")
_NAME_ERROR = "'name' must be a string or integer"
_DOCTYPE_ERROR = "'doctype' must be a string"
_ITEM_ERRORS = {
    ("delete", False): "Each document must be a dictionary with 'doctype' and 'name' keys",
    ("update", True): "Each update must be a dictionary with 'name' and field values",
    ("update", False): "Each document must be a dictionary with 'doctype', 'name', and field values",
}


class _ItemError(Exception):
    """A malformed item: reported in ``failed`` like any other failure."""


def run(operation: str, user: Any, *, doctype: str | None, items: list[Any]) -> tuple[dict[str, Any], list[dict]]:
    """Apply ``operation`` to every item; returns the summary (``data``) and the updated documents (``docs``).

    ``doctype`` set: the same-DocType routes, items are names (delete) or ``{"name", ...values}`` (update).
    ``doctype=None``: the cross-DocType routes, items are ``{"doctype", "name", ...values}``.
    """
    done: list[Any] = []
    failed: list[dict[str, Any]] = []
    docs: list[dict[str, Any]] = []
    for item in items:
        item_doctype, name = _reported(doctype, operation, item)
        try:
            with transaction.atomic():
                item_doctype, name, values = _parse(operation, doctype, item)
                if operation == "delete":
                    document.delete_doc(item_doctype, name, user=user)
                else:
                    document.update_doc(item_doctype, name, values, user=user)
                    docs.append(document.get_doc(item_doctype, name, user=user, nulls=True))
        except Exception as exc:  # each item fails alone, whatever went wrong (frappe/api/v2.py)
            entry = {"name": name, "error": _message(exc, item_doctype, name)}
            if doctype is None:
                entry = {"doctype": item_doctype, **entry}
            failed.append(entry)
            continue
        done.append(name if doctype is not None else {"doctype": item_doctype, "name": name})
    assert len(done) + len(failed) == len(items), "every item is either done or failed, once"
    key = "deleted" if operation == "delete" else "updated"
    summary = {key: done, "failed": failed, "total": len(items), "success_count": len(done),
               "failure_count": len(failed)}
    return summary, docs


def _reported(doctype: str | None, operation: str, item: Any) -> tuple[Any, Any]:
    """DocType and name as a failure reports them when the item cannot be parsed (the values sent)."""
    if doctype is not None and operation == "delete":
        return doctype, item
    if not isinstance(item, dict):
        return doctype, None
    return (doctype if doctype is not None else item.get("doctype")), item.get("name")


def _parse(operation: str, doctype: str | None, item: Any) -> tuple[str | None, Any, dict[str, Any]]:
    if doctype is not None and operation == "delete":
        name = item
        values: dict[str, Any] = {}
    else:
        if not isinstance(item, dict):
            raise _ItemError(_ITEM_ERRORS[(operation, doctype is not None)])
        name = item.get("name")
        if doctype is None:
            doctype = item.get("doctype")
            if not isinstance(doctype, str):
                raise _ItemError(_DOCTYPE_ERROR)
        values = {key: value for key, value in item.items() if key not in ("name", "doctype", "flags")}
    if not isinstance(name, (str, int)):
        raise _ItemError(_NAME_ERROR)
    return doctype, str(name), values


def _message(exc: BaseException, doctype: str | None, name: Any) -> str:
    """The text Frappe's ``str(e)`` gives: the thrown message, else the exception's own text."""
    if isinstance(exc, _ItemError):
        return str(exc)
    error = exceptions.as_frappe_error(exc)
    if error is None:
        logger.warning("Bulk item %s %s failed", doctype, name, exc_info=exc)
        return str(exc) or type(exc).__name__
    if isinstance(error, exceptions.DoesNotExistError) and not error.message:
        return f"{doctype} {name} not found"
    return error.message or str(error) or error.exc_type


def check_items(form: dict[str, Any], key: str, *, required: bool = True) -> list[Any]:
    """The request's list of items, or 417 ``FrappeValueError`` "'<key>' must be a list"."""
    items = form.get(key) if required or key in form else []
    if isinstance(items, str):
        items = load_json_param(items, key)
    if not isinstance(items, list):
        raise exceptions.FrappeValueError(f"'{key}' must be a list")
    return items


# -- background jobs -----------------------------------------------------------------------------


@task()
def bulk_job(operation: str, username: str, doctype: str | None, items: list[Any]) -> dict[str, Any]:
    """A queued bulk request, run by a worker as the user who sent it; returns the summary."""
    user = get_user_model()._default_manager.get_by_natural_key(username)
    return run(operation, user, doctype=doctype, items=items)[0]


def can_queue() -> bool:
    """Whether the task backend of ``bulk_job`` keeps results ``bulk_job_status`` can read.

    Django's default ``ImmediateBackend`` (no ``TASKS`` setting) and the dummy backend do not: a job id from
    them could never be looked up, so such requests run inline instead.
    """
    return bool(getattr(bulk_job.get_backend(), "supports_get_result", False))


def enqueue(operation: str, user: Any, *, doctype: str | None, items: list[Any]) -> str:
    """Queue a bulk request; the id is what ``bulk_job_status`` reads."""
    assert operation in OPERATIONS
    result = bulk_job.enqueue(operation, permissions.user_id(user), doctype, items)
    return str(result.id)


def job_status(job_id: Any, *, user: Any) -> dict[str, Any]:
    """``{"job_id", "status", "result"?, "error"?}`` of a bulk job its sender (or a System Manager) may see."""
    not_found = exceptions.DoesNotExistError(f"Bulk job {job_id} not found", doctype="Bulk Job")
    if not isinstance(job_id, str) or not job_id:
        raise not_found
    try:
        result = bulk_job.get_result(job_id)
    except (TaskResultDoesNotExist, ValueError, NotImplementedError):
        raise not_found from None
    sender = (result.kwargs or {}).get("username") or (result.args[1] if len(result.args) > 1 else None)
    if result.task.module_path != bulk_job.module_path or not (
        sender == permissions.user_id(user) or permissions.SYSTEM_MANAGER in permissions.get_roles(user)
    ):
        raise not_found
    status = {"job_id": str(result.id), "status": JOB_STATUS.get(result.status, str(result.status).lower())}
    if result.status == TaskResultStatus.SUCCESSFUL:
        status["result"] = result.return_value
    elif result.status == TaskResultStatus.FAILED and result.errors:
        status["error"] = result.errors[-1].exception_class_path
    return status
