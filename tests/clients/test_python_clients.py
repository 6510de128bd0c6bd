"""The three Python client libraries on PyPI, unmodified, through an integration's whole day.

Each flow: session login, `generate_keys`, the key read back from the User document, token auth, CRUD and a
filtered list, rename, submit and cancel, upload then download of a private attachment, logout. Where a library
has no helper for a step, the flow uses that library's own generic call (`get_api`/`post_api`/`post`), as its
users do.
"""

from __future__ import annotations

import json
import uuid

import frappe_client
import frappe_connector
import frappeclient
import pytest
import requests

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _marker() -> str:
    return uuid.uuid4().hex[:8]


def _upload_then_download(session: requests.Session, url: str, docname: str) -> None:
    """Attach a private receipt to a draft Expense Claim with the client's own session, then fetch it back."""
    answer = session.post(
        f"{url}/api/method/upload_file",
        files={"file": ("receipt.png", PNG, "image/png")},
        data={"is_private": "1", "doctype": "Expense Claim", "docname": docname, "fieldname": "receipt"},
    )
    assert answer.status_code == 200, answer.text
    file_doc = answer.json()["message"]
    assert file_doc["is_private"] == 1
    assert file_doc["file_url"].startswith("/private/files/")
    download = session.get(url + file_doc["file_url"])
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    # Nobody else may read it; the claim now names it.
    assert requests.get(url + file_doc["file_url"]).status_code == 403
    claim = session.get(f"{url}/api/resource/Expense Claim/{docname}").json()["data"]
    assert claim["receipt"] == file_doc["file_url"]


def test_py_frappe_client_flow(example_site):
    """`py-frappe-client` (module `frappeclient`): cmd login, Basic token auth, the frappe.client calls."""
    url, marker = example_site, _marker()
    session_client = frappeclient.FrappeClient(url, "Administrator", "admin")
    keys = session_client.post_api("frappe.core.doctype.user.user.generate_keys", {"user": "Administrator"})
    assert set(keys) >= {"api_key", "api_secret"}
    assert session_client.get_doc("User", "Administrator")["api_key"] == keys["api_key"]
    assert session_client.get_value("User", "api_key", {"name": "Administrator"}) == {"api_key": keys["api_key"]}

    client = frappeclient.FrappeClient(url, api_key=keys["api_key"], api_secret=keys["api_secret"])
    todo = client.insert({"doctype": "ToDo", "description": f"call {marker}", "priority": "High"})
    assert todo["status"] == "Open"
    listed = client.get_list("ToDo", fields=["name", "priority"],
                             filters=[["description", "like", f"%{marker}%"], ["priority", "=", "High"]])
    assert listed == [{"name": todo["name"], "priority": "High"}]
    todo["status"] = "Closed"
    assert client.update(todo)["status"] == "Closed"
    assert client.get_value("ToDo", "status", {"name": todo["name"]}) == {"status": "Closed"}
    client.set_value("ToDo", todo["name"], "priority", "Low")
    assert client.get_doc("ToDo", todo["name"])["priority"] == "Low"

    client.insert({"doctype": "Note", "title": f"draft {marker}"})
    assert client.rename_doc("Note", f"draft {marker}", f"final {marker}") == f"final {marker}"
    assert client.get_doc("Note", f"final {marker}")["name"] == f"final {marker}"

    claim = client.insert({"doctype": "Expense Claim", "title": f"taxi {marker}", "amount": 42.5})
    _upload_then_download(client.session, url, claim["name"])
    claim = client.get_doc("Expense Claim", claim["name"])
    submitted = client.post_api("frappe.client.submit", {"doc": json.dumps(claim)})
    assert submitted["docstatus"] == 1
    assert client.cancel("Expense Claim", claim["name"])["docstatus"] == 2

    client.delete("ToDo", todo["name"])
    assert client.get_value("ToDo", "name", {"name": todo["name"]}) == {}  # Frappe: as_dict, no row
    session_client.logout()


