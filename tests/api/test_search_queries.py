"""Link search inputs beside ``txt``: a custom ``query``, ``reference_doctype`` and ``ignore_user_permissions``,
on ``frappe.desk.search.search_link`` (v1 and v2 method routes) and ``GET /api/v2/doctype/<dt>/search``."""

from __future__ import annotations

import json

import pytest

from django_frappe_api import document
from django_frappe_api.registry import whitelist
from tests.api.rpc_support import body
from tests.factories import make_doctype

pytestmark = pytest.mark.django_db

V2_SEARCH = "/api/v2/doctype/Shelf/search"
SHELVES = {"S-1": "quiet corner", "S-2": "loud hall", "S-3": "quiet attic"}


@pytest.fixture
def shelves(db, admin_user):
    make_doctype("Shelf", [{"fieldname": "place", "label": "Place", "fieldtype": "Data"}], autoname="Prompt",
                 search_fields="place", sort_field="name", sort_order="ASC",
                 permissions=[{"role": "All", "read": 1}, {"role": "System Manager"}])
    make_doctype("Book", [{"fieldname": "shelf", "label": "Shelf", "fieldtype": "Link", "options": "Shelf"}])
    make_doctype("Vault", [{"fieldname": "code", "label": "Code", "fieldtype": "Data"}], autoname="Prompt",
                 permissions=[{"role": "System Manager"}])
    for name, place in SHELVES.items():
        document.insert_doc("Shelf", {"name": name, "place": place}, user=admin_user)
    document.insert_doc("Vault", {"name": "V-1", "code": "quiet"}, user=admin_user)


@pytest.fixture
def calls(restore_methods):
    """A custom search query, registered as an app would whitelist it; records how it was called."""
    seen: list[tuple] = []

    @whitelist(name="library.queries.quiet_shelves")
    def quiet_shelves(doctype, txt, searchfield, start, page_len, filters, reference_doctype=None):
        seen.append((doctype, txt, searchfield, start, page_len, filters, reference_doctype))
        rows = [(name, place) for name, place in SHELVES.items() if "quiet" in place and txt in place]
        return rows[start:start + page_len]

    return seen


def search_v1(client, rpc, **params):
    return client.get(rpc.url("frappe.desk.search.search_link"), {"doctype": "Shelf", **params})


QUIET = [{"value": "S-1", "description": "quiet corner"}, {"value": "S-3", "description": "quiet attic"}]


def test_search_link_runs_a_registered_query_with_frappes_arguments(rpc, user_client, shelves, calls):
    response = search_v1(user_client, rpc, txt=" quiet ", query="library.queries.quiet_shelves",
                         filters=json.dumps({"place": ["like", "%q%"]}), page_length=5, reference_doctype="Book")

    assert response.status_code == 200
    assert response.json() == rpc.ok(QUIET)
    assert calls == [("Shelf", "quiet", "name", 0, 5, {"place": ["like", "%q%"]}, "Book")]


def test_v2_search_runs_a_registered_query_with_start_and_limit(user_client, shelves, calls):
    response = user_client.get(V2_SEARCH, {"txt": "quiet", "query": "library.queries.quiet_shelves",
                                           "start": 1, "limit": 1})

    assert response.status_code == 200
    assert response.json() == {"data": [{"value": "S-3", "description": "quiet attic"}]}
    assert calls == [("Shelf", "quiet", "name", 1, 1, None, None)]


def test_an_unregistered_query_is_never_imported_and_is_417(rpc, user_client, shelves):
    v1 = search_v1(user_client, rpc, txt="x", query="os.system")
    v2 = user_client.get(V2_SEARCH, {"txt": "x", "query": "os.system"})

    assert (v1.status_code, v2.status_code) == (417, 417)
    # search_link words it as the v1 method route does, on either version's method path
    assert body(v1) == rpc.error("ValidationError",
                                 "Failed to get method for command os.system with App os is not installed")
    assert v2.json() == {"errors": [{"type": "ValidationError", "title": "Message", "indicator": "red",
                                     "message": "Failed to get method os.system with App os is not installed"}]}


def test_reference_doctype_must_exist_and_otherwise_changes_nothing(rpc, user_client, shelves):
    plain = search_v1(user_client, rpc, txt="quiet")
    referenced = search_v1(user_client, rpc, txt="quiet", reference_doctype="Book")
    v2 = user_client.get(V2_SEARCH, {"txt": "quiet", "reference_doctype": "Book"})
    unknown = search_v1(user_client, rpc, txt="quiet", reference_doctype="Nope")
    unknown_v2 = user_client.get(V2_SEARCH, {"txt": "quiet", "reference_doctype": "Nope"})

    assert plain.json() == referenced.json() == rpc.ok(QUIET)
    assert v2.json() == {"data": QUIET}
    assert (unknown.status_code, unknown_v2.status_code) == (404, 404)
    assert unknown_v2.json() == {"errors": [{"type": "DoesNotExistError", "message": "DocType Nope not found",
                                             "title": "Message", "indicator": "red"}]}
    assert body(unknown) == rpc.error("DoesNotExistError", "DocType Nope not found")


def test_ignore_user_permissions_never_bypasses_role_permissions(rpc, user_client, shelves):
    allowed = search_v1(user_client, rpc, txt="quiet", ignore_user_permissions=1)
    denied = user_client.get(rpc.url("frappe.desk.search.search_link"),
                             {"doctype": "Vault", "txt": "quiet", "ignore_user_permissions": 1})
    denied_plain = user_client.get(rpc.url("frappe.desk.search.search_link"), {"doctype": "Vault", "txt": "quiet"})

    assert allowed.json() == rpc.ok(QUIET)
    assert denied.status_code == denied_plain.status_code == 403
    assert body(denied) == body(denied_plain)
