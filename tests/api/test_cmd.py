"""The legacy ``cmd`` entry point (§1.5) through ``FrappeCommandMiddleware``."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from django_frappe_api.models import ApiKey
from tests.factories import UserFactory
from tests.helpers import decoded, thrown

MIDDLEWARE = "django_frappe_api.middleware.FrappeCommandMiddleware"


@pytest.fixture(autouse=True)
def _command_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def jane(db):
    return UserFactory(username="jane", first_name="Jane", last_name="Doe", is_staff=True)


def post_form(client: APIClient, path: str, data: dict):
    """A urlencoded form post, as Frappe's desk JS sends ``cmd`` requests."""
    return client.post(path, urlencode(data), content_type="application/x-www-form-urlencoded")


def test_cmd_in_the_query_string_calls_the_method(client, db):
    response = client.get("/", {"cmd": "ping"})

    assert (response.status_code, response.json()) == (200, {"message": "pong"})


def test_cmd_on_any_path_with_a_token(client, admin_user):
    api_key, secret = ApiKey.objects.issue(admin_user)

    response = client.get(
        "/some/page/", {"cmd": "frappe.auth.get_logged_user"}, HTTP_AUTHORIZATION=f"token {api_key.api_key}:{secret}"
    )

    assert (response.status_code, response.json()) == (200, {"message": "Administrator"})


def test_cmd_login_and_logout(client, jane):
    login = post_form(client, "/", {"cmd": "login", "usr": "jane", "pwd": "secret"})
    whoami = post_form(client, "/desk", {"cmd": "frappe.auth.get_logged_user"})
    logout = client.get("/", {"cmd": "logout"})
    after = client.get("/", {"cmd": "frappe.auth.get_logged_user"})

    assert (login.status_code, login.json()) == (200, {"message": "Logged In", "home_page": "/app",
                                                       "full_name": "Jane Doe"})
    assert login.cookies["sid"].value
    assert (whoami.status_code, whoami.json()) == (200, {"message": "jane"})
    assert (logout.status_code, logout.json()) == (200, {"message": "No App", "home_page": "/login",
                                                         "full_name": "Guest"})
    assert logout.cookies["sid"].value == ""
    assert after.status_code == 403


def test_cmd_login_failure(client, jane):
    response = post_form(client, "/", {"cmd": "login", "usr": "jane", "pwd": "wrong"})

    assert (response.status_code, response.json()) == (
        401, {"exc_type": "AuthenticationError", "message": "Invalid login credentials"}
    )


def test_cmd_is_not_passed_to_the_method(client, jane):
    client.force_login(jane)

    response = post_form(client, "/", {"cmd": "tests.testapp.frappe_api.echo", "value": "v", "other": "1"})

    assert response.json() == {"message": {"value": "v", "extra": ["other"]}}


def test_cmd_the_registry_does_not_hold_is_refused_without_import(client, db):
    response = client.get("/", {"cmd": "os.system"})

    assert response.status_code == 417
    assert decoded(response) == {
        "exc_type": "ValidationError",
        "_server_messages": [thrown("Failed to get method for command os.system with App os is not installed")],
    }


def test_api_paths_are_left_to_the_route_table(client, db):
    response = client.get("/api/method/ping", {"cmd": "frappe.auth.get_logged_user"})

    assert response.json() == {"message": "pong"}


def test_requests_without_cmd_reach_the_host(client, db):
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/no-such-page/", {"cmd": ""}).status_code == 404


@pytest.mark.parametrize("body_format", ["json", "multipart"])
def test_json_and_multipart_bodies_are_not_inspected(client, db, body_format):
    response = client.post("/no-such-page/", {"cmd": "ping"}, format=body_format)

    assert response.status_code == 404


def test_cmd_is_answered_before_django_csrf_middleware(jane):
    client = APIClient(enforce_csrf_checks=True)

    response = post_form(client, "/", {"cmd": "login", "usr": "jane", "pwd": "secret"})

    assert response.status_code == 200


# -- JSON bodies at the site root (frappe-js-sdk's forgetPassword) -------------------------------------------------


def test_json_body_at_the_site_root_calls_the_method(client, jane):
    from django.core import mail

    response = client.post("/", {"cmd": "frappe.core.doctype.user.user.reset_password", "user": "jane"},
                           format="json")

    assert response.status_code == 200
    assert decoded(response) == {"_server_messages": [{
        "message": "We've sent a password reset link to your email address. Please check your inbox and spam "
                   "folder. The link will expire in a few minutes.",
        "title": "Check Your Email",
    }]}
    assert [message.to for message in mail.outbox] == [[jane.email]]


def test_json_body_cmd_is_not_passed_to_the_method(client, jane):
    client.force_login(jane)

    response = client.post("/", {"cmd": "tests.testapp.frappe_api.echo", "value": "v", "other": "1"}, format="json")

    assert response.json() == {"message": {"value": "v", "extra": ["other"]}}


def test_json_body_with_a_cmd_that_is_not_whitelisted(client, db):
    response = client.post("/", {"cmd": "os.system"}, format="json")

    assert response.status_code == 417  # as for a form body: the registry does not hold the name
    assert decoded(response)["exc_type"] == "ValidationError"


@pytest.mark.parametrize("body", ["{not json", '["a list"]', '{"cmd": 42}', '{"user": "x"}'])
def test_json_bodies_without_a_usable_cmd_reach_the_host(client, db, body):
    response = client.post("/", body, content_type="application/json")

    assert response.status_code == 404
