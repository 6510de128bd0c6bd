"""What row permissions cost on a warm cache, with the production settings of ``test_query_counts``.

A user without User Permissions or shares pays nothing more than one query per read or list; a list narrowed
by a User Permission, with a shared document OR-ed back in, is still one SELECT.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from django_frappe_api import document
from django_frappe_api.methods.share import add_docshare
from tests.factories import UserFactory, make_doctype

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("production_settings")]

JANE = "jane@example.com"
PARAMS = {"fields": '["name"]', "order_by": "name asc"}


@pytest.fixture
def client(admin_user) -> APIClient:
    make_doctype("Company", [{"fieldname": "title", "fieldtype": "Data"}], autoname="Prompt",
                 permissions=[{"role": "Sales", "read": 1}, {"role": "System Manager", "read": 1, "create": 1}])
    make_doctype("Deal", [{"fieldname": "company", "fieldtype": "Link", "options": "Company"}], autoname="Prompt",
                 permissions=[{"role": "Sales", "read": 1, "write": 1},
                              {"role": "System Manager", "read": 1, "create": 1, "share": 1}])
    for name in ("Acme", "Globex"):
        document.insert_doc("Company", {"name": name}, user=admin_user, honour_name=True)
    for name, company in (("D1", "Acme"), ("D2", "Globex"), ("D3", None)):
        document.insert_doc("Deal", {"name": name, "company": company}, user=admin_user, honour_name=True)
    client = APIClient()
    client.force_login(UserFactory(username=JANE, roles=["Sales"]))
    return client


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["data"]]


def test_a_user_without_rows_or_shares_pays_nothing_more(client, django_assert_num_queries):
    assert names(client.get("/api/resource/Deal", PARAMS)) == ["D1", "D2", "D3"]
    with django_assert_num_queries(1) as captured:
        assert names(client.get("/api/resource/Deal", PARAMS)) == ["D1", "D2", "D3"]
    assert "share_doctype" not in captured.captured_queries[0]["sql"]
    assert client.get("/api/resource/Deal/D1").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/api/resource/Deal/D1").status_code == 200


def test_a_restricted_list_with_a_share_is_one_select(client, admin_user, django_assert_num_queries):
    document.insert_doc("User Permission", {"user": JANE, "allow": "Company", "for_value": "Acme"}, user=admin_user)
    add_docshare("Deal", "D2", user=admin_user, share_with=JANE, everyone=False, check=False,
                 rights={"read": 1, "write": 0, "submit": 0, "share": 0})
    assert names(client.get("/api/resource/Deal", PARAMS)) == ["D1", "D2", "D3"]
    with django_assert_num_queries(1) as captured:
        assert names(client.get("/api/resource/Deal", PARAMS)) == ["D1", "D2", "D3"]
    sql = captured.captured_queries[0]["sql"]
    assert "share_doctype" in sql and "'Acme'" in sql  # the shares' subquery and the allowed Company
    assert client.get("/api/resource/Deal/D1").status_code == 200
    with django_assert_num_queries(1):  # the document; the User Permissions come from the cache
        assert client.get("/api/resource/Deal/D1").status_code == 200
