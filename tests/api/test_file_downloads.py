"""Serving uploaded files: ``/files/<path>``, ``/private/files/<path>`` and ``download_file`` (§5.5).

Every test uploads over HTTP first, then downloads the ``file_url`` it was given, as a client does.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from django_frappe_api import document
from tests.factories import UserFactory, make_doctype

from .rpc_support import body, make_todo

pytestmark = pytest.mark.django_db

CONTENT = b"hello world\n"
NOT_PERMITTED = {"exc_type": "PermissionError", "_server_messages": [{
    "message": "You don't have permission to access this file", "title": "Not Permitted", "indicator": "red",
    "raise_exception": 1}]}
NOT_FOUND = {"exc_type": "DoesNotExistError", "_server_messages": [{
    "message": "The resource you are looking for is not available", "title": "Not Found", "indicator": "red",
    "raise_exception": 1}]}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def bob(db):
    return UserFactory(username="bob@example.com", first_name="Bob", last_name="Roe")


@pytest.fixture
def bob_client(bob) -> APIClient:
    client = APIClient()
    client.force_login(bob)
    return client


def upload(client, name: str = "notes.txt", content: bytes = CONTENT, url: str = "/api/method/upload_file",
           **fields) -> dict:
    response = client.post(url, {"file": SimpleUploadedFile(name, content, "text/plain"), **fields},
                           format="multipart")
    assert response.status_code == 200, response.content
    return response.json()["message" if "/v2/" not in url else "data"]


def fetch(client, url: str, data: dict | None = None, method: str = "get"):
    """The response with its bytes read into ``.body``; reading to the end closes the stored file (the test
    client closes a streamed response at its end, as a WSGI server does)."""
    response = getattr(client, method)(url, data)
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


# -- public files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/method/upload_file", "/api/v2/method/upload_file"])
def test_uploaded_public_file_downloads_from_its_file_url(admin_client, guest_client, url):
    file_url = upload(admin_client, url=url)["file_url"]

    response = fetch(guest_client, file_url)

    assert file_url == "/files/notes.txt"
    assert response.status_code == 200
    assert response.body == CONTENT
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'inline; filename="notes.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(CONTENT))


def test_head_answers_the_headers_without_the_body(admin_client, guest_client):
    upload(admin_client)

    response = fetch(guest_client, "/files/notes.txt", method="head")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Length"] == str(len(CONTENT))


def test_file_names_with_spaces_and_unicode_download_percent_encoded(admin_client, guest_client):
    file_url = upload(admin_client, name="Rapport été 2024.pdf", content=b"%PDF-1.4")["file_url"]

    response = fetch(guest_client, "/files/Rapport%20%C3%A9t%C3%A9%202024.pdf")

    assert file_url == "/files/Rapport été 2024.pdf"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "inline; filename*=utf-8''Rapport%20%C3%A9t%C3%A9%202024.pdf"
    assert response.body == b"%PDF-1.4"


def test_scriptable_types_are_sent_as_attachments(admin_client, guest_client):
    upload(admin_client, name="logo.svg", content=b"<svg onload='alert(1)'/>")

    response = fetch(guest_client, "/files/logo.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'attachment; filename="logo.svg"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_missing_public_file_is_a_frappe_404(guest_client):
    response = fetch(guest_client, "/files/nothing.txt")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert body(response) == NOT_FOUND


@pytest.mark.parametrize("path", [
    "/files/../private/files/notes.txt",
    "/files/..%2Fprivate%2Ffiles%2Fnotes.txt",
    "/files/./notes.txt",
    "/files/a//notes.txt",
    "/files/notes.txt%00.png",
    "/files/..%5Cprivate%5Cfiles%5Cnotes.txt",
])
def test_paths_leaving_the_files_folder_are_404(admin_client, guest_client, path):
    upload(admin_client, is_private="1")

    response = fetch(guest_client, path)

    assert response.status_code == 404
    assert body(response) == NOT_FOUND


def test_other_verbs_are_405(admin_client):
    upload(admin_client)

    response = admin_client.post("/files/notes.txt")

    assert response.status_code == 405
    assert body(response) == {"exc_type": "MethodNotAllowed", "_server_messages": [
        {"message": "Method POST not allowed", "title": "Message", "indicator": "red", "raise_exception": 1}]}


# -- private files -------------------------------------------------------------------------------------


def test_private_file_downloads_for_its_owner_and_system_managers(user_client, admin_client):
    file_url = upload(user_client, is_private="1")["file_url"]

    owner = fetch(user_client, file_url)
    manager = fetch(admin_client, file_url)

    assert file_url == "/private/files/notes.txt"
    for response in (owner, manager):
        assert response.status_code == 200
        assert response.body == CONTENT
        assert response["Content-Type"] == "text/plain"
        assert response["Content-Disposition"] == 'inline; filename="notes.txt"'
        assert response["X-Content-Type-Options"] == "nosniff"


def test_members_of_the_system_manager_role_read_every_private_file(user_client, db):
    upload(user_client, is_private="1")
    manager = APIClient()
    manager.force_login(UserFactory(username="sm@example.com", roles=["System Manager"]))

    response = fetch(manager, "/private/files/notes.txt")

    assert response.status_code == 200
    assert response.body == CONTENT


def test_other_users_and_guests_get_403(user_client, bob_client, guest_client):
    upload(user_client, is_private="1")

    other = fetch(bob_client, "/private/files/notes.txt")
    guest = fetch(guest_client, "/private/files/notes.txt")

    assert other.status_code == guest.status_code == 403
    assert body(other) == body(guest) == NOT_PERMITTED


def test_read_permission_on_the_attached_document_opens_the_file(user, user_client, bob_client, todo):
    created = make_todo(user)
    upload(user_client, is_private="1", doctype="ToDo", docname=created["name"])

    response = fetch(bob_client, "/private/files/notes.txt")

    assert response.status_code == 200
    assert response.body == CONTENT


def test_attached_document_the_user_cannot_read_keeps_the_file_closed(admin_client, admin_user, bob, bob_client):
    make_doctype("Contract", [{"fieldname": "title", "label": "Title", "fieldtype": "Data"}], autoname="Prompt",
                 permissions=[{"role": "System Manager"}, {"role": "Legal", "read": 1, "write": 0, "create": 0}])
    document.insert_doc("Contract", {"name": "C-1"}, user=admin_user)
    upload(admin_client, is_private="1", doctype="Contract", docname="C-1")

    refused = fetch(bob_client, "/private/files/notes.txt")
    bob.groups.create(name="Legal")
    allowed = fetch(bob_client, "/private/files/notes.txt")

    assert refused.status_code == 403
    assert body(refused) == NOT_PERMITTED
    assert allowed.status_code == 200
    assert allowed.body == CONTENT


def test_guests_are_refused_even_on_a_document_they_could_read(admin_client, admin_user, guest_client):
    make_doctype("Notice", [{"fieldname": "title", "label": "Title", "fieldtype": "Data"}], autoname="Prompt",
                 permissions=[{"role": "System Manager"}, {"role": "Guest", "read": 1, "write": 0, "create": 0}])
    document.insert_doc("Notice", {"name": "N-1"}, user=admin_user)
    upload(admin_client, is_private="1", doctype="Notice", docname="N-1")

    response = fetch(guest_client, "/private/files/notes.txt")

    assert response.status_code == 403
    assert body(response) == NOT_PERMITTED


def test_unknown_private_url_is_403_and_lost_content_is_404(admin_client, media):
    upload(admin_client, is_private="1")
    (media / "private" / "files" / "notes.txt").unlink()

    unknown = fetch(admin_client, "/private/files/other.txt")
    lost = fetch(admin_client, "/private/files/notes.txt")

    assert unknown.status_code == 403  # Frappe: without a File record nobody may read it
    assert body(unknown) == NOT_PERMITTED
    assert lost.status_code == 404
    assert body(lost) == NOT_FOUND


def test_api_key_clients_download_private_files(admin_client, user):
    from django_frappe_api.models import ApiKey

    generated = admin_client.post("/api/method/frappe.core.doctype.user.user.generate_keys", {"user": user.username})
    key, secret = ApiKey.objects.get(user=user).api_key, generated.json()["message"]["api_secret"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"token {key}:{secret}")
    file_url = upload(client, is_private="1")["file_url"]

    response = fetch(client, file_url)

    assert response.status_code == 200
    assert response.body == CONTENT


# -- serving headers ---------------------------------------------------------------------------------


def test_x_accel_redirect_hands_the_file_to_nginx(admin_client, settings):
    upload(admin_client, is_private="1", name="a b.txt")
    settings.FRAPPE_API = {"FILE_SERVE_HEADER": "X-Accel-Redirect"}

    response = fetch(admin_client, "/private/files/a%20b.txt")

    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected/private/files/a%20b.txt"
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'inline; filename="a b.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_x_accel_prefix_is_a_setting_and_permissions_still_apply(user_client, bob_client, settings):
    upload(user_client, is_private="1")
    settings.FRAPPE_API = {"FILE_SERVE_HEADER": "X-Accel-Redirect", "FILE_SERVE_PREFIX": "/internal-media"}

    allowed = fetch(user_client, "/private/files/notes.txt")
    refused = fetch(bob_client, "/private/files/notes.txt")

    assert allowed["X-Accel-Redirect"] == "/internal-media/private/files/notes.txt"
    assert refused.status_code == 403
    assert "X-Accel-Redirect" not in refused


def test_x_sendfile_gives_the_file_system_path(admin_client, settings, media):
    upload(admin_client)
    settings.FRAPPE_API = {"FILE_SERVE_HEADER": "X-Sendfile"}

    response = fetch(admin_client, "/files/notes.txt")

    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Sendfile"] == str(media / "files" / "notes.txt")
    assert response["Content-Type"] == "text/plain"


def test_a_storage_other_than_the_file_system_serves_too(admin_client, guest_client, settings, media):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    private_url = upload(admin_client, is_private="1")["file_url"]
    public_url = upload(admin_client, name="pub.txt", content=b"public")["file_url"]

    private = fetch(admin_client, private_url)
    public = fetch(guest_client, public_url)

    assert private.status_code == public.status_code == 200
    assert private.body == CONTENT
    assert public.body == b"public"
    assert private["Content-Type"] == "text/plain"
    assert private["X-Content-Type-Options"] == "nosniff"
    assert list(media.iterdir()) == []  # nothing went to MEDIA_ROOT


def test_x_sendfile_on_a_storage_without_paths_streams_instead(admin_client, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    upload(admin_client)
    settings.FRAPPE_API = {"FILE_SERVE_HEADER": "X-Sendfile"}

    response = fetch(admin_client, "/files/notes.txt")

    assert "X-Sendfile" not in response
    assert response.body == CONTENT


# -- download_file -------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["download_file", "frappe.handler.download_file"])
def test_download_file_sends_an_attachment(user_client, method):
    file_url = upload(user_client, is_private="1")["file_url"]

    response = fetch(user_client, f"/api/method/{method}", {"file_url": file_url})

    assert response.status_code == 200
    assert response.body == CONTENT
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_file_checks_the_file_permission(user_client, bob_client, guest_client, admin_client):
    upload(user_client, is_private="1")
    upload(admin_client, name="pub.txt", content=b"public")

    other = fetch(bob_client, "/api/method/download_file", {"file_url": "/private/files/notes.txt"})
    guest = fetch(guest_client, "/api/method/download_file", {"file_url": "/private/files/notes.txt"})
    public = fetch(guest_client, "/api/method/download_file", {"file_url": "/files/pub.txt"})
    unknown = fetch(bob_client, "/api/method/download_file", {"file_url": "/files/none.txt"})
    missing = fetch(bob_client, "/api/method/download_file")

    assert other.status_code == guest.status_code == 403
    assert other.json() == guest.json() == {"exc_type": "PermissionError"}
    assert public.status_code == 200
    assert public.body == b"public"
    assert unknown.status_code == missing.status_code == 404
    assert body(unknown) == body(missing) == {"exc_type": "DoesNotExistError", "_server_messages": [
        {"message": "File not found", "title": "Message", "indicator": "red", "raise_exception": 1}]}
