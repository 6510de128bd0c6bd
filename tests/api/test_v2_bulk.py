"""v2 bulk delete and update (§6.12): per-item savepoints, exact item errors, and queued jobs run by a real
``django-tasks-db`` worker against the test database."""

from __future__ import annotations

import io
import signal
from unittest.mock import ANY

import pytest
from django.core.management import call_command

from django_frappe_api import DocumentController, bulk, document, exceptions
from django_frappe_api.hooks import controller_registry, register_controller
from django_frappe_api.models import Document
from tests.factories import make_doctype

pytestmark = pytest.mark.django_db


@pytest.fixture
def todos(todo, admin_user):
    for name in ("a", "b", "c", "d"):
        document.insert_doc("ToDo", {"name": name, "description": f"call {name}"}, user=admin_user, honour_name=True)
    return ["a", "b", "c", "d"]


@pytest.fixture
def notes(db, admin_user):
    make_doctype("Note", [{"fieldname": "title", "label": "Title", "fieldtype": "Data"}], autoname="autoincrement")
    return [document.insert_doc("Note", {"title": f"n{i}"}, user=admin_user)["name"] for i in (1, 2)]


def names(doctype: str = "ToDo") -> list[str]:
    return sorted(Document.objects.filter(doctype_id=doctype, parent__isnull=True).values_list("name", flat=True))


def values(name: str, *fields: str) -> dict:
    return document.get_all("ToDo", fields=list(fields), filters={"name": name})[0]


# -- inline ----------------------------------------------------------------------------------------


def test_bulk_delete_reports_each_name(admin_client, todos):
    response = admin_client.post("/api/v2/document/ToDo/bulk_delete",
                                 {"names": ["a", "missing", 7, None, {"n": 1}, "c"]}, format="json")

    assert response.status_code == 200
    assert response.json() == {"data": {
        "deleted": ["a", "c"],
        "failed": [
            {"name": "missing", "error": "ToDo missing not found"},
            {"name": "7", "error": "ToDo 7 not found"},  # integer names are converted to strings
            {"name": None, "error": "'name' must be a string or integer"},
            {"name": {"n": 1}, "error": "'name' must be a string or integer"},
        ],
        "total": 6, "success_count": 2, "failure_count": 4,
    }}
    assert names() == ["b", "d"]


def test_bulk_delete_integer_names(admin_client, notes):
    response = admin_client.post("/api/v2/document/Note/bulk_delete", {"names": [1, "2"]}, format="json")

    assert response.json()["data"] == {"deleted": ["1", "2"], "failed": [], "total": 2, "success_count": 2,
                                       "failure_count": 0}


def test_one_failing_item_is_rolled_back_alone(admin_client, todos):
    @register_controller("ToDo")
    class Refuse(DocumentController):
        def on_update(self):
            if self.name == "b":  # fails after the row was written
                raise exceptions.ValidationError("b may not close")

    response = admin_client.post("/api/v2/document/ToDo/bulk_update", {"docs": [
        {"name": "a", "status": "Closed"}, {"name": "b", "status": "Closed"}, {"name": "c", "status": "Closed"},
    ]}, format="json")

    body = response.json()
    assert body["data"] == {"updated": ["a", "c"], "failed": [{"name": "b", "error": "b may not close"}],
                            "total": 3, "success_count": 2, "failure_count": 1}
    assert [doc["name"] for doc in body["docs"]] == ["a", "c"]
    assert [values(name, "status")["status"] for name in "abc"] == ["Closed", "Open", "Closed"]


