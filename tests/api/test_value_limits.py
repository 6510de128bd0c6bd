"""Values a column cannot hold, refused alike on every database: Frappe's ``_validate_length`` (Data beyond
its ``length``, Int beyond 32 bits) and NUL characters (PostgreSQL cannot store them), over v1 and v2."""

from __future__ import annotations

import pytest

from django_frappe_api.models import Document
from tests.factories import make_doctype
from tests.helpers import decoded, thrown

pytestmark = pytest.mark.django_db

INT_MAX = 2**31 - 1


def error_body(api_version: str, exc_type: str, message: str, title: str = "Message") -> dict:
    """The whole error body of v1 or v2 for one thrown message."""
    if api_version == "v2":
        return {"errors": [{"type": exc_type, "message": message, "title": title, "indicator": "red"}]}
    return {"exc_type": exc_type, "_server_messages": [thrown(message, title)]}


def too_big(reference: str, label: str, value, maximum) -> str:
    return (f"{reference}: '<strong>{label}</strong>' ({value}) will get truncated, "
            f"as max characters allowed is {maximum}")


@pytest.fixture
def counter(db):
    make_doctype("Counter Row", [{"fieldname": "hits", "label": "Hits", "fieldtype": "Int"}], istable=1)
    return make_doctype("Counter", [
        {"fieldname": "count", "label": "Count", "fieldtype": "Int"},
        {"fieldname": "wide", "label": "Wide", "fieldtype": "Int", "length": 12},
        {"fieldname": "big", "label": "Big", "fieldtype": "Long Int"},
        {"fieldname": "code", "label": "Code", "fieldtype": "Data", "length": 3},
        {"fieldname": "file", "label": "File", "fieldtype": "Attach"},
        {"fieldname": "secret", "label": "Secret", "fieldtype": "Password"},
        {"fieldname": "rows", "label": "Rows", "fieldtype": "Table", "options": "Counter Row"},
    ], autoname="Prompt")


@pytest.mark.parametrize(("values", "message"), [
    ({"count": INT_MAX + 1}, too_big("Counter C", "Count", INT_MAX + 1, INT_MAX)),
    ({"count": -INT_MAX - 1}, too_big("Counter C", "Count", -INT_MAX - 1, INT_MAX)),
    ({"count": "9999999999"}, too_big("Counter C", "Count", 9999999999, INT_MAX)),
    ({"wide": 2**63}, too_big("Counter C", "Wide", 2**63, 2**63 - 1)),
    ({"big": 2**63}, too_big("Counter C", "Big", 2**63, 2**63 - 1)),
    ({"code": "ABCD"}, too_big("Counter C", "Code", "ABCD", 3)),
    ({"rows": [{"hits": 1}, {"hits": INT_MAX + 1}]}, too_big("Counter Row, Row 2", "Hits", INT_MAX + 1, INT_MAX)),
])
def test_values_beyond_their_column_are_refused(admin_client, counter, api_url, api_version, values, message):
    response = admin_client.post(api_url("Counter"), {"name": "C", **values}, format="json")

    assert response.status_code == 417
    assert decoded(response) == error_body(api_version, "CharacterLengthExceededError", message, "Value too big")
    assert not Document.objects.filter(doctype_id__in=["Counter", "Counter Row"]).exists()


