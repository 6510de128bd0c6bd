"""Test settings: the database comes from ``DATABASE_URL`` (SQLite file when unset)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "django-frappe-api-tests"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"

DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {})["charset"] = "utf8mb4"
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
if os.environ.get("PG_PREPARE_THRESHOLD") and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The suite with the compiled statements prepared on the server (``statements.statement_cursor``).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = int(os.environ["PG_PREPARE_THRESHOLD"])
# A second alias on the same database, as a read replica would be; only tests that name it use it.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {**DATABASES["default"].get("TEST", {}), "MIRROR": "default"}}

INSTALLED_APPS = [
    "django_frappe_api.apps.FrappeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    *(["django_tasks"] if django.VERSION < (6, 0) else []),  # the tasks backport; Django 6 has django.tasks
    "django_tasks_db",
    "django_frappe_api",
    "tests.testapp",
]
# Queued bulk requests are rows run by `manage.py db_worker`; the tests call the worker in-process.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
FRAPPE_API: dict = {}
LOGGING = {"version": 1, "disable_existing_loggers": False, "loggers": {"django.request": {"level": "CRITICAL"}}}
