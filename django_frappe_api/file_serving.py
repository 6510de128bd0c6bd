"""The HTTP response that sends a stored file: streamed through the storage API, or handed to the web server.

Usage::

    return file_serving.serve("private/files/x.pdf")                  # inline, nosniff
    return file_serving.serve("files/report.csv", attachment=True)    # download_file

``FRAPPE_API["FILE_SERVE_HEADER"]`` picks how: ``None`` streams with ``FileResponse`` from
``default_storage`` (any storage, remote ones included); ``"X-Accel-Redirect"`` answers an empty body
with ``FILE_SERVE_PREFIX`` + the storage name for an nginx ``internal`` location; ``"X-Sendfile"``
gives Apache/lighttpd the file system path (storages without one are streamed instead).
Script-capable types (SVG, HTML, XML) are always sent as attachments, as Frappe's
``send_private_file`` does, and every answer carries ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import mimetypes
import posixpath
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from . import exceptions, file_storage
from .conf import api_settings

X_ACCEL_REDIRECT = "X-Accel-Redirect"
X_SENDFILE = "X-Sendfile"
SERVE_HEADERS = (X_ACCEL_REDIRECT, X_SENDFILE)
# Extensions a browser would run as a page of this site (frappe/utils/response.py send_private_file).
SCRIPTABLE_EXTENSIONS = frozenset({".svg", ".svgz", ".html", ".htm", ".xhtml", ".xml", ".xsl", ".js", ".mjs"})


def not_found() -> exceptions.DoesNotExistError:
    return exceptions.DoesNotExistError("The resource you are looking for is not available", title="Not Found")


def forbidden() -> exceptions.PermissionError:
    return exceptions.PermissionError("You don't have permission to access this file", title="Not Permitted")


def content_type_of(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def serve(path: str, *, attachment: bool = False) -> HttpResponseBase:
    """Answer the stored file ``path`` (a checked storage name); 404 when the storage has no such file."""
    if not file_storage.exists(path):
        raise not_found()
    filename = posixpath.basename(path)
    content_type = content_type_of(filename)
    as_attachment = attachment or posixpath.splitext(filename)[1].lower() in SCRIPTABLE_EXTENSIONS
    header = api_settings.FILE_SERVE_HEADER
    target = None
    if header == X_ACCEL_REDIRECT:
        target = api_settings.FILE_SERVE_PREFIX.rstrip("/") + "/" + path
    elif header == X_SENDFILE:
        target = file_storage.local_path(path)
    if target is not None:
        response: HttpResponseBase = HttpResponse(content_type=content_type)
        response[header] = quote(target)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    else:
        response = FileResponse(
            file_storage.open_file(path), content_type=content_type, as_attachment=as_attachment, filename=filename
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response
