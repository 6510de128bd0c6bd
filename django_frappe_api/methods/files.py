"""File built-ins (§5.5): ``upload_file``, ``frappe.client.attach_file`` and ``download_file``.

Usage::

    POST /api/method/upload_file   (multipart: file=@photo.png, is_private=0, doctype=ToDo, docname=...)
    -> {"message": {"name": "...", "file_name": "photo.png", "file_url": "/files/photo.png", ..., "doctype": "File"}}
    POST /api/method/frappe.client.attach_file  {"filename": "a.txt", "filedata": "aGk=", "decode_base64": 1, ...}
    GET  /api/method/download_file?file_url=/private/files/a.txt   -> the bytes, as an attachment

Contents go to Django's storage through ``file_storage`` (``files/`` and ``private/files/``), and
``file_url`` keeps Frappe's form, served by ``views/files.py``. Files larger than
``FRAPPE_API["MAX_FILE_SIZE"]`` and empty ones are refused; guests may upload only when
``FRAPPE_API["ALLOW_GUEST_UPLOADS"]`` is on. A failed request leaves neither a File row nor content.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import mimetypes
import posixpath
from typing import Any

from django.db import transaction
from django.utils.html import escape

from .. import document, exceptions, fieldtypes, file_access, file_serving, file_storage, parsers, permissions, rpc
from ..conf import api_settings
from ..meta import get_meta
from ..registry import whitelist
from ..serialization import strip_nulls

MISSING_FILE = "Fields `file_name` or `file_url` must be set for File"
# What guests and users without desk access may upload (frappe/handler.py ALLOWED_MIMETYPES).
ALLOWED_MIMETYPES = frozenset(
    {
        "image/png", "image/jpeg", "application/pdf", "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
        "text/plain", "video/quicktime", "video/mp4",
    }
)  # fmt: skip


class MaxFileSizeReachedError(exceptions.ValidationError):
    """Frappe raises this subclass of ValidationError (417) for oversized files."""

    exc_type = "MaxFileSizeReachedError"


def check_write_permission(doctype: str | None, docname: Any, user: Any) -> None:
    """Write on the document files are attached to; on the DocType when it is not saved yet."""
    if not doctype:
        return
    meta = get_meta(doctype)
    if docname not in (None, ""):
        try:
            document.check_permission(meta.name, docname, "write", user=user)
            return
        except exceptions.DoesNotExistError:
            pass  # e.g. "new-todo-1": the form is not saved yet (frappe/handler.py tolerates it)
    permissions.check_doctype_permission(meta, user, "write")


def _file_type(file_name: str) -> str | None:
    extension = posixpath.splitext(file_name)[1].lstrip(".")
    return extension.upper() or None


def _check_mimetype(file_name: str, user: Any) -> None:
    guest_like = permissions.user_id(user) == permissions.GUEST or not getattr(user, "is_staff", False)
    if guest_like and mimetypes.guess_type(file_name)[0] not in ALLOWED_MIMETYPES:
        raise exceptions.ValidationError("You can only upload JPG, PNG, PDF, TXT or Microsoft documents.")


def _check_size(size: int) -> None:
    limit = api_settings.MAX_FILE_SIZE
    if size > limit:
        raise MaxFileSizeReachedError(f"File size exceeded the maximum allowed size of {limit / 1048576} MB")


@whitelist(name="upload_file", aliases=["frappe.handler.upload_file"], allow_guest=True)
def upload_file(
    request: Any,
    is_private: Any = None,
    doctype: str | None = None,
    docname: Any = None,
    fieldname: str | None = None,
    file_url: str | None = None,
    file_name: str | None = None,
    folder: str | None = None,
    library_file_name: str | None = None,
    method: str | None = None,
    optimize: Any = None,
) -> Any:
    """Store the ``file`` part (or register ``file_url``) as a File document, optionally attached to a doc."""
    user = request.user
    is_guest = permissions.user_id(user) == permissions.GUEST
    if is_guest and not api_settings.ALLOW_GUEST_UPLOADS:
        raise exceptions.PermissionError()
    if library_file_name:
        library = document.get_doc("File", library_file_name, user=user)
        is_private, file_url, file_name = library.get("is_private"), library.get("file_url"), library.get("file_name")
    if not is_guest:
        check_write_permission(doctype, docname, user)
    upload = getattr(request, "_request", request).FILES.get("file")
    if method:
        return rpc.call(method, parsers.form_dict(request), request=request, check_verb=False)
    private = bool(fieldtypes.cint(is_private))
    values: dict[str, Any] = {
        "folder": folder or "Home",
        "attached_to_doctype": doctype or None,
        "attached_to_name": None if docname in (None, "") else str(docname),
        "attached_to_field": fieldname or None,
    }
    if upload is not None:
        name = file_storage.clean_file_name(upload.name)
        _check_size(upload.size)
        _check_mimetype(name, user)
        return _save_content(name, upload.read(), private, values, user=user, ignore_permissions=is_guest,
                             attach=(doctype, docname, fieldname))
    if file_url:
        _check_registered_url(file_url, user)
        name = file_storage.clean_file_name(file_name or file_url.split("?", 1)[0])
        values.update(
            file_name=name, file_url=file_url, file_type=_file_type(name),
            is_private=int(private or file_storage.is_private_url(file_url)),
        )
        saved = document.insert_doc("File", values, user=user, ignore_permissions=is_guest)
        _set_attached_field(doctype, docname, fieldname, saved["file_url"], user, is_guest)
        return strip_nulls(saved)
    raise exceptions.MandatoryError(MISSING_FILE)


def store_upload(upload: Any, *, user: Any, doctype: str | None = None, docname: Any = None,
                 fieldname: str | None = None, is_private: bool = False) -> dict[str, Any]:
    """Store one uploaded file as a File document with ``upload_file``'s checks (size, type, emptiness);
    the admin's Attach fields use it. Returns the File document (``file_url`` is what the field holds)."""
    name = file_storage.clean_file_name(upload.name)
    _check_size(upload.size)
    _check_mimetype(name, user)
    values: dict[str, Any] = {
        "folder": "Home", "attached_to_doctype": doctype or None,
        "attached_to_name": None if docname in (None, "") else str(docname), "attached_to_field": fieldname or None,
    }
    return _save_content(name, upload.read(), is_private, values, user=user, ignore_permissions=False,
                         attach=(None, None, None))


