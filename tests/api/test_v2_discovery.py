"""``/api/v2/discovery``: the method registry and the controllers' whitelisted methods, for System Managers
(§6.13)."""

from __future__ import annotations

import pytest

from django_frappe_api import DocumentController, whitelist, whitelist_method
from django_frappe_api.hooks import controller_registry, register_controller
from django_frappe_api.registry import method_registry

pytestmark = pytest.mark.django_db

CONTROLLER = "tests.api.test_v2_discovery.registered.<locals>.ToDoController"


@pytest.fixture
def registered(todo, restore_methods):
    snapshot = controller_registry.snapshot()

    @whitelist(name="shop.stock.reserve", methods=["POST"])
    def reserve(item_code: str, qty: int = 1, note=None, **kwargs):
        """Reserve stock for an item.

        Fails when the stock is short."""

    @whitelist(name="shop.stock.ping", allow_guest=True)
    def ping():
        pass

    @register_controller("ToDo")
    class ToDoController(DocumentController):
        @whitelist_method(methods=["POST"])
        def close(self, reason: str = ""):
            """Close the ToDo."""

        @whitelist_method(methods=["GET"])
        @staticmethod
        def open_count(status: str = "Open") -> int:
            """Count ToDos by status."""
            return 0

        def internal(self):
            pass

    yield
    controller_registry.restore(snapshot)


def test_root_counts_and_links(admin_client, registered):
    response = admin_client.get("/api/v2/discovery")

    assert response.status_code == 200
    assert response.json() == {"data": {
        "type": "discovery",
        "resources": {"methods": len(method_registry.entries()), "doctype_methods": 2},
        "links": {
            "self": "/api/v2/discovery",
            "search": "/api/v2/discovery/search?q={query}",
            "methods": "/api/v2/discovery/method",
            "method": "/api/v2/discovery/method/{method}",
            "doctype_methods": "/api/v2/discovery/doctype/{doctype}",
            "doctype_method": "/api/v2/discovery/doctype/{doctype}/method/{method}",
        },
    }}


def test_method_index_lists_rpc_and_doctype_methods(admin_client, registered):
    methods = admin_client.get("/api/v2/discovery/method").json()["data"]["methods"]

    assert {"kind": "rpc", "path": "shop.stock.reserve", "allow_guest": False,
            "description": "Reserve stock for an item."} in methods
    assert {"kind": "rpc", "path": "shop.stock.ping", "allow_guest": True} in methods  # no docstring: no key
    assert methods[-2:] == [
        {"kind": "doctype", "doctype": "ToDo", "method": "close", "description": "Close the ToDo."},
        {"kind": "doctype_function", "doctype": "ToDo", "method": "open_count",
         "description": "Count ToDos by status."},
    ]


def test_method_document(admin_client, registered):
    response = admin_client.get("/api/v2/discovery/method/shop.stock.reserve")

    assert response.json() == {"data": {
        "type": "method", "kind": "rpc", "path": "shop.stock.reserve", "name": "reserve", "http_methods": ["POST"],
        "allow_guest": False,
        "params": [{"name": "item_code", "required": True, "type": "str"},
                   {"name": "qty", "required": False, "type": "int", "default": 1},
                   {"name": "note", "required": False}],
        "endpoint": "/api/v2/method/shop.stock.reserve",
        "docstring": "Reserve stock for an item.\n\nFails when the stock is short.",
    }}


def test_unknown_method_is_404(admin_client, registered):
    response = admin_client.get("/api/v2/discovery/method/shop.nope")

    assert response.status_code == 404
    assert response.json() == {"errors": [{"type": "DoesNotExistError", "title": "Message", "indicator": "red",
                                           "message": "Method shop.nope is not available for discovery"}]}


def test_doctype_index_and_method_documents(admin_client, registered):
    index = admin_client.get("/api/v2/discovery/doctype/ToDo").json()["data"]
    close = admin_client.get("/api/v2/discovery/doctype/ToDo/method/close").json()["data"]
    count = admin_client.get("/api/v2/discovery/doctype/ToDo/method/open_count").json()["data"]

    assert index == {"type": "method_index", "doctype": "ToDo", "methods": [
        {"kind": "doctype", "doctype": "ToDo", "method": "close", "description": "Close the ToDo."},
        {"kind": "doctype_function", "doctype": "ToDo", "method": "open_count",
         "description": "Count ToDos by status."},
    ]}
    assert close == {
        "type": "method", "doctype": "ToDo", "method": "close", "defined_in": CONTROLLER, "kind": "doctype",
        "endpoint": "/api/v2/document/ToDo/{name}/method/close", "http_methods": ["POST"],
        "permission": {"POST": "write"}, "params": [{"name": "reason", "required": False, "type": "str",
                                                     "default": ""}],
        "docstring": "Close the ToDo.",
    }
    assert count == {
        "type": "method", "doctype": "ToDo", "method": "open_count", "defined_in": CONTROLLER,
        "kind": "doctype_function", "endpoint": "/api/v2/method/ToDo/open_count", "http_methods": ["GET"],
        "allow_guest": False, "params": [{"name": "status", "required": False, "type": "str", "default": "Open"}],
        "docstring": "Count ToDos by status.",
    }


@pytest.mark.parametrize("url", ["/api/v2/discovery/doctype/ToDo/method/internal",
                                 "/api/v2/discovery/doctype/ToDo/method/nope"])
def test_unlisted_doctype_method_is_404(admin_client, registered, url):
    assert admin_client.get(url).status_code == 404


def test_doctype_without_controller_has_no_methods(admin_client, db):
    from tests.factories import make_doctype

    make_doctype("Plain", [{"fieldname": "title", "fieldtype": "Data"}])

    assert admin_client.get("/api/v2/discovery/doctype/Plain").json() == {
        "data": {"type": "method_index", "doctype": "Plain", "methods": []}}


def test_search_needs_every_word(admin_client, registered):
    both = admin_client.get("/api/v2/discovery/search", {"q": "STOCK short"}).json()["data"]
    doctype = admin_client.get("/api/v2/discovery/search", {"q": "todo close"}).json()["data"]

    assert both == {"query": "STOCK short", "results": [
        {"type": "method", "kind": "rpc", "path": "shop.stock.reserve", "allow_guest": False,
         "description": "Reserve stock for an item."}]}
    assert doctype["results"] == [
        {"type": "method", "kind": "rpc", "path": "frappe.desk.form.assign_to.close", "allow_guest": False,
         "description": "The assignee completes their ToDo (Closed); the remaining assignments."},
        {"type": "method", "kind": "doctype", "doctype": "ToDo", "method": "close", "description": "Close the ToDo."}]


def test_search_without_words_lists_up_to_fifty(admin_client, registered):
    data = admin_client.get("/api/v2/discovery/search").json()["data"]

    assert data["query"] == ""
    assert len(data["results"]) == min(50, len(method_registry.entries()) + 2)


@pytest.mark.parametrize("client_name", ["guest_client", "user_client"])
@pytest.mark.parametrize("url", ["/api/v2/discovery", "/api/v2/discovery/method", "/api/v2/discovery/search",
                                 "/api/v2/discovery/method/ping", "/api/v2/discovery/doctype/ToDo"])
def test_only_system_managers_may_discover(request, registered, client_name, url):
    response = request.getfixturevalue(client_name).get(url)

    assert response.status_code == 403
    assert response.json() == {"errors": [{"type": "PermissionError"}]}
