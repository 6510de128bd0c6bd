"""Host controllers over HTTP: Frappe's hooks around every write, errors that roll the write back, signals,
and whitelisted document methods (v1 ``run_method``, v2 ``/method/<m>``, ``run_doc_method``)."""

from __future__ import annotations

import json

import pytest

from django_frappe_api import DocumentController, exceptions, signals, whitelist_method
from django_frappe_api.hooks import controller_registry, register_controller
from django_frappe_api.models import Document
from tests.factories import make_doctype
from tests.helpers import failure
from tests.testapp.models import Territory

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


@pytest.fixture(autouse=True)
def restore_controllers():
    """Controllers registered by a test are gone after it."""
    snapshot = controller_registry.snapshot()
    CALLS.clear()
    yield controller_registry
    controller_registry.restore(snapshot)


@pytest.fixture
def order_doctype(db):
    make_doctype("Order Line", [{"fieldname": "qty", "label": "Qty", "fieldtype": "Int"}], istable=1)
    return make_doctype("Order", [
        {"fieldname": "title", "label": "Title", "fieldtype": "Data"},
        {"fieldname": "total", "label": "Total", "fieldtype": "Int"},
        {"fieldname": "status", "label": "Status", "fieldtype": "Select", "options": "Open\nClosed"},
        {"fieldname": "lines", "label": "Lines", "fieldtype": "Table", "options": "Order Line"},
    ], is_submittable=1, autoname="Prompt")


def recording(*hooks: str) -> type[DocumentController]:
    """A controller whose hooks only record that they ran."""
    def hook(name):
        def run(self):
            CALLS.append(name)
        return run

    return type("Recording", (DocumentController,), {name: hook(name) for name in hooks})


ALL_HOOKS = ("before_insert", "before_validate", "validate", "before_save", "before_submit", "before_cancel",
             "after_insert", "on_update", "on_submit", "on_cancel", "on_change", "on_trash", "after_delete")


@pytest.fixture
def recorder(order_doctype):
    register_controller("Order")(recording(*ALL_HOOKS))


def test_insert_runs_hooks_in_frappes_order(admin_client, recorder, api_url):
    response = admin_client.post(api_url("Order"), {"name": "O1"}, format="json")

    assert response.status_code == 200
    assert CALLS == ["before_insert", "before_validate", "validate", "before_save", "after_insert", "on_update",
                     "on_change"]


def test_update_submit_cancel_and_delete_run_their_hooks(admin_client, recorder, api_url):
    admin_client.post(api_url("Order"), {"name": "O1"}, format="json")
    steps = {}
    for step, call in [
        ("update", lambda: admin_client.put(api_url("Order", "O1"), {"title": "t"}, format="json")),
        ("submit", lambda: admin_client.put(api_url("Order", "O1"), {"docstatus": 1}, format="json")),
        ("cancel", lambda: admin_client.put(api_url("Order", "O1"), {"docstatus": 2}, format="json")),
        ("delete", lambda: admin_client.delete(api_url("Order", "O1"))),
    ]:
        CALLS.clear()
        assert call().status_code in (200, 202)
        steps[step] = list(CALLS)

    assert steps == {
        "update": ["before_validate", "validate", "before_save", "on_update", "on_change"],
        "submit": ["before_validate", "validate", "before_submit", "on_submit", "on_change"],
        "cancel": ["before_cancel", "on_cancel", "on_change"],
        "delete": ["on_trash", "after_delete"],
    }


def test_validate_may_change_values_before_they_are_stored(admin_client, order_doctype, api_url):
    @register_controller("Order")
    class Order(DocumentController):
        def validate(self):
            self.total = sum(line["qty"] for line in self.lines)
            self.title = (self.get("title") or "").upper()

    response = admin_client.post(api_url("Order"), {"name": "O1", "title": "abc", "lines": [{"qty": 2}, {"qty": 3}]},
                                 format="json")

    assert (response.json()["data"]["total"], response.json()["data"]["title"]) == (5, "ABC")
    assert Document.objects.get(doctype_id="Order", name="O1").data["total"] == 5


@pytest.mark.parametrize("hook", ["before_insert", "validate", "before_save", "after_insert", "on_update",
                                  "on_change"])
def test_an_error_in_any_insert_hook_reaches_the_client_and_stores_nothing(admin_client, order_doctype, api_url,
                                                                           hook):
    def refuse(self):
        raise exceptions.ValidationError(f"Refused in {hook}")

    register_controller("Order")(type("Refusing", (DocumentController,), {hook: refuse}))

    response = admin_client.post(api_url("Order"), {"name": "O1", "lines": [{"qty": 1}]}, format="json")

    assert failure(response) == (417, "ValidationError", [f"Refused in {hook}"])
    assert not Document.objects.filter(doctype_id__in=["Order", "Order Line"]).exists()


def test_an_error_after_an_update_rolls_the_update_back(admin_client, order_doctype, api_url):
    admin_client.post(api_url("Order"), {"name": "O1", "title": "before", "lines": [{"qty": 1}]}, format="json")

    @register_controller("Order")
    class Order(DocumentController):
        def on_update(self):
            raise exceptions.PermissionError("Orders are frozen")

    response = admin_client.put(api_url("Order", "O1"), {"title": "after", "lines": []}, format="json")

    assert failure(response) == (403, "PermissionError", ["Orders are frozen"])
    stored = admin_client.get(api_url("Order", "O1")).json()["data"]
    assert (stored["title"], len(stored["lines"])) == ("before", 1)


def test_an_unexpected_exception_is_a_500_and_rolls_back(admin_client, order_doctype, api_url):
    @register_controller("Order")
    class Order(DocumentController):
        def after_insert(self):
            raise RuntimeError("bug")

    response = admin_client.post(api_url("Order"), {"name": "O1"}, format="json")

    assert response.status_code == 500
    assert not Document.objects.filter(doctype_id="Order").exists()


