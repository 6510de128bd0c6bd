"""The User and Role DocTypes over REST (v1 and v2), backed by Django's user model and groups."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from django_frappe_api.models import ApiKey
from tests.factories import UserFactory
from tests.helpers import failure

pytestmark = pytest.mark.django_db

JANE = {"email": "jane@example.com", "first_name": "Jane", "new_password": "s3cret-pass", "send_welcome_email": 0,
        "roles": [{"role": "Sales User"}]}


def role_row(user: str, role: str, idx: int = 1) -> dict:
    return {"name": f"{user}-{role}", "docstatus": 0, "idx": idx, "role": role, "parent": user,
            "parentfield": "roles", "parenttype": "User", "doctype": "Has Role"}


def user_body(name: str, *, creation: str, roles: list[str], **fields) -> dict:
    """A User document as both API versions send it (null fields left out)."""
    body = {"name": name, "creation": creation, "docstatus": 0, "idx": 0, "email": name, **fields,
            "doctype": "User", "roles": [role_row(name, role, i) for i, role in enumerate(roles, start=1)]}
    return body


def data(response) -> dict:
    return response.json()["data"]


@pytest.fixture
def sales_role(db):
    return Group.objects.create(name="Sales User")


def whoami_with_password(usr: str, pwd: str) -> tuple[int, dict]:
    client = APIClient()
    login = client.post("/api/method/login", {"usr": usr, "pwd": pwd}, format="json")
    if login.status_code != 200:
        return login.status_code, login.json()
    response = client.get("/api/method/frappe.auth.get_logged_user")
    return response.status_code, response.json()


# -- Role --------------------------------------------------------------------------------------------------------


def test_create_role(admin_client, api_url):
    response = admin_client.post(api_url("Role"), {"role_name": "Sales User"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"data": {"name": "Sales User", "docstatus": 0, "idx": 0, "role_name": "Sales User",
                                        "doctype": "Role"}}
    assert Group.objects.filter(name="Sales User").exists()


def test_delete_role(admin_client, api_url):
    Group.objects.create(name="Temp")

    response = admin_client.delete(api_url("Role", "Temp"))

    assert (response.status_code, response.json()) == (202, {"data": "ok"})
    assert not Group.objects.filter(name="Temp").exists()


# -- creating users ----------------------------------------------------------------------------------------------


def test_create_user_is_named_by_its_email(admin_client, api_url, sales_role):
    response = admin_client.post(api_url("User"), {**JANE, "email": "  Jane@Example.COM "}, format="json")

    assert response.status_code == 200, response.json()
    body = data(response)
    assert body == user_body("jane@example.com", creation=body["creation"], roles=["Sales User"], first_name="Jane",
                             full_name="Jane", enabled=1, user_type="System User")
    user = get_user_model().objects.get(username="jane@example.com")
    assert user.email == "jane@example.com"
    assert list(user.groups.values_list("name", flat=True)) == ["Sales User"]
    assert admin_client.get(api_url("User", "jane@example.com")).json() == {"data": body}


def test_new_user_logs_in_with_its_password_at_once(admin_client, api_url, sales_role):
    admin_client.post(api_url("User"), JANE, format="json")

    assert whoami_with_password("jane@example.com", "s3cret-pass") == (200, {"message": "jane@example.com"})


def test_client_name_and_user_type_do_not_decide(admin_client, api_url):
    response = admin_client.post(
        api_url("User"),
        {"name": "someone-else", "email": "bob@example.com", "first_name": "Bob", "user_type": "System User"},
        format="json",
    )

    assert response.status_code == 200
    body = data(response)
    assert body == user_body("bob@example.com", creation=body["creation"], roles=[], first_name="Bob",
                             full_name="Bob", enabled=1, user_type="Website User")
    assert not get_user_model().objects.get(username="bob@example.com").is_staff


def test_create_user_without_email_is_refused(admin_client, api_url):
    response = admin_client.post(api_url("User"), {"first_name": "Nobody"}, format="json")

    assert failure(response) == (417, "ValidationError", ["Email is required"])
    assert not get_user_model().objects.filter(first_name="Nobody").exists()


def test_create_user_with_an_invalid_email_is_refused(admin_client, api_url):
    response = admin_client.post(api_url("User"), {"email": "not-an-email", "first_name": "X"}, format="json")

    assert response.status_code == 417
    assert failure(response)[1] == "InvalidEmailAddressError"
    assert not get_user_model().objects.filter(first_name="X").exists()


def test_duplicate_email_is_a_duplicate_entry(admin_client, api_url):
    UserFactory(username="jane@example.com")

    response = admin_client.post(api_url("User"), {**JANE, "email": "JANE@example.com", "roles": []}, format="json")

    assert failure(response) == (409, "DuplicateEntryError", ["User <strong>jane@example.com</strong> already exists"])
    assert get_user_model().objects.count() == 2  # the Administrator and the first Jane


def test_email_of_a_user_with_another_username_is_taken(admin_client, api_url):
    UserFactory(username="jane", email="jane@example.com")

    response = admin_client.post(api_url("User"), {**JANE, "roles": []}, format="json")

    assert failure(response) == (409, "DuplicateEntryError", ["User <strong>jane@example.com</strong> already exists"])
    assert not get_user_model().objects.filter(username="jane@example.com").exists()


def test_unknown_role_is_a_link_error_and_leaves_nothing(admin_client, api_url):
    response = admin_client.post(api_url("User"), {**JANE, "roles": [{"role": "Nope"}]}, format="json")

    assert response.status_code == 417
    assert failure(response)[1] == "LinkValidationError"
    assert not get_user_model().objects.filter(username="jane@example.com").exists()


# -- updating, disabling, deleting -------------------------------------------------------------------------------


def test_update_replaces_roles_and_user_type_follows(admin_client, api_url, sales_role):
    Group.objects.create(name="B")
    admin_client.post(api_url("User"), JANE, format="json")

    response = admin_client.put(api_url("User", "jane@example.com"), {"roles": [{"role": "B"}]}, format="json")

    assert response.status_code == 200
    body = data(response)
    assert body["roles"] == [role_row("jane@example.com", "B")]
    assert body["user_type"] == "System User"
    response = admin_client.put(api_url("User", "jane@example.com"), {"roles": []}, format="json")
    assert (data(response)["roles"], data(response)["user_type"]) == ([], "Website User")
    assert not get_user_model().objects.get(username="jane@example.com").is_staff


def test_update_without_roles_keeps_a_django_staff_user_staff(admin_client, api_url):
    UserFactory(username="staff@example.com", is_staff=True)

    response = admin_client.put(api_url("User", "staff@example.com"), {"first_name": "Sam"}, format="json")

    assert (data(response)["first_name"], data(response)["user_type"]) == ("Sam", "System User")


def test_update_password(admin_client, api_url):
    UserFactory(username="jane@example.com")

    response = admin_client.put(api_url("User", "jane@example.com"), {"new_password": "new-pass"}, format="json")

    assert response.status_code == 200
    assert "new_password" not in data(response)
    assert whoami_with_password("jane@example.com", "new-pass") == (200, {"message": "jane@example.com"})


def test_update_to_an_email_another_user_has_is_refused(admin_client, api_url):
    UserFactory(username="jane@example.com")
    UserFactory(username="bob", email="bob@example.com")

    response = admin_client.put(api_url("User", "bob"), {"email": "JANE@example.com"}, format="json")

    assert failure(response) == (409, "DuplicateEntryError", ["User <strong>JANE@example.com</strong> already exists"])
    assert get_user_model().objects.get(username="bob").email == "bob@example.com"


def test_disabled_user_can_log_in_neither_with_password_nor_token(admin_client, api_url):
    jane = UserFactory(username="jane@example.com")
    api_key, secret = ApiKey.objects.issue(jane)

    response = admin_client.put(api_url("User", "jane@example.com"), {"enabled": 0}, format="json")

    assert (response.status_code, data(response)["enabled"]) == (200, 0)
    assert whoami_with_password("jane@example.com", "secret") == (
        401, {"exc_type": "AuthenticationError", "message": "User disabled or missing"}
    )
    token = APIClient().get("/api/method/frappe.auth.get_logged_user",
                            HTTP_AUTHORIZATION=f"token {api_key.api_key}:{secret}")
    assert (token.status_code, token.json()) == (401, {"exc_type": "AuthenticationError"})


def test_the_administrator_cannot_be_disabled_or_deleted(admin_client, api_url):
    disabled = admin_client.put(api_url("User", "Administrator"), {"enabled": 0}, format="json")
    deleted = admin_client.delete(api_url("User", "Administrator"))

    assert failure(disabled) == (417, "ValidationError", ["User Administrator cannot be disabled"])
    assert failure(deleted) == (417, "ValidationError", ["User Administrator cannot be deleted"])
    assert get_user_model().objects.get(username="Administrator").is_active


def test_delete_user_removes_it_and_its_api_key(admin_client, api_url):
    jane = UserFactory(username="jane@example.com")
    ApiKey.objects.issue(jane)

    response = admin_client.delete(api_url("User", "jane@example.com"))

    assert (response.status_code, response.json()) == (202, {"data": "ok"})
    assert not get_user_model().objects.filter(username="jane@example.com").exists()
    assert not ApiKey.objects.exists()


def test_delete_unknown_user_is_404(admin_client, api_url):
    response = admin_client.delete(api_url("User", "nobody@example.com"))

    assert response.status_code == 404
    assert failure(response)[1] == "DoesNotExistError"


# -- lists and permissions ---------------------------------------------------------------------------------------


def test_user_list_filters_on_roles_and_computed_fields(admin_client, sales_role):
    jane = UserFactory(username="jane", first_name="Jane", last_name="Doe")
    jane.groups.add(sales_role)
    UserFactory(username="bob", first_name="Bob")

    response = admin_client.get(
        "/api/resource/User",
        {"fields": '["name","full_name","user_type"]', "filters": '[["Has Role","role","=","Sales User"]]'},
    )
    assert response.status_code == 200
    assert response.json() == {"data": [{"name": "jane", "full_name": "Jane Doe", "user_type": "Website User"}]}
    response = admin_client.get(
        "/api/resource/User", {"fields": '["name"]', "filters": '[["full_name","like","bob%"]]'}
    )
    assert response.json() == {"data": [{"name": "bob"}]}


def test_a_user_lists_only_itself_and_cannot_write_users(user_client, api_url):
    UserFactory(username="bob@example.com")

    listed = user_client.get(api_url("User"))
    created = user_client.post(api_url("User"), {"email": "eve@example.com", "first_name": "Eve"}, format="json")
    updated = user_client.put(api_url("User", "jane@example.com"), {"roles": [{"role": "System Manager"}]},
                              format="json")

    assert (listed.status_code, data(listed)) == (200, [{"name": "jane@example.com"}])
    assert created.status_code == 403
    assert updated.status_code == 403
    assert not get_user_model().objects.get(username="jane@example.com").groups.exists()


def test_a_user_cannot_read_another_user(user_client, api_url):
    UserFactory(username="bob@example.com")

    response = user_client.get(api_url("User", "bob@example.com"))

    assert failure(response) == (403, "PermissionError", [
        "User <strong>jane@example.com</strong> does not have access to this document: User - bob@example.com"
    ])


def test_guest_cannot_list_users(guest_client, api_url):
    assert guest_client.get(api_url("User")).status_code == 403
