"""The file-serving and encryption settings reach ``api_settings``, and their checks (E006, E007)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from django_frappe_api import checks, passwords
from django_frappe_api.conf import api_settings


def ids(settings_value, settings) -> list[str]:
    settings.FRAPPE_API = settings_value
    return [message.id for message in checks.check_settings(None)]


def test_defaults():
    assert (api_settings.FILE_SERVE_HEADER, api_settings.FILE_SERVE_PREFIX, api_settings.ENCRYPTION_KEY) == (
        None, "/protected/", None)


@pytest.mark.parametrize("value", [
    {"FILE_SERVE_HEADER": None}, {"FILE_SERVE_HEADER": "X-Accel-Redirect", "FILE_SERVE_PREFIX": "/internal/"},
    {"FILE_SERVE_HEADER": "X-Sendfile"}, {"ENCRYPTION_KEY": Fernet.generate_key().decode()},
])
def test_good_values_pass(settings, value):
    assert ids(value, settings) == []


@pytest.mark.parametrize("value", [
    {"FILE_SERVE_HEADER": "X-Accel"}, {"FILE_SERVE_HEADER": True}, {"FILE_SERVE_PREFIX": "protected/"},
    {"FILE_SERVE_PREFIX": None},
])
def test_bad_serving_settings_are_e006(settings, value):
    assert ids(value, settings) == ["django_frappe_api.E006"]


@pytest.mark.parametrize("key", ["short", 42, "A" * 44])
def test_bad_encryption_key_is_e007(settings, key):
    assert ids({"ENCRYPTION_KEY": key}, settings) == ["django_frappe_api.E007"]


def test_configured_key_encrypts_and_a_rotated_secret_key_still_decrypts(settings):
    old = passwords.encrypt("s3cret")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key"
    rotated = passwords.reveal(old)
    settings.FRAPPE_API = {"ENCRYPTION_KEY": Fernet.generate_key().decode()}
    with_key = passwords.encrypt("other")

    assert rotated == "s3cret"
    assert passwords.reveal(with_key) == "other"
    assert passwords.reveal(old) is None  # written under a key that is no longer configured
    assert passwords.reveal("pbkdf2_sha256$1$salt$hash") is None
