"""v1's error cases replayed on v2: same status and type, v2's ``errors`` body (§3.5, §13)."""

from __future__ import annotations

import json

import pytest

from django_frappe_api import document
from tests.helpers import decoded, error

pytestmark = pytest.mark.django_db

V2 = "/api/v2/document"


def v2_error(exc_type: str, message: str | None = None, *, title: str = "Message", **extra) -> dict:
    body: dict = {"type": exc_type}
    if message is not None:
        body.update(message=message, title=title, indicator="red")
    return {"errors": [body], **extra}


@pytest.fixture
def call(todo, admin_user):
    return document.insert_doc("ToDo", {"name": "call", "description": "x"}, user=admin_user,
                               honour_name=True)["name"]


def test_unknown_doctype_is_404_on_every_route(admin_client, db):
    for response in (
        admin_client.get(f"{V2}/Nope"), admin_client.get(f"{V2}/Nope/x"),
        admin_client.post(f"{V2}/Nope", {"a": 1}, format="json"),
        admin_client.patch(f"{V2}/Nope/x", {"a": 1}, format="json"),
        admin_client.put(f"{V2}/Nope/x", {"a": 1}, format="json"),
        admin_client.delete(f"{V2}/Nope/x"), admin_client.get(f"{V2}/Nope/x/copy"),
        admin_client.get("/api/v2/doctype/Nope/meta"), admin_client.get("/api/v2/doctype/Nope/count"),
        admin_client.get("/api/v2/doctype/Nope/search"),
    ):
        assert response.status_code == 404
        assert response.json() == v2_error("DoesNotExistError", "DocType Nope not found")


@pytest.mark.parametrize("verb", ["get", "patch", "delete"])
def test_unknown_document_is_404_like_v1(admin_client, todo, verb):
    v1 = getattr(admin_client, "put" if verb == "patch" else verb)("/api/resource/ToDo/missing", {},
                                                                   format="json")
    v2 = getattr(admin_client, verb)(f"{V2}/ToDo/missing", {}, format="json")

    assert v1.status_code == v2.status_code == 404
    v1_body = decoded(v1)
    message = v1_body["_server_messages"][0]["message"] if "_server_messages" in v1_body else None
    assert v2.json() == v2_error("DoesNotExistError", message)


@pytest.mark.parametrize(("params", "exc_type", "message"), [
    ({"filters": '{"nope": 1}'}, "DataError", "Field not permitted in query: nope"),
    ({"filters": '[["status", "~~", "x"]]'}, None, None),
    ({"filters": "{not json"}, None, None),
    ({"fields": '["nope"]'}, "DataError", "Field not permitted in query: nope"),
    ({"order_by": "nope desc"}, "DataError", "Field not permitted in query: nope"),
])
def test_bad_list_parameters_are_417_like_v1(admin_client, todo, params, exc_type, message):
    v1 = admin_client.get("/api/resource/ToDo", params)
    v2 = admin_client.get(f"{V2}/ToDo", params)

    assert v1.status_code == v2.status_code == 417
    v1_body = decoded(v1)
    expected_message = v1_body["_server_messages"][-1]["message"] if "_server_messages" in v1_body else None
    assert v2.json() == v2_error(v1_body["exc_type"], expected_message)
    if exc_type is not None:
        assert (v1_body["exc_type"], expected_message) == (exc_type, message)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("fields", '{"a": 1}', "'fields' must be a list"),
    ("fields", '"name"', "'fields' must be a list"),
    ("filters", '"x"', "'filters' must be a list or dictionary"),
    ("or_filters", "3", "'or_filters' must be a list or dictionary"),
])
def test_v2_parameter_shapes_are_frappe_value_errors(admin_client, todo, key, value, message):
    response = admin_client.get(f"{V2}/ToDo", {key: value})

    assert response.status_code == 417
    assert response.json() == v2_error("FrappeValueError", message)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("order_by", ["name"], "'order_by' must be a string"),
    ("group_by", {"a": 1}, "'group_by' must be a string"),
])
def test_string_parameters_in_a_json_body(admin_client, todo, key, value, message):
    response = admin_client.generic("QUERY", f"{V2}/ToDo", json.dumps({key: value}), content_type="application/json")

    assert response.status_code == 417
    assert response.json() == v2_error("FrappeValueError", message)


def test_guest_is_403(guest_client, todo):
    v1 = guest_client.get("/api/resource/ToDo")
    v2 = guest_client.get(f"{V2}/ToDo")

    assert v1.status_code == v2.status_code == 403
    assert v2.json() == v2_error(
        "PermissionError",
        "User <strong>Guest</strong> does not have doctype access via role permission for document "
        "<strong>ToDo</strong>",
        title="Not Permitted",
    )


@pytest.mark.parametrize("path", ["/rest", "/resource/ToDo", "/document", "/nothing/here", "/doctype/ToDo/nope",
                                  "/discovery/x/y/z", "/method/a/b/c"])
def test_unknown_route_is_404(admin_client, todo, path):
    response = admin_client.get(f"/api/v2{path}")

    assert response.status_code == 404
    assert response.json() == {"errors": [{"type": "DoesNotExistError"}]}


def test_wrong_verb_is_405(admin_client, call):
    response = admin_client.post(f"{V2}/ToDo/call", {"description": "y"}, format="json")

    assert response.status_code == 405
    assert response.json() == v2_error("MethodNotAllowed", "Method POST not allowed")


def test_missing_mandatory_is_417_with_messages(admin_client, todo):
    v1 = admin_client.post("/api/resource/ToDo", {"priority": "High"}, format="json")
    v2 = admin_client.post(f"{V2}/ToDo", {"priority": "High"}, format="json")

    assert v1.status_code == v2.status_code == 417
    assert decoded(v1) == error("MandatoryError", _server_messages=[
        {"message": "Error: Value missing for ToDo: Description", "title": "Message"}])
    assert v2.json() == {"errors": [{"type": "MandatoryError"}],
                         "messages": [{"message": "Error: Value missing for ToDo: Description", "title": "Message"}]}


def test_tracebacks_follow_the_setting_and_never_on_404(admin_client, todo, settings):
    settings.FRAPPE_API = {"SHOW_TRACEBACKS": True}

    bad = admin_client.get(f"{V2}/ToDo", {"fields": '["nope"]'}).json()["errors"][0]
    missing = admin_client.get(f"{V2}/ToDo/missing").json()["errors"][0]

    assert "Traceback (most recent call last)" in bad["exception"]
    assert "exception" not in missing


# -- v1 and v2 on the same data --------------------------------------------------------------------


def test_read_is_the_same_document(admin_client, call):
    v1 = admin_client.get("/api/resource/ToDo/call").json()
    v2 = admin_client.get(f"{V2}/ToDo/call").json()

    assert v1 == v2


def test_count_matches_the_v1_count_method(admin_client, call, admin_user):
    document.insert_doc("ToDo", {"description": "y", "status": "Closed"}, user=admin_user)
    params = {"doctype": "ToDo", "filters": json.dumps({"status": "Open"})}

    v1 = admin_client.get("/api/method/frappe.client.get_count", params).json()
    v2 = admin_client.get("/api/v2/doctype/ToDo/count", {"filters": params["filters"]}).json()

    assert v1 == {"message": 1}
    assert v2 == {"data": 1}


def test_delete_answers_alike(admin_client, call, admin_user):
    other = document.insert_doc("ToDo", {"description": "y"}, user=admin_user)["name"]

    assert admin_client.delete("/api/resource/ToDo/call").json() == {"data": "ok"}
    assert admin_client.delete(f"{V2}/ToDo/{other}").json() == {"data": "ok"}
