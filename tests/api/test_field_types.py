"""Field types over HTTP: coercion on write, rejection with Frappe's messages, defaults, mandatory, unique,
set_only_once and Password (§9.3, §9.5, §9.10), through v1 and v2."""

from __future__ import annotations

import pytest

from django_frappe_api import document, passwords
from django_frappe_api.models import Document
from tests.factories import make_doctype
from tests.helpers import failure

pytestmark = pytest.mark.django_db

ZOO_FIELDS = [
    {"fieldname": "data_field", "label": "Data", "fieldtype": "Data"},
    {"fieldname": "small_text", "label": "Small Text", "fieldtype": "Small Text"},
    {"fieldname": "text", "label": "Text", "fieldtype": "Text"},
    {"fieldname": "long_text", "label": "Long Text", "fieldtype": "Long Text"},
    {"fieldname": "text_editor", "label": "Text Editor", "fieldtype": "Text Editor"},
    {"fieldname": "code", "label": "Code", "fieldtype": "Code", "options": "Python"},
    {"fieldname": "markdown", "label": "Markdown", "fieldtype": "Markdown Editor"},
    {"fieldname": "html_editor", "label": "HTML", "fieldtype": "HTML Editor"},
    {"fieldname": "section", "label": "More", "fieldtype": "Section Break"},
    {"fieldname": "count", "label": "Count", "fieldtype": "Int", "non_negative": 1},
    {"fieldname": "ratio", "label": "Ratio", "fieldtype": "Float"},
    {"fieldname": "amount", "label": "Amount", "fieldtype": "Currency"},
    {"fieldname": "share", "label": "Share", "fieldtype": "Percent"},
    {"fieldname": "flag", "label": "Flag", "fieldtype": "Check"},
    {"fieldname": "column", "fieldtype": "Column Break"},
    {"fieldname": "priority", "label": "Priority", "fieldtype": "Select", "options": "\nLow\nHigh"},
    {"fieldname": "todo", "label": "ToDo", "fieldtype": "Link", "options": "ToDo"},
    {"fieldname": "ref_type", "label": "Reference Type", "fieldtype": "Data"},
    {"fieldname": "ref_name", "label": "Reference Name", "fieldtype": "Dynamic Link", "options": "ref_type"},
    {"fieldname": "tab", "label": "Dates", "fieldtype": "Tab Break"},
    {"fieldname": "day", "label": "Day", "fieldtype": "Date"},
    {"fieldname": "at", "label": "At", "fieldtype": "Datetime"},
    {"fieldname": "clock", "label": "Clock", "fieldtype": "Time"},
    {"fieldname": "took", "label": "Took", "fieldtype": "Duration"},
    {"fieldname": "payload", "label": "Payload", "fieldtype": "JSON"},
    {"fieldname": "file", "label": "File", "fieldtype": "Attach"},
    {"fieldname": "image", "label": "Image", "fieldtype": "Attach Image"},
    {"fieldname": "secret", "label": "Secret", "fieldtype": "Password"},
    {"fieldname": "shown", "label": "Shown", "fieldtype": "Read Only"},
    {"fieldname": "stars", "label": "Stars", "fieldtype": "Rating"},
    {"fieldname": "colour", "label": "Colour", "fieldtype": "Color"},
    {"fieldname": "email", "label": "Email", "fieldtype": "Data", "options": "Email"},
    {"fieldname": "phone", "label": "Phone", "fieldtype": "Data", "options": "Phone"},
    {"fieldname": "mobile", "label": "Mobile", "fieldtype": "Phone"},
    {"fieldname": "site", "label": "Site", "fieldtype": "Data", "options": "URL"},
    {"fieldname": "person", "label": "Person", "fieldtype": "Data", "options": "Name"},
    {"fieldname": "short", "label": "Short", "fieldtype": "Data", "length": 5},
    {"fieldname": "tags", "label": "Tags", "fieldtype": "Table MultiSelect", "options": "Zoo Tag"},
]
LAYOUT = ("section", "column", "tab")


