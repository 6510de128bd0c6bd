"""API keys (§8.6): ``generate_keys``, the management command, hashed storage, revocation and the admin."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.test import override_settings
from rest_framework.test import APIClient

from django_frappe_api.models import ApiKey
from tests.factories import UserFactory
from tests.helpers import decoded, error

GENERATE = "frappe.core.doctype.user.user.generate_keys"
HEX15 = re.compile(r"^[0-9a-f]{15}$")


@pytest.fixture
def jane(db):
    return UserFactory(username="jane", first_name="Jane", last_name="Doe", is_staff=True)


def generate(client: APIClient, user: str, prefix: str = "/api", verb: str = "post"):
    return getattr(client, verb)(f"{prefix}/method/{GENERATE}", {"user": user})


def whoami(key: str, secret: str) -> tuple[int, dict]:
    response = APIClient().get("/api/method/frappe.auth.get_logged_user", HTTP_AUTHORIZATION=f"token {key}:{secret}")
    return response.status_code, response.json()


# -- generate_keys ------------------------------------------------------------------------------------------------


def test_generate_keys_returns_the_key_and_a_secret(admin_client, jane, v1_prefix):
    response = generate(admin_client, "jane", v1_prefix)

    assert response.status_code == 200
    row = ApiKey.objects.get(user=jane)
    secret = response.json()["message"]["api_secret"]
    assert response.json() == {"message": {"api_key": row.api_key, "api_secret": secret}}
    assert list(response.json()["message"]) == ["api_key", "api_secret"]
    assert HEX15.match(secret)
    assert HEX15.match(row.api_key)
    assert whoami(row.api_key, secret) == (200, {"message": "jane"})


def test_generate_keys_v2(admin_client, jane):
    response = generate(admin_client, "jane", "/api/v2")

    assert response.status_code == 200
    key = ApiKey.objects.get(user=jane).api_key
    assert response.json() == {"data": {"api_key": key, "api_secret": response.json()["data"]["api_secret"]}}


def test_secret_is_stored_hashed(admin_client, jane):
    secret = generate(admin_client, "jane").json()["message"]["api_secret"]

    stored = ApiKey.objects.values_list("api_secret", flat=True).get(user=jane)
    assert secret not in stored
    assert stored.startswith("md5$")  # the test settings' first hasher
    assert check_password(secret, stored)


def test_each_call_rotates_the_secret_and_keeps_the_key(admin_client, jane):
    first = generate(admin_client, "jane").json()["message"]["api_secret"]
    row = ApiKey.objects.get(user=jane)
    second = generate(admin_client, "jane").json()["message"]["api_secret"]

    rotated = ApiKey.objects.get(user=jane)
    assert first != second
    assert rotated.api_key == row.api_key
    assert rotated.created == row.created
    assert rotated.rotated > row.rotated
    assert whoami(row.api_key, first) == (401, {"exc_type": "AuthenticationError"})
    assert whoami(row.api_key, second) == (200, {"message": "jane"})


def test_generate_keys_accepts_the_email_address(admin_client, db):
    user = UserFactory(username="bob", email="bob@example.com")

    assert generate(admin_client, "bob@example.com").status_code == 200
    assert ApiKey.objects.filter(user=user).exists()


def test_generate_keys_with_get_is_not_permitted(admin_client, jane):
    with override_settings(FRAPPE_API={"SHOW_TRACEBACKS": True}):
        response = generate(admin_client, "jane", verb="get")

    body = decoded(response)
    body.pop("exc")
    assert response.status_code == 403
    assert body == {"exc_type": "PermissionError", "exception": "frappe.exceptions.PermissionError: Not permitted"}
    assert not ApiKey.objects.exists()


def test_generate_keys_needs_system_manager(jane, db):
    client = APIClient()
    client.force_login(jane)

    response = generate(client, "jane")

    assert (response.status_code, response.json()) == (403, {"exc_type": "PermissionError"})
    assert not ApiKey.objects.exists()


def test_system_manager_role_is_enough(jane, db):
    manager = UserFactory(username="manager", roles=["System Manager"])
    client = APIClient()
    client.force_login(manager)

    assert generate(client, "jane").status_code == 200


def test_guest_cannot_generate_keys(guest_client, jane):
    response = generate(guest_client, "jane")

    assert response.status_code == 403
    assert decoded(response)["exc_type"] == "PermissionError"


def test_generate_keys_for_an_unknown_user_is_404(admin_client, db):
    response = generate(admin_client, "nobody")

    assert (response.status_code, decoded(response)) == (404, error("DoesNotExistError", "User nobody not found"))


def test_generate_keys_with_a_token(jane, admin_user):
    api_key, secret = ApiKey.objects.issue(admin_user)

    response = APIClient().post(
        f"/api/method/{GENERATE}", {"user": "jane"}, HTTP_AUTHORIZATION=f"token {api_key.api_key}:{secret}"
    )

    assert response.status_code == 200
    assert ApiKey.objects.filter(user=jane).exists()


# -- revocation ---------------------------------------------------------------------------------------------------


def test_deleting_the_row_revokes_the_key(jane):
    api_key, secret = ApiKey.objects.issue(jane)
    assert whoami(api_key.api_key, secret) == (200, {"message": "jane"})

    api_key.delete()

    assert whoami(api_key.api_key, secret) == (401, {"exc_type": "AuthenticationError"})


def test_deleting_the_user_deletes_its_key(jane):
    ApiKey.objects.issue(jane)

    jane.delete()

    assert not ApiKey.objects.exists()


# -- management command -------------------------------------------------------------------------------------------


def test_create_keys_command_prints_a_working_key(jane):
    out = io.StringIO()

    call_command("frappe_api_create_keys", "jane", stdout=out)

    lines = out.getvalue().splitlines()
    key = lines[0].removeprefix("api_key: ")
    secret = lines[1].removeprefix("api_secret: ")
    assert HEX15.match(key) and HEX15.match(secret)
    assert lines == [f"api_key: {key}", f"api_secret: {secret}", f"Authorization: token {key}:{secret}"]
    assert whoami(key, secret) == (200, {"message": "jane"})


def test_create_keys_command_keeps_the_key_and_rotates_the_secret(jane):
    api_key, old_secret = ApiKey.objects.issue(jane)
    out = io.StringIO()

    call_command("frappe_api_create_keys", "jane", stdout=out)

    assert out.getvalue().splitlines()[0] == f"api_key: {api_key.api_key}"
    assert whoami(api_key.api_key, old_secret)[0] == 401


def test_create_keys_command_for_an_unknown_user(db):
    with pytest.raises(CommandError, match="User nobody not found"):
        call_command("frappe_api_create_keys", "nobody")


# -- admin --------------------------------------------------------------------------------------------------------


def test_admin_lists_keys_without_secrets(admin_client, jane):
    api_key, secret = ApiKey.objects.issue(jane)

    listing = admin_client.get("/admin/django_frappe_api/apikey/")
    detail = admin_client.get(f"/admin/django_frappe_api/apikey/{api_key.pk}/change/")

    assert listing.status_code == detail.status_code == 200
    for page in (listing.content.decode(), detail.content.decode()):
        assert api_key.api_key in page
        assert secret not in page
        assert api_key.api_secret not in page


def test_admin_cannot_add_keys_but_can_revoke(admin_client, jane):
    api_key, _ = ApiKey.objects.issue(jane)

    assert admin_client.get("/admin/django_frappe_api/apikey/add/").status_code == 403
    response = admin_client.post(f"/admin/django_frappe_api/apikey/{api_key.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not ApiKey.objects.exists()
