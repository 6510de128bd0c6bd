"""Bad ``upload_file`` inputs get Frappe errors, never a 500: long, hostile and empty names and files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from django_frappe_api.file_storage import MAX_NAME_BYTES
from django_frappe_api.models import Document

from .rpc_support import body

pytestmark = pytest.mark.django_db

CONTENT = b"hello world\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def post(client, rpc, name: str = "notes.txt", content: bytes = CONTENT, **fields):
    upload = SimpleUploadedFile(name, content, "text/plain")
    return client.post(rpc.url("upload_file"), {"file": upload, **fields}, format="multipart")


def result(rpc, response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()["message" if rpc.version == "v1" else "data"]


def download(client, file_url: str) -> bytes:
    from urllib.parse import quote

    response = client.get(quote(file_url))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return data


@pytest.mark.parametrize("name", ["é" * 200 + ".txt", "a" * 300 + ".txt", "ü" * 127 + ".txt"])
def test_names_over_the_file_system_limit_are_shortened_keeping_the_extension(rpc, admin_client, name):
    stored = result(rpc, post(admin_client, rpc, name))

    assert len(stored["file_name"].encode()) <= MAX_NAME_BYTES
    assert stored["file_name"].endswith(".txt")
    assert name.startswith(stored["file_name"][:-4])
    assert stored["file_url"] == "/files/" + stored["file_name"]
    assert download(admin_client, stored["file_url"]) == CONTENT


def test_short_multibyte_names_are_kept(rpc, admin_client):
    stored = result(rpc, post(admin_client, rpc, "ü" * 90 + ".txt"))

    assert stored["file_name"] == "ü" * 90 + ".txt"


@pytest.mark.parametrize(("name", "expected"), [
    ("../../x.txt", "x.txt"),
    ("..\\..\\windows\\x.txt", "x.txt"),
    ("/etc/passwd.txt", "passwd.txt"),
    ("a\x00b.txt", "ab.txt"),
    ("tab\there\x7f.txt", "tabhere.txt"),
    ("...hidden.txt", "hidden.txt"),
    ("...", "file"),
    ("  spaced .txt  ", "spaced .txt"),
])
def test_hostile_names_are_cleaned_into_the_files_folder(rpc, admin_client, media, name, expected):
    stored = result(rpc, post(admin_client, rpc, name))

    assert stored["file_name"] == expected
    assert stored["file_url"] == "/files/" + expected
    assert (media / "files" / expected).read_bytes() == CONTENT


def test_empty_files_are_refused_and_nothing_is_stored(rpc, admin_client, media):
    response = post(admin_client, rpc, content=b"")

    assert response.status_code == 417
    assert body(response) == rpc.error("ValidationError", "File notes.txt is empty")
    assert not (media / "files").exists()
    assert Document.objects.filter(doctype_id="File").count() == 0


def test_a_file_part_without_a_file_name_counts_as_missing(rpc, admin_client):
    from django.test.client import BOUNDARY, encode_multipart

    payload = encode_multipart(BOUNDARY, {"folder": "Home"}).replace(
        b'name="folder"', b'name="file"; filename=""'
    )
    response = admin_client.generic("POST", rpc.url("upload_file"), payload,
                                    content_type=f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 417
    assert body(response) == rpc.error("MandatoryError", "Fields `file_name` or `file_url` must be set for File")


@pytest.mark.parametrize("file_url", [
    "/files/../../etc/passwd",
    "/files/..%2F..%2Fsettings.py",
    "/private/files/../../../db.sqlite3",
    "/files/a\x00b",
    "/files/",
    "file:///etc/passwd",
    "/api/method/ping",
])
def test_registering_a_url_outside_the_files_folders_is_refused(rpc, admin_client, file_url):
    response = admin_client.post(rpc.url("upload_file"), {"file_url": file_url}, format="multipart")

    assert response.status_code == 417
    assert body(response) == rpc.error("ValidationError", "URL must start with http:// or https://")


def test_registering_a_private_url_needs_read_access_to_it(rpc, admin_client, user_client):
    result(rpc, post(admin_client, rpc, is_private="1"))

    stolen = user_client.post(rpc.url("upload_file"), {"file_url": "/private/files/notes.txt"}, format="multipart")
    own = admin_client.post(rpc.url("upload_file"), {"file_url": "/private/files/notes.txt"}, format="multipart")

    assert stolen.status_code == 403
    assert body(stolen) == rpc.error("PermissionError", "You don't have permission to access this file",
                                     title="Not Permitted")
    assert result(rpc, own)["file_url"] == "/private/files/notes.txt"
    assert result(rpc, own)["is_private"] == 1
