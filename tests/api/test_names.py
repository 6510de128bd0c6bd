"""Document names in paths (§1.4): spaces, unicode, ``%2F`` and literal slashes all round-trip."""

from __future__ import annotations

import pytest

from tests.helpers import decoded, error

pytestmark = pytest.mark.django_db

NAMES = [
    "with space",
    "unicodé ünï 名前",
    "A/B/C",
    "50% off + more",
    "q?uestion#hash",
    "trailing.dot.",
    "semi;colon,comma",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("encode_slash", [False, True], ids=["raw-slash", "encoded-slash"])
def test_prompt_name_round_trips_through_read_update_and_delete(admin_client, task_doctype, v1_url, name,
                                                                 encode_slash):
    created = admin_client.post(v1_url("Task"), {"name": name, "title": "first"}, format="json")
    assert created.status_code == 200
    assert created.json()["data"]["name"] == name
    url = v1_url("Task", name, encode_slash=encode_slash)

    read = admin_client.get(url)
    updated = admin_client.put(url, {"title": "second"}, format="json")
    listed = admin_client.get(v1_url("Task"), {"filters": f'[["name", "=", "{name}"]]', "fields": '["name", "title"]'})
    deleted = admin_client.delete(url)

    assert (read.status_code, read.json()["data"]["name"]) == (200, name)
    assert (updated.status_code, updated.json()["data"]["title"]) == (200, "second")
    assert listed.json() == {"data": [{"name": name, "title": "second"}]}
    assert (deleted.status_code, deleted.json()) == (202, {"data": "ok"})
    assert admin_client.get(url).status_code == 404


def test_one_trailing_slash_after_a_name_is_stripped(admin_client, task_doctype, v1_url):
    admin_client.post(v1_url("Task"), {"name": "A/B"}, format="json")

    response = admin_client.get(v1_url("Task", "A/B") + "/")

    assert response.status_code == 200
    assert response.json()["data"]["name"] == "A/B"


def test_plus_in_a_path_is_not_a_space(admin_client, task_doctype, v1_url):
    admin_client.post(v1_url("Task"), {"name": "a b"}, format="json")

    response = admin_client.get(f"{v1_url('Task')}/a+b")

    assert response.status_code == 404
    assert decoded(response) == error("DoesNotExistError", "Task a+b not found")


def test_doctype_with_space_in_path(admin_client, db, v1_url):
    from tests.factories import make_doctype

    make_doctype("Sales Note", [{"fieldname": "title", "fieldtype": "Data"}], autoname="Prompt")

    created = admin_client.post(v1_url("Sales Note"), {"name": "SN 1", "title": "x"}, format="json")
    listed = admin_client.get(v1_url("Sales Note"))

    assert created.status_code == 200
    assert created.json()["data"]["doctype"] == "Sales Note"
    assert listed.json() == {"data": [{"name": "SN 1"}]}


def test_prompt_doctype_without_name_is_refused(admin_client, task_doctype, v1_url):
    response = admin_client.post(v1_url("Task"), {"title": "no name"}, format="json")

    assert response.status_code == 417
    assert decoded(response) == error("ValidationError", "Please set the document name")


def test_prompt_doctype_takes_newname(admin_client, task_doctype, v1_url):
    response = admin_client.post(v1_url("Task"), {"__newname": "From newname"}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["name"] == "From newname"


def test_double_slash_before_resource_is_404(admin_client, task_doctype, v1_prefix):
    response = admin_client.get(f"{v1_prefix}//resource/Task")

    assert response.status_code == 404
    assert response.json() == {"exc_type": "DoesNotExistError"}