def test_frappe_client_flow(example_site):
    """`frappe-client` (module `frappe_client`): token header auth, get/post of methods and resources."""
    url, marker = example_site, _marker()
    session_client = frappe_client.FrappeRequest(url, username="Administrator", password="admin")
    keys = session_client.post("frappe.core.doctype.user.user.generate_keys", data={"user": "Administrator"})
    keys = keys["message"]
    user = session_client.get_doc("User", "Administrator")
    assert user["data"]["api_key"] == keys["api_key"]

    client = frappe_client.FrappeRequest(url, api_key=keys["api_key"], api_secret=keys["api_secret"])
    assert client.get("frappe.auth.get_logged_user")["message"] == "Administrator"
    inserted = client.post("frappe.client.insert",
                           data={"doc": f'{{"doctype": "ToDo", "description": "req {marker}"}}'})["message"]
    pages = client.get_paginated_doc("ToDo", fields=["name", "description"],
                                     filters=[["description", "like", f"%{marker}%"]])
    assert [row["name"] for page in pages for row in page["data"]] == [inserted["name"]]
    client.post("frappe.client.set_value",
                data={"doctype": "ToDo", "name": inserted["name"], "fieldname": "status", "value": "Closed"})
    assert client.get_doc("ToDo", inserted["name"])["data"]["status"] == "Closed"

    client.post("frappe.client.insert", data={"doc": f'{{"doctype": "Note", "title": "old {marker}"}}'})
    renamed = client.post("frappe.client.rename_doc",
                          data={"doctype": "Note", "old_name": f"old {marker}", "new_name": f"new {marker}"})
    assert renamed["message"] == f"new {marker}"

    claim = client.post("frappe.client.insert",
                        data={"doc": f'{{"doctype": "Expense Claim", "title": "hotel {marker}", "amount": 99}}'})
    _upload_then_download(client.frappe_session, url, claim["message"]["name"])
    claim = client.get_doc("Expense Claim", claim["message"]["name"])["data"]
    assert client.post("frappe.client.submit", data={"doc": json.dumps(claim)})["message"]["docstatus"] == 1
    cancelled = client.post("frappe.client.cancel", data={"doctype": "Expense Claim", "name": claim["name"]})
    assert cancelled["message"]["docstatus"] == 2

    client.post("frappe.client.delete", data={"doctype": "ToDo", "name": inserted["name"]})
    assert client.get("frappe.client.get_count", params={"doctype": "ToDo",
                                                          "filters": f'[["name", "=", "{inserted["name"]}"]]'}) == {
        "message": 0}
    session_client.get("logout")


def test_frappe_connector_flow(example_site):
    """`frappe-connector`: its session login, Basic token auth, create/get/update/list/submit/rename/delete."""
    url, marker = example_site, _marker()
    with frappe_connector.FrappeConnector(url, username="Administrator", password="admin") as session_client:
        keys = session_client.post_api("frappe.core.doctype.user.user.generate_keys", {"user": "Administrator"})
        assert session_client.get_doc("User", "Administrator")["api_key"] == keys["api_key"]

    client = frappe_connector.FrappeConnector(url, api_key=keys["api_key"], api_secret=keys["api_secret"])
    todo = client.create_doc({"doctype": "ToDo", "description": f"conn {marker}", "priority": "Low"})
    listed = client.get_list("ToDo", fields=["name", "priority"], filters={"description": ["like", f"%{marker}%"]})
    assert listed == [{"name": todo["name"], "priority": "Low"}]
    todo["description"] = f"conn {marker} edited"
    assert client.update_doc(todo)["description"] == f"conn {marker} edited"

    client.create_doc({"doctype": "Note", "title": f"first {marker}"})
    assert client.rename_doc("Note", f"first {marker}", f"second {marker}") == f"second {marker}"

    claim = client.create_doc({"doctype": "Expense Claim", "title": f"lunch {marker}", "amount": 12})
    _upload_then_download(client._session, url, claim["name"])
    claim = client.get_doc("Expense Claim", claim["name"])
    assert client.submit_doc(claim)["docstatus"] == 1
    cancelled = client.post_api("frappe.client.cancel", {"doctype": "Expense Claim", "name": claim["name"]})
    assert cancelled["docstatus"] == 2

    client.delete_doc("ToDo", todo["name"])
    with pytest.raises(frappe_connector.FrappeException):
        client.get_doc("ToDo", todo["name"])
    client.close()
