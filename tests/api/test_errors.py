"""Error bodies of API v1 (§3.4, §3.6): status codes, ``exc_type``, tracebacks, ``_server_messages``."""

from __future__ import annotations

import json
from unittest.mock import ANY

import pytest

from django_frappe_api import document
from django_frappe_api.models import Document
from tests.helpers import decoded, error, thrown

pytestmark = pytest.mark.django_db


# -- envelope shape ----------------------------------------------------------------------------


def test_server_messages_are_a_json_string_of_json_strings(admin_client, todo, v1_url):
    response = admin_client.get(v1_url("ToDo", "missing"))

    raw = response.json()["_server_messages"]
    assert isinstance(raw, str)
    items = json.loads(raw)
    assert isinstance(items, list) and all(isinstance(item, str) for item in items)
    assert [json.loads(item) for item in items] == [thrown("ToDo missing not found")]


def test_tracebacks_are_hidden_by_default(admin_client, todo, v1_url, settings):
    settings.DEBUG = False
    settings.FRAPPE_API = {}

    response = admin_client.get(v1_url("ToDo"), {"fields": '["nope"]'})

    assert response.status_code == 417
    assert decoded(response) == error("DataError", "Field not permitted in query: nope")


@pytest.mark.parametrize(("debug", "frappe_api"), [
    (False, {"SHOW_TRACEBACKS": True}),
    (True, {}),
], ids=["setting", "debug"])
def test_tracebacks_are_shown_when_enabled(admin_client, todo, v1_url, settings, debug, frappe_api):
    settings.DEBUG = debug
    settings.FRAPPE_API = frappe_api

    response = admin_client.get(v1_url("ToDo"), {"fields": '["nope"]'})

    assert response.status_code == 417
    body = decoded(response)
    assert body == {
        "exc_type": "DataError",
        "exception": "frappe.exceptions.DataError: Field not permitted in query: nope",
        "exc": [ANY],
        "_server_messages": [thrown("Field not permitted in query: nope")],
    }
    assert body["exc"][0].startswith("Traceback (most recent call last):")


def test_setting_overrides_debug(admin_client, todo, v1_url, settings):
    settings.DEBUG = True
    settings.FRAPPE_API = {"SHOW_TRACEBACKS": False}

    response = admin_client.get(v1_url("ToDo"), {"fields": '["nope"]'})

    assert decoded(response) == error("DataError", "Field not permitted in query: nope")


def test_404_never_carries_a_traceback(admin_client, todo, v1_url, settings):
    settings.FRAPPE_API = {"SHOW_TRACEBACKS": True}

    response = admin_client.get(v1_url("ToDo", "missing"))

    assert response.status_code == 404
    assert decoded(response) == error("DoesNotExistError", "ToDo missing not found")


def test_bare_exception_line_has_no_message(admin_client, todo, v1_url, settings, admin_user):
    settings.FRAPPE_API = {"SHOW_TRACEBACKS": True}
    doc = document.insert_doc("ToDo", {"description": "x"}, user=admin_user)

    response = admin_client.post(v1_url("ToDo", doc["name"]), {"run_method": "submit"}, format="json")

    body = decoded(response)
    assert response.status_code == 417
    assert body["exception"] == (
        "frappe.exceptions.DocstatusTransitionError: Cannot change docstatus from 0 (Draft) to 1 (Submitted)"
    )


def test_uncaught_error_is_500_with_python_class_name(admin_client, todo, v1_url, monkeypatch, settings):
    settings.FRAPPE_API = {"SHOW_TRACEBACKS": True}

    def explode(*args, **kwargs):
        return 1 / 0

    monkeypatch.setattr(document, "get_list", explode)

    response = admin_client.get(v1_url("ToDo"))

    assert response.status_code == 500
    assert decoded(response) == {"exc_type": "ZeroDivisionError", "exception": "ZeroDivisionError: division by zero",
                                 "exc": [ANY]}


# -- routing errors ----------------------------------------------------------------------------


def test_unknown_doctype_is_404(admin_client, db, v1_url):
    for response in (admin_client.get(v1_url("Nope")), admin_client.get(v1_url("Nope", "x")),
                     admin_client.post(v1_url("Nope"), {"a": 1}, format="json"),
                     admin_client.put(v1_url("Nope", "x"), {"a": 1}, format="json"),
                     admin_client.delete(v1_url("Nope", "x"))):
        assert response.status_code == 404
        assert decoded(response) == error("DoesNotExistError", "DocType Nope not found")


@pytest.mark.parametrize("path", ["/rest", "/resource", "/resource/", "/nothing/here", "/v2x/resource/ToDo"])
def test_unknown_path_under_api_is_404(admin_client, todo, v1_prefix, path):
    response = admin_client.get(f"{v1_prefix}{path}")

    assert response.status_code == 404
    assert response.json() == {"exc_type": "DoesNotExistError"}


@pytest.mark.parametrize(("method", "name"), [
    ("patch", "x"), ("put", None), ("delete", None), ("patch", None),
])
def test_wrong_verb_is_405(admin_client, todo, v1_url, method, name, admin_user):
    doc = document.insert_doc("ToDo", {"description": "x"}, user=admin_user)
    url = v1_url("ToDo", doc["name"] if name else None)

    response = getattr(admin_client, method)(url, {"description": "y"}, format="json")

    assert response.status_code == 405
    assert decoded(response) == error("MethodNotAllowed", f"Method {method.upper()} not allowed")
    assert admin_client.get(v1_url("ToDo", doc["name"])).json()["data"]["description"] == "x"


