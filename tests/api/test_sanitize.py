"""HTML sanitised on save as Frappe's ``_sanitize_content`` does, over v1 and v2, JSON DocTypes and ORM models."""

from __future__ import annotations

import pytest

from django_frappe_api.models import Document
from tests.factories import make_doctype

pytestmark = pytest.mark.django_db

UNSAFE = '<p onclick="steal()">Hi <a href="javascript:alert(1)">there</a><script>alert(1)</script></p>'
CLEANED = "<p>Hi <a>there</a></p>"
SAFE = ('<p data-list="bullet" style="color: red">A <strong>bold</strong> <a href="https://example.com" '
        'target="_blank">link</a><br><img src="/files/a.png" alt="a"></p>')


@pytest.fixture
def page(todo):
    make_doctype("Page Block", [
        {"fieldname": "caption", "label": "Caption", "fieldtype": "Small Text"},
    ], istable=1)
    return make_doctype("Web Note", [
        {"fieldname": "body", "label": "Body", "fieldtype": "Text Editor"},
        {"fieldname": "summary", "label": "Summary", "fieldtype": "Small Text"},
        {"fieldname": "title", "label": "Title", "fieldtype": "Data"},
        {"fieldname": "html", "label": "HTML", "fieldtype": "HTML Editor"},
        {"fieldname": "markdown", "label": "Markdown", "fieldtype": "Markdown Editor"},
        {"fieldname": "script", "label": "Script", "fieldtype": "Code", "options": "HTML"},
        {"fieldname": "payload", "label": "Payload", "fieldtype": "JSON"},
        {"fieldname": "file", "label": "File", "fieldtype": "Attach"},
        {"fieldname": "image", "label": "Image", "fieldtype": "Attach Image"},
        {"fieldname": "barcode", "label": "Barcode", "fieldtype": "Barcode"},
        {"fieldname": "sender", "label": "Sender", "fieldtype": "Small Text", "options": "Email"},
        {"fieldname": "raw", "label": "Raw", "fieldtype": "Small Text", "ignore_xss_filter": 1},
        {"fieldname": "blocks", "label": "Blocks", "fieldtype": "Table", "options": "Page Block"},
        {"fieldname": "note", "label": "Note", "fieldtype": "Small Text", "allow_on_submit": 1},
    ], permissions=[{"role": "System Manager", "read": 1, "write": 1, "create": 1, "submit": 1, "cancel": 1}],
        autoname="Prompt", is_submittable=1)


def saved(response) -> dict:
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def test_script_event_handlers_and_javascript_urls_are_removed_on_insert(admin_client, page, api_url):
    body = saved(admin_client.post(api_url("Web Note"), {
        "name": "N", "body": UNSAFE, "summary": UNSAFE, "title": '<b onmouseover="x()">T</b>',
        "html": UNSAFE, "markdown": "# Title\n\n<img src=x onerror=alert(1)>",
        "blocks": [{"caption": UNSAFE}],
    }, format="json"))

    assert {key: body[key] for key in ("body", "summary", "title", "html", "markdown")} == {
        "body": CLEANED, "summary": CLEANED, "title": "<b>T</b>", "html": CLEANED,
        "markdown": '# Title\n\n<img src="x">',
    }
    assert [row["caption"] for row in body["blocks"]] == [CLEANED]
    stored = Document.objects.get(doctype_id="Web Note", name="N").data
    assert (stored["body"], stored["html"]) == (CLEANED, CLEANED)


def test_text_editor_keeps_safe_markup(admin_client, page, api_url):
    body = saved(admin_client.post(api_url("Web Note"), {"name": "N", "body": SAFE}, format="json"))

    assert body["body"] == SAFE


@pytest.mark.parametrize("value", ["1 < 2 and 3 > 2", "<!-- a comment only -->", "Tom & Jerry"])
def test_text_without_elements_is_kept_as_sent(admin_client, page, api_url, value):
    body = saved(admin_client.post(api_url("Web Note"), {"name": "N", "summary": value}, format="json"))

    assert body["summary"] == value


def test_excluded_fieldtypes_email_json_and_ignore_xss_filter_are_kept_as_sent(admin_client, page, api_url):
    values = {
        "script": UNSAFE, "file": '/files/a.pdf?x=<script>', "image": "<img src=x onerror=alert(1)>",
        "barcode": "<svg onload=x()></svg>", "sender": "Jane <jane@example.com>",
        "payload": '{"html": "<script>alert(1)</script>"}', "raw": UNSAFE,
    }

    body = saved(admin_client.post(api_url("Web Note"), {"name": "N", **values}, format="json"))

    assert {key: body[key] for key in values} == values


def test_update_sanitises_the_new_values(admin_client, page, api_url):
    saved(admin_client.post(api_url("Web Note"), {"name": "N", "body": "<p>a</p>"}, format="json"))

    body = saved(admin_client.put(api_url("Web Note", "N"), {"body": UNSAFE, "blocks": [{"caption": UNSAFE}]},
                                  format="json"))

    assert (body["body"], [row["caption"] for row in body["blocks"]]) == (CLEANED, [CLEANED])


def test_update_after_submit_sanitises_allow_on_submit_fields(admin_client, page, api_url):
    saved(admin_client.post(api_url("Web Note"), {"name": "N", "body": "<p>a</p>", "docstatus": 1}, format="json"))

    body = saved(admin_client.put(api_url("Web Note", "N"), {"note": UNSAFE}, format="json"))

    assert (body["docstatus"], body["note"], body["body"]) == (1, CLEANED, "<p>a</p>")


def test_orm_and_json_storage_sanitise_alike(admin_client, storage, api_url):
    body = saved(admin_client.post(api_url(storage.doctype), {
        "subject": "Printer", "notes": UNSAFE, "items": [{"item": '<i onclick="x()">Toner</i>'}],
    }, format="json"))

    assert (body["notes"], [row["item"] for row in body["items"]]) == (CLEANED, ["<i>Toner</i>"])
    read = admin_client.get(api_url(storage.doctype, body["name"])).json()["data"]
    assert (read["notes"], read["items"][0]["item"]) == (CLEANED, "<i>Toner</i>")
