"""Frappe's "forgot password": ``frappe.core.doctype.user.user.reset_password`` mails a reset link.

Usage::

    POST /api/method/frappe.core.doctype.user.user.reset_password  user=jane@example.com
        -> {"_server_messages": "[\"{\\"message\\": \\"We've sent a password reset link ...\\", ...}\"]"}

The answer is the same whether the user exists, is disabled, is the Administrator or the mail could not be
sent, as in current Frappe (older releases answered "not found" with a 404, "disabled" or "not allowed", which
told anyone which addresses have accounts). The mail goes out through Django's ``send_mail``; its link carries
Django's password reset token, so it works with ``django.contrib.auth``'s ``password_reset_confirm`` view or
with the page named by ``FRAPPE_API["PASSWORD_RESET_URL"]``, and it stops working once the password changes.
Each client address may call it ``FRAPPE_API["PASSWORD_RESET_LIMIT"]`` times an hour (Frappe's
``rate_limit``); past that the answer is 429 ``RateLimitExceededError``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import send_mail
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .. import exceptions
from ..conf import api_settings
from ..messages import msgprint
from ..registry import whitelist
from .auth import find_user

logger = logging.getLogger(__name__)

RESET_MESSAGE = (
    "We've sent a password reset link to your email address. Please check your inbox and spam folder. "
    "The link will expire in a few minutes."
)
RESET_TITLE = "Check Your Email"
RATE_LIMIT_SECONDS = 3600


@whitelist(name="frappe.core.doctype.user.user.reset_password", allow_guest=True, methods=["POST"])
def reset_password(request: Any, user: Any) -> None:
    """Mail ``user`` (user id or email) a link to choose a new password; the answer never says if it did."""
    django_request = getattr(request, "_request", request)
    _check_rate_limit(django_request.META.get("REMOTE_ADDR", ""))
    target = find_user(user) if isinstance(user, str) and user else None
    if target is not None and target.is_active and target.get_username() != api_settings.ADMINISTRATOR:
        try:
            _send_reset_mail(django_request, target)
        except Exception:  # an unreachable mail server must not reveal that the account exists
            logger.exception("Password reset email could not be sent")
    msgprint(RESET_MESSAGE, title=RESET_TITLE)


def reset_link(request: Any, user: Any) -> str | None:
    """The absolute URL where ``user`` chooses a new password, ``None`` when the host routes no such page."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    template = api_settings.PASSWORD_RESET_URL
    if template:
        return request.build_absolute_uri(template.format(uidb64=uidb64, token=token))
    try:
        path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    except NoReverseMatch:
        return None
    return request.build_absolute_uri(path)


def _send_reset_mail(request: Any, user: Any) -> None:
    email = getattr(user, user.get_email_field_name(), "") or ""
    if not email:
        return
    link = reset_link(request, user)
    if link is None:
        logger.error("Password reset requested, but neither FRAPPE_API['PASSWORD_RESET_URL'] nor Django's "
                     "password_reset_confirm URL is configured")
        return
    name = user.first_name or user.last_name or "user"
    body = (
        f"Dear {name},\n\n"
        f"Please click on the following link to set your new password:\n\n{link}\n\n"
        "If you did not ask for a new password, you can ignore this email.\n"
    )
    send_mail("Password Reset", body, None, [email])


def _check_rate_limit(address: str) -> None:
    limit = api_settings.PASSWORD_RESET_LIMIT
    if not limit:
        return
    key = f"django_frappe_api:reset_password:{address}"
    if cache.add(key, 1, timeout=RATE_LIMIT_SECONDS):
        return
    try:
        calls = cache.incr(key)
    except ValueError:  # expired in between: this call opens a new window
        cache.add(key, 1, timeout=RATE_LIMIT_SECONDS)
        return
    if calls > limit:
        raise exceptions.RateLimitExceededError(
            "You hit the rate limit because of too many requests. Please try after sometime."
        )
