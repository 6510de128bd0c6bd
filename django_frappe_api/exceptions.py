"""The one exception hierarchy of the app, named and coded like Frappe's.

The class name reaches clients as ``exc_type`` (v1) or ``errors[0].type`` (v2), so every class
pins ``exc_type`` explicitly and a rename cannot change the wire::

    FrappeError                          500
     +-- ValidationError                 417
     |    +-- MandatoryError, LinkValidationError, DataError, UniqueValidationError,
     |    |   TimestampMismatchError, DocstatusTransitionError, UpdateAfterSubmitError,
     |    |   CannotChangeConstantError, InvalidEmailAddressError, LinkExistsError,
     |    |   CharacterLengthExceededError, NonNegativeError, InvalidNameError,
     |    |   InvalidNamingSeriesError, FrappeTypeError, FrappeValueError, UnknownPartError,
     |    |   AppNotInstalledError, RateLimitExceededError (429)
     |    +-- DoesNotExistError          404
     +-- PermissionError                 403
     +-- AuthenticationError             401  (SessionExpired, InvalidKeyError)
     +-- NameError                       409  (DuplicateEntryError)
     +-- CSRFTokenError                  400  (InvalidAuthorizationHeader, ...Prefix, ...Token)
     +-- MethodNotAllowed                405
     +-- UnsupportedMediaType            415
     +-- RequestEntityTooLarge           413
     +-- TooManyRequestsError            429
     +-- InReadOnlyMode                  503
     +-- SecurityException               500
     +-- ServerError                     500  (exc_type "Exception": an unexpected error, internals hidden)

    RegistrationError                    never answered: a programmer error while registries are filled
     +-- AlreadyRegistered, NotRegistered

Usage::

    from django_frappe_api import exceptions
    raise exceptions.DoesNotExistError("ToDo abc not found", doctype="ToDo")

``as_frappe_error()`` is the single table that turns Django's, DRF's and database exceptions into
members of this tree; anything it does not know stays a plain exception and becomes a 500.
"""

from __future__ import annotations

import builtins
from typing import Any

from django.core import exceptions as django_exceptions
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions


