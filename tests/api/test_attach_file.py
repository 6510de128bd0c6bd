"""``frappe.client.attach_file`` (base64 content) on v1 and v2, then the download of what it stored."""

from __future__ import annotations

import base64
import hashlib
from unittest.mock import ANY

import pytest
from rest_framework.test import APIClient

from django_frappe_api import document
from django_frappe_api.models import Document
from tests.factories import UserFactory, make_doctype

from .rpc_support import NOW, body, make_todo

pytestmark = pytest.mark.django_db

CONTENT = "Grüße aus Köln\n".encode()
ENCODED = base64.b64encode(CONTENT).decode()
ATTACH = "frappe.client.attach_file"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def memo(admin_user):
    """Everyone reads Memos; only System Managers write them."""
    make_doctype("Memo", [{"fieldname": "title", "label": "Title", "fieldtype": "Data"},
                          {"fieldname": "scan", "label": "Scan", "fieldtype": "Attach"}], autoname="Prompt",
                 permissions=[{"role": "System Manager"}, {"role": "All", "read": 1, "write": 0, "create": 0}])
    document.insert_doc("Memo", {"name": "M-1"}, user=admin_user)


def read_all(response) -> bytes:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data


def file_doc(**values) -> dict:
    doc = {
        "name": ANY, "owner": "Administrator", "creation": NOW, "modified": NOW, "modified_by": "Administrator",
        "docstatus": 0, "idx": 0, "file_name": "greeting.txt", "is_private": 1, "is_home_folder": 0,
        "is_attachments_folder": 0, "file_size": len(CONTENT), "file_url": "/private/files/greeting.txt",
        "folder": "Home", "is_folder": 0, "attached_to_doctype": "Memo", "attached_to_name": "M-1",
        "content_hash": hashlib.md5(CONTENT).hexdigest(), "uploaded_to_dropbox": 0, "uploaded_to_google_drive": 0,
        "file_type": "TXT", "doctype": "File",
    }  # fmt: skip
    doc.update(values)
    return {key: value for key, value in doc.items() if value is not None}


def attach(client, rpc, **params):
    values = {"filename": "greeting.txt", "filedata": ENCODED, "decode_base64": 1, "doctype": "Memo",
              "docname": "M-1", "is_private": 1, **params}
    return client.post(rpc.url(ATTACH), values, format="json")


def test_base64_content_round_trips_through_the_download(rpc, admin_client, memo, now):
    response = attach(admin_client, rpc)
    download = admin_client.get("/private/files/greeting.txt")

    assert response.status_code == 200
    assert response.json() == rpc.ok(file_doc())
    assert download.status_code == 200
    assert read_all(download) == CONTENT
    assert download["Content-Type"] == "text/plain"


def test_docfield_gets_the_file_url(rpc, admin_client, admin_user, memo, now):
    response = attach(admin_client, rpc, docfield="scan", is_private=0)

    assert response.json() == rpc.ok(file_doc(is_private=0, file_url="/files/greeting.txt", attached_to_field="scan"))
    assert document.get_doc("Memo", "M-1", user=admin_user)["scan"] == "/files/greeting.txt"
    assert read_all(APIClient().get("/files/greeting.txt")) == CONTENT


def test_data_url_prefix_and_plain_text_content(rpc, admin_client, memo, now):
    data_url = attach(admin_client, rpc, filedata="data:text/plain;base64," + ENCODED, filename="a.txt")
    plain = attach(admin_client, rpc, filedata="just text", decode_base64=0, filename="b.txt")

    assert data_url.status_code == plain.status_code == 200
    assert read_all(admin_client.get("/private/files/a.txt")) == CONTENT
    assert read_all(admin_client.get("/private/files/b.txt")) == b"just text"


def test_attach_file_is_post_or_put_only(rpc, admin_client, memo):
    response = admin_client.get(rpc.url(ATTACH), {"filename": "a.txt", "filedata": ENCODED, "doctype": "Memo",
                                                  "docname": "M-1"})

    assert response.status_code == 403
    assert body(response) == rpc.error("PermissionError")


@pytest.mark.parametrize(("params", "status", "exc_type", "message"), [
    ({"filedata": "not base64!"}, 417, "ValidationError", "filedata is not valid base64"),
    ({"filedata": ""}, 417, "ValidationError", "File greeting.txt is empty"),
    ({"filename": ""}, 417, "MandatoryError", "Fields `file_name` or `file_url` must be set for File"),
    ({"docname": "M-404"}, 404, "DoesNotExistError", "Memo M-404 not found"),
    ({"doctype": "Nope"}, 404, "DoesNotExistError", "DocType Nope not found"),
])
def test_bad_input_is_a_frappe_error_and_stores_nothing(rpc, admin_client, memo, media, params, status, exc_type,
                                                        message):
    response = attach(admin_client, rpc, **params)

    assert response.status_code == status
    assert body(response) == rpc.error(exc_type, message)
    assert Document.objects.filter(doctype_id="File").count() == 0
    assert not (media / "private" / "files").exists() or list((media / "private" / "files").iterdir()) == []


def test_oversized_content_is_refused(rpc, admin_client, memo, settings):
    settings.FRAPPE_API = {"MAX_FILE_SIZE": 5}

    response = attach(admin_client, rpc)

    assert response.status_code == 417
    assert body(response) == rpc.error(
        "MaxFileSizeReachedError", "File size exceeded the maximum allowed size of 4.76837158203125e-06 MB"
    )


def test_target_the_user_cannot_read_is_403(rpc, todo, admin_user, db):
    make_doctype("Vault", [{"fieldname": "title", "label": "Title", "fieldtype": "Data"}], autoname="Prompt")
    document.insert_doc("Vault", {"name": "V-1"}, user=admin_user)
    client = APIClient()
    client.force_login(UserFactory(username="bob@example.com"))

    response = attach(client, rpc, doctype="Vault", docname="V-1")

    assert response.status_code == 403
    assert body(response) == rpc.error(
        "PermissionError",
        "User <strong>bob@example.com</strong> does not have access to this document: Vault - V-1",
        title="Not Permitted", _error_message="Insufficient Permission for Vault (<strong>read</strong>)",
    )


def test_failed_docfield_save_leaves_no_file_behind(rpc, memo, media, db):
    client = APIClient()
    client.force_login(UserFactory(username="bob@example.com"))

    response = attach(client, rpc, docfield="scan")

    assert response.status_code == 403  # bob reads Memos but may not write them
    assert body(response) == rpc.error(
        "PermissionError", "No permission for Memo (<strong>write</strong>)", title="Not Permitted",
        _error_message="Insufficient Permission for Memo (<strong>write</strong>)",
    )
    assert Document.objects.filter(doctype_id="File").count() == 0
    assert list((media / "private" / "files").iterdir()) == []


def test_users_attach_to_documents_they_read_and_download_them(rpc, user, user_client, todo, now):
    created = make_todo(user)

    response = attach(user_client, rpc, doctype="ToDo", docname=created["name"])
    download = user_client.get("/api/method/download_file", {"file_url": "/private/files/greeting.txt"})

    assert response.json() == rpc.ok(file_doc(owner="jane@example.com", modified_by="jane@example.com",
                                              attached_to_doctype="ToDo", attached_to_name=created["name"]))
    assert read_all(download) == CONTENT
    assert download["Content-Disposition"] == 'attachment; filename="greeting.txt"'
