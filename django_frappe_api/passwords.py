"""Password field values: encrypted at rest, readable again only through ``frappe.client.get_password``.

Usage::

    stored = passwords.encrypt("s3cret")        # "$fernet$gAAAAAB..."
    passwords.reveal(stored)                    # -> "s3cret"; None for a value that cannot be read back

Frappe keeps Password fields encrypted with the site's key (``frappe/utils/password.py``), not hashed,
because they hold secrets the server must use later (SMTP passwords, API secrets of other services).
The key is ``FRAPPE_API["ENCRYPTION_KEY"]``, else one derived from ``SECRET_KEY``; values written under
a key in ``SECRET_KEY_FALLBACKS`` stay readable after a rotation.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from .conf import api_settings

PREFIX = "$fernet$"
_DERIVATION_SALT = b"django_frappe_api.passwords:"


def _derived_key(secret: str | bytes) -> bytes:
    secret_bytes = secret.encode() if isinstance(secret, str) else secret
    return base64.urlsafe_b64encode(hashlib.sha256(_DERIVATION_SALT + secret_bytes).digest())


def _keys() -> list[bytes]:
    configured = api_settings.ENCRYPTION_KEY
    if configured:
        return [configured.encode()]
    return [_derived_key(settings.SECRET_KEY), *(_derived_key(key) for key in settings.SECRET_KEY_FALLBACKS)]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def encrypt(value: str) -> str:
    """The stored form of a Password value."""
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def is_encrypted(stored: Any) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)


def reveal(stored: Any) -> str | None:
    """The clear value of a stored Password, or ``None`` when there is none to give back.

    Values this app did not encrypt (hashes written before encryption, a key that is gone) read as
    ``None``: the caller answers "Password not found", as Frappe does for a missing ``__Auth`` row.
    """
    if not is_encrypted(stored):
        return None
    try:
        return _fernet().decrypt(stored[len(PREFIX):].encode()).decode()
    except (InvalidToken, ValueError):
        return None