def _check_registered_url(file_url: str, user: Any) -> None:
    """A URL must be remote or name stored content; a private one only content the user may already read
    (else anyone could register someone else's private URL and own a File record for it)."""
    if file_url.startswith(("http://", "https://")):
        return
    path = file_storage.storage_path(file_url)
    if path is None or not file_storage.exists(path):
        raise exceptions.ValidationError("URL must start with http:// or https://")
    if file_storage.is_private_url(file_url) and file_access.find_downloadable(file_url, user) is None:
        raise file_serving.forbidden()


def _save_content(
    name: str, content: bytes, private: bool, values: dict[str, Any], *, user: Any, ignore_permissions: bool,
    attach: tuple[Any, Any, Any],
) -> dict[str, Any]:
    """Store the bytes, insert their File record and fill the target's Attach field, all or nothing."""
    if not content:
        raise exceptions.ValidationError(f"File {escape(name)} is empty")
    stored_url, name = file_storage.store(name, content, is_private=private)
    values.update(
        file_name=name, file_url=stored_url, is_private=int(private), file_size=len(content),
        content_hash=hashlib.md5(content, usedforsecurity=False).hexdigest(), file_type=_file_type(name),
    )
    try:
        with transaction.atomic():
            saved = document.insert_doc("File", values, user=user, ignore_permissions=ignore_permissions)
            _set_attached_field(*attach, saved["file_url"], user, ignore_permissions)
    except BaseException:
        if not _still_used(stored_url):
            file_storage.delete(stored_url)
        raise
    return strip_nulls(saved)


def _still_used(file_url: str) -> bool:
    return bool(document.get_all("File", fields=["name"], filters={"file_url": file_url}))


def _set_attached_field(doctype: Any, docname: Any, fieldname: Any, file_url: str, user: Any, is_guest: bool) -> None:
    """Point an Attach field of the target document at the new file (only when the document exists)."""
    if not (doctype and docname and fieldname) or is_guest:
        return  # a guest has no write permission to use; Frappe's desk sets the field client-side
    meta = get_meta(doctype)
    if meta.get_field(fieldname) is None:
        return
    with contextlib.suppress(exceptions.DoesNotExistError):  # not saved yet: the form sets it on save
        document.update_doc(meta.name, docname, {fieldname: file_url}, user=user)


def _decoded(filedata: Any, decode_base64: Any) -> bytes:
    """``filedata`` as bytes: base64 (a ``data:...;base64,`` prefix allowed) when ``decode_base64``, else text."""
    if filedata is None:
        return b""
    if not isinstance(filedata, str):
        raise exceptions.ValidationError("filedata must be a string")
    flag = fieldtypes.sbool(decode_base64)
    if not (flag is True or (not isinstance(flag, str) and bool(flag))):
        return filedata.encode()
    encoded = filedata.split(",", 1)[1] if "," in filedata else filedata
    try:
        return base64.b64decode(encoded.strip() + "=" * (-len(encoded.strip()) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise exceptions.ValidationError("filedata is not valid base64") from None


@whitelist(name="frappe.client.attach_file", methods=["POST", "PUT"])
def attach_file(
    request: Any,
    filename: str | None = None,
    filedata: Any = None,
    doctype: str | None = None,
    docname: Any = None,
    folder: str | None = None,
    decode_base64: Any = False,
    is_private: Any = None,
    docfield: str | None = None,
) -> Any:
    """Store ``filedata`` as a File attached to a document the user may read; ``docfield`` gets its URL."""
    user = request.user
    document.check_permission(doctype, docname, "read", user=user)  # Frappe: doc.check_permission()
    if not filename:
        raise exceptions.MandatoryError(MISSING_FILE)
    name = file_storage.clean_file_name(filename)
    content = _decoded(filedata, decode_base64)
    _check_size(len(content))
    values: dict[str, Any] = {
        "folder": folder or "Home", "attached_to_doctype": get_meta(doctype).name,
        "attached_to_name": str(docname), "attached_to_field": docfield or None,
    }
    return _save_content(name, content, bool(fieldtypes.cint(is_private)), values, user=user,
                         ignore_permissions=False, attach=(doctype, docname, docfield))


@whitelist(name="download_file", aliases=["frappe.handler.download_file"], allow_guest=True, xss_safe=True)
def download_file(request: Any, file_url: str | None = None) -> Any:
    """The bytes of a File the caller may read, as an attachment (Frappe's ``frappe.handler.download_file``)."""
    if not isinstance(file_url, str) or not file_access.files_with_url(file_url):
        raise exceptions.DoesNotExistError("File not found", doctype="File")
    if file_access.find_downloadable(file_url, request.user) is None:
        raise exceptions.PermissionError()
    path = file_storage.storage_path(file_url)
    if path is None:
        raise file_serving.not_found()
    return file_serving.serve(path, attachment=True)
