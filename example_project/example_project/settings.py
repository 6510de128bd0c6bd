"""Settings of the example project: a plain Django project that serves the Frappe API.

The database comes from ``DATABASE_URL`` (SQLite file next to manage.py when unset), so the same
project runs on PostgreSQL and MariaDB.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-example-key-change-me")
DEBUG = os.environ.get("DJANGO_DEBUG", "1").lower() in ("1", "true", "yes")
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django_frappe_api.apps.FrappeAdminConfig",  # django.contrib.admin with a section per DocType
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    *(["django_tasks"] if django.VERSION < (6, 0) else []),  # the tasks backport; Django 6 has django.tasks
    "django_tasks_db",
    "django_frappe_api",
    "demo",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Frappe's legacy `cmd=<method>` requests to the site root (python frappeclient logs in this way).
    "django_frappe_api.middleware.FrappeCommandMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "example_project.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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
WSGI_APPLICATION = "example_project.wsgi.application"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
# Persistent connections: opening one per request costs more than most API requests themselves (on PostgreSQL
# a new connection per request divides the requests/s by three or four). The health check replaces a
# connection the database closed before reusing it.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {})["charset"] = "utf8mb4"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not os.environ.get("PGBOUNCER"):
    # The app's compiled statements prepared on the server after 5 runs on a connection: planned once, not per
    # request. Off behind a transaction-mode pooler (PGBOUNCER=1), as Django's default has it.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
# A cache every server process shares: metas, users, roles and API keys are kept in it under version stamps, so
# a warm request spends no query on them, and a change made through one process is seen at once by the others.
# REDIS_URL (redis://127.0.0.1:6379/0) selects Redis, for several hosts; otherwise a directory shared by the
# processes of this host. Sessions are kept there too, written through to the database.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": os.environ.get("DJANGO_CACHE_DIR") or BASE_DIR / "cache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AUTHENTICATION_BACKENDS = ["django_frappe_api.auth_backend.CachedModelBackend"]
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "static/"
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media"
MEDIA_URL = "files/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FRAPPE_API = {"MAX_PAGE_LENGTH": 5000}
# Large v2 bulk requests are queued as database rows; run them with `python manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
