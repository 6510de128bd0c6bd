"""``upload_file`` (§5.5) on ``/api/method/upload_file`` and ``/api/v2/method/upload_file``."""

from __future__ import annotations

import hashlib
from unittest.mock import ANY

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from django_frappe_api import document

from .rpc_support import NOW, body, make_todo

pytestmark = pytest.mark.django_db

CONTENT = b"hello world\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name: str = "notes.txt", content: bytes = CONTENT, content_type: str = "text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def file_doc(**values) -> dict:
    doc = {
        "name": ANY, "owner": "Administrator", "creation": NOW, "modified": NOW, "modified_by": "Administrator",
        "docstatus": 0, "idx": 0, "file_name": "notes.txt", "is_private": 0, "is_home_folder": 0,
        "is_attachments_folder": 0, "file_size": len(CONTENT), "file_url": "/files/notes.txt", "folder": "Home",
        "is_folder": 0, "content_hash": hashlib.md5(CONTENT).hexdigest(), "uploaded_to_dropbox": 0,
        "uploaded_to_google_drive": 0, "file_type": "TXT", "doctype": "File",
    }  # fmt: skip
    doc.update(values)
    return {key: value for key, value in doc.items() if value is not None}


def test_upload_stores_a_public_file(rpc, admin_client, media, now):
    response = admin_client.post(rpc.url("upload_file"), {"file": upload()}, format="multipart")
    assert response.status_code == 200
    assert response.json() == rpc.ok(file_doc())
    assert (media / "files" / "notes.txt").read_bytes() == CONTENT


def test_upload_private_file_attached_to_a_document_sets_its_field(rpc, admin_client, admin_user, media, now, db):
    from ..factories import make_doctype

    make_doctype(
        "Note",
        [{"fieldname": "title", "label": "Title", "fieldtype": "Data"},
         {"fieldname": "attachment", "label": "Attachment", "fieldtype": "Attach"}],
        autoname="field:title",
    )
    document.insert_doc("Note", {"title": "N-1"}, user=admin_user)
    response = admin_client.post(
        rpc.url("upload_file"),
        {"file": upload(), "is_private": "1", "doctype": "Note", "docname": "N-1", "fieldname": "attachment"},
        format="multipart",
    )
    assert response.status_code == 200
    assert response.json() == rpc.ok(file_doc(
        is_private=1, file_url="/private/files/notes.txt", attached_to_doctype="Note", attached_to_name="N-1",
        attached_to_field="attachment",
    ))
    assert (media / "private" / "files" / "notes.txt").read_bytes() == CONTENT
    assert document.get_doc("Note", "N-1", user=admin_user)["attachment"] == "/private/files/notes.txt"


def test_same_name_with_other_content_gets_a_hash_suffix(admin_client, media, todo):
    admin_client.post("/api/method/upload_file", {"file": upload()}, format="multipart")
    other = b"other content"
    response = admin_client.post(
        "/api/method/upload_file", {"file": upload(content=other)}, format="multipart"
    )
    suffix = hashlib.md5(other).hexdigest()[-6:]
    assert response.json()["message"]["file_url"] == f"/files/notes{suffix}.txt"
    assert (media / "files" / f"notes{suffix}.txt").read_bytes() == other


def test_upload_registers_a_file_url(rpc, admin_client, now):
    response = admin_client.post(
        rpc.url("upload_file"), {"file_url": "https://example.com/a/logo.png?x=1"}, format="multipart"
    )
    assert response.json() == rpc.ok(file_doc(
        file_name="logo.png", file_url="https://example.com/a/logo.png?x=1", file_size=0, content_hash=None,
        file_type="PNG",
    ))


def test_upload_without_file_or_url_is_refused(rpc, admin_client):
    response = admin_client.post(rpc.url("upload_file"), {"folder": "Home"}, format="multipart")
    assert response.status_code == 417
    assert body(response) == rpc.error("MandatoryError", "Fields `file_name` or `file_url` must be set for File")


