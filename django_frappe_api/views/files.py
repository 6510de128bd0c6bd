"""``/files/<path>`` and ``/private/files/<path>``: the URLs ``upload_file`` answers as ``file_url``.

Usage (``urls.py`` mounts them at the site root, outside ``/api/``, where Frappe has them)::

    GET /files/notes.txt              -> the bytes, to anyone
    GET /private/files/contract.pdf   -> the bytes, after Frappe's File permission check

Errors are v1 envelopes: 404 ``DoesNotExistError`` for a missing file or a path that leaves the files
folders, 403 ``PermissionError`` for a Guest or a user the File rule keeps out (Frappe answers an
unknown private URL with 403 too: without a File record nobody may read it).
"""

from __future__ import annotations

from .. import file_access, file_serving, file_storage, permissions
from .base import FrappeViewSet


class FileViewSet(FrappeViewSet):
    """Sends stored files; authentication (session, API key) as on every API route."""

    api_version = "v1"
    rollback_reads = True

    def public(self, request, path: str):
        stored = file_storage.storage_path("/" + file_storage.PUBLIC_PREFIX + path)
        if stored is None:
            raise file_serving.not_found()
        return file_serving.serve(stored)

    def private(self, request, path: str):
        file_url = "/" + file_storage.PRIVATE_PREFIX + path
        if permissions.user_id(request.user) == permissions.GUEST:
            raise file_serving.forbidden()
        if file_access.find_downloadable(file_url, request.user) is None:
            raise file_serving.forbidden()
        stored = file_storage.storage_path(file_url)
        if stored is None:
            raise file_serving.not_found()
        return file_serving.serve(stored)
