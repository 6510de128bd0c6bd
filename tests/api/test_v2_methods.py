"""v2 methods: DocType-level functions at ``/method/<doctype>/<m>`` (§6.9), document methods with ``docs``
(§6.8), ``run_doc_method`` (§6.10) and the ``QUERY`` verb on the read-only routes (§1.3)."""

from __future__ import annotations

import json

import pytest
from django.utils.html import escape

from django_frappe_api import DocumentController, document, exceptions, whitelist_method
from django_frappe_api.hooks import controller_registry, register_controller
from tests.api.rpc_support import pin_now, todo_doc

pytestmark = pytest.mark.django_db

NOT_WHITELISTED = ("<details><summary>You are not permitted to access this resource.</summary>"
                   "Function <strong>{}</strong> is not whitelisted.</details>")
CONTROLLER = "tests.api.test_v2_methods.todo_controller.<locals>.ToDoController"


@pytest.fixture
def todo_controller(todo):
    @register_controller("ToDo")
    class ToDoController(DocumentController):
        @whitelist_method(methods=["GET"])
        @staticmethod
        def open_count(status: str = "Open") -> int:
            """How many ToDos have this status."""
            return len(document.get_all("ToDo", filters={"status": status}))

        @classmethod
        @whitelist_method(methods=["POST"], allow_guest=True)
        def describe(cls, prefix: str) -> str:
            return f"{prefix} {cls.__name__}"

        @staticmethod
        def internal() -> str:
            return "secret"

        @whitelist_method(methods=["GET"])
        def shout(self, suffix: str = "!") -> str:
            """The description, louder."""
            self.description = self.description.upper() + suffix  # changed in memory only
            return self.description

        @whitelist_method(methods=["POST"])
        def close(self):
            self.status = "Closed"
            return self.save()

    return ToDoController


@pytest.fixture
def saved(todo_controller, admin_user, monkeypatch):
    pin_now(monkeypatch)
    for name, status in (("a", "Open"), ("b", "Open"), ("c", "Closed")):
        document.insert_doc("ToDo", {"name": name, "description": f"call {name}", "status": status},
                            user=admin_user, honour_name=True)


# -- DocType-level functions ---------------------------------------------------------------------


def test_static_function_of_the_controller(user_client, saved):
    assert user_client.get("/api/v2/method/ToDo/open_count").json() == {"data": 2}
    assert user_client.get("/api/v2/method/ToDo/open_count", {"status": "Closed", "unknown": 1}).json() == {"data": 1}


def test_classmethod_function_with_guest_access(guest_client, todo_controller):
    response = guest_client.post("/api/v2/method/ToDo/describe", {"prefix": "I am"}, format="json")

    assert response.json() == {"data": "I am ToDoController"}


def test_function_refuses_verbs_it_does_not_allow(user_client, todo_controller):
    response = user_client.post("/api/v2/method/ToDo/open_count")

    assert response.status_code == 403
    assert response.json() == {"errors": [{"type": "PermissionError"}]}


def test_function_needs_a_user_unless_it_allows_guests(guest_client, todo_controller):
    response = guest_client.get("/api/v2/method/ToDo/open_count")

    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == NOT_WHITELISTED.format(escape(f"{CONTROLLER}.open_count"))


@pytest.mark.parametrize(("method", "shown"), [
    ("internal", f"{CONTROLLER}.internal"),
    ("shout", f"{CONTROLLER}.shout"),  # a document method, not a DocType-level function
    ("missing", "ToDo.missing"),
])
def test_other_names_are_not_whitelisted(user_client, todo_controller, method, shown):
    response = user_client.get(f"/api/v2/method/ToDo/{method}")

    assert response.status_code == 403
    assert response.json() == {"errors": [{"type": "PermissionError", "message": NOT_WHITELISTED.format(escape(shown)),
                                           "title": "Method Not Allowed", "indicator": "red"}]}


def test_function_of_an_unknown_doctype_is_404(user_client, db):
    response = user_client.get("/api/v2/method/Nope/open_count")

    assert response.status_code == 404
    assert response.json()["errors"][0]["message"] == "DocType Nope not found"


def test_missing_required_argument_is_417(guest_client, todo_controller):
    response = guest_client.post("/api/v2/method/ToDo/describe", {}, format="json")

    assert response.status_code == 417
    assert response.json()["errors"][0]["type"] == "FrappeTypeError"


# -- document methods ----------------------------------------------------------------------------


def test_document_method_returns_docs_with_the_document_after_the_call(user_client, saved):
    response = user_client.get("/api/v2/document/ToDo/a/method/shout", {"suffix": "?"})

    assert response.status_code == 200
    # dev26 `doc.as_dict()`: nulls included; the in-memory change is what the document looks like now
    assert response.json() == {"data": "CALL A?", "docs": [todo_doc("a", description="CALL A?")]}
    assert document.get_all("ToDo", fields=["description"], filters={"name": "a"}) == [{"description": "call a"}]


def test_document_method_that_saves_sends_the_saved_document(user_client, saved):
    response = user_client.post("/api/v2/document/ToDo/a/method/close", format="json")

    closed = todo_doc("a", description="call a", status="Closed", modified_by="jane@example.com")
    assert response.json() == {"data": {k: v for k, v in closed.items() if v is not None}, "docs": [closed]}


def test_builtin_method_sends_docs_too(admin_client, saved):
    response = admin_client.post("/api/v2/document/ToDo/a/method/add_comment", {"text": "hi"}, format="json")

    assert response.json()["data"]["content"] == "hi"
    assert response.json()["docs"] == [todo_doc("a", description="call a")]


def test_document_method_verb_check(user_client, saved):
    response = user_client.get("/api/v2/document/ToDo/a/method/close")

    assert response.status_code == 403
    assert response.json() == {"errors": [{"type": "PermissionError"}]}


