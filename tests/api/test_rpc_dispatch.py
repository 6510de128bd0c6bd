"""What ``/api/method/<name>`` answers for names it cannot run: Frappe's ``execute_cmd`` 417 for a name the
registry does not hold (nothing is imported), 403 for Frappe ``Document`` methods that are not whitelisted,
404 for document methods that do not exist; and ``version``."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from django_frappe_api import __version__
from tests.api.rpc_support import body, make_todo

pytestmark = pytest.mark.django_db

NOT_WHITELISTED = ("<details><summary>You are not permitted to access this resource.</summary>"
                   "Function <strong>{}</strong> is not whitelisted.</details>")


def test_version_is_the_version_string(guest_client, rpc):
    response = guest_client.get(rpc.url("version"))

    assert response.status_code == 200
    assert response.json() == rpc.ok(__version__)


def test_get_versions_keeps_the_apps_shape(guest_client, rpc):
    response = guest_client.get(rpc.url("frappe.utils.change_log.get_versions"))

    assert response.json() == rpc.ok({"django_frappe_api": {
        "title": "Django Frappe API", "description": "The Frappe Framework HTTP API for Django", "branch": "main",
        "version": __version__}})


@pytest.mark.parametrize(("name", "v1_reason", "v2_reason"), [
    ("frappe.client.nope", "module 'frappe.client' has no attribute 'nope'", None),
    ("frappe.nope.deeper.call", "No module named 'frappe.nope'", None),
    ("os.system", "App os is not installed", None),
    ("nodot", "'nodot'", "App nodot is not installed"),
    ("frappe", "'frappe'", "Empty module name"),
    ("evil<b>.x", "App evil&lt;b&gt; is not installed", None),
])
@pytest.mark.parametrize("client_name", ["user_client", "guest_client"])
def test_a_name_the_registry_does_not_hold_is_417(request, rpc, client_name, name, v1_reason, v2_reason):
    client = request.getfixturevalue(client_name)

    response = client.get(rpc.url(quote(name)))

    reason = v1_reason if rpc.version == "v1" or v2_reason is None else v2_reason
    command = "for command " if rpc.version == "v1" else ""
    shown = name.replace("<", "&lt;").replace(">", "&gt;")
    assert response.status_code == 417
    assert body(response) == rpc.error("ValidationError", f"Failed to get method {command}{shown} with {reason}")


def test_a_registered_method_the_guest_may_not_use_stays_403(guest_client, rpc):
    response = guest_client.get(rpc.url("frappe.client.get_list"), {"doctype": "ToDo"})

    assert response.status_code == 403
    assert body(response) == rpc.error(
        "PermissionError", NOT_WHITELISTED.format("frappe.client.get_list"), title="Method Not Allowed")


def test_a_verb_the_method_refuses_stays_403(user_client, rpc, todo):
    response = user_client.get(rpc.url("frappe.client.insert"))

    assert response.status_code == 403
    assert body(response) == rpc.error("PermissionError")


# -- Frappe Document methods that exist but are not whitelisted ------------------------------------


DOCUMENT_METHODS = [
    ("delete", "frappe.model.document.delete"),
    ("save", "frappe.model.document.save"),
    ("insert", "frappe.model.document.insert"),
    ("db_set", "frappe.model.document.db_set"),
    ("reload", "frappe.model.document.reload"),
    ("as_dict", "frappe.model.base_document.as_dict"),
]


@pytest.fixture
def saved(todo, admin_user):
    return make_todo(admin_user, description="Call Bob")


def call(client, route: str, method: str, doc: dict):
    name = doc["name"]
    if route == "v1 run_method":
        return client.post(f"/api/resource/ToDo/{name}", {"run_method": method, "fieldname": "status"}, format="json")
    if route == "v2 method":
        return client.post(f"/api/v2/document/ToDo/{name}/method/{method}", {"fieldname": "status"}, format="json")
    if route == "v1 run_doc_method":
        return client.post("/api/method/run_doc_method", {"dt": "ToDo", "dn": name, "method": method,
                                                          "args": json.dumps({"fieldname": "status"})})
    current = client.get(f"/api/v2/document/ToDo/{name}").json()["data"]
    return client.post("/api/v2/method/run_doc_method", {"document": current, "method": method,
                                                          "kwargs": {"fieldname": "status"}}, format="json")


ROUTES = ["v1 run_method", "v2 method", "v1 run_doc_method", "v2 run_doc_method"]


def expected_error(route: str, exc_type: str, message: str | None, title: str = "Message") -> dict:
    from tests.api.rpc_support import Rpc

    return Rpc("v1" if route.startswith("v1") else "v2").error(exc_type, message, title=title)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("method", "shown"), DOCUMENT_METHODS)
def test_document_methods_that_are_not_whitelisted_are_403(admin_client, saved, route, method, shown):
    response = call(admin_client, route, method, saved)

    assert response.status_code == 403
    assert body(response) == expected_error(route, "PermissionError", NOT_WHITELISTED.format(shown),
                                            title="Method Not Allowed")
    assert admin_client.get(f"/api/resource/ToDo/{saved['name']}").json()["data"]["description"] == "Call Bob"


@pytest.mark.parametrize("route", ROUTES)
def test_an_unknown_document_method_stays_404(admin_client, saved, route):
    response = call(admin_client, route, "explode", saved)

    assert response.status_code == 404
    assert body(response) == expected_error(route, "DoesNotExistError", "Method explode not found on ToDo")


# -- typed parameters over HTTP ---------------------------------------------------------------------


@pytest.fixture
def doubled(restore_methods):
    def double(n: int, ratio: float = 1.0) -> float:
        return n * 2 * ratio

    restore_methods.register(double, name="tests.double", allow_guest=True)


@pytest.mark.parametrize(("params", "message"), [
    ({"n": "nan"}, "Argument 'n' should be of type 'int' but got 'str' instead."),
    ({"n": "inf"}, "Argument 'n' should be of type 'int' but got 'str' instead."),
    ({"n": "1", "ratio": "-inf"}, "Argument 'ratio' should be of type 'float' but got 'str' instead."),
    ({"n": "x"}, "Argument 'n' should be of type 'int' but got 'str' instead."),
])
def test_values_a_typed_parameter_cannot_take_are_417(guest_client, rpc, doubled, params, message):
    response = guest_client.get(rpc.url("tests.double"), params)

    assert response.status_code == 417
    assert body(response) == rpc.error("FrappeTypeError", message)


def test_typed_parameters_are_converted(guest_client, rpc, doubled):
    response = guest_client.get(rpc.url("tests.double"), {"n": "3", "ratio": "0.5"})

    assert response.json() == rpc.ok(3.0)