def test_bulk_update_item_errors_and_docs(admin_client, todos):
    response = admin_client.post("/api/v2/document/ToDo/bulk_update", {"docs": [
        {"name": "a", "status": "Closed", "flags": {"ignore_permissions": 1}},
        "junk",
        {"name": 1.5},
        {"name": "missing", "status": "Closed"},
        {"name": "b", "status": "Bogus"},
    ]}, format="json")

    body = response.json()
    assert response.status_code == 200
    assert body["data"] == {
        "updated": ["a"],
        "failed": [
            {"name": None, "error": "Each update must be a dictionary with 'name' and field values"},
            {"name": 1.5, "error": "'name' must be a string or integer"},
            {"name": "missing", "error": "ToDo missing not found"},
            # the document layer's message, leading space included (Frappe formats an empty row prefix)
            {"name": "b", "error": ' Status cannot be "Bogus". It should be one of "Open", "Closed", "Cancelled"'},
        ],
        "total": 5, "success_count": 1, "failure_count": 4,
    }
    assert body["docs"] == [ANY]
    assert (body["docs"][0]["name"], body["docs"][0]["status"], body["docs"][0]["date"]) == ("a", "Closed", None)


def test_cross_doctype_delete_and_update(admin_client, todos, notes):
    deleted = admin_client.post("/api/v2/method/bulk_delete", {"docs": [
        {"doctype": "ToDo", "name": "a"}, {"doctype": "Note", "name": 1}, "junk", {"doctype": 5, "name": "x"},
        {"doctype": "ToDo", "name": ["x"]}, {"doctype": "Nope", "name": "x"},
    ]}, format="json")
    updated = admin_client.post("/api/v2/method/bulk_update", {"docs": [
        {"doctype": "ToDo", "name": "b", "status": "Closed"}, {"doctype": "Note", "name": "2", "title": "t"},
        ["junk"], {"name": "c"},
    ]}, format="json")

    assert deleted.json() == {"data": {
        "deleted": [{"doctype": "ToDo", "name": "a"}, {"doctype": "Note", "name": "1"}],
        "failed": [
            {"doctype": None, "name": None,
             "error": "Each document must be a dictionary with 'doctype' and 'name' keys"},
            {"doctype": 5, "name": "x", "error": "'doctype' must be a string"},
            {"doctype": "ToDo", "name": ["x"], "error": "'name' must be a string or integer"},
            {"doctype": "Nope", "name": "x", "error": "DocType Nope not found"},
        ],
        "total": 6, "success_count": 2, "failure_count": 4,
    }}
    data = updated.json()["data"]
    assert data == {
        "updated": [{"doctype": "ToDo", "name": "b"}, {"doctype": "Note", "name": "2"}],
        "failed": [
            {"doctype": None, "name": None,
             "error": "Each document must be a dictionary with 'doctype', 'name', and field values"},
            {"doctype": None, "name": "c", "error": "'doctype' must be a string"},
        ],
        "total": 4, "success_count": 2, "failure_count": 2,
    }
    assert [(doc["doctype"], doc["name"]) for doc in updated.json()["docs"]] == [("ToDo", "b"), ("Note", 2)]


@pytest.mark.parametrize(("url", "key"), [
    ("/api/v2/document/ToDo/bulk_delete", "names"),
    ("/api/v2/document/ToDo/bulk_update", "docs"),
    ("/api/v2/method/bulk_update", "docs"),
    ("/api/v2/method/bulk_delete", "docs"),
])
def test_items_must_be_a_list(admin_client, todos, url, key):
    response = admin_client.post(url, {key: {"a": 1}}, format="json")

    assert response.status_code == 417
    assert response.json() == {"errors": [{"type": "FrappeValueError", "message": f"'{key}' must be a list",
                                           "title": "Message", "indicator": "red"}]}


def test_cross_doctype_delete_without_docs_does_nothing(admin_client, todos):
    assert admin_client.post("/api/v2/method/bulk_delete", {}, format="json").json() == {"data": {
        "deleted": [], "failed": [], "total": 0, "success_count": 0, "failure_count": 0}}


def test_permission_failures_are_item_failures(user_client, todos, notes):
    response = user_client.post("/api/v2/method/bulk_delete", {"docs": [
        {"doctype": "Note", "name": "1"}, {"doctype": "ToDo", "name": "a"},
    ]}, format="json")

    data = response.json()["data"]
    assert data["deleted"] == [{"doctype": "ToDo", "name": "a"}]
    assert data["failed"] == [{"doctype": "Note", "name": "1", "error": "User not allowed to delete Note: 1"}]