def test_query_verb_runs_a_document_method_like_get(user_client, saved):
    response = user_client.generic("QUERY", "/api/v2/document/ToDo/a/method/shout", json.dumps({"suffix": "."}),
                                   content_type="application/json")

    assert response.json() == {"data": "CALL A.", "docs": [todo_doc("a", description="CALL A.")]}


# -- run_doc_method ------------------------------------------------------------------------------


def stored(name: str) -> dict:
    return todo_doc(name, nulls=False, description=f"call {name}")


@pytest.mark.parametrize("encode", [False, True])
def test_run_doc_method_on_a_stored_document(user_client, saved, encode):
    payload = {"document": stored("b"), "method": "shout", "kwargs": {"suffix": "!!", "unknown": 1}}
    if encode:  # JSON strings in a query string
        payload = {"document": json.dumps(payload["document"]), "method": "shout",
                   "kwargs": json.dumps(payload["kwargs"])}
        response = user_client.get("/api/v2/method/run_doc_method", payload)
    else:  # objects in a QUERY body
        response = user_client.generic("QUERY", "/api/v2/method/run_doc_method", json.dumps(payload),
                                       content_type="application/json")

    # Frappe sends the Document object, which serialises without nulls
    assert response.json() == {"data": "CALL B!!", "docs": [stored("b") | {"description": "CALL B!!"}]}


def test_run_doc_method_sees_the_clients_values(user_client, saved):
    sent = stored("b") | {"description": "edited"}

    response = user_client.get("/api/v2/method/run_doc_method", {"document": json.dumps(sent), "method": "shout"})

    assert response.json()["data"] == "EDITED!"


def test_run_doc_method_on_an_unsaved_document(user_client, todo_controller):
    sent = {"doctype": "ToDo", "description": "draft"}

    response = user_client.post("/api/v2/method/run_doc_method", {"document": sent, "method": "shout"},
                                format="json")

    assert response.status_code == 403  # shout allows GET only
    response = user_client.get("/api/v2/method/run_doc_method", {"document": json.dumps(sent), "method": "shout"})
    assert response.json() == {"data": "DRAFT!", "docs": [{
        "owner": "jane@example.com", "docstatus": 0, "idx": 0, "status": "Open", "priority": "Medium",
        "description": "DRAFT!", "doctype": "ToDo"}]}


def test_run_doc_method_needs_a_current_modified(user_client, saved):
    sent = stored("b") | {"modified": "2020-01-01 00:00:00"}

    response = user_client.get("/api/v2/method/run_doc_method", {"document": json.dumps(sent), "method": "shout"})

    assert response.status_code == 417
    assert response.json()["errors"][0]["type"] == "TimestampMismatchError"


@pytest.mark.parametrize("document_value", ["[1, 2]", "7", '"text"'])
def test_run_doc_method_document_must_be_a_dictionary(user_client, saved, document_value):
    response = user_client.get("/api/v2/method/run_doc_method", {"document": document_value, "method": "shout"})

    assert response.status_code == 417
    assert response.json() == {"errors": [{"type": "FrappeValueError", "message": "'document' must be a dictionary",
                                           "title": "Message", "indicator": "red"}]}


def test_run_doc_method_post_needs_write(user_client, saved, user):
    from tests.factories import make_doctype

    make_doctype("Memo", [{"fieldname": "title", "fieldtype": "Data"}],
                 permissions=[{"role": "All", "read": 1, "write": 0, "create": 0, "delete": 0}], autoname="Prompt")
    controller_registry.register("Memo", type("Memo", (DocumentController,), {
        "touch": whitelist_method(lambda self: "touched"),
    }))
    document.insert_doc("Memo", {"name": "m1", "title": "x"}, user=user, ignore_permissions=True)
    memo = user_client.get("/api/v2/document/Memo/m1").json()["data"]

    read = user_client.get("/api/v2/method/run_doc_method", {"document": json.dumps(memo), "method": "touch"})
    write = user_client.post("/api/v2/method/run_doc_method", {"document": memo, "method": "touch"}, format="json")

    assert read.json()["data"] == "touched"
    assert write.status_code == 403


def test_run_doc_method_error_rolls_back(user_client, saved, todo_controller):
    def close_then_fail(self):
        self.status = "Closed"
        self.save()
        raise exceptions.ValidationError("Closing failed")

    todo_controller.close_then_fail = whitelist_method(methods=["POST"])(close_then_fail)

    response = user_client.post("/api/v2/method/run_doc_method", {"document": stored("a"),
                                                                 "method": "close_then_fail"}, format="json")

    assert response.status_code == 417
    assert document.get_all("ToDo", fields=["status"], filters={"name": "a"}) == [{"status": "Open"}]


# -- QUERY on the other read-only routes ---------------------------------------------------------


def test_query_verb_on_count_and_rpc(user_client, saved):
    count = user_client.generic("QUERY", "/api/v2/doctype/ToDo/count", json.dumps({"filters": {"status": "Open"}}),
                                content_type="application/json")
    ping = user_client.generic("QUERY", "/api/v2/method/ping", "", content_type="application/json")
    function = user_client.generic("QUERY", "/api/v2/method/ToDo/open_count", "", content_type="application/json")

    assert (count.status_code, count.json()) == (200, {"data": 2})
    assert (ping.status_code, ping.json()) == (200, {"data": "pong"})
    assert (function.status_code, function.json()) == (200, {"data": 2})


def test_query_verb_is_not_accepted_on_writes(user_client, saved):
    response = user_client.generic("QUERY", "/api/v2/document/ToDo/a", "", content_type="application/json")

    assert response.status_code == 405
    assert response.json()["errors"][0]["type"] == "MethodNotAllowed"
