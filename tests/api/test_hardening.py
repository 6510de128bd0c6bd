"""Whatever a client sends, the answer is a Frappe envelope, never a 5xx, and nothing is lost silently (issue 11).

One test per reproduction of the issue, v1 and v2 where both apply, each asserting status and whole body.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection

from django_frappe_api import document
from django_frappe_api.models import Document
from django_frappe_api.registry import whitelist
from tests.factories import make_doctype

from .rpc_support import Rpc, body

pytestmark = pytest.mark.django_db

PREFIX = {"v1": "/api", "v2": "/api/v2"}
COLLECTION = {"v1": "resource", "v2": "document"}


def documents(doctype: str = "ToDo") -> list[dict]:
    return list(Document.objects.filter(doctype_id=doctype).values_list("data", flat=True))


def resource(version: str, doctype: str = "ToDo", name: str | None = None) -> str:
    url = f"{PREFIX[version]}/{COLLECTION[version]}/{doctype}"
    return url if name is None else f"{url}/{name}"


# -- bodies Django cannot parse ------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary=zz"])
def test_malformed_multipart_reads_as_an_empty_form_even_for_guest(guest_client, rpc, content_type):
    response = guest_client.generic("POST", rpc.url("ping"), b"x", content_type=content_type)

    assert (response.status_code, body(response)) == (200, rpc.ok("pong"))


def test_malformed_multipart_put_is_an_empty_form(admin_client, todo, admin_user):
    doc = document.insert_doc("ToDo", {"description": "kept"}, user=admin_user)

    response = admin_client.generic("PUT", resource("v1", name=doc["name"]), b"x", content_type="multipart/form-data")

    assert response.status_code == 200
    assert response.json()["data"]["description"] == "kept"


def test_form_body_in_a_charset_other_than_utf8_is_417(admin_client, rpc):
    response = admin_client.generic("POST", rpc.url("ping"), b"a=%ff",
                                    content_type="application/x-www-form-urlencoded; charset=utf-16")

    assert (response.status_code, body(response)) == (417, rpc.error(
        "ValidationError", "HTTP requests with the 'application/x-www-form-urlencoded' content type must be UTF-8 "
                           "encoded."))


def test_json_nested_50000_deep_is_417_before_parsing(admin_client, rpc):
    deep = b"[" * 50_000 + b"]" * 50_000

    response = admin_client.generic("POST", rpc.url("ping"), deep, content_type="application/json")

    assert (response.status_code, body(response)) == (417, rpc.error(
        "ValidationError", "Invalid JSON in request body: nested deeper than 100 levels"))


def test_json_parameter_nested_too_deep_is_417(admin_client, todo, api_version):
    response = admin_client.get(resource(api_version), {"filters": "[" * 101 + "]" * 101})

    assert (response.status_code, body(response)) == (417, Rpc(api_version).error(
        "ValidationError", "Invalid JSON in filters: nested deeper than 100 levels"))


@pytest.mark.parametrize(("payload", "message"), [
    (b'{"description": NaN}', "Invalid JSON in request body"),
    (b'{"description": "x", "amount": Infinity}', "Invalid JSON in request body"),
    (b'{"description": "x", "amount": -Infinity}', "Invalid JSON in request body"),
    (b'{"description": "x", "amount": 1e999}', "Invalid JSON in request body"),
    (b'{"description": "\\udfff"}', "Invalid JSON in request body: text contains a lone UTF-16 surrogate"),
    (b'{"\\ud800": "x", "description": "x"}', "Invalid JSON in request body: text contains a lone UTF-16 surrogate"),
    (b'{"description": "' + b"1" * 5000 + b'"}', None),
], ids=["nan", "infinity", "minus-infinity", "overflow", "surrogate", "surrogate-key", "long-digits-in-a-string"])
def test_non_finite_numbers_and_lone_surrogates_are_refused_and_write_nothing(admin_client, todo, api_version,
                                                                               payload, message):
    response = admin_client.generic("POST", resource(api_version), payload, content_type="application/json")

    if message is None:  # the control: a long string of digits is just text
        assert response.status_code == 200
        assert len(documents()) == 1
        return
    assert (response.status_code, body(response)) == (417, Rpc(api_version).error("ValidationError", message))
    assert documents() == []


@pytest.mark.parametrize(("fields", "message"), [
    ('["\\udfff"]', "Invalid JSON in fields: text contains a lone UTF-16 surrogate"),
    ("[NaN]", "Invalid JSON in fields: [NaN]"),
    ('["name", Infinity]', 'Invalid JSON in fields: ["name", Infinity]'),
])
def test_non_finite_numbers_and_surrogates_in_fields_are_417(admin_client, todo, api_version, fields, message):
    response = admin_client.get(resource(api_version), {"fields": fields})

    assert (response.status_code, body(response)) == (417, Rpc(api_version).error("ValidationError", message))


def test_a_method_returning_nan_or_a_surrogate_still_renders_json(admin_client, rpc, restore_methods):
    @whitelist(name="test.odd_values")
    def odd_values():
        return {"nan": float("nan"), "inf": [float("inf"), -float("inf"), 1.5], "text": "a\udfffb"}

    response = admin_client.get(rpc.url("test.odd_values"))

    key = "message" if rpc.version == "v1" else "data"
    assert response.status_code == 200
    assert response.content == (
        b'{"' + key.encode() + b'":{"nan":null,"inf":[null,null,1.5],"text":"a\\udfffb"}}'
    )


def test_a_result_that_cannot_be_rendered_is_a_json_500_and_rolls_back(admin_client, todo, rpc, restore_methods,
                                                                      admin_user):
    @whitelist(name="test.write_then_fail_to_render")
    def write_then_fail_to_render():
        document.insert_doc("ToDo", {"description": "written"}, user=admin_user)
        return {"value": object()}

    response = admin_client.post(rpc.url("test.write_then_fail_to_render"))

    assert (response.status_code, response["Content-Type"], body(response)) == (
        500, "application/json", rpc.error("Exception"))
    assert documents() == []


# -- list parameters no database takes ---------------------------------------------------------------


def test_v2_count_with_a_negative_limit_is_417(admin_client, todo):
    response = admin_client.get("/api/v2/doctype/ToDo/count", {"limit": "-5"})

    assert (response.status_code, body(response)) == (417, Rpc("v2").error(
        "FrappeValueError", "'limit' must be a non-negative integer"))


def test_count_limit_beyond_a_64_bit_integer_is_417(admin_client, todo, rpc):
    url = "/api/v2/doctype/ToDo/count" if rpc.version == "v2" else rpc.url("frappe.desk.reportview.get_count")

    response = admin_client.get(url, {"doctype": "ToDo", "limit": str(2**70)})

    assert (response.status_code, body(response)) == (417, rpc.error(
        "FrappeValueError", "'limit' must be at most 9223372036854775807"))


@pytest.mark.parametrize(("version", "param", "shown"), [
    ("v1", "limit_start", "limit_start"),
    ("v2", "start", "start"),
    ("v2", "limit_start", "start"),
])
def test_offset_beyond_a_64_bit_integer_is_417(admin_client, todo, version, param, shown):
    response = admin_client.get(resource(version), {param: str(2**70)})

    assert (response.status_code, body(response)) == (417, Rpc(version).error(
        "FrappeValueError", f"'{shown}' must be at most 9223372036854775807"))


def test_get_list_offset_beyond_a_64_bit_integer_is_417(admin_client, todo, rpc):
    response = admin_client.get(rpc.url("frappe.client.get_list"), {"doctype": "ToDo", "limit_start": str(2**70)})

    assert (response.status_code, body(response)) == (417, rpc.error(
        "FrappeValueError", "'limit_start' must be at most 9223372036854775807"))


def test_a_page_length_beyond_a_64_bit_integer_is_capped_like_any_large_one(admin_client, todo, admin_user):
    document.insert_doc("ToDo", {"description": "x"}, user=admin_user)

    response = admin_client.get(resource("v1"), {"limit_page_length": str(2**70), "fields": '["description"]'})

    assert (response.status_code, response.json()) == (200, {"data": [{"description": "x"}]})


@pytest.mark.parametrize("fields", ['["sum(creation) as s"]', '["avg(description)"]', '["sum(date) as d"]'])
def test_sum_and_avg_of_non_numbers_are_417(admin_client, todo, api_version, fields):
    response = admin_client.get(resource(api_version), {"fields": fields})

    raw = json.loads(fields)[0]
    assert (response.status_code, body(response)) == (417, Rpc(api_version).error(
        "DataError", f"Field not permitted in query: {raw}"))


@pytest.mark.parametrize(("params", "expected"), [
    ({"fields": '["description as d"]', "order_by": "d desc"}, [{"d": "b"}, {"d": "a"}]),
    ({"fields": '["description as d"]', "order_by": "d"}, [{"d": "a"}, {"d": "b"}]),
    ({"fields": '["distinct description as d"]', "order_by": "d desc"}, [{"d": "b"}, {"d": "a"}]),
    ({"fields": '["description as d", "count(name) as n"]', "group_by": "d", "order_by": "d desc"},
     [{"d": "b", "n": 1}, {"d": "a", "n": 1}]),
], ids=["alias-desc", "alias-asc", "distinct-alias", "group-by-alias"])
def test_order_and_group_by_the_alias_of_a_column(admin_client, todo, api_version, admin_user, params, expected):
    for description in ("a", "b"):
        document.insert_doc("ToDo", {"description": description}, user=admin_user)

    response = admin_client.get(resource(api_version), params)

    assert response.status_code == 200
    assert response.json()["data"] == expected


# -- routes --------------------------------------------------------------------------------------------


def test_child_doctype_served_by_the_user_backend_reads_like_frappe(admin_client, api_version):
    missing = admin_client.get(resource(api_version, "Has Role", "x"))
    without_parent = admin_client.get(resource(api_version, "Has Role"))

    assert (missing.status_code, body(missing)) == (404, Rpc(api_version).error(
        "DoesNotExistError", "Has Role x not found"))
    assert (without_parent.status_code, body(without_parent)) == (403, Rpc(api_version).error(
        "PermissionError", "Please specify a valid parent DocType for Has Role"))


def test_rows_served_inside_the_user_are_refused_in_lists_not_answered_empty(admin_client, api_version):
    with_parent = admin_client.get(resource(api_version, "Has Role"), {"parent": "User"})
    nested = admin_client.get(resource(api_version, "User"), {"fields": '["name", "roles"]'})

    message = "Has Role rows are read with their parent document, not listed"
    refused = (417, Rpc(api_version).error("DataError", message))
    assert (with_parent.status_code, body(with_parent)) == refused
    assert (nested.status_code, body(nested)) == refused


def test_child_doctype_served_by_the_user_backend_cannot_be_written_directly(admin_client, api_version):
    row = {"role": "X", "parent": "Administrator", "parenttype": "User", "parentfield": "roles"}

    created = admin_client.post(resource(api_version, "Has Role"), row, format="json")
    updated = admin_client.put(resource(api_version, "Has Role", "x"), row, format="json")
    deleted = admin_client.delete(resource(api_version, "Has Role", "x"))

    assert (created.status_code, body(created)) == (417, Rpc(api_version).error(
        "ValidationError", "Parenttype, Parent and Parentfield are required to insert a child record"))
    assert (updated.status_code, body(updated)) == (404, Rpc(api_version).error(
        "DoesNotExistError", "Has Role x not found"))
    assert (deleted.status_code, body(deleted)) == (404, Rpc(api_version).error("DoesNotExistError"))


@pytest.mark.parametrize("name", ["a%0d%0ab", "a%0a", "%0a", "a%0d"])
def test_names_with_line_breaks_reach_the_document_view(admin_client, todo, api_version, name):
    from urllib.parse import unquote

    response = admin_client.get(resource(api_version, name=name))

    assert (response.status_code, body(response)) == (404, Rpc(api_version).error(
        "DoesNotExistError", f"ToDo {unquote(name)} not found"))


@pytest.mark.parametrize("path", ["/api/nope%0a/x", "/api/%0d%0a", "/api/v2/%0a", "/api/v1/x%0a%0ay"])
def test_any_path_under_api_is_a_frappe_envelope(admin_client, path):
    response = admin_client.get(path)

    assert response.status_code == 404
    assert response.json() in ({"exc_type": "DoesNotExistError"}, {"errors": [{"type": "DoesNotExistError"}]})


def test_a_name_with_a_line_break_round_trips(admin_client, api_version):
    make_doctype("Note", [{"fieldname": "title", "label": "Title", "fieldtype": "Data"}], autoname="prompt",
                 permissions=[{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1}])
    created = admin_client.post(resource(api_version, "Note"), {"name": "two\nlines", "title": "t"}, format="json")

    response = admin_client.get(resource(api_version, "Note", "two%0Alines"))

    assert created.status_code == 200
    assert (response.status_code, response.json()["data"]["name"]) == (200, "two\nlines")


# -- unknown exceptions --------------------------------------------------------------------------------


def test_database_errors_never_reach_exc_type(admin_client, todo, api_version, monkeypatch):
    def broken(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_at_all")

    monkeypatch.setattr(document, "get_list", broken)
    monkeypatch.setattr(document, "get_list_page", broken)  # the v2 list

    response = admin_client.get(resource(api_version))

    assert (response.status_code, body(response)) == (500, Rpc(api_version).error("Exception"))


# -- nothing lost silently -----------------------------------------------------------------------------


@pytest.fixture
def memo(db):
    return make_doctype("Memo", [{"fieldname": "body", "label": "Body", "fieldtype": "Long Text"}],
                        autoname="hash",
                        permissions=[{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1}])


def _big_text(size: int) -> str:
    return ("Grüße \u2603 " * (size // 12 + 1))[: size // 2]


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_a_body_beyond_django_upload_limit_but_within_max_body_size_round_trips(admin_client, memo, api_version,
                                                                               encoding):
    text = _big_text(4 * 1024 * 1024)
    if encoding == "json":
        payload, content_type = json.dumps({"body": text}, ensure_ascii=False).encode(), "application/json"
    else:
        from urllib.parse import urlencode

        payload, content_type = urlencode({"body": text}).encode(), "application/x-www-form-urlencoded"
    assert len(payload) > 2.5 * 1024 * 1024  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE

    response = admin_client.generic("POST", resource(api_version, "Memo"), payload, content_type=content_type)

    assert response.status_code == 200
    name = response.json()["data"]["name"]
    assert response.json()["data"]["body"] == text
    assert documents("Memo") == [{"body": text}]
    assert admin_client.get(resource(api_version, "Memo", name)).json()["data"]["body"] == text


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded", "text/plain"])
def test_a_body_beyond_max_body_size_is_413(admin_client, memo, api_version, settings, content_type):
    settings.FRAPPE_API = {"MAX_BODY_SIZE": 1000}
    payload = json.dumps({"body": "x" * 1000}) if content_type != "application/x-www-form-urlencoded" else (
        "body=" + "x" * 1000)

    response = admin_client.generic("POST", resource(api_version, "Memo"), payload, content_type=content_type)

    assert (response.status_code, body(response)) == (413, Rpc(api_version).error(
        "RequestEntityTooLarge", "Request body is too large"))
    assert documents("Memo") == []


def test_too_many_form_fields_is_413_not_a_partial_form(admin_client, memo, api_version, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    payload = "&".join(["body=x", *(f"f{i}=1" for i in range(20))])

    response = admin_client.generic("POST", resource(api_version, "Memo"), payload,
                                    content_type="application/x-www-form-urlencoded")

    assert (response.status_code, body(response)) == (413, Rpc(api_version).error(
        "RequestEntityTooLarge", "Too many fields sent"))
    assert documents("Memo") == []


def test_multipart_text_beyond_django_upload_limit_is_413_not_dropped(admin_client, memo, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = admin_client.post(resource("v1", "Memo"), {"body": "x" * 2000})  # multipart

    assert (response.status_code, body(response)) == (413, Rpc("v1").error(
        "RequestEntityTooLarge", "Request body is too large"))
    assert documents("Memo") == []


# -- NUL characters in filters -----------------------------------------------------------------------


@pytest.mark.parametrize("filters", [
    [["description", "=", "a\x00b"]],
    [["description", "like", "%\x00%"]],
    [["description", "in", ["ok", "x\x00"]]],
    {"description": "x\x00"},
])
def test_nul_in_a_filter_value_is_417_on_every_database(admin_client, todo, api_version, filters):
    response = admin_client.get(resource(api_version), {"filters": json.dumps(filters)})

    assert (response.status_code, body(response)) == (417, Rpc(api_version).error(
        "ValidationError", "Filter value for <strong>description</strong> cannot contain null characters"))


def test_nul_in_a_search_text_is_417(admin_client, todo):
    response = admin_client.get("/api/method/frappe.desk.search.search_link", {"doctype": "ToDo", "txt": "a\x00"})

    assert (response.status_code, body(response)) == (417, Rpc("v1").error(
        "ValidationError", "Filter value for <strong>name</strong> cannot contain null characters"))