def test_upload_over_the_size_limit_is_refused(rpc, admin_client, media, settings):
    settings.FRAPPE_API = {"MAX_FILE_SIZE": 5}
    response = admin_client.post(rpc.url("upload_file"), {"file": upload()}, format="multipart")
    assert response.status_code == 417
    assert body(response) == rpc.error(
        "MaxFileSizeReachedError", "File size exceeded the maximum allowed size of 4.76837158203125e-06 MB"
    )
    assert not (media / "files").exists()


def test_default_size_limit_message(rpc, admin_client, settings):
    settings.FRAPPE_API = {"MAX_FILE_SIZE": 10 * 1024 * 1024}
    big = upload(content=b"x" * (10 * 1024 * 1024 + 1))
    response = admin_client.post(rpc.url("upload_file"), {"file": big}, format="multipart")
    assert response.status_code == 417
    assert body(response) == rpc.error(
        "MaxFileSizeReachedError", "File size exceeded the maximum allowed size of 10.0 MB"
    )


def test_guest_uploads_are_refused_unless_allowed(rpc, guest_client, settings, now):
    refused = guest_client.post(rpc.url("upload_file"), {"file": upload()}, format="multipart")
    settings.FRAPPE_API = {"ALLOW_GUEST_UPLOADS": True}
    allowed = guest_client.post(rpc.url("upload_file"), {"file": upload()}, format="multipart")
    assert refused.status_code == 403
    assert body(refused) == rpc.error("PermissionError")
    assert allowed.status_code == 200
    assert allowed.json() == rpc.ok(file_doc(owner="Guest", modified_by="Guest"))


def test_guests_may_upload_only_safe_types(rpc, guest_client, settings):
    settings.FRAPPE_API = {"ALLOW_GUEST_UPLOADS": True}
    response = guest_client.post(
        rpc.url("upload_file"), {"file": upload("run.sh", b"echo", "text/x-sh")}, format="multipart"
    )
    assert response.status_code == 417
    assert body(response) == rpc.error(
        "ValidationError", "You can only upload JPG, PNG, PDF, TXT or Microsoft documents."
    )


def test_attaching_needs_write_permission_on_the_document(rpc, user_client, admin_user, db):
    from ..factories import make_doctype

    make_doctype("Secret", [{"fieldname": "code", "label": "Code", "fieldtype": "Data"}], autoname="Prompt")
    document.insert_doc("Secret", {"name": "S-1"}, user=admin_user)
    response = user_client.post(
        rpc.url("upload_file"), {"file": upload(), "doctype": "Secret", "docname": "S-1"}, format="multipart"
    )
    assert response.status_code == 403
    assert body(response) == rpc.error(
        "PermissionError", "No permission for Secret (<strong>write</strong>)", title="Not Permitted",
        _error_message="Insufficient Permission for Secret (<strong>write</strong>)",
    )


def test_users_attach_to_their_documents_and_to_unsaved_forms(rpc, user_client, user, todo, now):
    created = make_todo(user)
    saved = user_client.post(
        rpc.url("upload_file"), {"file": upload(), "doctype": "ToDo", "docname": created["name"]}, format="multipart"
    )
    unsaved = user_client.post(
        rpc.url("upload_file"), {"file": upload(), "doctype": "ToDo", "docname": "new-todo-1"}, format="multipart"
    )
    owner = {"owner": "jane@example.com", "modified_by": "jane@example.com"}
    assert saved.json() == rpc.ok(file_doc(**owner, attached_to_doctype="ToDo", attached_to_name=created["name"]))
    assert unsaved.json() == rpc.ok(file_doc(**owner, attached_to_doctype="ToDo", attached_to_name="new-todo-1"))


def test_attachments_appear_in_getdoc(admin_client, admin_user, todo):
    created = make_todo(admin_user)
    uploaded = admin_client.post(
        "/api/method/upload_file", {"file": upload(), "doctype": "ToDo", "docname": created["name"]},
        format="multipart",
    ).json()["message"]
    docinfo = admin_client.get(
        "/api/method/frappe.desk.form.load.getdoc", {"doctype": "ToDo", "name": created["name"]}
    ).json()["docinfo"]
    assert docinfo["attachments"] == [
        {"name": uploaded["name"], "file_name": "notes.txt", "file_url": "/files/notes.txt", "is_private": 0}
    ]
