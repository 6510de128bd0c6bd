"""Password login and logout (§8.2, §8.4, §8.9): bodies, cookies, failures and the brute-force lock."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.core.checks import Error
from django.test import override_settings
from rest_framework.test import APIClient

from django_frappe_api.checks import check_settings
from django_frappe_api.conf import api_settings
from tests.factories import UserFactory
from tests.helpers import decoded, error

LOGGED_IN = {"message": "Logged In", "home_page": "/app", "full_name": "Jane Doe"}
LOGGED_OUT = {"message": "No App", "home_page": "/login", "full_name": "Guest"}
USER_COOKIES = ("sid", "system_user", "full_name", "user_id", "user_image")


@pytest.fixture
def jane(db):
    """A System User (staff) whose username and email differ."""
    return UserFactory(username="jane", email="jane@example.com", first_name="Jane", last_name="Doe", is_staff=True)


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def whoami(client: APIClient) -> tuple[int, dict]:
    response = client.get("/api/method/frappe.auth.get_logged_user")
    return response.status_code, response.json()


def login_failure(message: str) -> dict:
    return {"exc_type": "AuthenticationError", "message": message}


# -- success ------------------------------------------------------------------------------------------------------


def test_login_opens_a_session_on_both_v1_mounts(client, jane, v1_prefix):
    response = client.post(f"{v1_prefix}/method/login", {"usr": "jane", "pwd": "secret"})

    assert response.status_code == 200
    assert response.json() == LOGGED_IN
    assert whoami(client) == (200, {"message": "jane"})


def test_login_reads_a_json_body(client, jane):
    response = client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}, format="json")

    assert response.status_code == 200
    assert response.json() == LOGGED_IN


def test_login_accepts_the_email_address_as_usr(client, jane):
    response = client.post("/api/method/login", {"usr": "JANE@example.com", "pwd": "secret"})

    assert response.status_code == 200
    assert response.json() == LOGGED_IN
    assert whoami(client) == (200, {"message": "jane"})


def test_login_accepts_any_verb_and_a_trailing_segment(client, jane):
    response = client.get("/api/method/login/", {"usr": "jane", "pwd": "secret"})

    assert response.status_code == 200
    assert response.json() == LOGGED_IN


def test_website_user_gets_no_app(client, db):
    UserFactory(username="web@example.com", first_name="Web", last_name="", is_staff=False)

    response = client.post("/api/method/login", {"usr": "web@example.com", "pwd": "secret"})

    assert response.status_code == 200
    assert response.json() == {"message": "No App", "home_page": "/me", "full_name": "Web"}
    assert response.cookies["system_user"].value == "no"


def test_login_sets_frappe_cookies(client, db):
    UserFactory(username="jane@example.com", first_name="Jane", last_name="Doe", is_staff=True)

    response = client.post("/api/method/login", {"usr": "jane@example.com", "pwd": "secret"})

    sid = response.cookies["sid"]
    assert Session.objects.filter(session_key=sid.value).exists()
    assert sid.value == client.session.session_key
    assert sid["httponly"] is True
    assert sid["samesite"] == "Lax"
    assert sid["path"] == "/"
    assert sid["secure"] == ""
    assert int(sid["max-age"]) == client.session.get_expiry_age()
    values = {name: response.cookies[name].value for name in USER_COOKIES[1:]}
    assert values == {
        "system_user": "yes", "full_name": "Jane%20Doe", "user_id": "jane%40example.com", "user_image": "",
    }
    for name in USER_COOKIES[1:]:
        morsel = response.cookies[name]
        assert (morsel["path"], morsel["samesite"], morsel["httponly"], morsel["secure"]) == ("/", "Lax", "", "")
    assert "user_image=;" in response.cookies["user_image"].output()


def test_login_cookies_are_secure_over_https(client, jane):
    response = client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}, secure=True)

    assert response.status_code == 200
    assert all(response.cookies[name]["secure"] is True for name in USER_COOKIES)


def test_v2_login_is_a_no_op(client, jane):
    response = client.post("/api/v2/method/login", {"usr": "jane", "pwd": "secret"})

    assert response.status_code == 200
    assert response.json() == {}
    assert "sid" not in response.cookies
    assert whoami(client)[0] == 403


def test_login_replaces_an_existing_session(client, jane, db):
    other = UserFactory(username="other")
    client.force_login(other)

    response = client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})

    assert response.status_code == 200
    assert whoami(client) == (200, {"message": "jane"})


# -- failures -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"usr": "jane"}, "Incomplete login details"),
        ({"pwd": "secret"}, "Incomplete login details"),
        ({"usr": "", "pwd": ""}, "Incomplete login details"),
        ({"usr": "jane", "pwd": "wrong"}, "Invalid login credentials"),
        ({"usr": "nobody", "pwd": "secret"}, "Invalid login credentials"),
        ({"usr": "jane", "pwd": "x" * 513}, "Password size exceeded the maximum allowed size"),
    ],
)
def test_login_failures_are_401_with_the_reason(client, jane, params, message):
    response = client.post("/api/method/login", params)

    assert response.status_code == 401
    assert response.json() == login_failure(message)
    assert whoami(client)[0] == 403


def test_password_of_512_characters_is_accepted(client, db):
    UserFactory(username="long", password="y" * 512, is_staff=True, first_name="Long", last_name="")

    response = client.post("/api/method/login", {"usr": "long", "pwd": "y" * 512})

    assert response.status_code == 200


def test_disabled_user_is_told_only_with_the_right_password(client, jane):
    jane.is_active = False
    jane.save()

    right = client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    wrong = client.post("/api/method/login", {"usr": "jane", "pwd": "wrong"})

    assert (right.status_code, right.json()) == (401, login_failure("User disabled or missing"))
    assert (wrong.status_code, wrong.json()) == (401, login_failure("Invalid login credentials"))


def test_failed_login_clears_the_cookies(client, jane):
    client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})

    response = client.post("/api/method/login", {"usr": "jane", "pwd": "wrong"})

    assert response.status_code == 401
    for name in USER_COOKIES:
        assert response.cookies[name].value == ""
        assert response.cookies[name]["max-age"] == 0


def test_failed_login_with_tracebacks_names_the_bare_exception(client, jane):
    with override_settings(FRAPPE_API={"SHOW_TRACEBACKS": True}):
        response = client.post("/api/method/login", {"usr": "jane", "pwd": "wrong"})

    body = decoded(response)
    assert response.status_code == 401
    assert "Traceback" in body.pop("exc")[0]
    assert body == {**login_failure("Invalid login credentials"), "exception": "frappe.exceptions.AuthenticationError"}


# -- brute-force lock ---------------------------------------------------------------------------------------------


def locked(seconds: int = 60) -> dict:
    return error("SecurityException", f"Your account has been locked and will resume after {seconds} seconds")


def fail_logins(client: APIClient, times: int, usr: str = "jane", ip: str = "10.0.0.1") -> list[int]:
    return [
        client.post("/api/method/login", {"usr": usr, "pwd": "wrong"}, REMOTE_ADDR=ip).status_code
        for _ in range(times)
    ]


def test_user_is_locked_after_ten_failures_even_with_the_right_password(client, jane):
    # Each failure from another address, so only the per-user counter reaches the limit.
    statuses = [
        client.post("/api/method/login", {"usr": "jane", "pwd": "wrong"}, REMOTE_ADDR=f"10.0.0.{n}").status_code
        for n in range(10)
    ]

    response = client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}, REMOTE_ADDR="10.0.1.1")

    assert statuses == [401] * 10
    assert response.status_code == 500
    assert decoded(response) == locked()
    assert whoami(client)[0] == 403


def test_client_address_is_locked_across_users(client, jane, db):
    UserFactory(username="bob", is_staff=True)
    statuses = fail_logins(client, 5, usr="nobody") + fail_logins(client, 5, usr="bob")

    from_same_ip = client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}, REMOTE_ADDR="10.0.0.1")
    from_elsewhere = client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}, REMOTE_ADDR="10.0.0.2")

    assert statuses == [401] * 10
    assert (from_same_ip.status_code, decoded(from_same_ip)) == (500, locked())
    assert (from_elsewhere.status_code, from_elsewhere.json()) == (200, LOGGED_IN)


def test_lock_ends_after_the_window(client, jane, monkeypatch):
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    fail_logins(client, 10)
    assert client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}).status_code == 500

    now[0] += 61
    response = client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})

    assert (response.status_code, response.json()) == (200, LOGGED_IN)


def test_a_successful_login_resets_the_count(client, jane):
    fail_logins(client, 9)
    assert client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}, REMOTE_ADDR="10.0.0.1").status_code == 200

    statuses = fail_logins(client, 9)

    assert statuses == [401] * 9


@override_settings(FRAPPE_API={"LOGIN_ATTEMPTS": 3, "LOGIN_LOCK_SECONDS": 120})
def test_lock_follows_the_settings(client, jane):
    statuses = fail_logins(client, 4)

    assert statuses == [401, 401, 401, 500]
    assert decoded(client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}, REMOTE_ADDR="10.0.0.1")) == (
        locked(120)
    )


@override_settings(FRAPPE_API={"LOGIN_ATTEMPTS": 0})
def test_zero_attempts_turns_the_lock_off(client, jane):
    assert fail_logins(client, 15) == [401] * 15


# -- logout -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["get", "post", "put", "patch", "delete"])
def test_logout_ends_the_session_with_any_verb(client, jane, v1_prefix, verb):
    client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    sid = client.cookies["sid"].value

    response = getattr(client, verb)(f"{v1_prefix}/method/logout")

    assert response.status_code == 200
    assert response.json() == LOGGED_OUT
    assert not Session.objects.filter(session_key=sid).exists()
    for name in USER_COOKIES:
        morsel = response.cookies[name]
        assert (morsel.value, morsel["max-age"], morsel["expires"]) == ("", 0, "Thu, 01 Jan 1970 00:00:00 GMT")
    assert whoami(client)[0] == 403


def test_v2_logout_answers_an_empty_body(client, jane):
    client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})

    response = client.post("/api/v2/method/logout")

    assert response.status_code == 200
    assert response.json() == {}
    assert response.cookies["sid"].value == ""
    assert client.get("/api/v2/method/frappe.auth.get_logged_user").status_code == 403


def test_next_request_after_logout_carries_an_empty_sid(client, jane):
    client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    client.post("/api/v2/method/logout")

    response = client.get("/api/v2/method/ping")

    assert response.wsgi_request.COOKIES["sid"] == ""
    assert response.json() == {"data": "pong"}


def test_logout_ends_a_session_resumed_from_sid(client, jane):
    sid = APIClient().post("/api/method/login", {"usr": "jane", "pwd": "secret"}).cookies["sid"].value
    client.cookies["sid"] = sid

    response = client.post("/api/method/logout")

    assert (response.status_code, response.json()) == (200, LOGGED_OUT)
    assert not Session.objects.filter(session_key=sid).exists()


def test_logout_as_guest_is_a_no_op(client, db):
    response = client.get("/api/method/logout")

    assert response.status_code == 200
    assert response.json() == LOGGED_OUT


# -- settings -----------------------------------------------------------------------------------------------------


def test_login_settings_defaults_and_overrides():
    assert (api_settings.LOGIN_ATTEMPTS, api_settings.LOGIN_LOCK_SECONDS) == (10, 60)
    with override_settings(FRAPPE_API={"LOGIN_ATTEMPTS": 5, "LOGIN_LOCK_SECONDS": 300}):
        assert (api_settings.LOGIN_ATTEMPTS, api_settings.LOGIN_LOCK_SECONDS) == (5, 300)


@pytest.mark.parametrize(
    ("value", "check_id"),
    [
        ({"LOGIN_ATTEMPTS": -1}, "django_frappe_api.E004"),
        ({"LOGIN_ATTEMPTS": "10"}, "django_frappe_api.E004"),
        ({"LOGIN_LOCK_SECONDS": 0}, "django_frappe_api.E002"),
    ],
)
def test_login_settings_are_checked(value, check_id):
    with override_settings(FRAPPE_API=value):
        errors = check_settings(None)

    assert [(type(e), e.id) for e in errors] == [(Error, check_id)]


def test_valid_login_settings_pass_the_checks():
    with override_settings(FRAPPE_API={"LOGIN_ATTEMPTS": 0, "LOGIN_LOCK_SECONDS": 1}):
        assert check_settings(None) == []
