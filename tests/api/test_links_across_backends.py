"""Links from a JSON DocType into a model-backed one (``User``): dotted fields, expand, fetch_from, validation.

Usage::

    pytest tests/api/test_links_across_backends.py
"""

from __future__ import annotations

import json

import pytest

from django_frappe_api.models import Document
from tests.factories import make_doctype
from tests.helpers import failure


@pytest.fixture
def note(db):
    return make_doctype("Note", [
        {"fieldname": "assignee", "label": "Assignee", "fieldtype": "Link", "options": "User"},
        {"fieldname": "assignee_name", "fieldtype": "Data", "fetch_from": "assignee.full_name"},
    ])


def test_dotted_link_field_reads_the_model_backed_target(admin_client, admin_user, api_url, note):
    created = admin_client.post(api_url("Note"), {"assignee": admin_user.username}, format="json").json()["data"]

    response = admin_client.get(api_url("Note"), {"fields": json.dumps(["name", "assignee.full_name",
                                                                         "assignee.email"])})

    assert response.status_code == 200
    assert response.json()["data"] == [{"name": created["name"], "full_name": "Administrator",
                                        "email": "admin@example.com"}]
    assert created["assignee_name"] == "Administrator"


def test_expand_replaces_the_user_key_by_the_record(admin_client, admin_user, note):
    admin_client.post("/api/resource/Note", {"assignee": admin_user.username}, format="json")

    response = admin_client.get("/api/resource/Note", {"fields": json.dumps(["assignee"]),
                                                       "expand": json.dumps(["assignee"])})

    expanded = response.json()["data"][0]["assignee"]
    assert (expanded["name"], expanded["full_name"], expanded["email"]) == (
        "Administrator", "Administrator", "admin@example.com",
    )


def test_link_to_a_missing_user_is_refused(admin_client, api_url, note):
    response = admin_client.post(api_url("Note"), {"assignee": "nobody"}, format="json")

    assert failure(response) == (417, "LinkValidationError", ["Could not find Assignee: nobody"])
    assert not Document.objects.filter(doctype_id="Note").exists()


def test_unknown_target_field_is_refused(admin_client, api_url, note):
    response = admin_client.get(api_url("Note"), {"fields": json.dumps(["assignee.nope"])})

    assert failure(response)[:2] == (417, "DataError")