class FrappeError(Exception):
    """Base of every error the API answers on purpose.

    ``message`` is the user-facing text that Frappe would ``throw`` (shown in ``_server_messages``
    or ``errors[0].message``); an error raised bare (Frappe ``raise X``) has ``message=None`` and the
    client only sees its type.
    """

    http_status_code = 500
    exc_type = "FrappeError"
    title = "Message"

    def __init__(
        self,
        message: str | None = None,
        *,
        title: str | None = None,
        doctype: str | None = None,
        error_message: str | None = None,
        detail: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        self.message = message
        if title is not None:
            self.title = title
        self.doctype = doctype
        # `_error_message` of v1 bodies, set by permission checks (Frappe `frappe.flags.error_message`).
        self.error_message = error_message
        # Text of the exception itself when it differs from the thrown message.
        self.detail = detail
        # Extra top-level keys of the error body (Frappe handlers write into the response object: a failed
        # login answers `{"message": "Invalid login credentials", "exc_type": "AuthenticationError"}`).
        self.body = dict(body or {})
        super().__init__(detail or message or "")


class ValidationError(FrappeError):
    http_status_code = 417
    exc_type = "ValidationError"


class DoesNotExistError(ValidationError):
    http_status_code = 404
    exc_type = "DoesNotExistError"


class MandatoryError(ValidationError):
    exc_type = "MandatoryError"


class LinkValidationError(ValidationError):
    exc_type = "LinkValidationError"


class DataError(ValidationError):
    exc_type = "DataError"


class UniqueValidationError(ValidationError):
    exc_type = "UniqueValidationError"


class TimestampMismatchError(ValidationError):
    exc_type = "TimestampMismatchError"


class DocstatusTransitionError(ValidationError):
    exc_type = "DocstatusTransitionError"


class UpdateAfterSubmitError(ValidationError):
    exc_type = "UpdateAfterSubmitError"


class CannotChangeConstantError(ValidationError):
    exc_type = "CannotChangeConstantError"


class CharacterLengthExceededError(ValidationError):
    exc_type = "CharacterLengthExceededError"


class NonNegativeError(ValidationError):
    exc_type = "NonNegativeError"


class InvalidEmailAddressError(ValidationError):
    exc_type = "InvalidEmailAddressError"


class InvalidPhoneNumberError(ValidationError):
    exc_type = "InvalidPhoneNumberError"


class InvalidNameError(ValidationError):
    exc_type = "InvalidNameError"


class InvalidNamingSeriesError(ValidationError):
    exc_type = "InvalidNamingSeriesError"


class LinkExistsError(ValidationError):
    exc_type = "LinkExistsError"


class CancelledLinkError(LinkValidationError):
    exc_type = "CancelledLinkError"


class FrappeTypeError(ValidationError):
    exc_type = "FrappeTypeError"


class FrappeValueError(ValidationError):
    exc_type = "FrappeValueError"


class UnknownPartError(ValidationError):
    exc_type = "UnknownPartError"


class AppNotInstalledError(ValidationError):
    exc_type = "AppNotInstalledError"


class RateLimitExceededError(ValidationError):
    http_status_code = 429
    exc_type = "RateLimitExceededError"


class PermissionError(FrappeError):
    http_status_code = 403
    exc_type = "PermissionError"


class AuthenticationError(FrappeError):
    http_status_code = 401
    exc_type = "AuthenticationError"


class SessionExpired(AuthenticationError):
    exc_type = "SessionExpired"


class InvalidKeyError(AuthenticationError):
    exc_type = "InvalidKeyError"


class NameError(FrappeError):
    http_status_code = 409
    exc_type = "NameError"


class DuplicateEntryError(NameError):
    exc_type = "DuplicateEntryError"


class CSRFTokenError(FrappeError):
    http_status_code = 400
    exc_type = "CSRFTokenError"


class InvalidAuthorizationHeader(CSRFTokenError):
    exc_type = "InvalidAuthorizationHeader"


class InvalidAuthorizationPrefix(CSRFTokenError):
    exc_type = "InvalidAuthorizationPrefix"


class InvalidAuthorizationToken(CSRFTokenError):
    exc_type = "InvalidAuthorizationToken"


class MethodNotAllowed(FrappeError):
    http_status_code = 405
    exc_type = "MethodNotAllowed"


class UnsupportedMediaType(FrappeError):
    http_status_code = 415
    exc_type = "UnsupportedMediaType"


class RequestEntityTooLarge(FrappeError):
    http_status_code = 413
    exc_type = "RequestEntityTooLarge"


class TooManyRequestsError(FrappeError):
    http_status_code = 429
    exc_type = "TooManyRequestsError"


class InReadOnlyMode(FrappeError):
    http_status_code = 503
    exc_type = "InReadOnlyMode"


class SecurityException(FrappeError):
    http_status_code = 500
    exc_type = "SecurityException"


class ServerError(FrappeError):
    """What the client sees of an unexpected exception while tracebacks are hidden: nothing specific."""

    http_status_code = 500
    exc_type = "Exception"


class RegistrationError(Exception):
    """Base of the registries' errors (methods, models, controllers); raised at start-up or in tests."""


class AlreadyRegistered(RegistrationError):
    """A callable, model or controller is already registered under this name."""


class NotRegistered(RegistrationError):
    """Nothing is registered under this name."""


def as_frappe_error(exc: BaseException) -> FrappeError | None:
    """Translate a foreign exception into the Frappe tree, or return ``None`` if it is not ours.

    This is the only place that knows Django's and DRF's exception classes.
    """
    if isinstance(exc, FrappeError):
        return exc
    if isinstance(exc, (Http404, django_exceptions.ObjectDoesNotExist)):
        return DoesNotExistError()
    if isinstance(exc, django_exceptions.PermissionDenied):
        return PermissionError()
    if isinstance(exc, django_exceptions.RequestDataTooBig):
        return RequestEntityTooLarge("Request body is too large")
    if isinstance(exc, django_exceptions.TooManyFieldsSent):
        return RequestEntityTooLarge("Too many fields sent")
    if isinstance(exc, django_exceptions.TooManyFilesSent):
        return RequestEntityTooLarge("Too many files sent")
    if isinstance(exc, django_exceptions.BadRequest):
        return ValidationError(str(exc) or "Invalid request")
    if isinstance(exc, django_exceptions.SuspiciousOperation):  # Django answers these 400: the client's doing
        return ValidationError("Invalid request")
    if isinstance(exc, django_exceptions.ValidationError):
        return ValidationError("; ".join(_flatten_django_messages(exc)))
    if isinstance(exc, IntegrityError):
        return UniqueValidationError("Value must be unique", detail=str(exc.__class__.__name__))
    if isinstance(exc, drf_exceptions.MethodNotAllowed):
        return MethodNotAllowed(str(exc.detail))
    if isinstance(exc, drf_exceptions.UnsupportedMediaType):
        return UnsupportedMediaType(str(exc.detail))
    if isinstance(exc, drf_exceptions.ParseError):
        return ValidationError("Invalid request arguments", detail=str(exc.detail))
    if isinstance(exc, drf_exceptions.AuthenticationFailed):
        return AuthenticationError(str(exc.detail))
    if isinstance(exc, (drf_exceptions.NotAuthenticated, drf_exceptions.PermissionDenied)):
        return PermissionError()
    if isinstance(exc, drf_exceptions.Throttled):
        return TooManyRequestsError()
    if isinstance(exc, drf_exceptions.NotFound):
        return DoesNotExistError()
    if isinstance(exc, drf_exceptions.ValidationError):
        return ValidationError(str(exc.detail))
    return None


def _flatten_django_messages(exc: django_exceptions.ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
    return [str(m) for m in exc.messages]


def python_exception_name(exc: BaseException) -> str:
    """``exc_type`` for an exception outside the tree: its bare class name, as Frappe sends it."""
    return type(exc).__name__


# Keep the shadowed builtins reachable for code that imports this module by name.
BuiltinPermissionError = builtins.PermissionError
BuiltinNameError = builtins.NameError

__all__ = [name for name, value in list(globals().items()) if isinstance(value, type) and issubclass(
    value, FrappeError
)] + ["AlreadyRegistered", "NotRegistered", "RegistrationError", "as_frappe_error", "python_exception_name"]

