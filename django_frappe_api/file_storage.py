"""Where File contents live: Django's storage API (``default_storage``) under Frappe's URL layout.

Usage::

    file_url, name = file_storage.store("notes.txt", b"hello", is_private=False)   # "/files/notes.txt"
    path = file_storage.storage_path("/private/files/notes.txt")                   # "private/files/notes.txt"
    file_storage.exists(path)

Public files are stored under ``files/``, private ones under ``private/files/``, so a ``file_url`` minus
its leading slash is the storage name. Going through the storage API (never ``open()`` on a path)
keeps remote storages such as django-storages' S3 backend working.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from typing import IO

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.html import escape

from . import exceptions

PUBLIC_PREFIX = "files/"
PRIVATE_PREFIX = "private/files/"
# File systems allow 255 bytes per name; storages may add "_<7 chars>" and we may add a 6-char hash.
MAX_NAME_BYTES = 200
_MAX_EXTENSION_BYTES = 16


def clean_file_name(name: object) -> str:
    """The last path segment of a client-supplied name, without control characters, leading dots or
    surrounding blanks, shortened to ``MAX_NAME_BYTES`` (UTF-8) with its extension kept.

    ``../../etc/passwd`` becomes ``passwd``; a name with nothing left becomes ``file``.
    """
    text = posixpath.basename(str(name).replace("\\", "/"))
    text = "".join(char for char in text if char.isprintable()).strip().lstrip(".").strip()
    return _shorten(text) or "file"


def _shorten(name: str) -> str:
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    stem, extension = posixpath.splitext(name)
    if len(extension.encode()) > _MAX_EXTENSION_BYTES:
        stem, extension = name, ""
    budget = MAX_NAME_BYTES - len(extension.encode())
    return stem.encode()[:budget].decode("utf-8", "ignore").rstrip() + extension


def storage_path(file_url: object) -> str | None:
    """The storage name behind a local ``file_url``; ``None`` for remote URLs and for any path that is not
    plainly inside ``files/`` or ``private/files/`` (``..``, empty segments, NUL, backslashes)."""
    if not isinstance(file_url, str) or not file_url.startswith(("/" + PUBLIC_PREFIX, "/" + PRIVATE_PREFIX)):
        return None
    path = file_url[1:]
    for segment in path.split("/"):
        if segment in ("", ".", "..") or "\x00" in segment or "\\" in segment:
            return None
    return path


def is_private_url(file_url: str) -> bool:
    return file_url.startswith("/" + PRIVATE_PREFIX)


def exists(path: str) -> bool:
    try:
        return default_storage.exists(path)
    except SuspiciousFileOperation:
        return False


def open_file(path: str) -> IO[bytes]:
    """The stored file, opened for reading (the caller closes it; ``FileResponse`` does)."""
    return default_storage.open(path, "rb")


def read(path: str) -> bytes:
    with open_file(path) as stored:
        return stored.read()


def local_path(path: str) -> str | None:
    """The file system path of a stored file, for ``X-Sendfile``; ``None`` on storages that keep it elsewhere
    (remote ones raise ``NotImplementedError``; ``InMemoryStorage`` answers a path where nothing is)."""
    try:
        local = default_storage.path(path)
    except NotImplementedError:
        return None
    return local if os.path.isfile(local) else None


def delete(file_url: str) -> None:
    path = storage_path(file_url)
    if path is not None:
        default_storage.delete(path)


def store(file_name: str, content: bytes, *, is_private: bool) -> tuple[str, str]:
    """Save bytes under ``files/`` or ``private/files/``; returns ``(file_url, file_name)``.

    A name already taken by other content gets the hash's last six characters, as Frappe does;
    the same content under the same name is stored once.
    """
    prefix = PRIVATE_PREFIX if is_private else PUBLIC_PREFIX
    path = prefix + file_name
    try:
        if default_storage.exists(path):
            if read(path) == content:
                return "/" + path, file_name
            stem, extension = posixpath.splitext(file_name)
            file_name = f"{stem}{hashlib.md5(content, usedforsecurity=False).hexdigest()[-6:]}{extension}"
            path = prefix + file_name
            if default_storage.exists(path):
                return "/" + path, file_name
        saved = default_storage.save(path, ContentFile(content))
    except SuspiciousFileOperation:
        raise exceptions.ValidationError(f"Invalid file name: {escape(file_name)}") from None
    return "/" + saved, posixpath.basename(saved)
