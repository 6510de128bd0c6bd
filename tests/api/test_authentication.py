"""Authorization header (token / Basic), its precedence, and resuming sessions from ``sid`` (§8.1, §8.3, §8.5)."""

from __future__ import annotations

import base64
from http.cookies import SimpleCookie

import pytest
from django.contrib.sessions.models import Session
from rest_framework.test import APIClient

from django_frappe_api.models import ApiKey
from tests.factories import UserFactory
from tests.helpers import decoded, error, thrown

WHOAMI = "frappe.auth.get_logged_user"
USER_COOKIES = ("sid", "system_user", "full_name", "user_id", "user_image")
PREFIXES = {"v1": "/api", "v2": "/api/v2"}
NOT_WHITELISTED = (
    "<details><summary>You are not permitted to access this resource.</summary>"
    f"Function <strong>{WHOAMI}</strong> is not whitelisted.</details>"
)


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def admin_key(admin_user) -> tuple[str, str]:
    api_key, secret = ApiKey.objects.issue(admin_user)
    return api_key.api_key, secret


@pytest.fixture
def jane(db):
    return UserFactory(username="jane", first_name="Jane", last_name="Doe", is_staff=True)


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def call(client: APIClient, method: str, version: str = "v1", **headers):
    return client.get(f"{PREFIXES[version]}/method/{method}", **headers)


def unauthenticated(version: str) -> dict:
    return {"exc_type": "AuthenticationError"} if version == "v1" else {"errors": [{"type": "AuthenticationError"}]}


# -- token and Basic ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["token", "Token", "TOKEN", "basic", "Basic", "BASIC"])
def test_valid_key_authenticates(client, admin_key, api_version, scheme):
    key, secret = admin_key
    header = f"{scheme} {key}:{secret}" if scheme.lower() == "token" else scheme + basic(key, secret)[5:]

    response = call(client, WHOAMI, api_version, HTTP_AUTHORIZATION=header)

    assert response.status_code == 200
    assert response.json() == ({"message": "Administrator"} if api_version == "v1" else {"data": "Administrator"})


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("token {key}:wrong", id="token-wrong-secret"),
        pytest.param("token 0123456789abcde:{secret}", id="token-unknown-key"),
        pytest.param("BASIC {basic_wrong}", id="basic-wrong-secret"),
        pytest.param("token {key}:{secret}:extra", id="secret-with-colon"),
        pytest.param("token {key}", id="no-colon"),
        pytest.param("Bearer abcdef", id="unsupported-scheme"),
        pytest.param("Basic !!!!", id="basic-without-colon"),
    ],
)
def test_failing_two_part_header_is_401(client, admin_key, api_version, header):
    key, secret = admin_key
    value = header.format(key=key, secret=secret, basic_wrong=basic(key, "wrong")[6:])

    response = call(client, WHOAMI, api_version, HTTP_AUTHORIZATION=value)

    assert response.status_code == 401
    assert response.json() == unauthenticated(api_version)


def test_failing_header_is_401_even_for_guest_methods(client, admin_key):
    response = call(client, "ping", HTTP_AUTHORIZATION=f"token {admin_key[0]}:wrong")

    assert response.status_code == 401
    assert response.json() == {"exc_type": "AuthenticationError"}


def test_disabled_user_cannot_use_its_key(client, admin_user, admin_key):
    admin_user.is_active = False
    admin_user.save()

    response = call(client, WHOAMI, HTTP_AUTHORIZATION="token {}:{}".format(*admin_key))

    assert response.status_code == 401


def test_undecodable_basic_token_is_400(client, db, api_version):
    response = call(client, "ping", api_version, HTTP_AUTHORIZATION="Basic abc")

    message = "Failed to decode token, please provide a valid base64-encoded token."
    assert response.status_code == 400
    if api_version == "v1":
        assert decoded(response) == error("InvalidAuthorizationToken", message)
    else:
        errors = [{"type": "InvalidAuthorizationToken", "message": message, "title": "Message", "indicator": "red"}]
        assert response.json() == {"errors": errors}


@pytest.mark.parametrize("header", ["token", "token a:b extra", "token  a:b", ""])
def test_header_with_one_or_three_parts_is_ignored(client, db, header):
    assert call(client, "ping", HTTP_AUTHORIZATION=header).json() == {"message": "pong"}
    assert call(client, WHOAMI, HTTP_AUTHORIZATION=header).status_code == 403


def test_token_requests_are_stateless(client, admin_key):
    sessions = Session.objects.count()

    response = client.post(
        "/api/method/tests.testapp.frappe_api.echo", {"value": "x"}, HTTP_AUTHORIZATION="token {}:{}".format(*admin_key)
    )

    assert response.status_code == 200
    assert response.json() == {"message": {"value": "x", "extra": []}}
    assert Session.objects.count() == sessions
    assert not response.cookies


