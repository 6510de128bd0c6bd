"""System checks of ``FRAPPE_API["CORS_ALLOWED_ORIGINS"]``: E008 and W002."""

from __future__ import annotations

import pytest
from django.test import override_settings

from django_frappe_api import checks

CORS_MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"]


def ids(**overrides) -> list[str]:
    with override_settings(**overrides):
        return [message.id for message in checks.check_settings(None)]


@pytest.mark.parametrize("origins", ["*", [], ["http://localhost:5173", "https://app.example.com:8443"],
                                     "https://app.example.com"])
def test_valid_origins_pass(origins):
    assert ids(FRAPPE_API={"CORS_ALLOWED_ORIGINS": origins}) == []


@pytest.mark.parametrize("origins", [["localhost:5173"], ["https://app.example.com/"], ["*"], [5173],
                                     {"http://x.example": 1}, ["https://app.example.com/spa"]])
def test_e008_origins_that_are_not_origins(origins):
    assert ids(FRAPPE_API={"CORS_ALLOWED_ORIGINS": origins}) == ["django_frappe_api.E008"]


def test_w002_corsheaders_middleware_that_would_answer_the_api_first():
    cors = {"CORS_ALLOWED_ORIGINS": ["http://localhost:5173"]}

    assert ids(FRAPPE_API=cors, MIDDLEWARE=CORS_MIDDLEWARE) == ["django_frappe_api.W002"]
    assert ids(FRAPPE_API=cors, MIDDLEWARE=CORS_MIDDLEWARE, CORS_URLS_REGEX=r"^(?!/api/).*$") == []
    assert ids(FRAPPE_API={}, MIDDLEWARE=CORS_MIDDLEWARE) == []