def test_guests_are_refused(guest_client, todos):
    response = guest_client.post("/api/v2/document/ToDo/bulk_delete", {"names": ["a"]}, format="json")

    assert response.status_code == 403
    assert names() == todos


def test_other_verbs_still_reach_a_document_named_like_the_route(admin_client, todo, admin_user):
    document.insert_doc("ToDo", {"name": "bulk_delete", "description": "odd"}, user=admin_user, honour_name=True)

    assert admin_client.get("/api/v2/document/ToDo/bulk_delete").json()["data"]["description"] == "odd"
    assert admin_client.delete("/api/v2/document/ToDo/bulk_delete").status_code == 202


# -- queued ----------------------------------------------------------------------------------------


def run_worker() -> None:
    """The django-tasks-db worker, in-process: run every queued job, then return.

    The worker installs its own SIGINT/SIGTERM handlers; they are put back so a signal to the test run
    still stops it."""
    signals = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, name)]
    handlers = {number: signal.getsignal(number) for number in signals}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0,
                     stdout=io.StringIO())
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def status(client, job_id):
    return client.get("/api/v2/method/bulk_job_status", {"job_id": job_id})


@pytest.mark.django_db(transaction=True)
def test_above_the_threshold_the_work_is_queued_and_a_worker_runs_it(admin_client, todos, settings):
    settings.FRAPPE_API = {"BULK_ASYNC_THRESHOLD": 2}

    response = admin_client.post("/api/v2/document/ToDo/bulk_delete", {"names": ["a", "b", "zz"]}, format="json")

    assert response.status_code == 202
    assert response.json() == {"data": {"job_id": ANY}}
    job_id = response.json()["data"]["job_id"]
    assert names() == todos  # nothing happens before a worker runs
    assert status(admin_client, job_id).json() == {"data": {"job_id": job_id, "status": "queued"}}

    run_worker()

    assert names() == ["c", "d"]
    assert status(admin_client, job_id).json() == {"data": {"job_id": job_id, "status": "finished", "result": {
        "deleted": ["a", "b"], "failed": [{"name": "zz", "error": "ToDo zz not found"}], "total": 3,
        "success_count": 2, "failure_count": 1}}}


@pytest.mark.django_db(transaction=True)
def test_threshold_per_doctype_and_for_cross_doctype_routes(admin_client, todos, settings):
    settings.FRAPPE_API = {"BULK_ASYNC_THRESHOLD": {"ToDo": 1, "*": 3}}
    docs = [{"doctype": "ToDo", "name": name, "status": "Closed"} for name in ("a", "b")]

    same = admin_client.post("/api/v2/document/ToDo/bulk_update", {"docs": docs}, format="json")
    cross = admin_client.post("/api/v2/method/bulk_update", {"docs": docs}, format="json")

    assert same.status_code == 202
    assert cross.status_code == 200
    run_worker()
    result = status(admin_client, same.json()["data"]["job_id"]).json()["data"]["result"]
    assert (result["updated"], result["failed"]) == (["a", "b"], [])


