"""Password login and logout as Frappe's ``LoginManager`` does them, and API key generation.

Usage::

    user = login(request, usr="jane@example.com", pwd="secret")    # raises AuthenticationError (401)
    POST /api/method/frappe.core.doctype.user.user.generate_keys  user=jane@example.com
        -> {"message": {"api_key": "1a2b3c4d5e6f7a8", "api_secret": "9f8e7d6c5b4a3f2"}}

``login`` and ``logout`` are not whitelisted methods: Frappe runs them while it sets up the request's session
(§8.2), so ``views/auth.py`` serves them on their own routes. A failed login answers 401 with the reason under
``message``. After ``FRAPPE_API["LOGIN_ATTEMPTS"]`` failures for one user or one client address within
``FRAPPE_API["LOGIN_LOCK_SECONDS"]``, every further attempt is refused with ``SecurityException`` until that
window ends; the counters live in Django's default cache.
"""

from __future__ import annotations

from typing import Any

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.cache import cache

from .. import exceptions, permissions
from ..conf import api_settings
from ..cookies import full_name, is_system_user
from ..models import ApiKey
from ..registry import whitelist

MAX_PASSWORD_SIZE = 512

# (message, home page) answered to System Users and to Website Users; Guest after logout (§8.2, §8.4).
SYSTEM_USER_HOME = ("Logged In", "/app")
WEBSITE_USER_HOME = ("No App", "/me")
GUEST_HOME = ("No App", "/login")


def find_user(identifier: str) -> Any:
    """The user whose username is ``identifier``, else the only user with that email address."""
    User = get_user_model()
    user = User._default_manager.filter(**{User.USERNAME_FIELD: identifier}).first()
    email_field = User.get_email_field_name()
    if user is None and "@" in identifier and any(f.name == email_field for f in User._meta.get_fields()):
        matches = list(User._default_manager.filter(**{f"{email_field}__iexact": identifier})[:2])
        user = matches[0] if len(matches) == 1 else None
    return user


class LoginAttemptTracker:
    """Consecutive failed logins of one user or one client address (Frappe ``LoginAttemptTracker``).

    The counter is created by the first failure with the lock window as its expiry, then incremented, so the
    window runs from the first failure as in Frappe; a success deletes it.
    """

    def __init__(self, key: str) -> None:
        self.key = f"django_frappe_api:login_failures:{key}"

    def check(self) -> None:
        limit = api_settings.LOGIN_ATTEMPTS
        if limit and (cache.get(self.key) or 0) >= limit:
            raise exceptions.SecurityException(
                f"Your account has been locked and will resume after {api_settings.LOGIN_LOCK_SECONDS} seconds"
            )

    def add_failure(self) -> None:
        if not api_settings.LOGIN_ATTEMPTS:
            return
        if cache.add(self.key, 1, timeout=api_settings.LOGIN_LOCK_SECONDS):
            return
        try:
            cache.incr(self.key)
        except ValueError:  # expired between add() and incr(): this failure opens a new window
            cache.add(self.key, 1, timeout=api_settings.LOGIN_LOCK_SECONDS)

    def add_success(self) -> None:
        cache.delete(self.key)


def _fail(message: str) -> exceptions.AuthenticationError:
    # Frappe raises the bare class and writes the reason into the response object (`LoginManager.fail`).
    return exceptions.AuthenticationError(body={"message": message})


def _as_text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return value if isinstance(value, str) else str(value)


def login(request: Any, usr: Any, pwd: Any) -> Any:
    """Check ``usr`` (username or email) and ``pwd``, then log the user into the request's Django session."""
    django_request = getattr(request, "_request", request)
    usr, pwd = _as_text(usr), _as_text(pwd)
    if not usr or not pwd:
        raise _fail("Incomplete login details")
    if len(pwd) > MAX_PASSWORD_SIZE:
        raise _fail("Password size exceeded the maximum allowed size")
    trackers = [LoginAttemptTracker(f"ip:{django_request.META.get('REMOTE_ADDR', '')}")]
    trackers[0].check()
    user = find_user(usr)
    if user is not None:
        trackers.append(LoginAttemptTracker(f"user:{user.pk}"))
        trackers[1].check()
    username = user.get_username() if user is not None else usr
    authenticated = auth.authenticate(django_request, username=username, password=pwd)
    if authenticated is None:
        for tracker in trackers:
            tracker.add_failure()
        if user is not None and not user.is_active and user.check_password(pwd):
            raise _fail("User disabled or missing")
        raise _fail("Invalid login credentials")
    for tracker in trackers:
        tracker.add_success()
    auth.login(django_request, authenticated)
    if not django_request.session.session_key:
        django_request.session.save()  # `sid` is the session key: make sure it exists now
    return authenticated


def login_body(user: Any) -> tuple[str, dict[str, str]]:
    """``message`` and the other keys Frappe's login manager leaves in the body for ``user``."""
    if not getattr(user, "is_authenticated", False):
        message, home_page = GUEST_HOME
    else:
        message, home_page = SYSTEM_USER_HOME if is_system_user(user) else WEBSITE_USER_HOME
    return message, {"home_page": home_page, "full_name": full_name(user)}


def logout(request: Any) -> None:
    """End the Django session; logging out as Guest is a no-op."""
    auth.logout(getattr(request, "_request", request))


@whitelist(name="frappe.core.doctype.user.user.generate_keys", methods=["POST"])
def generate_keys(request: Any, user: str) -> dict[str, str]:
    """A new API secret for ``user`` (and an API key if it has none); System Manager only.

    Answers the key beside the secret, as newer Frappe does (v15 answered the secret alone and clients read
    the key from the User document, where it stays readable as ``api_key``). The secret is returned this
    once and stored hashed.
    """
    if permissions.SYSTEM_MANAGER not in permissions.get_roles(request.user):
        raise exceptions.PermissionError()
    target = find_user(user) if isinstance(user, str) and user else None
    if target is None:
        raise exceptions.DoesNotExistError(f"User {user} not found", doctype="User")
    api_key, secret = ApiKey.objects.issue(target)
    return {"api_key": api_key.api_key, "api_secret": secret}
