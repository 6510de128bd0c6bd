"""``GET /api/v2/doctype/<doctype>/search``: link-field search (§6.11)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_frappe_api import document
from tests.factories import make_doctype

pytestmark = pytest.mark.django_db

URL = "/api/v2/doctype/Supplier/search"
CACHE_CONTROL = "private,max-age=60,stale-while-revalidate=300"
SUPPLIERS = {
    "ACME-1": ("Acme Corp", "Berlin", 0),
    "BOLT-1": ("Bolt acme", "Paris", 0),
    "CAT": ("Cat Inc", "Acmeville", 0),
    "DIS": ("Acme Disabled", "Berlin", 1),
    "ZED": ("Zed", "Rome", 0),
}


def supplier_doctype(**properties):
    return make_doctype("Supplier", [
        {"fieldname": "supplier_name", "label": "Supplier Name", "fieldtype": "Data"},
        {"fieldname": "city", "label": "City", "fieldtype": "Data"},
        {"fieldname": "disabled", "label": "Disabled", "fieldtype": "Check"},
    ], permissions=[{"role": "All", "read": 1}, {"role": "System Manager"}], autoname="Prompt",
        title_field="supplier_name", search_fields="city", sort_field="name", sort_order="ASC", **properties)


@pytest.fixture
def suppliers(db, admin_user):
    supplier_doctype()
    for name, (title, city, disabled) in SUPPLIERS.items():
        document.insert_doc("Supplier", {"name": name, "supplier_name": title, "city": city, "disabled": disabled},
                            user=admin_user)


def result(*names: str) -> list[dict[str, str]]:
    return [{"value": name, "description": f"{SUPPLIERS[name][0]}, {SUPPLIERS[name][1]}"} for name in names]


@pytest.mark.parametrize("txt", ["acme", "ACME", "  Acme  "])
def test_matches_name_title_and_search_fields_prefix_on_name_first(user_client, suppliers, txt):
    response = user_client.get(URL, {"txt": txt})

    assert response.status_code == 200
    assert response["Cache-Control"] == CACHE_CONTROL
    # ACME-1 starts with the text; BOLT-1 matches on its title, CAT on its city; DIS is disabled
    assert response.json() == {"data": result("ACME-1", "BOLT-1", "CAT")}


@pytest.mark.parametrize(
    ("start", "limit", "names"),
    [(0, 1, ("ACME-1",)), (1, 1, ("BOLT-1",)), (1, 2, ("BOLT-1", "CAT")), (2, 5, ("CAT",)), (3, 5, ()),
     (0, 0, ())],
)
def test_pages_across_the_prefix_matches_and_the_rest(user_client, suppliers, start, limit, names):
    response = user_client.get(URL, {"txt": "acme", "start": start, "limit": limit})

    assert response.json() == {"data": result(*names)}


def test_empty_text_lists_enabled_records_in_the_doctype_order(user_client, suppliers):
    response = user_client.get(URL)

    assert response.json() == {"data": result("ACME-1", "BOLT-1", "CAT", "ZED")}


def test_default_limit_is_ten(user_client, suppliers, admin_user):
    for number in range(12):
        document.insert_doc("Supplier", {"name": f"ACME-{number + 10}", "supplier_name": "x", "city": "y"},
                            user=admin_user)

    assert len(user_client.get(URL, {"txt": "acme"}).json()["data"]) == 10


def test_filters_narrow_the_search(user_client, suppliers):
    dict_filters = user_client.get(URL, {"txt": "acme", "filters": json.dumps({"city": "Paris"})})
    list_filters = user_client.get(URL, {"txt": "acme", "filters": json.dumps([["city", "like", "%ville"]])})

    assert dict_filters.json() == {"data": result("BOLT-1")}
    assert list_filters.json() == {"data": result("CAT")}


def test_an_enabled_check_at_zero_excludes_the_record(user_client, admin_user):
    make_doctype("Carrier", [{"fieldname": "enabled", "label": "Enabled", "fieldtype": "Check", "default": "1"}],
                 permissions=[{"role": "All", "read": 1}], autoname="Prompt", sort_field="name", sort_order="ASC")
    for name, enabled in (("DHL", 1), ("DPD", 0)):
        document.insert_doc("Carrier", {"name": name, "enabled": enabled}, user=admin_user)

    response = user_client.get("/api/v2/doctype/Carrier/search", {"txt": "d"})

    assert response.json() == {"data": [{"value": "DHL", "description": ""}]}


def test_label_is_the_title_when_the_doctype_shows_titles_in_links(user_client, admin_user):
    supplier_doctype(show_title_field_in_link=1)
    document.insert_doc("Supplier", {"name": "ACME-1", "supplier_name": "Acme Corp", "city": "Berlin"},
                        user=admin_user)

    response = user_client.get(URL, {"txt": "corp"})

    assert response.json() == {"data": [{"value": "ACME-1", "label": "Acme Corp", "description": "ACME-1, Berlin"}]}


def test_query_count_does_not_grow_with_the_page(user_client, suppliers):
    user_client.get(URL, {"txt": "acme", "limit": 1})  # warm the meta cache
    counts = []
    for limit in (2, 10):  # each page needs the prefix matches and the rest
        with CaptureQueriesContext(connection) as queries:
            user_client.get(URL, {"txt": "acme", "limit": limit})
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_search_needs_read_permission(guest_client, suppliers):
    response = guest_client.get(URL, {"txt": "acme"})

    assert response.status_code == 403
    assert response.json()["errors"][0]["type"] == "PermissionError"


def test_unknown_doctype_is_404(user_client, db):
    response = user_client.get("/api/v2/doctype/Nope/search", {"txt": "x"})

    assert response.status_code == 404
    assert response.json() == {"errors": [{"type": "DoesNotExistError", "message": "DocType Nope not found",
                                           "title": "Message", "indicator": "red"}]}