@pytest.mark.django_db(transaction=True)
def test_a_job_stopped_midway_loses_nothing_and_reruns_safely(admin_client, todos, settings):
    """Each item commits on its own in a worker: items done before the stop stay done, and running the same
    request again reports them as not found while it finishes the rest."""
    settings.FRAPPE_API = {"BULK_ASYNC_THRESHOLD": 0}

    @register_controller("ToDo")
    class StopOnC(DocumentController):
        def on_trash(self):
            if self.name == "c":
                raise KeyboardInterrupt  # the worker is stopped while deleting c

    first = admin_client.post("/api/v2/document/ToDo/bulk_delete", {"names": ["a", "b", "c", "d"]}, format="json")
    run_worker()

    assert status(admin_client, first.json()["data"]["job_id"]).json()["data"] == {
        "job_id": first.json()["data"]["job_id"], "status": "failed", "error": "builtins.KeyboardInterrupt"}
    assert names() == ["c", "d"]

    controller_registry.unregister("ToDo")
    again = admin_client.post("/api/v2/document/ToDo/bulk_delete", {"names": ["a", "b", "c", "d"]}, format="json")
    run_worker()

    assert names() == []
    assert status(admin_client, again.json()["data"]["job_id"]).json()["data"]["result"] == {
        "deleted": ["c", "d"],
        "failed": [{"name": "a", "error": "ToDo a not found"}, {"name": "b", "error": "ToDo b not found"}],
        "total": 4, "success_count": 2, "failure_count": 2,
    }


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_runs_with_the_senders_rights(user_client, admin_client, todos, notes, settings):
    settings.FRAPPE_API = {"BULK_ASYNC_THRESHOLD": 1}

    response = user_client.post("/api/v2/method/bulk_delete", {"docs": [
        {"doctype": "ToDo", "name": "a"}, {"doctype": "Note", "name": 1}]}, format="json")
    job_id = response.json()["data"]["job_id"]
    run_worker()

    assert status(user_client, job_id).json()["data"]["result"]["failed"] == [
        {"doctype": "Note", "name": "1", "error": "User not allowed to delete Note: 1"}]
    assert status(admin_client, job_id).status_code == 200  # a System Manager may read any job


def test_job_status_of_an_unknown_or_foreign_job_is_404(user_client, admin_client, todos, settings):
    settings.FRAPPE_API = {"BULK_ASYNC_THRESHOLD": 0}
    job_id = admin_client.post("/api/v2/document/ToDo/bulk_delete", {"names": ["a"]},
                               format="json").json()["data"]["job_id"]

    for client, value in ((user_client, job_id), (admin_client, "not-a-uuid"),
                          (admin_client, "00000000-0000-0000-0000-000000000000")):
        response = status(client, value)
        assert response.status_code == 404
        assert response.json() == {"errors": [{"type": "DoesNotExistError", "title": "Message", "indicator": "red",
                                               "message": f"Bulk job {value} not found"}]}


def test_the_job_function_reruns_idempotently(todos, admin_user):
    items = [{"name": "a", "status": "Closed"}]

    first = bulk.bulk_job.call("update", admin_user.username, "ToDo", items)
    second = bulk.bulk_job.call("update", admin_user.username, "ToDo", items)

    assert first == second == {"updated": ["a"], "failed": [], "total": 1, "success_count": 1, "failure_count": 0}
    assert values("a", "status") == {"status": "Closed"}


# -- no queue, unknown DocType ---------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["django_tasks.backends.immediate.ImmediateBackend",
                                     "django_tasks.backends.dummy.DummyBackend"])
def test_without_a_queue_that_reports_status_the_request_runs_inline(admin_client, todos, settings, backend):
    """A job id the status route could never find would be a broken promise: such backends run inline."""
    settings.FRAPPE_API = {"BULK_ASYNC_THRESHOLD": 1}
    settings.TASKS = {"default": {"BACKEND": backend}}

    response = admin_client.post("/api/v2/document/ToDo/bulk_delete", {"names": ["a", "b", "zz"]}, format="json")

    assert response.status_code == 200
    assert response.json() == {"data": {"deleted": ["a", "b"], "failed": [{"name": "zz", "error": "ToDo zz not found"}],
                                        "total": 3, "success_count": 2, "failure_count": 1}}
    assert names() == ["c", "d"]


@pytest.mark.parametrize("threshold", [0, 20])
@pytest.mark.parametrize(("route", "payload"), [("bulk_delete", {"names": ["a"]}),
                                                 ("bulk_update", {"docs": [{"name": "a", "status": "Closed"}]})])
def test_bulk_on_an_unknown_doctype_is_404_at_once(admin_client, todos, settings, threshold, route, payload):
    settings.FRAPPE_API = {"BULK_ASYNC_THRESHOLD": threshold}

    response = admin_client.post(f"/api/v2/document/Nope/{route}", payload, format="json")

    assert response.status_code == 404
    assert response.json() == {"errors": [{"type": "DoesNotExistError", "message": "DocType Nope not found",
                                           "title": "Message", "indicator": "red"}]}
