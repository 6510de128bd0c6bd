"""The flow every integration follows: login -> generate_keys -> read ``api_key`` from the User -> token auth.

Also where ``api_key`` can be read (the User document in v1 and v2, ``frappe.client.get_value``, lists) and by
whom (System Manager, the user itself), and that ``api_secret`` can be read nowhere.
"""

from __future__ import annotations

import base64
import json

import pytest
from rest_framework.test import APIClient

from django_frappe_api.models import ApiKey
from tests.factories import UserFactory
from tests.helpers import failure

pytestmark = pytest.mark.django_db

GENERATE = "/api/method/frappe.core.doctype.user.user.generate_keys"
GET_VALUE = "/api/method/frappe.client.get_value"
WHOAMI = "/api/method/frappe.auth.get_logged_user"


@pytest.fixture
def manager(db):
    return UserFactory(username="manager@example.com", first_name="Mona", last_name="Manager",
                       password="manager-pass", roles=["System Manager"], is_staff=True)


def login(usr: str, pwd: str) -> APIClient:
    client = APIClient()
    response = client.post("/api/method/login", {"usr": usr, "pwd": pwd}, format="json")
    assert response.status_code == 200, response.json()
    return client


def test_login_generate_keys_read_api_key_then_token(manager):
    session = login("manager@example.com", "manager-pass")

    generated = session.post(GENERATE, {"user": "manager@example.com"}, format="json")
    secret = generated.json()["message"]["api_secret"]
    key = ApiKey.objects.get(user=manager).api_key
    document = session.get("/api/resource/User/manager@example.com")
    token = APIClient().get(WHOAMI, HTTP_AUTHORIZATION=f"token {document.json()['data']['api_key']}:{secret}")
    basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
    by_basic = APIClient().get(WHOAMI, HTTP_AUTHORIZATION=f"Basic {basic}")

    assert (generated.status_code, generated.json()) == (200, {"message": {"api_key": key, "api_secret": secret}})
    assert document.status_code == 200
    assert document.json()["data"]["api_key"] == key
    assert "api_secret" not in document.json()["data"]
    assert (token.status_code, token.json()) == (200, {"message": "manager@example.com"})
    assert "sid" not in token.cookies
    assert (by_basic.status_code, by_basic.json()) == (200, {"message": "manager@example.com"})


def test_flow_for_a_user_created_over_rest(manager):
    session = login("manager@example.com", "manager-pass")
    created = session.post("/api/resource/User", {"email": "bot@example.com", "first_name": "Bot",
                                                  "send_welcome_email": 0}, format="json")

    secret = session.post(GENERATE, {"user": "bot@example.com"}, format="json").json()["message"]["api_secret"]
    key = session.get(GET_VALUE, {"doctype": "User", "filters": "bot@example.com", "fieldname": "api_key"})
    token = APIClient().get(WHOAMI, HTTP_AUTHORIZATION=f"token {key.json()['message']['api_key']}:{secret}")

    assert created.status_code == 200
    assert key.json() == {"message": {"api_key": ApiKey.objects.get(user__username="bot@example.com").api_key}}
    assert (token.status_code, token.json()) == (200, {"message": "bot@example.com"})


def test_api_key_on_the_user_document_v1_and_v2(admin_client, api_url):
    jane = UserFactory(username="jane@example.com", first_name="Jane", last_name="Doe")
    api_key, _ = ApiKey.objects.issue(jane)

    response = admin_client.get(api_url("User", "jane@example.com"))

    body = response.json()["data"]
    assert response.status_code == 200
    assert body == {"name": "jane@example.com", "creation": body["creation"], "docstatus": 0, "idx": 0,
                    "email": "jane@example.com", "first_name": "Jane", "last_name": "Doe", "full_name": "Jane Doe",
                    "enabled": 1, "user_type": "Website User", "api_key": api_key.api_key, "doctype": "User",
                    "roles": []}