def test_values_that_fit_their_column_are_saved(admin_client, counter, api_url):
    url = "/files/" + "x" * 300
    response = admin_client.post(api_url("Counter"), {
        "name": "C", "count": INT_MAX, "wide": 2**40, "big": -(2**62), "code": "ABC", "file": url,
    }, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()["data"]
    assert (body["count"], body["wide"], body["big"], body["code"], body["file"]) == (
        INT_MAX, 2**40, -(2**62), "ABC", url)


def test_update_beyond_the_column_is_refused_and_keeps_the_stored_value(admin_client, counter, api_url, api_version):
    admin_client.post(api_url("Counter"), {"name": "C", "count": 1}, format="json")

    response = admin_client.put(api_url("Counter", "C"), {"count": INT_MAX + 1}, format="json")

    assert decoded(response) == error_body(api_version, "CharacterLengthExceededError",
                                           too_big("Counter C", "Count", INT_MAX + 1, INT_MAX), "Value too big")
    assert Document.objects.get(doctype_id="Counter", name="C").data["count"] == 1


def test_child_int_beyond_32_bits_is_refused_by_json_and_orm_storage(admin_client, storage, api_url, api_version):
    response = admin_client.post(api_url(storage.doctype), {
        "subject": "Printer", "items": [{"item": "Toner", "qty": INT_MAX + 1}],
    }, format="json")

    assert response.status_code == 417
    assert decoded(response) == error_body(api_version, "CharacterLengthExceededError",
                                           too_big("Ticket Item, Row 1", "Qty", INT_MAX + 1, INT_MAX), "Value too big")
    assert admin_client.get(api_url(storage.doctype)).json()["data"] == []


# -- NUL characters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "message"), [
    ({"subject": "Print\x00er"}, "Value for <strong>Subject</strong> cannot contain null characters"),
    ({"subject": "Printer", "notes": "\x00"}, "Value for <strong>Notes</strong> cannot contain null characters"),
    ({"subject": "Printer", "items": [{"item": "Toner"}, {"item": "Ink\x00"}]},
     "Value for <strong>Item</strong> cannot contain null characters"),
])
def test_nul_characters_are_refused_on_insert_by_every_storage(admin_client, storage, api_url, api_version, values,
                                                               message):
    response = admin_client.post(api_url(storage.doctype), values, format="json")

    assert response.status_code == 417
    assert decoded(response) == error_body(api_version, "ValidationError", message)
    assert admin_client.get(api_url(storage.doctype)).json()["data"] == []


def test_nul_characters_are_refused_on_update_by_every_storage(admin_client, storage, api_url, api_version):
    name = admin_client.post(api_url(storage.doctype), {"subject": "Printer", "items": [{"item": "Toner"}]},
                             format="json").json()["data"]["name"]

    response = admin_client.put(api_url(storage.doctype, name), {"items": [{"item": "To\x00ner"}]}, format="json")

    assert response.status_code == 417
    assert decoded(response) == error_body(api_version, "ValidationError",
                                           "Value for <strong>Item</strong> cannot contain null characters")
    read = admin_client.get(api_url(storage.doctype, name)).json()["data"]
    assert [row["item"] for row in read["items"]] == ["Toner"]


@pytest.mark.parametrize(("values", "message"), [
    ({"name": "C\x00"}, "Name cannot contain null characters"),
    ({"name": "C", "secret": "s3\x00cret"}, "Value for <strong>Secret</strong> cannot contain null characters"),
    ({"name": "C", "rows": [{"hits": "1\x00"}]}, "Value for <strong>Hits</strong> cannot contain null characters"),
])
def test_nul_characters_in_names_passwords_and_numbers_are_refused(admin_client, counter, api_url, api_version,
                                                                   values, message):
    response = admin_client.post(api_url("Counter"), values, format="json")

    assert response.status_code == 417
    assert decoded(response) == error_body(api_version, "ValidationError", message)
    assert not Document.objects.filter(doctype_id__in=["Counter", "Counter Row"]).exists()


def test_a_link_to_a_name_with_a_nul_character_is_not_found(admin_client, todo, api_url, api_version):
    make_doctype("Follow Up", [{"fieldname": "todo", "label": "ToDo", "fieldtype": "Link", "options": "ToDo"}])

    missing = admin_client.get(api_url("ToDo", "a\x00b"))
    linked = admin_client.post(api_url("Follow Up"), {"todo": "a\x00b"}, format="json")

    assert missing.status_code == 404
    assert decoded(linked) == error_body(api_version, "ValidationError",
                                         "Value for <strong>ToDo</strong> cannot contain null characters")


def test_a_single_doctype_has_no_column_limits(admin_client, db, api_url):
    make_doctype("Counter Settings", [{"fieldname": "limit", "label": "Limit", "fieldtype": "Int"},
                                      {"fieldname": "code", "label": "Code", "fieldtype": "Data", "length": 3}],
                 issingle=1)

    response = admin_client.put(api_url("Counter Settings", "Counter Settings"),
                                {"limit": INT_MAX + 1, "code": "ABCD"}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["data"]["limit"], response.json()["data"]["code"]) == (INT_MAX + 1, "ABCD")
