"""``upload_file`` (§5.5): multipart uploads stored with Django's ``default_storage`` as File documents.

Usage::

    POST /api/method/upload_file   (multipart: file=@photo.png, is_private=0, doctype=ToDo, docname=...)
    -> {"message": {"name": "...", "file_name": "photo.png", "file_url": "/files/photo.png", ..., "doctype": "File"}}

Public files are stored under ``files/``, private ones under ``private/files/``; ``file_url`` keeps
Frappe's form (``/files/<name>``, ``/private/files/<name>``), so the host serves ``MEDIA_ROOT/files``
at ``/files/``. Files larger than ``FRAPPE_API["MAX_FILE_SIZE"]`` are refused; guests may upload only
when ``FRAPPE_API["ALLOW_GUEST_UPLOADS"]`` is on.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import posixpath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .. import document, exceptions, fieldtypes, parsers, permissions, rpc
from ..conf import api_settings
from ..meta import get_meta
from ..registry import whitelist
from ..serialization import strip_nulls

PUBLIC_PREFIX = "files/"
PRIVATE_PREFIX = "private/files/"
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


def _clean_file_name(name: str) -> str:
    name = posixpath.basename(str(name).replace("\\", "/")).strip().lstrip(".")
    return name or "file"


def _file_type(file_name: str) -> str | None:
    extension = posixpath.splitext(file_name)[1].lstrip(".")
    return extension.upper() or None


def store_content(file_name: str, content: bytes, *, is_private: bool) -> tuple[str, str]:
    """Save bytes under ``files/`` or ``private/files/``; returns ``(file_url, file_name)``.

    A name already taken by other content gets the hash's last six characters, as Frappe does;
    the same content under the same name is stored once.
    """
    prefix = PRIVATE_PREFIX if is_private else PUBLIC_PREFIX
    path = prefix + file_name
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as existing:
            if existing.read() == content:
                return "/" + path, file_name
        stem, extension = posixpath.splitext(file_name)
        file_name = f"{stem}{hashlib.md5(content, usedforsecurity=False).hexdigest()[-6:]}{extension}"
        path = prefix + file_name
        if default_storage.exists(path):
            return "/" + path, file_name
    saved = default_storage.save(path, ContentFile(content))
    return "/" + saved, posixpath.basename(saved)


def _check_mimetype(file_name: str, user: Any) -> None:
    guest_like = permissions.user_id(user) == permissions.GUEST or not getattr(user, "is_staff", False)
    if guest_like and mimetypes.guess_type(file_name)[0] not in ALLOWED_MIMETYPES:
        raise exceptions.ValidationError("You can only upload JPG, PNG, PDF, TXT or Microsoft documents.")


def _check_size(size: int) -> None:
    limit = api_settings.MAX_FILE_SIZE
    if size > limit:
        raise MaxFileSizeReachedError(f"File size exceeded the maximum allowed size of {limit / 1048576} MB")


def _registered_url(file_url: str) -> bool:
    if file_url.startswith(("http://", "https://")):
        return True
    for prefix in ("/" + PUBLIC_PREFIX, "/" + PRIVATE_PREFIX):
        if file_url.startswith(prefix):
            return default_storage.exists(file_url.lstrip("/"))
    return False


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
    stored_url = None
    if upload is not None:
        name = _clean_file_name(upload.name)
        _check_size(upload.size)
        _check_mimetype(name, user)
        content = upload.read()
        stored_url, name = store_content(name, content, is_private=private)
        values.update(
            file_name=name, file_url=stored_url, is_private=int(private), file_size=len(content),
            content_hash=hashlib.md5(content, usedforsecurity=False).hexdigest(), file_type=_file_type(name),
        )
    elif file_url:
        if not _registered_url(file_url):
            raise exceptions.ValidationError("URL must start with http:// or https://")
        name = _clean_file_name(file_name or file_url.split("?", 1)[0])
        values.update(
            file_name=name, file_url=file_url, file_type=_file_type(name),
            is_private=int(private or file_url.startswith("/" + PRIVATE_PREFIX)),
        )
    else:
        raise exceptions.MandatoryError("Fields `file_name` or `file_url` must be set for File")
    try:
        saved = document.insert_doc("File", values, user=user, ignore_permissions=is_guest)
    except Exception:
        if stored_url and not _still_used(stored_url):
            default_storage.delete(stored_url.lstrip("/"))
        raise
    _set_attached_field(doctype, docname, fieldname, saved["file_url"], user, is_guest)
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