def test_token_user_reaches_documents(client, admin_key, todo, api_url):
    response = client.post(api_url("ToDo"), {"description": "via token"}, format="json",
                           HTTP_AUTHORIZATION=basic(*admin_key))

    assert response.status_code == 200
    assert response.json()["data"]["owner"] == "Administrator"


# -- precedence ---------------------------------------------------------------------------------------------------


def test_logged_in_session_wins_over_a_valid_header(client, jane, admin_key):
    client.force_login(jane)

    response = call(client, WHOAMI, HTTP_AUTHORIZATION="token {}:{}".format(*admin_key))

    assert response.json() == {"message": "jane"}


def test_failing_header_is_401_despite_a_session(client, jane, admin_key):
    client.force_login(jane)

    response = call(client, WHOAMI, HTTP_AUTHORIZATION=f"token {admin_key[0]}:wrong")

    assert response.status_code == 401


def test_unsupported_scheme_is_ignored_with_a_session(client, jane):
    client.force_login(jane)

    assert call(client, WHOAMI, HTTP_AUTHORIZATION="Bearer abcdef").json() == {"message": "jane"}


def test_header_authenticates_when_the_sid_is_dead(client, admin_key):
    client.cookies["sid"] = "0" * 32

    response = call(client, WHOAMI, HTTP_AUTHORIZATION="token {}:{}".format(*admin_key))

    assert response.json() == {"message": "Administrator", "session_expired": 1}


# -- sid ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def jane_sid(jane) -> str:
    """The session key of a real login, as the ``sid`` cookie carries it."""
    login = APIClient()
    response = login.post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    return response.cookies["sid"].value


def test_sid_cookie_alone_resumes_the_session(client, jane_sid, api_version):
    client.cookies["sid"] = jane_sid

    response = call(client, WHOAMI, api_version)

    assert response.json() == ({"message": "jane"} if api_version == "v1" else {"data": "jane"})


def test_sid_parameter_resumes_the_session(client, jane_sid):
    assert client.get(f"/api/method/{WHOAMI}", {"sid": jane_sid}).json() == {"message": "jane"}
    assert client.post(f"/api/method/{WHOAMI}", {"sid": jane_sid}, format="json").json() == {"message": "jane"}


def test_sid_parameter_beats_the_sid_cookie(client, jane_sid):
    client.cookies["sid"] = "f" * 32

    assert client.get(f"/api/method/{WHOAMI}", {"sid": jane_sid}).json() == {"message": "jane"}


@pytest.mark.parametrize("sid", ["0" * 32, "short", "%20"])
def test_unknown_sid_continues_as_guest_with_session_expired(client, db, api_version, sid):
    client.cookies["sid"] = sid

    pong = call(client, "ping", api_version)
    cleared = {name: (pong.cookies[name].value, pong.cookies[name]["max-age"]) for name in USER_COOKIES}
    client.cookies = SimpleCookie({"sid": sid})  # the first answer cleared it
    denied = call(client, WHOAMI, api_version)

    assert pong.json() == {**({"message": "pong"} if api_version == "v1" else {"data": "pong"}), "session_expired": 1}
    assert cleared == dict.fromkeys(USER_COOKIES, ("", 0))
    assert denied.status_code == 403
    if api_version == "v1":
        assert decoded(denied) == {**error("PermissionError"), "_server_messages": [
            {**thrown(NOT_WHITELISTED), "title": "Method Not Allowed"}
        ], "session_expired": 1}
    else:
        assert denied.json() == {
            "errors": [{"type": "PermissionError", "message": NOT_WHITELISTED, "title": "Method Not Allowed",
                        "indicator": "red"}],
            "session_expired": 1,
        }


def test_logged_out_sid_is_expired(client, jane_sid):
    Session.objects.filter(session_key=jane_sid).delete()
    client.cookies["sid"] = jane_sid

    assert call(client, "ping").json() == {"message": "pong", "session_expired": 1}


def test_sid_of_a_user_whose_password_changed_is_expired(client, jane, jane_sid):
    jane.set_password("changed")
    jane.save()
    client.cookies["sid"] = jane_sid

    assert call(client, "ping").json() == {"message": "pong", "session_expired": 1}


@pytest.mark.parametrize("sid", ["Guest", ""])
def test_guest_sid_is_not_expired(client, db, sid):
    client.cookies["sid"] = sid

    response = call(client, "ping")

    assert response.json() == {"message": "pong"}
    assert "sid" not in response.cookies


def test_django_session_cookie_wins_without_session_expired(client, jane):
    client.force_login(jane)
    client.cookies["sid"] = "0" * 32

    assert call(client, WHOAMI).json() == {"message": "jane"}
