"""The User and Role DocTypes over REST, backed by Django's user model and groups."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def test_create_role_then_user_with_that_role(admin_client):
    response = admin_client.post("/api/resource/Role", {"role_name": "Sales User"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"data": {"name": "Sales User", "docstatus": 0, "idx": 0, "role_name": "Sales User",
                                        "doctype": "Role"}}
    response = admin_client.post(
        "/api/resource/User",
        {"name": "jane", "email": "jane@example.com", "first_name": "Jane", "last_name": "Doe",
         "new_password": "s3cret-pass", "user_type": "System User", "roles": [{"role": "Sales User"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()["data"]
    creation = body.pop("creation")
    assert body == {
        "name": "jane", "docstatus": 0, "idx": 0, "email": "jane@example.com", "first_name": "Jane",
        "last_name": "Doe", "full_name": "Jane Doe", "enabled": 1, "user_type": "System User", "doctype": "User",
        "roles": [{"name": "jane-Sales User", "docstatus": 0, "idx": 1, "role": "Sales User", "parent": "jane",
                   "parentfield": "roles", "parenttype": "User", "doctype": "Has Role"}],
    }
    assert creation
    user = get_user_model().objects.get(username="jane")
    assert user.check_password("s3cret-pass")
    assert list(user.groups.values_list("name", flat=True)) == ["Sales User"]


def test_user_list_filters_on_roles_and_computed_fields(admin_client, admin_user):
    sales = Group.objects.create(name="Sales User")
    jane = get_user_model().objects.create_user("jane", "jane@example.com", first_name="Jane", last_name="Doe")
    jane.groups.add(sales)
    get_user_model().objects.create_user("bob", "bob@example.com", first_name="Bob")
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


def test_update_user_replaces_roles_and_password(admin_client):
    Group.objects.create(name="A")
    Group.objects.create(name="B")
    user = get_user_model().objects.create_user("jane", "jane@example.com", password="old", first_name="Jane")
    user.groups.add(Group.objects.get(name="A"))
    response = admin_client.put(
        "/api/resource/User/jane", {"roles": [{"role": "B"}], "new_password": "new-pass", "enabled": 0}, format="json"
    )
    assert response.status_code == 200
    assert [row["role"] for row in response.json()["data"]["roles"]] == ["B"]
    assert "new_password" not in response.json()["data"]
    user.refresh_from_db()
    assert user.check_password("new-pass")
    assert not user.is_active


def test_user_doctype_is_system_manager_only(user_client):
    response = user_client.get("/api/resource/User")
    assert response.status_code == 403
    assert response.json()["exc_type"] == "PermissionError"


def test_unknown_role_in_user_is_a_link_error(admin_client):
    response = admin_client.post(
        "/api/resource/User", {"name": "x", "first_name": "X", "roles": [{"role": "Nope"}]}, format="json"
    )
    assert response.status_code == 417
    assert response.json()["exc_type"] == "LinkValidationError"
    assert not get_user_model().objects.filter(username="x").exists()


def test_delete_role(admin_client):
    Group.objects.create(name="Temp")
    response = admin_client.delete("/api/resource/Role/Temp")
    assert response.status_code == 202
    assert response.json() == {"data": "ok"}
    assert not Group.objects.filter(name="Temp").exists()