def test_user_without_a_key_has_none(admin_client):
    UserFactory(username="jane@example.com")

    response = admin_client.get(GET_VALUE, {"doctype": "User", "filters": "jane@example.com", "fieldname": "api_key"})

    assert (response.status_code, response.json()) == (200, {"message": {"api_key": None}})


def test_get_value_api_key_as_value_v1_and_v2(admin_client, rpc):
    jane = UserFactory(username="jane@example.com")
    api_key, _ = ApiKey.objects.issue(jane)

    response = admin_client.get(rpc.url("frappe.client.get_value"),
                                {"doctype": "User", "filters": json.dumps({"name": "jane@example.com"}),
                                 "fieldname": "api_key", "as_dict": 0})

    assert (response.status_code, response.json()) == (200, rpc.ok(api_key.api_key))


def test_a_user_reads_its_own_api_key(user):
    api_key, secret = ApiKey.objects.issue(user)
    client = APIClient()

    document = client.get("/api/v2/document/User/jane@example.com",
                          HTTP_AUTHORIZATION=f"token {api_key.api_key}:{secret}")
    value = client.get(GET_VALUE, {"doctype": "User", "filters": "jane@example.com", "fieldname": "api_key"},
                       HTTP_AUTHORIZATION=f"token {api_key.api_key}:{secret}")

    assert (document.status_code, document.json()["data"]["api_key"]) == (200, api_key.api_key)
    assert (value.status_code, value.json()) == (200, {"message": {"api_key": api_key.api_key}})


def test_a_user_cannot_read_another_users_key(user_client):
    bob = UserFactory(username="bob@example.com")
    ApiKey.objects.issue(bob)

    response = user_client.get(GET_VALUE, {"doctype": "User", "filters": "bob@example.com", "fieldname": "api_key"})
    listed = user_client.get("/api/resource/User", {"fields": '["name","api_key"]'})

    assert (response.status_code, response.json()) == (200, {"message": {}})  # as for any row one cannot read
    assert listed.json() == {"data": [{"name": "jane@example.com", "api_key": None}]}


def test_a_user_cannot_generate_keys_even_for_itself(user_client):
    response = user_client.post(GENERATE, {"user": "jane@example.com"}, format="json")

    assert (response.status_code, response.json()) == (403, {"exc_type": "PermissionError"})
    assert not ApiKey.objects.exists()


def test_api_key_is_read_only(admin_client, api_url):
    jane = UserFactory(username="jane@example.com")
    api_key, _ = ApiKey.objects.issue(jane)

    updated = admin_client.put(api_url("User", "jane@example.com"), {"api_key": "0123456789abcde"}, format="json")
    created = admin_client.post(api_url("User"), {"email": "bob@example.com", "first_name": "Bob",
                                                  "api_key": "0123456789abcde"}, format="json")

    assert (updated.status_code, updated.json()["data"]["api_key"]) == (200, api_key.api_key)
    assert created.status_code == 200
    assert "api_key" not in created.json()["data"]
    assert list(ApiKey.objects.values_list("api_key", flat=True)) == [api_key.api_key]


def test_api_key_can_be_filtered_on(admin_client):
    jane = UserFactory(username="jane@example.com")
    UserFactory(username="bob@example.com")
    api_key, _ = ApiKey.objects.issue(jane)

    response = admin_client.get("/api/resource/User", {"filters": json.dumps([["api_key", "=", api_key.api_key]])})

    assert response.json() == {"data": [{"name": "jane@example.com"}]}


def test_api_secret_is_readable_nowhere(admin_client, api_url):
    jane = UserFactory(username="jane@example.com")
    ApiKey.objects.issue(jane)

    document = admin_client.get(api_url("User", "jane@example.com"))
    value = admin_client.get(GET_VALUE, {"doctype": "User", "filters": "jane@example.com", "fieldname": "api_secret"})
    listed = admin_client.get("/api/resource/User", {"fields": '["name","api_secret"]'})

    assert "api_secret" not in document.json()["data"]
    assert value.status_code == 417
    assert listed.status_code == 417
    assert failure(listed)[1] == failure(value)[1] == "DataError"