@pytest.fixture
def zoo(todo):
    make_doctype("Zoo Tag", [{"fieldname": "tag", "label": "Tag", "fieldtype": "Data", "reqd": 1}], istable=1)
    return make_doctype("Field Zoo", ZOO_FIELDS, autoname="Prompt")


# Numbers default to 0 on every new document, as in Frappe.
ZERO_NUMBERS = {"count": 0, "ratio": 0.0, "amount": 0.0, "share": 0.0, "flag": 0, "took": 0, "stars": 0.0}


def created(client, api_url, values: dict) -> dict:
    response = client.post(api_url("Field Zoo"), {"name": "Z", **values}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def data_fields(body: dict) -> dict:
    standard = {"name", "owner", "creation", "modified", "modified_by", "docstatus", "idx", "doctype", "tags"}
    return {key: value for key, value in body.items() if key not in standard}


@pytest.mark.parametrize(("fieldname", "sent", "stored"), [
    ("data_field", "plain", "plain"),
    ("data_field", 42, "42"),
    ("small_text", "two\nlines", "two\nlines"),
    ("text", "t", "t"),
    ("long_text", "x" * 1000, "x" * 1000),
    ("text_editor", "<p>hi</p>", "<p>hi</p>"),
    ("code", "print(1)", "print(1)"),
    ("markdown", "# Title", "# Title"),
    ("html_editor", "<b>b</b>", "<b>b</b>"),
    ("count", "5", 5),
    ("count", "12.7", 12),
    ("count", "", 0),
    ("count", None, 0),
    ("count", "abc", 0),
    ("ratio", "2.5", 2.5),
    ("ratio", "", 0.0),
    ("amount", "12.50", 12.5),
    ("share", 33, 33.0),
    ("flag", "1", 1),
    ("flag", True, 1),
    ("flag", 5, 1),
    ("flag", "0", 0),
    ("flag", False, 0),
    ("flag", None, 0),
    ("priority", "High", "High"),
    ("priority", "", ""),
    ("day", "2024-05-10", "2024-05-10"),
    ("day", "10-05-2024", "2024-05-10"),
    ("day", "2024-05-10 13:00:00", "2024-05-10"),
    ("day", "", None),
    ("at", "2024-05-10T14:00:00", "2024-05-10 14:00:00"),
    ("at", "2024-05-10 14:00:00.250000", "2024-05-10 14:00:00.250000"),
    ("at", "2024-05-10", "2024-05-10 00:00:00"),
    ("at", "", None),
    ("clock", "9:05", "9:05:00"),
    ("clock", "13:45:10.5", "13:45:10.500000"),
    ("clock", "", None),
    ("took", "3600", 3600),
    ("payload", {"b": [1, 2], "a": None}, '{"b":[1,2],"a":null}'),
    ("payload", '{"kept": "as text"}', '{"kept": "as text"}'),
    ("file", "/files/a.pdf", "/files/a.pdf"),
    ("image", "/files/a.png", "/files/a.png"),
    ("shown", "computed", "computed"),
    ("stars", 0.6, 0.6),
    ("stars", 7, 1.0),
    ("colour", "#ff0000", "#ff0000"),
    ("email", "a@example.com, b@example.org", "a@example.com, b@example.org"),
    ("phone", "+1 (555) 123-4567", "+1 (555) 123-4567"),
    ("mobile", "+91-9876543210", "+91-9876543210"),
    ("site", "https://example.com/x", "https://example.com/x"),
    ("person", "O'Neil Mary-Jane", "O'Neil Mary-Jane"),
])
def test_values_are_coerced_like_frappe(admin_client, zoo, api_url, fieldname, sent, stored):
    body = created(admin_client, api_url, {fieldname: sent})

    expected = {**ZERO_NUMBERS, fieldname: stored}
    if stored is None:
        expected.pop(fieldname)  # documents come back without null fields
    assert data_fields(body) == expected
    read = admin_client.get(api_url("Field Zoo", "Z")).json()["data"]
    assert data_fields(read) == expected


@pytest.mark.parametrize(("fieldname", "sent", "exc_type", "message"), [
    ("data_field", ["a"], "ValidationError", "Value for Data cannot be a list"),
    ("count", {"n": 1}, "ValidationError", "Value for Count cannot be a list"),
    ("priority", "Medium", "ValidationError", ' Priority cannot be "Medium". It should be one of "Low", "High"'),
    ("todo", "missing", "LinkValidationError", "Could not find ToDo: missing"),
    ("ref_name", "x", "ValidationError", "Reference Type must be set first"),
    ("day", "not a date", "ValidationError", "Field Zoo: Day: not a date is not a valid date string."),
    ("at", "soon", "ValidationError", "Field Zoo: At: soon is not a valid datetime string."),
    ("clock", "25 past", "ValidationError", "Field Zoo: Clock: 25 past is not a valid time string."),
    ("email", "not-an-email", "InvalidEmailAddressError", "not-an-email is not a valid Email Address"),
    ("phone", "call me", "InvalidPhoneNumberError", "call me is not a valid Phone Number"),
    ("mobile", "12<34", "InvalidPhoneNumberError", "12<34 is not a valid Phone Number"),
    ("site", "no url here", "ValidationError", "'<strong>no url here</strong>' is not a valid URL"),
    ("person", "bad!name", "InvalidNameError", "bad!name is not a valid Name"),
    ("count", -1, "NonNegativeError", "Value cannot be negative for Field Zoo: <strong>Count</strong>"),
    ("short", "toolong", "CharacterLengthExceededError",
     "Field Zoo Z: '<strong>Short</strong>' (toolong) will get truncated, as max characters allowed is 5"),
    ("data_field", "x" * 141, "CharacterLengthExceededError",
     f"Field Zoo Z: '<strong>Data</strong>' ({'x' * 141}) will get truncated, as max characters allowed is 140"),
])
def test_invalid_values_are_refused_with_frappes_messages(admin_client, zoo, api_url, fieldname, sent, exc_type,
                                                         message):
    response = admin_client.post(api_url("Field Zoo"), {"name": "Z", fieldname: sent}, format="json")

    assert failure(response) == (417, exc_type, [message])
    assert not Document.objects.filter(doctype_id="Field Zoo").exists()


def test_link_and_dynamic_link_to_existing_documents(admin_client, admin_user, zoo, api_url):
    todo_name = document.insert_doc("ToDo", {"description": "linked"}, user=admin_user)["name"]

    body = created(admin_client, api_url, {"todo": todo_name, "ref_type": "ToDo", "ref_name": todo_name})
    missing = admin_client.post(api_url("Field Zoo"), {"name": "Y", "ref_type": "ToDo", "ref_name": "gone"},
                                format="json")

    assert (body["todo"], body["ref_type"], body["ref_name"]) == (todo_name, "ToDo", todo_name)
    assert failure(missing) == (417, "LinkValidationError", ["Could not find Reference Name: gone"])


def test_several_missing_links_are_reported_together(admin_client, zoo, api_url):
    response = admin_client.post(api_url("Field Zoo"), {
        "name": "Z", "todo": "a", "ref_type": "ToDo", "ref_name": "b", "tags": [{"tag": "t"}]}, format="json")

    assert failure(response) == (417, "LinkValidationError", ["Could not find ToDo: a, Reference Name: b"])


def test_layout_fields_hold_no_data(admin_client, zoo, api_url):
    body = created(admin_client, api_url, {"section": "x", "column": 1, "tab": "y", "data_field": "kept"})

    assert not set(LAYOUT) & set(body)
    assert Document.objects.get(doctype_id="Field Zoo", name="Z").data == {**ZERO_NUMBERS, "data_field": "kept"}


def test_table_multiselect_holds_child_rows(admin_client, zoo, api_url):
    body = created(admin_client, api_url, {"tags": [{"tag": "red"}, {"tag": "blue"}]})

    assert [(row["tag"], row["idx"], row["parentfield"], row["doctype"]) for row in body["tags"]] == [
        ("red", 1, "tags", "Zoo Tag"), ("blue", 2, "tags", "Zoo Tag")]


# -- Password -------------------------------------------------------------------------------------


def test_password_is_stored_encrypted_and_never_returned(admin_client, zoo, api_url):
    body = created(admin_client, api_url, {"secret": "s3cret", "data_field": "d"})

    stored = Document.objects.get(doctype_id="Field Zoo", name="Z").data["secret"]
    read = admin_client.get(api_url("Field Zoo", "Z")).json()["data"]
    star = admin_client.get(api_url("Field Zoo"), {"fields": '["*"]'}).json()["data"]
    explicit = admin_client.get(api_url("Field Zoo"), {"fields": '["name", "secret"]'}).json()["data"]

    assert "secret" not in body and "secret" not in read
    assert "s3cret" not in stored and passwords.reveal(stored) == "s3cret"
    assert "secret" not in star[0]
    assert explicit == [{"name": "Z"}]


def test_password_asterisks_keep_the_stored_value_and_a_new_one_replaces_it(admin_client, zoo, api_url):
    created(admin_client, api_url, {"secret": "first"})

    admin_client.put(api_url("Field Zoo", "Z"), {"secret": "********", "data_field": "x"}, format="json")
    kept = Document.objects.get(doctype_id="Field Zoo", name="Z").data["secret"]
    admin_client.put(api_url("Field Zoo", "Z"), {"secret": "second"}, format="json")
    replaced = Document.objects.get(doctype_id="Field Zoo", name="Z").data["secret"]

    assert passwords.reveal(kept) == "first"
    assert passwords.reveal(replaced) == "second"


# -- defaults, mandatory, unique, set_only_once ------------------------------------------------------


@pytest.fixture
def defaults_doctype(db):
    return make_doctype("Defaults", [
        {"fieldname": "day", "label": "Day", "fieldtype": "Date", "default": "Today"},
        {"fieldname": "at", "label": "At", "fieldtype": "Datetime", "default": "Now"},
        {"fieldname": "clock", "label": "Clock", "fieldtype": "Time", "default": "Now"},
        {"fieldname": "by", "label": "By", "fieldtype": "Data", "default": "__user"},
        {"fieldname": "qty", "label": "Qty", "fieldtype": "Int", "default": "7"},
        {"fieldname": "active", "label": "Active", "fieldtype": "Check", "default": "1"},
        {"fieldname": "state", "label": "State", "fieldtype": "Select", "options": "New\nOld"},
        {"fieldname": "blank_first", "label": "Blank First", "fieldtype": "Select", "options": "\nA\nB"},
        {"fieldname": "kind", "label": "Kind", "fieldtype": "Data", "default": "standard"},
    ], autoname="hash")


def test_defaults_are_applied_on_insert(admin_client, defaults_doctype, api_url, frozen_now):
    response = admin_client.post(api_url("Defaults"), {"kind": "custom"}, format="json")

    assert data_fields(response.json()["data"]) == {
        "day": "2024-05-10", "at": "2024-05-10 12:01:33.224841", "clock": "12:01:33.224841",
        "by": "Administrator", "qty": 7, "active": 1, "state": "New", "kind": "custom",
    }


def test_explicit_null_keeps_no_default_for_text(admin_client, defaults_doctype, api_url):
    response = admin_client.post(api_url("Defaults"), {"kind": None, "qty": None}, format="json")

    body = response.json()["data"]
    assert ("kind" in body, body["qty"]) == (False, 0)


@pytest.fixture
def mandatory_doctype(db):
    make_doctype("Mandatory Row", [
        {"fieldname": "item", "label": "Item", "fieldtype": "Data", "reqd": 1},
        {"fieldname": "qty", "label": "Qty", "fieldtype": "Int", "reqd": 1},
    ], istable=1)
    return make_doctype("Mandatory", [
        {"fieldname": "title", "label": "Title", "fieldtype": "Data", "reqd": 1},
        {"fieldname": "body", "label": "Body", "fieldtype": "Text Editor", "reqd": 1},
        {"fieldname": "count", "label": "Count", "fieldtype": "Int", "reqd": 1},
        {"fieldname": "rows", "label": "Rows", "fieldtype": "Table", "options": "Mandatory Row", "reqd": 1},
        {"fieldname": "code", "label": "Code", "fieldtype": "Data", "unique": 1},
        {"fieldname": "locked", "label": "Locked", "fieldtype": "Data", "set_only_once": 1},
    ], autoname="Prompt")


def test_mandatory_fields_are_listed_one_message_each(admin_client, mandatory_doctype, api_url):
    response = admin_client.post(api_url("Mandatory"), {"name": "M", "title": "  ", "body": "<p> </p>"},
                                 format="json")

    assert failure(response) == (417, "MandatoryError", [
        "Error: Value missing for Mandatory: Title",
        "Error: Value missing for Mandatory: Body",
        "Error: Data missing in table: Rows",
    ])
    assert not Document.objects.filter(doctype_id="Mandatory").exists()


def test_mandatory_child_fields_name_the_row(admin_client, mandatory_doctype, api_url):
    response = admin_client.post(api_url("Mandatory"), {
        "name": "M", "title": "t", "body": "b", "rows": [{"item": "ok"}, {"qty": 2}]}, format="json")

    assert failure(response) == (417, "MandatoryError", [
        "Error: <strong>Mandatory Row</strong> Row #2: Value missing for: Item"])


def test_mandatory_error_text_lists_the_fieldnames(admin_client, mandatory_doctype):
    response = admin_client.post("/api/resource/Mandatory", {"name": "M"}, format="json")

    assert "exception" not in response.json()  # tracebacks are off; the text is the exception's own
    with pytest.raises(Exception) as raised:
        document.insert_doc("Mandatory", {"name": "M"}, user=None, ignore_permissions=True)
    assert str(raised.value) == "[Mandatory, M]: title, body, rows"


def test_unique_field_duplicate_is_417_and_blank_values_may_repeat(admin_client, mandatory_doctype, api_url):
    row = {"title": "t", "body": "b", "rows": [{"item": "i", "qty": 1}]}
    admin_client.post(api_url("Mandatory"), {"name": "A", "code": "C1", **row}, format="json")
    blanks = [admin_client.post(api_url("Mandatory"), {"name": n, "code": "", **row}, format="json").status_code
              for n in ("B", "C")]

    duplicate = admin_client.post(api_url("Mandatory"), {"name": "D", "code": "C1", **row}, format="json")
    update = admin_client.put(api_url("Mandatory", "B"), {"code": "C1"}, format="json")

    assert blanks == [200, 200]
    assert failure(duplicate) == (417, "UniqueValidationError", ["Code must be unique"])
    assert failure(update) == (417, "UniqueValidationError", ["Code must be unique"])


def test_duplicate_name_is_409(admin_client, mandatory_doctype, api_url):
    row = {"title": "t", "body": "b", "rows": [{"item": "i", "qty": 1}]}
    admin_client.post(api_url("Mandatory"), {"name": "A", **row}, format="json")

    response = admin_client.post(api_url("Mandatory"), {"name": "A", **row}, format="json")

    assert failure(response) == (409, "DuplicateEntryError", ["Mandatory <strong>A</strong> already exists"])


def test_set_only_once_field_can_be_set_once_then_not_changed(admin_client, mandatory_doctype, api_url):
    row = {"title": "t", "body": "b", "rows": [{"item": "i", "qty": 1}]}
    admin_client.post(api_url("Mandatory"), {"name": "A", **row}, format="json")

    first = admin_client.put(api_url("Mandatory", "A"), {"locked": "v1"}, format="json")
    same = admin_client.put(api_url("Mandatory", "A"), {"locked": "v1", "title": "t2"}, format="json")
    changed = admin_client.put(api_url("Mandatory", "A"), {"locked": "v2", "title": "t3"}, format="json")

    assert (first.status_code, same.status_code) == (200, 200)
    assert failure(changed) == (417, "CannotChangeConstantError", ["Value cannot be changed for Locked"])
    assert admin_client.get(api_url("Mandatory", "A")).json()["data"]["title"] == "t2"


def test_fetch_from_fills_read_only_mirror_fields(admin_client, admin_user, todo, api_url):
    make_doctype("Follow Up", [
        {"fieldname": "todo", "label": "ToDo", "fieldtype": "Link", "options": "ToDo"},
        {"fieldname": "todo_status", "label": "ToDo Status", "fieldtype": "Data", "read_only": 1,
         "fetch_from": "todo.status"},
    ], autoname="hash")
    todo_name = document.insert_doc("ToDo", {"description": "x", "status": "Closed"}, user=admin_user)["name"]

    response = admin_client.post(api_url("Follow Up"), {"todo": todo_name, "todo_status": "forged"}, format="json")

    assert response.json()["data"]["todo_status"] == "Closed"


@pytest.mark.parametrize("params", [
    {"filters": '[["secret", "like", "pbkdf2%"]]'},
    {"order_by": "secret desc"},
    {"fields": '["secret", "count(name) as n"]', "group_by": "secret"},
])
def test_password_fields_cannot_be_filtered_sorted_or_grouped(admin_client, zoo, api_url, params):
    created(admin_client, api_url, {"secret": "s3cret"})

    response = admin_client.get(api_url("Field Zoo"), params)

    assert response.status_code == 417
    body = response.json()
    assert (body.get("exc_type") or body["errors"][0]["type"]) == "DataError"


def test_read_only_field_sent_over_the_api_is_saved_on_update(admin_client, db, api_url):
    # ``read_only`` is a form property in Frappe: the server saves what the API sends (it enforces
    # set_only_once, allow_on_submit and permlevels, not read_only).
    make_doctype("Invoice", [
        {"fieldname": "title", "label": "Title", "fieldtype": "Data"},
        {"fieldname": "total", "label": "Total", "fieldtype": "Currency", "read_only": 1},
    ], autoname="Prompt")
    created_response = admin_client.post(api_url("Invoice"), {"name": "INV-1", "total": 10}, format="json")
    assert created_response.json()["data"]["total"] == 10.0  # set on insert

    response = admin_client.put(api_url("Invoice", "INV-1"), {"title": "New", "total": 999}, format="json")

    assert response.status_code == 200
    assert (response.json()["data"]["title"], response.json()["data"]["total"]) == ("New", 999.0)
    assert Document.objects.get(doctype_id="Invoice", name="INV-1").data["total"] == 999.0


def test_fetch_from_field_is_refreshed_from_its_link_on_update(admin_client, admin_user, todo, api_url):
    make_doctype("Follow Up", [
        {"fieldname": "todo", "label": "ToDo", "fieldtype": "Link", "options": "ToDo"},
        {"fieldname": "todo_status", "label": "ToDo Status", "fieldtype": "Data", "read_only": 1,
         "fetch_from": "todo.status"},
    ], autoname="Prompt")
    todo_name = document.insert_doc("ToDo", {"description": "x", "status": "Closed"}, user=admin_user)["name"]
    admin_client.post(api_url("Follow Up"), {"name": "F", "todo": todo_name}, format="json")

    response = admin_client.put(api_url("Follow Up", "F"), {"todo_status": "forged"}, format="json")

    assert (response.status_code, response.json()["data"]["todo_status"]) == (200, "Closed")