def test_guest_is_403_with_permission_message(guest_client, todo, v1_url):
    response = guest_client.get(v1_url("ToDo"))

    assert response.status_code == 403
    assert decoded(response) == {
        "exc_type": "PermissionError",
        "_server_messages": [{**thrown("User <strong>Guest</strong> does not have doctype access via role "
                                       "permission for document <strong>ToDo</strong>"), "title": "Not Permitted"}],
        "_error_message": "No permission for ToDo",
    }


# -- malformed and oversized bodies ------------------------------------------------------------


@pytest.mark.parametrize(("body", "content_type", "message"), [
    ('{"description": ', "application/json", "Invalid JSON in request body"),
    ('"just a string"', "application/json", "Invalid request arguments"),
    ("42", "application/json", "Invalid request arguments"),
    ("[1, 2]", "application/json", "Invalid request arguments"),
    ("data=not-json", "application/x-www-form-urlencoded", "Invalid JSON in data"),
    ("data=[1,2]", "application/x-www-form-urlencoded", "Invalid request arguments"),
    ('{"data": "nope"}', "application/json", "Invalid JSON in data"),
    ('{"data": [1]}', "application/json", "Invalid request arguments"),
])
@pytest.mark.parametrize("method", ["post", "put"])
def test_malformed_body_is_417_and_writes_nothing(admin_client, todo, v1_url, body, content_type, message, method,
                                                 admin_user):
    doc = document.insert_doc("ToDo", {"description": "x"}, user=admin_user)
    url = v1_url("ToDo") if method == "post" else v1_url("ToDo", doc["name"])

    response = getattr(admin_client, method)(url, body, content_type=content_type)

    assert response.status_code == 417
    assert decoded(response) == error("ValidationError", message)
    assert list(Document.objects.filter(doctype_id="ToDo").values_list("data", flat=True)) == [
        {"status": "Open", "priority": "Medium", "description": "x"}]


@pytest.mark.parametrize(("payload", "exc_type", "message"), [
    ({"description": "x", "date": "someday"}, "ValidationError", "ToDo: Date: someday is not a valid date string."),
    ({"description": ["a", "b"]}, "ValidationError", "Value for Description cannot be a list"),
    ({"description": "x", "status": "Maybe"}, "ValidationError",
     ' Status cannot be "Maybe". It should be one of "Open", "Closed", "Cancelled"'),
    ({"description": "x", "docstatus": 7}, "ValidationError", "Invalid docstatus: 7"),
    ({"description": "x", "docstatus": 2}, "DocstatusTransitionError",
     "Cannot change docstatus from 0 (Draft) to 2 (Cancelled)"),
    ({"description": "x", "allocated_to": "not-an-email"}, "InvalidEmailAddressError",
     "not-an-email is not a valid Email Address"),
])
def test_invalid_values_are_417_not_500(admin_client, todo, v1_url, payload, exc_type, message):
    response = admin_client.post(v1_url("ToDo"), payload, format="json")

    assert response.status_code == 417
    assert decoded(response) == error(exc_type, message)
    assert not Document.objects.filter(doctype_id="ToDo").exists()


def test_table_value_that_is_not_a_list_is_417(admin_client, task_doctype, v1_url):
    response = admin_client.post(v1_url("Task"), {"name": "T", "items": "bolt"}, format="json")

    assert response.status_code == 417
    assert decoded(response) == error("ValidationError", "Value for Items must be a list of rows")


def test_missing_mandatory_field_is_417_with_message(admin_client, todo, v1_url):
    response = admin_client.post(v1_url("ToDo"), {"priority": "High"}, format="json")

    assert response.status_code == 417
    assert decoded(response) == {
        "exc_type": "MandatoryError",
        "_server_messages": [{"message": "Error: Value missing for ToDo: Description", "title": "Message"}],
    }


@pytest.mark.parametrize(("method", "body", "content_type"), [
    ("post", json.dumps({"description": "x" * 500}), "application/json"),
    ("post", "description=" + "x" * 500, "application/x-www-form-urlencoded"),
    ("put", json.dumps({"description": "x" * 500}), "application/json"),
    ("put", "description=" + "x" * 500, "application/x-www-form-urlencoded"),
])
def test_oversized_body_is_413(admin_client, todo, v1_url, settings, method, body, content_type, admin_user):
    doc = document.insert_doc("ToDo", {"description": "x"}, user=admin_user)
    settings.FRAPPE_API = {"MAX_BODY_SIZE": 100}
    url = v1_url("ToDo") if method == "post" else v1_url("ToDo", doc["name"])

    response = getattr(admin_client, method)(url, body, content_type=content_type)

    assert response.status_code == 413
    assert decoded(response) == error("RequestEntityTooLarge", "Request body is too large")
    assert Document.objects.filter(doctype_id="ToDo").count() == 1


def test_oversized_multipart_body_is_413(admin_client, todo, v1_url, settings):
    settings.FRAPPE_API = {"MAX_BODY_SIZE": 100}

    response = admin_client.post(v1_url("ToDo"), {"data": json.dumps({"description": "x" * 500})})

    assert response.status_code == 413
    assert decoded(response) == error("RequestEntityTooLarge", "Request body is too large")


def test_body_under_the_limit_is_accepted(admin_client, todo, v1_url, settings):
    settings.FRAPPE_API = {"MAX_BODY_SIZE": 100}

    response = admin_client.post(v1_url("ToDo"), {"description": "short"}, format="json")

    assert response.status_code == 200
