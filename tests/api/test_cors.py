"""CORS on the API routes (``FRAPPE_API["CORS_ALLOWED_ORIGINS"]``, Frappe's ``allow_cors``) and ``OPTIONS``."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.helpers import decoded, error

SPA = "http://localhost:5173"
CORS = {"CORS_ALLOWED_ORIGINS": [SPA]}
ALLOWED_HEADERS = "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with, x-frappe-csrf-token"
ALLOWED_METHODS = "DELETE, GET, OPTIONS, PATCH, POST, PUT"
ECHO_ALLOW = {"v1": "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
              "v2": "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, QUERY"}
ECHO = {"v1": "/api/method/tests.testapp.frappe_api.echo", "v2": "/api/v2/method/tests.testapp.frappe_api.echo"}
LIST = {"v1": "/api/resource/User", "v2": "/api/v2/document/User"}


def cors_headers(response) -> dict[str, str]:
    """The CORS headers, ``Allow``, and whether ``Vary`` names ``Origin`` (the session may add ``Cookie``)."""
    headers = {key.lower(): value for key, value in response.headers.items()
               if key.lower().startswith("access-control-") or key.lower() == "allow"}
    if "origin" in response.get("Vary", "").lower():
        headers["vary"] = "origin"
    return headers


def preflight(client, url: str, origin: str = SPA, method: str = "POST"):
    return client.options(url, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
                          HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-frappe-csrf-token")


@pytest.fixture
def jane(db):
    return UserFactory(username="jane", first_name="Jane", last_name="Doe", is_staff=True)


@pytest.mark.parametrize("version", ["v1", "v2"])
@override_settings(FRAPPE_API=CORS)
def test_preflight_from_a_listed_origin(db, version):
    response = preflight(APIClient(), ECHO[version])

    assert (response.status_code, response.content) == (200, b"")
    assert cors_headers(response) == {
        "allow": ECHO_ALLOW[version],
        "vary": "origin",
        "access-control-allow-origin": SPA,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": ALLOWED_METHODS,
        "access-control-allow-headers": ALLOWED_HEADERS,
        "access-control-max-age": "86400",
    }


@override_settings(FRAPPE_API=CORS, DEBUG=True)
def test_preflight_is_not_cached_in_debug(db):
    response = preflight(APIClient(), ECHO["v1"])

    assert "access-control-max-age" not in cors_headers(response)
    assert cors_headers(response)["access-control-allow-origin"] == SPA


@pytest.mark.parametrize("version", ["v1", "v2"])
@override_settings(FRAPPE_API=CORS)
def test_preflight_from_an_unlisted_origin_gets_no_cors_headers(db, version):
    response = preflight(APIClient(), ECHO[version], origin="https://evil.example")

    assert (response.status_code, response.content) == (200, b"")
    assert cors_headers(response) == {"allow": ECHO_ALLOW[version], "vary": "origin"}


@override_settings(FRAPPE_API={"CORS_ALLOWED_ORIGINS": "*"})
def test_any_origin_is_echoed_never_a_star(db):
    response = preflight(APIClient(), LIST["v2"], origin="https://other.example", method="GET")

    assert cors_headers(response)["access-control-allow-origin"] == "https://other.example"
    assert cors_headers(response)["access-control-allow-credentials"] == "true"


@override_settings(FRAPPE_API=CORS)
def test_preflight_on_an_unknown_route_and_a_document_route(db):
    unknown = preflight(APIClient(), "/api/nothing/here")
    document = preflight(APIClient(), "/api/resource/User/jane", method="PUT")

    assert (unknown.status_code, unknown.content) == (200, b"")
    assert cors_headers(unknown)["access-control-allow-origin"] == SPA
    assert cors_headers(document)["allow"] == "GET, POST, PUT, DELETE, HEAD, OPTIONS"
    assert cors_headers(document)["access-control-allow-origin"] == SPA


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_options_without_cors_is_an_empty_200_not_drf_metadata(db, version):
    response = APIClient().options(ECHO[version], HTTP_ORIGIN=SPA, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    plain = APIClient().options(LIST[version])

    assert (response.status_code, response.content, cors_headers(response)) == (
        200, b"", {"allow": ECHO_ALLOW[version]})
    assert (plain.status_code, plain.content) == (200, b"")
    assert cors_headers(plain) == {"allow": "GET, POST, HEAD, OPTIONS" if version == "v1" else
                                   "GET, POST, HEAD, OPTIONS, QUERY"}


@pytest.mark.parametrize("version", ["v1", "v2"])
@override_settings(FRAPPE_API=CORS)
def test_the_actual_request_carries_the_headers(jane, version):
    client = APIClient()
    client.force_login(jane)

    response = client.post(ECHO[version], {"value": "x"}, format="json", HTTP_ORIGIN=SPA)

    expected = {"message": {"value": "x", "extra": []}} if version == "v1" else {"data": {"value": "x", "extra": []}}
    assert (response.status_code, response.json()) == (200, expected)
    assert cors_headers(response) == {
        "allow": ECHO_ALLOW[version],  # DRF names the route's verbs on every response
        "vary": "origin",
        "access-control-allow-origin": SPA,
        "access-control-allow-credentials": "true",
    }


@override_settings(FRAPPE_API=CORS)
def test_error_responses_carry_the_headers_too(db):
    response = APIClient().get("/api/resource/Nope", HTTP_ORIGIN=SPA)

    assert response.status_code == 404
    assert cors_headers(response)["access-control-allow-origin"] == SPA


def test_no_origin_header_no_cors_headers(db):
    with override_settings(FRAPPE_API=CORS):
        response = APIClient().get("/api/method/ping")

    assert (response.status_code, response.json()) == (200, {"message": "pong"})
    assert cors_headers(response) == {"allow": ECHO_ALLOW["v1"], "vary": "origin"}


# -- CSRF: a cookie session writing from another site ---------------------------------------------------------


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
def test_session_write_from_a_foreign_origin_is_refused(jane, origin):
    client = APIClient()
    client.force_login(jane)

    response = client.post(ECHO["v1"], {"value": "x"}, HTTP_ORIGIN=origin)

    assert (response.status_code, decoded(response)) == (400, error("CSRFTokenError", "Invalid Request"))


@pytest.mark.parametrize("settings_kwargs", [
    {"FRAPPE_API": CORS},
    {"CSRF_TRUSTED_ORIGINS": [SPA]},
    {},  # same origin: the test client's host
])
def test_session_write_from_a_trusted_origin_passes(jane, settings_kwargs):
    client = APIClient()
    client.force_login(jane)
    origin = SPA if settings_kwargs else "http://testserver"

    with override_settings(**settings_kwargs):
        response = client.post(ECHO["v1"], {"value": "x"}, HTTP_ORIGIN=origin)

    assert (response.status_code, response.json()) == (200, {"message": {"value": "x", "extra": []}})


def test_reads_and_token_writes_from_a_foreign_origin_pass(jane, admin_user):
    from django_frappe_api.models import ApiKey

    api_key, secret = ApiKey.objects.issue(admin_user)
    session = APIClient()
    session.force_login(jane)

    read = session.get(ECHO["v1"], {"value": "x"}, HTTP_ORIGIN="https://evil.example")
    token = APIClient().post(ECHO["v1"], {"value": "x"}, HTTP_ORIGIN="https://evil.example",
                             HTTP_AUTHORIZATION=f"token {api_key.api_key}:{secret}")

    assert (read.status_code, token.status_code) == (200, 200)
