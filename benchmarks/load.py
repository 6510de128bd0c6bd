"""Load the benchmark's rows into one project: ``python load.py ours|baseline ROWS`` (Django settings from the env).

Prints one JSON line with the credentials the load generator sends: the API key or token, and a session key.
Both projects get the same rows: ``BI-00001``..., status Open/Closed/Cancelled in turn, one second apart.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import django

DOCTYPE = "Bench Item"
ROLE = "Bench Reader"
USERNAME = "bench"
STATUSES = ("Open", "Closed", "Cancelled")
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def rows(count: int):
    """``(name, title, status, qty, modified)`` of every row, the newest last."""
    for i in range(count):
        yield f"BI-{i + 1:05d}", f"Item {i + 1}", STATUSES[i % 3], i % 100, START + dt.timedelta(seconds=i)


def session_key(user) -> str:
    """A logged-in Django session for ``user``, as the login view would store it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def bench_user():
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(username=USERNAME, defaults={"email": "bench@example.com"})
    user.set_password("bench")
    user.save()
    group, _ = Group.objects.get_or_create(name=ROLE)
    user.groups.add(group)
    return user


def load_ours(count: int) -> dict:
    from django_frappe_api.definitions import save_definition
    from django_frappe_api.models import ApiKey, Document

    save_definition({
        "name": DOCTYPE,
        "module": "Custom",
        "fields": [
            # Indexed like the baseline's columns (db_index): the app builds an index per search_index field.
            {"fieldname": "title", "fieldtype": "Data", "label": "Title", "in_list_view": 1, "search_index": 1},
            {"fieldname": "status", "fieldtype": "Select", "label": "Status", "options": "Open\nClosed\nCancelled",
             "search_index": 1},
            {"fieldname": "qty", "fieldtype": "Int", "label": "Qty", "search_index": 1},
        ],
        "permissions": [
            {"role": "Guest", "read": 1, "write": 0, "create": 0, "delete": 0},
            {"role": ROLE, "read": 1, "write": 0, "create": 0, "delete": 0},
        ],
    })
    existing = Document.objects.filter(doctype_id=DOCTYPE)
    if existing.count() != count:
        existing.delete()
        Document.objects.bulk_create(
            (
                Document(doctype_id=DOCTYPE, name=name, owner="Administrator", modified_by="Administrator",
                         creation=modified, modified=modified, data={"title": title, "status": status, "qty": qty})
                for name, title, status, qty, modified in rows(count)
            ),
            batch_size=2000,
        )
    user = bench_user()
    api_key, secret = ApiKey.objects.issue(user)
    return {"authorization": f"token {api_key.api_key}:{secret}", "session": session_key(user)}


def load_baseline(count: int) -> dict:
    from baseline_app.models import Item
    from rest_framework.authtoken.models import Token

    if Item.objects.count() != count:
        Item.objects.all().delete()
        Item.objects.bulk_create(
            (
                Item(name=name, title=title, status=status, qty=qty, creation=modified, modified=modified,
                     owner="Administrator", modified_by="Administrator")
                for name, title, status, qty, modified in rows(count)
            ),
            batch_size=2000,
        )
    user = bench_user()
    token, _ = Token.objects.get_or_create(user=user)
    return {"authorization": f"Token {token.key}", "session": session_key(user)}


if __name__ == "__main__":
    django.setup()
    project, count = sys.argv[1], int(sys.argv[2])
    print(json.dumps(load_ours(count) if project == "ours" else load_baseline(count)))
