"""Permission regression matrix: a limited user, every list route, every place a field can appear.

The user (role ``Clerk``) reads ``Case`` at permlevel 0 only. ``Case`` has a Link ``ref`` to ``Vault``
(System Manager only), a Link ``shelf`` to ``Shelf`` (readable, with a permlevel-1 ``hush``), a permlevel-1
Link ``hidden_shelf``, a permlevel-1 ``hidden_note`` and a child table ``lines`` whose ``cost`` is at
permlevel 1 (child tables follow their parent's rules). The same Link cases run over registered models:
``Customer`` links to ``Territory``, which the user holds no Django permission on.

Each cell asserts the status and the whole body: a plain field the user may not read is dropped from
``fields`` (Frappe's ``apply_fieldlevel_read_permissions``); anywhere else it is refused with 403; a Link
into an unreadable DocType is refused with 403 wherever it appears (Frappe's ``check_read_permission``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from django_frappe_api import document
from tests.factories import UserFactory, make_doctype

from .rpc_support import body

pytestmark = pytest.mark.django_db

CLERK = "clerk@example.com"
SM = {"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1}
SM_LEVEL_1 = {"role": "System Manager", "permlevel": 1, "read": 1, "write": 1}
CLERK_READ = {"role": "Clerk", "read": 1}


# -- the DocTypes, the documents and the user -----------------------------------------------------


@pytest.fixture
def case(db, admin_user) -> str:
    make_doctype("Vault", [{"fieldname": "secret", "fieldtype": "Data"}], permissions=[SM])
    make_doctype("Shelf", [{"fieldname": "label", "fieldtype": "Data"},
                           {"fieldname": "hush", "fieldtype": "Data", "permlevel": 1}],
                 permissions=[SM, SM_LEVEL_1, CLERK_READ])
    make_doctype("Case Line", [{"fieldname": "item", "fieldtype": "Data"},
                               {"fieldname": "cost", "fieldtype": "Int", "permlevel": 1}], istable=1)
    make_doctype("Case", [
        {"fieldname": "title", "fieldtype": "Data"},
        {"fieldname": "hidden_note", "fieldtype": "Data", "permlevel": 1},
        {"fieldname": "ref", "fieldtype": "Link", "options": "Vault"},
        {"fieldname": "shelf", "fieldtype": "Link", "options": "Shelf"},
        {"fieldname": "hidden_shelf", "fieldtype": "Link", "options": "Shelf", "permlevel": 1},
        {"fieldname": "pin", "fieldtype": "Password"},
        {"fieldname": "lines", "fieldtype": "Table", "options": "Case Line"},
    ], permissions=[SM, SM_LEVEL_1, CLERK_READ])
    document.insert_doc("Vault", {"name": "V1", "secret": "s3cret"}, user=admin_user, honour_name=True)
    document.insert_doc("Shelf", {"name": "S1", "label": "Top", "hush": "quiet"}, user=admin_user, honour_name=True)
    document.insert_doc("Case", {"name": "C1", "title": "Case one", "hidden_note": "psst", "ref": "V1",
                                 "shelf": "S1", "hidden_shelf": "S1", "pin": "1234",
                                 "lines": [{"item": "bolt", "cost": 9}]}, user=admin_user, honour_name=True)
    return "C1"


@pytest.fixture
def customer(db) -> int:
    from tests.testapp.models import Contact, Customer, Territory

    north = Territory.objects.create(name="North")
    acme = Customer.objects.create(customer_name="Acme", territory=north)
    Contact.objects.create(customer=acme, person="Wile", phone="555")
    return acme.pk


@pytest.fixture
def clerk(db):
    user = UserFactory(username=CLERK, roles=["Clerk"])
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="testapp",
                                                         codename__in=["view_customer"]))
    return user


@pytest.fixture
def client(clerk) -> APIClient:
    api = APIClient()
    api.force_login(clerk)
    return api


# -- routes: where a list query can come from -------------------------------------------------------


PLACES = ("fields", "aggregate", "filters", "or_filters", "order_by", "group_by")


@dataclass(frozen=True)
class Route:
    name: str
    api: str  # "v1" or "v2": the shape of error bodies
    places: tuple[str, ...]
    kind: str  # "list", "value", "report", "count" or "search": the shape of a success body

    def call(self, client: APIClient, doctype: str, params: dict[str, Any]):
        encoded = {key: json.dumps(value) if isinstance(value, list) else value for key, value in params.items()}
        if self.name == "v1 resource":
            return client.get(f"/api/resource/{doctype}", encoded)
        if self.name == "v2 document":
            return client.get(f"/api/v2/document/{doctype}", encoded)
        if self.name == "v2 count":
            return client.get(f"/api/v2/doctype/{doctype}/count", encoded)
        if self.name == "v2 search":
            return client.get(f"/api/v2/doctype/{doctype}/search", {"txt": "", **encoded})
        method, prefix = self.name.rsplit(" ", 1)
        url = ("/api/method/" if prefix == "v1" else "/api/v2/method/") + method
        payload: dict[str, Any] = {"doctype": doctype, **params}
        if method == "frappe.client.get_value":
            payload["fieldname"] = payload.pop("fields")
        if method == "frappe.desk.search.search_link":
            payload["txt"] = ""
        return client.post(url, payload, format="json")

    def ok(self, rows: list[dict[str, Any]] | int) -> dict[str, Any]:
        """The whole success body for these rows (or this count)."""
        if self.kind == "count":
            value: Any = rows
        elif self.kind == "value":
            value = rows[0] if rows else {}
        elif self.kind == "report":
            value = {"keys": list(rows[0]), "values": [list(r.values()) for r in rows], "user_info": {}} if rows else []
        elif self.kind == "search":
            value = [{"value": row["name"], "description": ""} for row in rows]
        else:
            value = rows
        if self.name == "v2 document":
            return {"data": value, "has_next_page": False}
        if self.name == "v1 resource":
            return {"data": value}
        return {"message": value} if self.api == "v1" else {"data": value}

    def denied(self, message: str, title: str, error_message: str | None = None) -> dict[str, Any]:
        if self.api == "v2":
            return {"errors": [{"type": "PermissionError", "message": message, "title": title, "indicator": "red"}]}
        result: dict[str, Any] = {
            "exc_type": "PermissionError",
            "_server_messages": [{"message": message, "title": title, "indicator": "red", "raise_exception": 1}],
        }
        if error_message:
            result["_error_message"] = error_message
        return result


ALL = PLACES
FILTERS_ONLY = ("filters", "or_filters")
ROUTES = [
    Route("v1 resource", "v1", ALL, "list"),
    Route("v2 document", "v2", ALL, "list"),
    Route("v2 count", "v2", FILTERS_ONLY, "count"),
    Route("frappe.client.get_list v1", "v1", ALL, "list"),
    Route("frappe.client.get_list v2", "v2", ALL, "list"),
    Route("frappe.client.get_value v1", "v1", ("fields", "aggregate", "filters"), "value"),
    Route("frappe.client.get_count v1", "v1", ("filters",), "count"),
    Route("frappe.desk.reportview.get v1", "v1", ALL, "report"),
    Route("frappe.desk.reportview.get_count v1", "v1", FILTERS_ONLY, "count"),
    Route("frappe.desk.search.search_link v1", "v1", ("filters",), "search"),
    Route("v2 search", "v2", ("filters",), "search"),
]


def params_for(place: str, expression: Any) -> dict[str, Any]:
    """The request parameters that put ``expression`` in ``place`` (the rest keeps the answer to one row)."""
    if place == "fields":
        return {"fields": ["name", expression]}
    if place == "aggregate":
        return {"fields": [expression]}
    if place in ("filters", "or_filters"):
        return {"fields": ["name"], place: [expression]}
    if place == "order_by":
        return {"fields": ["name"], "order_by": expression}
    return {"fields": ["count(name) as n"], "group_by": expression}


def run(route: Route, client: APIClient, doctype: str, place: str, expression: Any):
    params = params_for(place, expression)
    if route.kind in ("count", "search"):
        params = {key: value for key, value in params.items() if key in ("filters", "or_filters")}
    return route.call(client, doctype, params)


# -- what is reached, and what each place answers ---------------------------------------------------

VAULT_DENIED = ("User <strong>clerk@example.com</strong> does not have doctype access via role permission for "
                "document <strong>Vault</strong>", "Not Permitted", "No permission for Vault")


def field_denied(doctype_field: str) -> tuple[str, str, None]:
    return f"You do not have permission to access field: <strong>{doctype_field}</strong>", "Permission Error", None


# reference -> place -> (expression, outcome); outcome "dropped", a row list, or a denial tuple.
CASE_MATRIX: dict[str, dict[str, tuple[Any, Any]]] = {
    "link into unreadable DocType": {
        "fields": ("ref.secret", VAULT_DENIED),
        "aggregate": ("max(ref.secret) as v", VAULT_DENIED),
        "filters": (["Vault", "secret", "=", "s3cret"], VAULT_DENIED),
        "or_filters": (["Vault", "secret", "=", "s3cret"], VAULT_DENIED),
        "order_by": ("ref.secret desc", VAULT_DENIED),
        "group_by": ("ref.secret", VAULT_DENIED),
    },
    "own permlevel-1 field": {
        "fields": ("hidden_note", "dropped"),
        "aggregate": ("max(hidden_note) as v", field_denied("Case.hidden_note")),
        "filters": (["hidden_note", "=", "psst"], field_denied("Case.hidden_note")),
        "or_filters": (["hidden_note", "like", "p%"], field_denied("Case.hidden_note")),
        "order_by": ("hidden_note asc", field_denied("Case.hidden_note")),
        "group_by": ("hidden_note", field_denied("Case.hidden_note")),
    },
    "permlevel-1 field of a linked DocType": {
        "fields": ("shelf.hush", "dropped"),
        "aggregate": ("min(shelf.hush) as v", field_denied("Shelf.hush")),
        "order_by": ("shelf.hush desc", field_denied("Shelf.hush")),
        "group_by": ("shelf.hush", field_denied("Shelf.hush")),
    },
    "field reached through a permlevel-1 Link": {
        "fields": ("hidden_shelf.label", "dropped"),
        "aggregate": ("max(hidden_shelf.label) as v", field_denied("Case.hidden_shelf")),
        "filters": (["hidden_shelf", "=", "S1"], field_denied("Case.hidden_shelf")),
        "or_filters": (["hidden_shelf", "is", "set"], field_denied("Case.hidden_shelf")),
        "order_by": ("hidden_shelf.label", field_denied("Case.hidden_shelf")),
        "group_by": ("hidden_shelf.label", field_denied("Case.hidden_shelf")),
    },
    "permlevel-1 field of a child table": {
        "fields": ("lines.cost", "dropped"),
        "aggregate": ("sum(`tabCase Line`.cost) as v", field_denied("Case Line.cost")),
        "filters": (["Case Line", "cost", "=", 9], field_denied("Case Line.cost")),
        "or_filters": (["`tabCase Line`.`cost`", ">", 1], field_denied("Case Line.cost")),
        "order_by": ("lines.cost desc", field_denied("Case Line.cost")),
        "group_by": ("`tabCase Line`.cost", field_denied("Case Line.cost")),
    },
    "readable fields (control)": {
        "fields": ("shelf.label", [{"name": "C1", "label": "Top"}]),
        "aggregate": ("max(lines.item) as v", [{"v": "bolt"}]),
        "filters": (["Case Line", "item", "=", "bolt"], [{"name": "C1"}]),
        "or_filters": (["shelf", "=", "S1"], [{"name": "C1"}]),
        "order_by": ("shelf.label desc, title", [{"name": "C1"}]),
        "group_by": ("lines.item", [{"n": 1}]),
    },
}


def expected_body(route: Route, place: str, outcome: Any) -> dict[str, Any]:
    if isinstance(outcome, tuple):
        return route.denied(*outcome)
    if route.kind in ("count", "search"):
        return route.ok(1 if route.kind == "count" else [{"name": "C1"}])
    rows = [{"name": "C1"}] if outcome == "dropped" else outcome
    return route.ok(rows)


CASES = [
    pytest.param(route, place, reference, id=f"{route.name}|{place}|{reference}")
    for route in ROUTES
    for reference, places in CASE_MATRIX.items()
    for place in route.places
    if place in places
]


@pytest.mark.parametrize(("route", "place", "reference"), CASES)
def test_json_doctype_matrix(client, case, route, place, reference):
    expression, outcome = CASE_MATRIX[reference][place]

    response = run(route, client, "Case", place, expression)

    assert (response.status_code, body(response)) == (
        403 if isinstance(outcome, tuple) else 200, expected_body(route, place, outcome)
    )


# -- registered models: a Link into a model the user holds no permission on ----------------------

TERRITORY_DENIED = ("User <strong>clerk@example.com</strong> does not have doctype access via role permission "
                    "for document <strong>Territory</strong>", "Not Permitted", "No permission for Territory")

ORM_MATRIX: dict[str, tuple[Any, Any]] = {
    "fields": ("territory.name", TERRITORY_DENIED),
    "aggregate": ("max(territory.name) as v", TERRITORY_DENIED),
    "filters": (["Territory", "name", "=", "North"], TERRITORY_DENIED),
    "or_filters": (["Territory", "name", "=", "North"], TERRITORY_DENIED),
    "order_by": ("territory.name desc", TERRITORY_DENIED),
    "group_by": ("territory.name", TERRITORY_DENIED),
}
ORM_CASES = [
    pytest.param(route, place, id=f"{route.name}|{place}") for route in ROUTES for place in route.places
    if place in ORM_MATRIX
]


@pytest.mark.parametrize(("route", "place"), ORM_CASES)
def test_orm_model_link_into_unreadable_model(client, customer, route, place):
    expression, outcome = ORM_MATRIX[place]

    response = run(route, client, "Customer", place, expression)

    assert (response.status_code, body(response)) == (403, route.denied(*outcome))


@pytest.mark.parametrize("route", [r for r in ROUTES if r.kind in ("list", "report")], ids=lambda r: r.name)
def test_orm_model_link_and_child_once_the_model_is_readable(client, clerk, customer, route):
    clerk.user_permissions.add(Permission.objects.get(content_type__app_label="testapp", codename="view_territory"))

    response = route.call(client, "Customer", {
        "fields": ["name", "territory.name as region", "contacts.person"],
        "filters": [["Customer Contact", "person", "=", "Wile"]], "order_by": "territory.name desc",
    })

    assert (response.status_code, body(response)) == (
        200, route.ok([{"name": customer, "region": "North", "person": "Wile"}])
    )


# -- beyond the matrix -------------------------------------------------------------------------------


def test_star_and_passwords_of_linked_and_child_doctypes_never_come_back(client, case):
    response = client.get("/api/resource/Case", {"fields": json.dumps(["*", "pin", "lines.cost", "shelf.hush"])})

    assert response.status_code == 200
    row = response.json()["data"][0]
    assert {"hidden_note", "hidden_shelf", "pin", "cost", "hush"}.isdisjoint(row)
    assert row["title"] == "Case one"


@pytest.mark.parametrize("place", ["filters", "order_by", "aggregate"])
def test_password_fields_cannot_be_queried(client, case, place):
    expression = {"filters": ["pin", "=", "1234"], "order_by": "pin", "aggregate": "max(pin) as v"}[place]

    response = run(ROUTES[0], client, "Case", place, expression)

    assert (response.status_code, body(response)["exc_type"]) == (417, "DataError")


def test_link_into_if_owner_doctype_joins_only_own_documents(client, clerk, case, admin_user):
    make_doctype("Locker", [{"fieldname": "label", "fieldtype": "Data"}],
                 permissions=[SM, {"role": "Clerk", "read": 1, "if_owner": 1}])
    make_doctype("Box", [{"fieldname": "locker", "fieldtype": "Link", "options": "Locker"}],
                 permissions=[SM, CLERK_READ])
    document.insert_doc("Locker", {"name": "L-admin", "label": "theirs"}, user=admin_user, honour_name=True)
    document.insert_doc("Locker", {"name": "L-clerk", "label": "mine"}, user=clerk, ignore_permissions=True,
                        honour_name=True)
    for name, locker in (("B1", "L-admin"), ("B2", "L-clerk")):
        document.insert_doc("Box", {"name": name, "locker": locker}, user=admin_user, honour_name=True)

    response = client.get("/api/resource/Box", {"fields": json.dumps(["name", "locker.label"]), "order_by": "name"})
    counted = client.get("/api/resource/Box", {"fields": json.dumps(["count(locker.label) as n"])})

    assert (response.status_code, response.json()) == (
        200, {"data": [{"name": "B1", "label": None}, {"name": "B2", "label": "mine"}]}
    )
    assert counted.json() == {"data": [{"n": 1}]}


def test_expand_leaves_unreadable_links_as_names_and_drops_hidden_fields(client, case):
    listed = client.get("/api/resource/Case", {"fields": json.dumps(["name", "ref", "shelf", "hidden_shelf"]),
                                               "expand": json.dumps(["ref", "shelf"])})
    doc = client.get("/api/resource/Case/C1", {"expand_links": "1"})

    assert listed.status_code == 200
    row = listed.json()["data"][0]
    assert row["ref"] == "V1" and "hidden_shelf" not in row
    assert row["shelf"]["name"] == "S1" and row["shelf"]["label"] == "Top" and "hush" not in row["shelf"]
    data = doc.json()["data"]
    assert doc.status_code == 200
    assert data["ref"] == "V1" and "hidden_note" not in data and "hidden_shelf" not in data
    assert data["shelf"]["label"] == "Top" and "hush" not in data["shelf"]
    assert [sorted(line) for line in data["lines"]] == [sorted(["name", "owner", "creation", "modified",
                                                               "modified_by", "docstatus", "idx", "item", "parent",
                                                               "parentfield", "parenttype", "doctype"])]


def test_search_neither_matches_nor_shows_fields_above_the_users_permlevel(client, admin_client, case):
    make_doctype("Shelf", [{"fieldname": "label", "fieldtype": "Data"},
                           {"fieldname": "hush", "fieldtype": "Data", "permlevel": 1}],
                 permissions=[SM, SM_LEVEL_1, CLERK_READ], search_fields="label, hush")

    by_clerk = client.get("/api/v2/doctype/Shelf/search", {"txt": "quiet"})
    shown = client.get("/api/v2/doctype/Shelf/search", {"txt": "S"})
    by_admin = admin_client.get("/api/v2/doctype/Shelf/search", {"txt": "quiet"})

    assert (by_clerk.status_code, by_clerk.json()) == (200, {"data": []})
    assert shown.json() == {"data": [{"value": "S1", "description": "Top"}]}
    assert by_admin.json() == {"data": [{"value": "S1", "description": "Top, quiet"}]}


def test_administrator_reads_everything(admin_client, case):
    response = admin_client.get("/api/resource/Case", {"fields": json.dumps([
        "name", "ref.secret", "hidden_note", "shelf.hush", "lines.cost"]), "order_by": "hidden_note, ref.secret"})
    aggregated = admin_client.get("/api/resource/Case", {"fields": json.dumps(["max(hidden_note) as h"]),
                                                         "filters": json.dumps([["Case Line", "cost", "=", 9]])})

    assert (response.status_code, response.json()) == (
        200, {"data": [{"name": "C1", "secret": "s3cret", "hidden_note": "psst", "hush": "quiet", "cost": 9}]}
    )
    assert (aggregated.status_code, aggregated.json()) == (200, {"data": [{"h": "psst"}]})


# -- the checks come from cached meta and roles, not a query per field ----------------------------


def _queries(client: APIClient, params: dict[str, Any]) -> int:
    encoded = {key: json.dumps(value) if isinstance(value, list) else value for key, value in params.items()}
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/resource/Case", encoded)
    assert response.status_code == 200, response.json()
    return len(captured)


def test_permission_checks_add_no_query_per_reference(client, case, django_assert_num_queries):
    client.get("/api/resource/Case")  # warm the meta cache and the session
    one = {"fields": ["name", "title"]}
    many = {
        "fields": ["name", "title", "shelf.label", "lines.item", "hidden_note", "shelf.hush", "hidden_shelf.label",
                   "lines.cost", "`tabCase Line`.item as item2"],
        "filters": [["Case Line", "item", "=", "bolt"], ["shelf", "=", "S1"], ["title", "like", "%"]],
        "or_filters": [["title", "=", "Case one"], ["Case Line", "item", "is", "set"]],
        "order_by": "shelf.label desc, lines.item, title",
    }
    _queries(client, many)  # warm what is read once per DocType (PostgreSQL: its field columns in place)
    baseline = _queries(client, one)

    with django_assert_num_queries(baseline):
        response = client.get("/api/resource/Case", {k: json.dumps(v) if isinstance(v, list) else v
                                                     for k, v in many.items()})

    assert response.json() == {"data": [{"name": "C1", "title": "Case one", "label": "Top", "item": "bolt",
                                         "item2": "bolt"}]}


@pytest.mark.parametrize("url", ["/api/resource/Case/C1", "/api/v2/document/Case/C1"])
def test_document_read_drops_permlevel_fields_of_child_rows(client, case, url):
    response = client.get(url)

    data = response.json()["data"]
    assert response.status_code == 200
    assert sorted(data) == ["creation", "docstatus", "doctype", "idx", "lines", "modified", "modified_by", "name",
                            "owner", "ref", "shelf", "title"]
    assert sorted(data["lines"][0]) == ["creation", "docstatus", "doctype", "idx", "item", "modified", "modified_by",
                                        "name", "owner", "parent", "parentfield", "parenttype"]


@pytest.mark.parametrize(("params", "status", "expected"), [
    ({"fields": ["item", "cost"]}, 200, {"message": [{"item": "bolt"}]}),
    ({"fields": ["item"], "filters": [["cost", "=", 9]]}, 403, {
        "exc_type": "PermissionError", "_server_messages": [{
            "message": "You do not have permission to access field: <strong>Case Line.cost</strong>",
            "title": "Permission Error", "indicator": "red", "raise_exception": 1}]}),
    ({"fields": ["sum(cost) as total"]}, 403, {
        "exc_type": "PermissionError", "_server_messages": [{
            "message": "You do not have permission to access field: <strong>Case Line.cost</strong>",
            "title": "Permission Error", "indicator": "red", "raise_exception": 1}]}),
])
def test_child_doctype_listed_directly_follows_its_parents_permlevels(client, case, params, status, expected):
    response = client.post("/api/method/frappe.client.get_list",
                           {"doctype": "Case Line", "parent": "Case", **params}, format="json")

    assert (response.status_code, body(response)) == (status, expected)