def test_a_trash_hook_can_refuse_a_delete(admin_client, order_doctype, api_url):
    admin_client.post(api_url("Order"), {"name": "O1"}, format="json")

    @register_controller("Order")
    class Order(DocumentController):
        def on_trash(self):
            raise exceptions.ValidationError("Keep it")

    response = admin_client.delete(api_url("Order", "O1"))

    assert failure(response) == (417, "ValidationError", ["Keep it"])
    assert Document.objects.filter(doctype_id="Order", name="O1").exists()


def test_doc_event_signals_are_sent_with_the_doctype_as_sender(admin_client, order_doctype, api_url):
    received = []

    def receiver(sender, doc, user, **kwargs):
        received.append((sender, doc["name"], getattr(user, "username", None)))

    signals.after_insert.connect(receiver)
    try:
        admin_client.post(api_url("Order"), {"name": "O1"}, format="json")
    finally:
        signals.after_insert.disconnect(receiver)

    assert received == [("Order", "O1", "Administrator")]


def test_controllers_work_for_orm_backed_doctypes(admin_client, api_url):
    @register_controller("Territory")
    class TerritoryController(DocumentController):
        def validate(self):
            if self.name.startswith("X"):
                raise exceptions.ValidationError("No X territories")
            CALLS.append(f"validate {self.name}")

    created = admin_client.post(api_url("Territory"), {"name": "North"}, format="json")
    refused = admin_client.post(api_url("Territory"), {"name": "Xanadu"}, format="json")

    assert created.status_code == 200
    assert failure(refused) == (417, "ValidationError", ["No X territories"])
    assert list(Territory.objects.values_list("name", flat=True)) == ["North"]
    assert CALLS == ["validate North"]


# -- whitelisted document methods -----------------------------------------------------------------


@pytest.fixture
def order_methods(admin_client, order_doctype, api_url):
    @register_controller("Order")
    class Order(DocumentController):
        @whitelist_method
        def summary(self, prefix: str = "Order"):
            return f"{prefix} {self.name}: {self.status}"

        @whitelist_method(methods=["POST"])
        def close(self, reason: str = ""):
            self.status = "Closed"
            self.title = reason
            return self.save()

        @whitelist_method(methods=["POST"])
        def close_then_fail(self):
            self.status = "Closed"
            self.save()
            raise exceptions.ValidationError("Closing failed")

        def internal(self):
            return "secret"

    admin_client.post(api_url("Order"), {"name": "O1"}, format="json")
    return Order


def call_method(client, api_version, api_url, method, verb="post", **kwargs):
    if api_version == "v1":
        return getattr(client, verb)(api_url("Order", "O1"), {"run_method": method, **kwargs},
                                     **({"format": "json"} if verb == "post" else {}))
    return getattr(client, verb)(api_url("Order", "O1", f"/method/{method}"), kwargs,
                                 **({"format": "json"} if verb == "post" else {}))


def test_whitelisted_method_returns_its_value(admin_client, order_methods, api_url, api_version):
    response = call_method(admin_client, api_version, api_url, "summary", verb="get", prefix="Sale")

    assert response.status_code == 200
    assert response.json()["data"] == "Sale O1: Open"


def test_method_that_saves_returns_the_document_without_nulls(admin_client, order_methods, api_url, api_version):
    response = call_method(admin_client, api_version, api_url, "close", reason="done", unknown="dropped")

    data = response.json()["data"]
    assert (data["name"], data["status"], data["title"], data["doctype"]) == ("O1", "Closed", "done", "Order")
    assert admin_client.get(api_url("Order", "O1")).json()["data"]["status"] == "Closed"


def test_method_error_rolls_back_what_it_saved(admin_client, order_methods, api_url, api_version):
    response = call_method(admin_client, api_version, api_url, "close_then_fail")

    assert failure(response) == (417, "ValidationError", ["Closing failed"])
    assert admin_client.get(api_url("Order", "O1")).json()["data"]["status"] == "Open"


def test_method_not_allowing_the_verb_is_403(admin_client, order_methods, api_url, api_version):
    response = call_method(admin_client, api_version, api_url, "close", verb="get")

    assert failure(response)[:2] == (403, "PermissionError")
    assert admin_client.get(api_url("Order", "O1")).json()["data"]["status"] == "Open"


@pytest.mark.parametrize("method", ["internal", "save", "validate"])
def test_methods_that_are_not_whitelisted_are_refused(admin_client, order_methods, api_url, api_version, method):
    response = call_method(admin_client, api_version, api_url, method)

    assert response.status_code in (403, 404)
    assert failure(response)[1] in ("PermissionError", "DoesNotExistError")


def test_unknown_method_is_404(admin_client, order_methods, api_url, api_version):
    response = call_method(admin_client, api_version, api_url, "explode")

    assert failure(response)[:2] == (404, "DoesNotExistError")


def test_run_doc_method_calls_controller_methods(admin_client, order_methods):
    v1 = admin_client.post("/api/method/run_doc_method",
                           {"dt": "Order", "dn": "O1", "method": "summary", "args": json.dumps({"prefix": "P"})})
    doc = admin_client.get("/api/resource/Order/O1").json()["data"]
    v2 = admin_client.post("/api/v2/method/run_doc_method",
                           {"document": doc, "method": "close", "kwargs": {"reason": "v2"}}, format="json")

    assert (v1.status_code, v1.json()["message"]) == (200, "P O1: Open")
    assert v2.status_code == 200
    assert (v2.json()["data"]["status"], v2.json()["data"]["title"]) == ("Closed", "v2")
