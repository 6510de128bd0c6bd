"""Property-based fuzzing of every route family: whatever arrives, a JSON Frappe envelope and no 5xx.

Requests are generated (verb, route, query parameters, body encoding, user) with wrong types, SQL
injection strings, unicode edge cases, huge and non-finite numbers, deep nesting and odd encodings.
Every answer must be JSON in Frappe's shape, below 500, without a traceback (``DEBUG`` off), and a
refused request must not have written anything.

Profiles (``FRAPPE_API_FUZZ`` selects one; ``ci`` by default)::

    FRAPPE_API_FUZZ=long pytest tests/api/test_fuzz.py     # thousands of examples, for local runs
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from django_frappe_api.models import Document
from tests.factories import make_doctype

from .conftest import TICKET_FIELDS, TICKET_ITEM_FIELDS, TICKET_PERMISSIONS

pytestmark = pytest.mark.django_db

settings.register_profile(
    "ci", max_examples=100, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long", max_examples=3000, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("FRAPPE_API_FUZZ", "ci"))

# -- values -------------------------------------------------------------------------------------------

INJECTIONS = [
    "' OR 1=1 --", '"; DROP TABLE django_frappe_api_document; --', "name; select 1", "1) UNION SELECT password",
    "sleep(5)", "`tabToDo`.`name`", "(select name from tabUser)", "@@version", "/* */", "name desc, (select 1)",
    "__import__('os')", "{{7*7}}", "${7*7}", "<script>alert(1)</script>", "../../etc/passwd", "%00", "\\",
    "0", "-1", "1e999", "NaN", "Infinity", "null", "true", "[]", "{}", "*", "name as n", "count(*)",
    "sum(creation) as s", "distinct name", "modified desc", "idx asc, name desc", "0 desc", "1,2",
]
EDGE_TEXT = ["", " ", "\t\n\r", "\u2028\u2029", "\ufeff", "\u200b", "é" * 3, "\U0001f600", "ß" * 200,
             "\u0301", "x" * 5000, "\r\nSet-Cookie: a=b", "a/b", "%2F", "..", ".", "a\x00b"]
HUGE = [2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 2**70, -(2**63) - 1, 10**400, 1e308, -1e308, 5e-324]

# Text a client can put in a URL (Django's test client cannot encode lone surrogates there).
url_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
scalars = st.one_of(
    st.sampled_from(INJECTIONS + EDGE_TEXT), url_text, st.integers(), st.sampled_from(HUGE),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none(),
)
json_values = st.recursive(
    st.one_of(scalars, st.text(max_size=20)),  # lone surrogates included: json.dumps escapes them
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
PARAMS = ["fields", "filters", "or_filters", "order_by", "group_by", "limit", "limit_start", "start",
          "limit_page_length", "page_length", "as_dict", "doctype", "name", "txt", "data", "include", "distinct",
          "fieldname", "value", "doc", "docs", "names", "parent", "debug", "run_method", "expand", "cmd", "sid"]
FRAGMENTS = {
    "fields": ['["name"]', '["*"]', '["name", "status as s"]', '["count(name) as n"]', '[{"COUNT": "*"}]',
               '["items.qty"]', '["sum(amount) as t"]', '["idx"]'],
    "filters": ['{"status": "Open"}', '[["status", "=", "Open"]]', '[["name", "in", ["a", "b"]]]',
                '[["amount", ">", 1e308]]', '[["idx", "=", 99999999999999999999999]]',
                '[["Ticket Item", "qty", ">", 1]]',
                '[["creation", "between", ["2024-01-01", "x"]]]', '{"name": ["like", "%"]}', '[["status", "nope", 1]]',
                '[["status", "=", "a\\u0000b"]]', '{"name": ["in", ["x", "\\u0000"]]}'],
    "txt": ["a\x00", "%", "_", "\\"],
    "order_by": ["name desc", "modified", "s desc", "n", "idx asc, name desc", "0", "name; drop"],
    "group_by": ["status", "s", "name"],
}


def param_value(key: str) -> st.SearchStrategy[Any]:
    choices = [scalars, json_values.map(lambda v: json.dumps(v))]
    if key in FRAGMENTS:
        choices.append(st.sampled_from(FRAGMENTS[key]))
    return st.one_of(*choices)


params = st.lists(st.sampled_from(PARAMS), max_size=5, unique=True).flatmap(
    lambda keys: st.fixed_dictionaries({key: param_value(key) for key in keys})
)

# -- routes -------------------------------------------------------------------------------------------

DOCTYPES = ["Ticket", "Ticket Item", "ToDo", "User", "Role", "Has Role", "DocType", "Nope", "../x", "Ticket\n"]
NAMES = ["T-1", "missing", "1", "0", "-1", "a/b", "a\r\nb", "..", "%", "x" * 300, "é", "bulk_delete", "\t"]
METHODS = ["ping", "frappe.client.get_list", "frappe.client.get_count", "frappe.client.get", "frappe.client.get_value",
           "frappe.client.insert", "frappe.client.set_value", "frappe.client.delete", "frappe.client.save",
           "frappe.desk.reportview.get", "frappe.desk.reportview.get_count", "frappe.desk.search.search_link",
           "frappe.client.validate_link", "frappe.auth.get_logged_user", "run_doc_method", "nope.nope", "login"]


@st.composite
def routes(draw) -> tuple[str, str]:
    """(verb, path) over every route family of v1 and v2."""
    doctype = quote(draw(st.sampled_from(DOCTYPES)), safe="")
    name = quote(draw(st.sampled_from(NAMES) | url_text.filter(bool)), safe="/")
    method = draw(st.sampled_from(METHODS))
    prefix = draw(st.sampled_from(["/api", "/api/v1", "/api/v2"]))
    family = draw(st.sampled_from(["list", "detail", "method", "doc_method", "doctype", "discovery", "unknown"]))
    if family == "list":
        path = f"{prefix}/{'document' if prefix == '/api/v2' else 'resource'}/{doctype}"
    elif family == "detail":
        path = f"{prefix}/{'document' if prefix == '/api/v2' else 'resource'}/{doctype}/{name}"
    elif family == "method":
        path = f"{prefix}/method/{method}"
    elif family == "doc_method":
        path = f"/api/v2/document/{doctype}/{name}/method/{method}" if prefix == "/api/v2" else (
            f"{prefix}/resource/{doctype}/{name}")
    elif family == "doctype":
        part = draw(st.sampled_from(["meta", "count", "search"]))
        path = f"/api/v2/doctype/{doctype}/{part}"
    elif family == "discovery":
        path = draw(st.sampled_from(["/api/v2/discovery", f"/api/v2/discovery/doctype/{doctype}",
                                     f"/api/v2/discovery/method/{method}"]))
    else:
        path = f"{prefix}/{quote(draw(url_text), safe='/')}"
    verb = draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "QUERY"]))
    return verb, path


@st.composite
def bodies(draw) -> tuple[bytes, str | None]:
    """(body, content type): none, JSON (sometimes raw or broken), form, multipart, odd charsets."""
    kind = draw(st.sampled_from(["none", "json", "raw_json", "form", "multipart", "bad_multipart", "bytes"]))
    if kind == "none":
        return b"", None
    if kind == "json":
        value = draw(st.one_of(params, json_values))
        return json.dumps(value).encode(), draw(st.sampled_from(
            ["application/json", "application/json; charset=utf-8", "application/vnd.api+json", "text/plain"]))
    if kind == "raw_json":
        text = draw(st.sampled_from([
            "[" * 5000, "[" * 200 + "]" * 200, '{"a": NaN}', '{"description": "\\udfff"}', "1e999", '{"a":',
            '{"data": "[1, 2"}', '"str"', "[1, 2]", '{"name": {"$gt": ""}}', '{"docs": [null, 1, "x"]}',
        ]))
        return text.encode(), "application/json"
    if kind == "form":
        fields = draw(params)
        from urllib.parse import urlencode

        encoded = urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()})
        charset = draw(st.sampled_from(["", "; charset=utf-8", "; charset=utf-16", "; charset=latin-1", "; charset=x"]))
        return encoded.encode(), "application/x-www-form-urlencoded" + charset
    if kind == "multipart":
        fields = draw(params)
        lines = []
        for key, value in fields.items():
            text = value if isinstance(value, str) else json.dumps(value)
            lines += ["--B", f'Content-Disposition: form-data; name="{key}"', "", text]
        return "\r\n".join([*lines, "--B--", ""]).encode(), "multipart/form-data; boundary=B"
    if kind == "bad_multipart":
        broken = draw(st.sampled_from([b"x", b"--B\r\n", b"--B\r\nContent-Disposition: x\r\n\r\n"]))
        boundary = draw(st.sampled_from(["", "; boundary=B", "; boundary="]))
        return broken, "multipart/form-data" + boundary
    return draw(st.binary(max_size=200)), draw(st.sampled_from(["application/json", "application/octet-stream",
                                                                "application/x-www-form-urlencoded", "text/plain"]))


# -- the property ---------------------------------------------------------------------------------------


@pytest.fixture
def world(db, admin_user, user):
    """A JSON DocType with a child table and a document, plus a Guest, a plain user and the Administrator."""
    make_doctype("Ticket Item", TICKET_ITEM_FIELDS, istable=1)
    make_doctype("Ticket", TICKET_FIELDS, permissions=TICKET_PERMISSIONS, autoname="prompt")
    make_doctype("ToDo", [{"fieldname": "description", "label": "Description", "fieldtype": "Text", "reqd": 1}],
                 permissions=[{"role": "All", "read": 1, "write": 1, "create": 1, "delete": 1}], autoname="hash")
    from django_frappe_api import document

    document.insert_doc("Ticket", {"name": "T-1", "subject": "s", "items": [{"item": "bolt", "qty": 1}]},
                        user=admin_user)
    clients = {"guest": APIClient()}
    for key, account in (("admin", admin_user), ("user", user)):
        clients[key] = APIClient()
        clients[key].force_login(account)
    return clients


def stored_state() -> tuple:
    return (list(Document.objects.order_by("pk").values_list("pk", "modified")),
            get_user_model().objects.count())


def check_answer(response, verb: str, path: str) -> None:
    where = f"{verb} {path!r}"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.content[:2000]!r}"
    assert response["Content-Type"].startswith("application/json"), f"{where}: {response['Content-Type']}"
    text = response.content.decode()  # strict UTF-8
    body = json.loads(text, parse_constant=lambda name: pytest.fail(f"{where}: {name} in the body"))
    assert isinstance(body, dict), f"{where}: {text[:200]}"
    errors = body.get("errors") or [{}]
    assert "Traceback (most recent call last)" not in text, f"{where}: {text[:500]}"
    assert not {"exc", "exception"} & (set(body) | set(errors[0])), f"{where}: {text[:500]}"
    if response.status_code >= 400:
        assert "exc_type" in body or "type" in errors[0], f"{where}: {text[:500]}"


@given(route=routes(), query=params, payload=bodies(), who=st.sampled_from(["guest", "user", "admin"]))
def test_no_request_gets_a_5xx_or_leaves_a_trace(world, route, query, payload, who):
    verb, path = route
    content, content_type = payload
    client = world[who]
    before = stored_state()
    query_string = {k: v if isinstance(v, str) else json.dumps(v) for k, v in query.items()}
    kwargs: dict[str, Any] = {"QUERY_STRING": _encode(query_string)}
    if content_type:
        kwargs["content_type"] = content_type

    response = client.generic(verb, path, content, **kwargs)

    check_answer(response, verb, path)
    if response.status_code >= 400:
        assert stored_state() == before, f"{verb} {path!r} {response.status_code}: refused but wrote"


def _encode(query: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(query)
