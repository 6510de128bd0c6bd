"""Base view of every API endpoint: pinned DRF policies, one transaction, Frappe error bodies.

Usage::

    class ResourceViewSet(FrappeViewSet):
        api_version = "v1"
        def list(self, request, doctype): return self.respond(document.get_list(...), key="data")

We never read the host's ``REST_FRAMEWORK`` settings: each policy is set here. Every request runs
in ``transaction.atomic()``; an error marks it for rollback, so a failed write leaves nothing.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from django.db import transaction
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet

from .. import authentication, cors, envelopes, exceptions, messages, meta, parsers, routers
from .. import response as method_response
from ..authentication import FrappeSessionAuthentication, TokenAuthentication
from ..conf import api_settings
from ..renderers import FirstRendererNegotiation, FrappeJSONRenderer

logger = logging.getLogger("django_frappe_api")


def handle_exception(exc: BaseException, version: str) -> Response:
    """Turn any exception into the Frappe error body of ``version``; unknown ones are logged 500s."""
    frappe_exc = exceptions.as_frappe_error(exc)
    show = api_settings.SHOW_TRACEBACKS and not isinstance(frappe_exc, exceptions.CSRFTokenError)
    if frappe_exc is None:
        logger.error("Unhandled error in Frappe API request", exc_info=exc)
        # Without tracebacks the client learns nothing of the internals, not even the class name
        # (a driver's `ProgrammingError` would name the database).
        error: BaseException = exc if show else exceptions.ServerError()
        status = 500
    else:
        error = frappe_exc
        status = frappe_exc.http_status_code
    traceback_text = "".join(traceback.format_exception(exc)) if show else None
    queued = messages.collected()
    if version == "v2":
        body = envelopes.v2_error(error, queued, traceback_text=traceback_text, status=status)
    else:
        body = envelopes.v1_error(error, queued, traceback_text=traceback_text, status=status)
    response = Response(body, status=status)
    if isinstance(error, exceptions.MethodNotAllowed) and getattr(exc, "allowed", None):
        response["Allow"] = exc.allowed
    return response


class FrappeViewSet(ViewSet):
    """Thin views: parse, call the document layer or the registry, wrap in the envelope."""

    api_version = "v1"
    renderer_classes = [FrappeJSONRenderer]
    parser_classes: list = []
    authentication_classes = [TokenAuthentication, FrappeSessionAuthentication]
    permission_classes: list = []
    throttle_classes: list = []
    content_negotiation_class = FirstRendererNegotiation
    # REST routes roll reads back as Frappe does; RPC methods may write on GET (sessions, keys).
    rollback_reads = False
    # Its GET/HEAD requests only read, so their reads may come from a replica (routers.ReplicaRouter).
    replica_reads = False

    def dispatch(self, request, *args, **kwargs):
        messages.reset()
        method_response.reset()
        meta.settle_pending(rolled_back=False)  # changes made before this request are not its to undo
        read_only = request.method in ("GET", "HEAD", "QUERY")
        self.kwargs = kwargs  # as DRF sets it, for reads_from_replica
        if read_only and self.reads_from_replica(request):
            with routers.read_only():
                if transaction.get_connection().in_atomic_block:  # the host's ATOMIC_REQUESTS, a test
                    return self.dispatch_atomic(request, *args, read_only=read_only, **kwargs)
                return self.dispatch_reads(request, *args, **kwargs)
        return self.dispatch_atomic(request, *args, read_only=read_only, **kwargs)

    def dispatch_reads(self, request, *args, **kwargs):
        """A request that only reads (the ones a replica may serve) runs in autocommit, without a transaction:
        it writes nothing to commit or roll back, and saves the ``BEGIN`` and ``ROLLBACK`` round trips."""
        self._atomic = None
        response = self.rendered(super().dispatch(request, *args, **kwargs))
        meta.settle_pending(rolled_back=False)
        return response

    def reads_from_replica(self, request) -> bool:
        """Whether this read request's queries may go to a replica (only when nothing in it writes)."""
        return self.replica_reads

    def dispatch_atomic(self, request, *args, read_only: bool, **kwargs):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        try:
            response = self.rendered(super().dispatch(request, *args, **kwargs))
        except BaseException as exc:
            self._atomic.__exit__(type(exc), exc, exc.__traceback__)
            meta.settle_pending(rolled_back=True)
            raise
        if self.rollback_reads and read_only:
            transaction.set_rollback(True)  # Frappe never commits a read request (§3.8)
        rolled_back = transaction.get_rollback()
        self._atomic.__exit__(None, None, None)
        meta.settle_pending(rolled_back=rolled_back)
        return response

    def rendered(self, response):
        """Render inside the transaction: a body that cannot be encoded is an error answered here and
        rolled back, not an HTML page from Django after the commit."""
        if getattr(response, "is_rendered", True):
            return response
        try:
            response.render()
        except Exception as exc:
            response = self.finalize_response(self.request, self.handle_exception(exc))
            response.render()
        return response

    def initial(self, request, *args, **kwargs):
        parsers.check_body_size(request)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        authentication.finalize_response(request, response)  # `session_expired` for a dead `sid` (§8.3)
        response = super().finalize_response(request, response, *args, **kwargs)
        return cors.add_cors_headers(request, response)

    def options(self, request, *args, **kwargs):
        """Not DRF's metadata (it would publish view docstrings): Frappe's empty 200, or the CORS preflight."""
        return cors.options_response(self.allowed_methods)

    def handle_exception(self, exc):
        if getattr(self, "_atomic", None) is not None:
            transaction.set_rollback(True)
        response = handle_exception(exc, self.api_version)
        return response

    def http_method_not_allowed(self, request, *args, **kwargs):
        error = exceptions.MethodNotAllowed(f"Method {request.method} not allowed")
        error.allowed = ", ".join(self.allowed_methods)
        raise error

    @property
    def form(self) -> dict[str, Any]:
        """Frappe's ``form_dict`` of this request."""
        return parsers.form_dict(self.request)

    def respond(self, value: Any, *, key: str = "data", status: int = 200, extra: dict | None = None) -> Response:
        """The success envelope of this view's API version."""
        extra = {**method_response.extra_keys(), **(extra or {})} or None
        if self.api_version == "v2":
            body = envelopes.v2_success(value, messages.collected(), extra)
        else:
            body = envelopes.v1_success(key, value, messages.collected(), extra)
        return Response(body, status=status)


class NotFoundViewSet(FrappeViewSet):
    """Catch-all under ``api/``: Frappe answers unknown routes with ``DoesNotExistError`` (404)."""

    authentication_classes: list = []

    def not_found(self, request, *args, **kwargs):
        raise exceptions.DoesNotExistError()


class NotFoundV2ViewSet(NotFoundViewSet):
    api_version = "v2"
