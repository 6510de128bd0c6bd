"""CSRF (§8.8): only sessions holding a token are checked, on unsafe verbs, through ``X-Frappe-CSRF-Token``."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import override_settings
from rest_framework.test import APIClient

from django_frappe_api.authentication import CSRF_SESSION_KEY, get_csrf_token
from django_frappe_api.models import ApiKey
from tests.factories import UserFactory
from tests.helpers import decoded, error

ECHO = "/api/method/tests.testapp.frappe_api.echo"
ECHO_V2 = "/api/v2/method/tests.testapp.frappe_api.echo"
TOKEN = "a" * 56
ECHOED = {"message": {"value": "x", "extra": []}}
CSRF_FAILED_V1 = error("CSRFTokenError", "Invalid Request")
CSRF_FAILED_V2 = {"errors": [{"type": "CSRFTokenError", "message": "Invalid Request", "title": "Message",
                              "indicator": "red"}]}


@pytest.fixture
def jane(db):
    return UserFactory(username="jane", first_name="Jane", last_name="Doe", is_staff=True)


def session_client(user, csrf_token: str | None) -> APIClient:
    """A logged-in client whose session holds ``csrf_token`` (as after a page called ``get_csrf_token``)."""
    client = APIClient()
    client.force_login(user)
    if csrf_token is not None:
        session = client.session
        session[CSRF_SESSION_KEY] = csrf_token
        session.save()
    return client


def send(client: APIClient, verb: str, url: str = ECHO, **extra):
    return getattr(client, verb)(url, {"value": "x"}, format="json", **extra)


# -- the matrix ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["post", "put", "delete"])
def test_session_without_token_is_not_checked(jane, verb):
    response = send(session_client(jane, None), verb)

    assert (response.status_code, response.json()) == (200, ECHOED)


@pytest.mark.parametrize("verb", ["post", "put", "delete"])
@pytest.mark.parametrize("header", [None, "wrong", ""])
def test_session_with_token_refuses_unsafe_verbs_without_it(jane, verb, header):
    extra = {} if header is None else {"HTTP_X_FRAPPE_CSRF_TOKEN": header}

    response = send(session_client(jane, TOKEN), verb, **extra)

    assert response.status_code == 400
    assert decoded(response) == CSRF_FAILED_V1


@pytest.mark.parametrize("verb", ["post", "put", "delete"])
def test_session_with_token_accepts_the_header(jane, verb):
    response = send(session_client(jane, TOKEN), verb, HTTP_X_FRAPPE_CSRF_TOKEN=TOKEN)

    assert (response.status_code, response.json()) == (200, ECHOED)


def test_session_with_token_accepts_the_form_field_and_drops_it(jane):
    client = session_client(jane, TOKEN)

    response = client.post(ECHO, {"value": "x", "csrf_token": TOKEN})

    assert (response.status_code, response.json()) == (200, ECHOED)


def test_patch_is_checked(jane):
    client = session_client(jane, TOKEN)

    refused = send(client, "patch")
    passed = send(client, "patch", HTTP_X_FRAPPE_CSRF_TOKEN=TOKEN)

    assert (refused.status_code, decoded(refused)) == (400, CSRF_FAILED_V1)
    # past the CSRF check, the method itself does not allow PATCH
    assert (passed.status_code, passed.json()) == (403, {"exc_type": "PermissionError"})


def test_safe_verbs_are_never_checked(jane):
    response = session_client(jane, TOKEN).get(ECHO, {"value": "x"})

    assert (response.status_code, response.json()) == (200, ECHOED)


def test_v2_error_body(jane):
    response = send(session_client(jane, TOKEN), "post", ECHO_V2)

    assert (response.status_code, response.json()) == (400, CSRF_FAILED_V2)


def test_csrf_error_never_shows_a_traceback(jane):
    with override_settings(FRAPPE_API={"SHOW_TRACEBACKS": True}):
        response = send(session_client(jane, TOKEN), "post")

    assert decoded(response) == CSRF_FAILED_V1


def test_token_requests_are_never_checked(admin_user):
    api_key, secret = ApiKey.objects.issue(admin_user)

    response = send(APIClient(), "post", HTTP_AUTHORIZATION=f"token {api_key.api_key}:{secret}")

    assert (response.status_code, response.json()) == (200, ECHOED)


def test_a_session_with_token_wins_over_the_header_and_is_checked(jane, admin_user):
    api_key, secret = ApiKey.objects.issue(admin_user)

    response = send(session_client(jane, TOKEN), "post", HTTP_AUTHORIZATION=f"token {api_key.api_key}:{secret}")

    assert (response.status_code, decoded(response)) == (400, CSRF_FAILED_V1)


def test_guest_requests_are_never_checked(db):
    client = APIClient()
    session = client.session
    session[CSRF_SESSION_KEY] = TOKEN
    session.save()

    response = client.post("/api/method/ping")

    assert (response.status_code, response.json()) == (200, {"message": "pong"})


def test_session_resumed_from_sid_is_checked(jane):
    holder = session_client(jane, TOKEN)
    client = APIClient()
    client.cookies["sid"] = holder.session.session_key

    refused = send(client, "post")
    accepted = send(client, "post", HTTP_X_FRAPPE_CSRF_TOKEN=TOKEN)

    assert (refused.status_code, decoded(refused)) == (400, CSRF_FAILED_V1)
    assert (accepted.status_code, accepted.json()) == (200, ECHOED)


def test_login_api_session_holds_no_token(jane):
    client = APIClient()
    client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})

    assert CSRF_SESSION_KEY not in client.session
    assert send(client, "post").status_code == 200


# -- get_csrf_token -----------------------------------------------------------------------------------------------


def test_get_csrf_token_creates_stores_and_reuses_the_token(db):
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()

    token = get_csrf_token(request)

    assert len(token) == 56
    assert request.session[CSRF_SESSION_KEY] == token
    assert get_csrf_token(request) == token


def test_token_from_get_csrf_token_protects_the_session(jane):
    client = session_client(jane, None)
    request = HttpRequest()
    request.session = client.session
    token = get_csrf_token(request)
    request.session.save()

    assert send(client, "post").status_code == 400
    assert send(client, "post", HTTP_X_FRAPPE_CSRF_TOKEN=token).status_code == 200
