"""Two server processes of the example project sharing its database and its cache, as a deployment runs.

Each process keeps metas, users, roles and API keys between requests (issue 13's hot path); a change made
through one process must be seen by the very next request to the other: a DocType's permissions, a removed
role, a rotated API secret, a disabled user.
"""

from __future__ import annotations

import base64
import http.cookiejar
import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from .conftest import prepared_site, served, skip_unless_sqlite_suite


class Client:
    """One HTTP client (its own cookies) of one server."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.url, self.headers = url, headers or {}
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path.replace(" ", "%20"), data=data, method=method,
                                         headers={"Content-Type": "application/json", **self.headers})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def get(self, path: str) -> tuple[int, dict]:
        return self.call("GET", path)

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        return self.call("POST", path, body)

    def put(self, path: str, body: dict) -> tuple[int, dict]:
        return self.call("PUT", path, body)


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory) -> Iterator[tuple[str, str]]:
    skip_unless_sqlite_suite()
    workdir = tmp_path_factory.mktemp("two_processes")
    env = prepared_site(workdir)
    with served(env, workdir / "a.log") as first, served(env, workdir / "b.log") as second:
        yield first, second


@pytest.fixture(scope="module")
def admin(two_processes) -> Client:
    client = Client(two_processes[0])
    assert client.post("/api/method/login", {"usr": "Administrator", "pwd": "admin"})[0] == 200
    return client


PERMISSIONS = [{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1}]


def test_a_permission_change_through_one_process_applies_in_the_other(two_processes, admin):
    second = two_processes[1]
    status, _ = admin.post("/api/resource/DocType", {
        "name": "Shared Note", "module": "Custom", "fields": [{"fieldname": "title", "fieldtype": "Data",
                                                                "label": "Title"}],
        "permissions": [*PERMISSIONS, {"role": "Guest", "read": 1}],
    })
    assert status == 200
    assert admin.post("/api/resource/Shared Note", {"title": "one"})[0] == 200
    guest = Client(second)
    for _ in range(2):  # the second process now holds the meta
        status, body = guest.get('/api/resource/Shared Note?fields=["title"]')
        assert (status, body) == (200, {"data": [{"title": "one"}]})
    assert admin.put("/api/resource/DocType/Shared Note", {"permissions": PERMISSIONS})[0] == 200
    status, body = guest.get('/api/resource/Shared Note?fields=["title"]')
    assert status == 403
    assert body["exc_type"] == "PermissionError"


def test_keys_roles_and_users_changed_through_one_process_apply_in_the_other(two_processes, admin):
    second = two_processes[1]
    assert admin.post("/api/resource/Role", {"role_name": "Note Reader"})[0] == 200
    assert admin.post("/api/resource/DocType", {
        "name": "Reader Note", "module": "Custom", "fields": [{"fieldname": "title", "fieldtype": "Data",
                                                                "label": "Title"}],
        "permissions": [*PERMISSIONS, {"role": "Note Reader", "read": 1}],
    })[0] == 200
    assert admin.post("/api/resource/Reader Note", {"title": "two"})[0] == 200
    status, _ = admin.post("/api/resource/User", {"email": "kim@example.com", "first_name": "Kim",
                                                  "new_password": "Kim-s3cret-pass",
                                                  "roles": [{"role": "Note Reader"}]})
    assert status == 200
    status, body = admin.post("/api/method/frappe.core.doctype.user.user.generate_keys", {"user": "kim@example.com"})
    assert status == 200
    token = Client(second, {"Authorization": f"token {body['message']['api_key']}:{body['message']['api_secret']}"})
    session = Client(second)
    assert session.post("/api/method/login", {"usr": "kim@example.com", "pwd": "Kim-s3cret-pass"})[0] == 200
    for client in (token, session):
        for _ in range(2):  # the second process now holds the key, the user and the roles
            assert client.get('/api/resource/Reader Note?fields=["title"]') == (200, {"data": [{"title": "two"}]})

    # The role taken away through the first process: both callers lose the DocType in the second.
    assert admin.put("/api/resource/User/kim@example.com", {"roles": []})[0] == 200
    for client in (token, session):
        assert client.get('/api/resource/Reader Note?fields=["title"]')[0] == 403

    # A new secret through the first process: the old one is refused by the second.
    assert admin.post("/api/method/frappe.core.doctype.user.user.generate_keys", {"user": "kim@example.com"})[0] == 200
    status, body = token.get("/api/method/frappe.auth.get_logged_user")
    assert status == 401
    assert body["exc_type"] == "AuthenticationError"

    # The user disabled through the first process: the second answers their session as Guest.
    assert session.get("/api/method/frappe.auth.get_logged_user") == (200, {"message": "kim@example.com"})
    assert admin.put("/api/resource/User/kim@example.com", {"enabled": 0})[0] == 200
    status, body = session.get("/api/method/frappe.auth.get_logged_user")
    assert status == 403
    assert body["exc_type"] == "PermissionError"


def test_basic_auth_header_shape_is_the_token(two_processes, admin):
    """The Basic form of the same key pair is cached and refused alike (a sanity check of the key cache)."""
    second = two_processes[1]
    status, body = admin.post("/api/method/frappe.core.doctype.user.user.generate_keys", {"user": "Administrator"})
    assert status == 200
    pair = f"{body['message']['api_key']}:{body['message']['api_secret']}"
    basic = Client(second, {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()})
    assert basic.get("/api/method/frappe.auth.get_logged_user") == (200, {"message": "Administrator"})
    assert admin.post("/api/method/frappe.core.doctype.user.user.generate_keys", {"user": "Administrator"})[0] == 200
    assert basic.get("/api/method/frappe.auth.get_logged_user")[0] == 401
