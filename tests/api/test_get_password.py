"""``frappe.client.get_password``: System Managers read Password fields back, nobody else (v1 and v2)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from django_frappe_api import document
from django_frappe_api.models import Document
from tests.factories import UserFactory, make_doctype

from .rpc_support import body

pytestmark = pytest.mark.django_db

METHOD = "frappe.client.get_password"


@pytest.fixture
def account(admin_user):
    """An Email Account whose password everyone may write but nobody reads back through the document API."""
    make_doctype("Email Account", [{"fieldname": "email_id", "label": "Email", "fieldtype": "Data"},
                                   {"fieldname": "password", "label": "Password", "fieldtype": "Password"}],
                 autoname="Prompt", permissions=[{"role": "All", "read": 1, "write": 1, "create": 1}])
    document.insert_doc("Email Account", {"name": "Support", "email_id": "s@example.com", "password": "s3cret"},
                        user=admin_user)


def get_password(client, rpc, **params):
    return client.get(rpc.url(METHOD), {"doctype": "Email Account", "name": "Support", "fieldname": "password",
                                        **params})


def test_system_managers_get_the_clear_value(rpc, admin_client, account):
    response = get_password(admin_client, rpc)

    assert response.status_code == 200
    assert response.json() == rpc.ok("s3cret")


def test_the_role_is_enough_without_a_docperm_row(rpc, db):
    make_doctype("Vault", [{"fieldname": "pin", "label": "PIN", "fieldtype": "Password"}], autoname="Prompt",
                 permissions=[{"role": "Auditor"}])
    document.insert_doc("Vault", {"name": "V-1", "pin": "1234"}, user=UserFactory(username="root", is_superuser=True))
    client = APIClient()
    client.force_login(UserFactory(username="sm@example.com", roles=["System Manager"]))

    response = client.get(rpc.url(METHOD), {"doctype": "Vault", "name": "V-1", "fieldname": "pin"})

    assert response.json() == rpc.ok("1234")


def test_other_users_and_guests_get_a_bare_403(rpc, user_client, guest_client, account):
    user = get_password(user_client, rpc)
    guest = get_password(guest_client, rpc)

    assert user.status_code == 403
    assert body(user) == rpc.error("PermissionError")
    assert guest.status_code == 403
    assert body(guest) == rpc.error(
        "PermissionError",
        "<details><summary>You are not permitted to access this resource.</summary>"
        f"Function <strong>{METHOD}</strong> is not whitelisted.</details>",
        title="Method Not Allowed",
    )


def test_a_new_value_replaces_the_old_and_asterisks_keep_it(rpc, admin_client, admin_user, account):
    document.update_doc("Email Account", "Support", {"password": "*******"}, user=admin_user)
    kept = get_password(admin_client, rpc).json()
    document.update_doc("Email Account", "Support", {"password": "n3w"}, user=admin_user)
    replaced = get_password(admin_client, rpc).json()

    assert kept == rpc.ok("s3cret")
    assert replaced == rpc.ok("n3w")


@pytest.mark.parametrize(("params", "message"), [
    ({"fieldname": "email_id"}, "Password not found for Email Account Support email_id"),
    ({"fieldname": "nope"}, "Password not found for Email Account Support nope"),
])
def test_fields_without_a_password_are_401(rpc, admin_client, account, params, message):
    response = get_password(admin_client, rpc, **params)

    assert response.status_code == 401
    assert body(response) == rpc.error("AuthenticationError", message)


def test_empty_and_unreadable_stored_values_are_401(rpc, admin_client, admin_user, account):
    document.update_doc("Email Account", "Support", {"password": ""}, user=admin_user)
    empty = get_password(admin_client, rpc)
    row = Document.objects.get(doctype_id="Email Account", name="Support")
    row.data["password"] = "md5$salt$abcdef"  # a hash written before passwords were encrypted
    row.save()
    hashed = get_password(admin_client, rpc)

    for response in (empty, hashed):
        assert response.status_code == 401
        assert body(response) == rpc.error("AuthenticationError",
                                           "Password not found for Email Account Support password")


def test_missing_document_or_doctype_is_404(rpc, admin_client, account):
    document_missing = get_password(admin_client, rpc, name="Sales")
    doctype_missing = get_password(admin_client, rpc, doctype="Nope")

    assert document_missing.status_code == doctype_missing.status_code == 404
    assert body(document_missing) == rpc.error("DoesNotExistError", "Email Account Sales not found")
    assert body(doctype_missing) == rpc.error("DoesNotExistError", "DocType Nope not found")


def test_parameters_are_required(rpc, admin_client, account):
    response = admin_client.get(rpc.url(METHOD), {"doctype": "Email Account"})

    assert response.status_code == 417
    assert body(response) == rpc.error(
        "FrappeTypeError", f"{METHOD}() missing required arguments: 'name', 'fieldname'"
    )


def test_the_document_api_never_shows_the_value(admin_client, account):
    read = admin_client.get("/api/resource/Email Account/Support").json()["data"]

    assert "password" not in read
    assert "s3cret" not in str(Document.objects.get(doctype_id="Email Account", name="Support").data)
