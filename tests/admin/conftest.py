"""The admin's DocTypes: ``Gadget Order`` (submittable, one field per common fieldtype, a child table) and its
rows ``Gadget Line``, in the module ``Shop``; a staff client for the Administrator and for limited users."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from django_frappe_api.meta import Meta

from ..factories import UserFactory, make_doctype

ORDER_FIELDS: list[dict[str, Any]] = [
    {"fieldname": "title", "label": "Title", "fieldtype": "Data", "reqd": 1, "in_list_view": 1, "length": 60},
    {"fieldname": "status", "label": "Status", "fieldtype": "Select", "options": "Draft\nOpen\nClosed",
     "in_list_view": 1, "in_standard_filter": 1},
    {"fieldname": "urgent", "label": "Urgent", "fieldtype": "Check"},
    {"fieldname": "due", "label": "Due", "fieldtype": "Date", "in_list_view": 1},
    {"fieldname": "col1", "fieldtype": "Column Break"},
    {"fieldname": "qty", "label": "Qty", "fieldtype": "Int"},
    {"fieldname": "amount", "label": "Amount", "fieldtype": "Currency"},
    {"fieldname": "ratio", "label": "Ratio", "fieldtype": "Float"},
    {"fieldname": "details", "label": "Details", "fieldtype": "Section Break"},
    {"fieldname": "at", "label": "At", "fieldtype": "Datetime"},
    {"fieldname": "starts", "label": "Starts", "fieldtype": "Time"},
    {"fieldname": "notes", "label": "Notes", "fieldtype": "Text"},
    {"fieldname": "config", "label": "Config", "fieldtype": "JSON"},
    {"fieldname": "script", "label": "Script", "fieldtype": "Code", "options": "Python"},
    {"fieldname": "todo", "label": "ToDo", "fieldtype": "Link", "options": "ToDo"},
    {"fieldname": "secret", "label": "Secret", "fieldtype": "Password"},
    {"fieldname": "drawing", "label": "Drawing", "fieldtype": "Attach"},
    {"fieldname": "internal", "label": "Internal", "fieldtype": "Data", "hidden": 1},
    {"fieldname": "cost", "label": "Cost", "fieldtype": "Currency", "permlevel": 1},
    {"fieldname": "lines_section", "label": "Lines", "fieldtype": "Section Break"},
    {"fieldname": "lines", "label": "Lines", "fieldtype": "Table", "options": "Gadget Line"},
    {"fieldname": "amended_from", "label": "Amended From", "fieldtype": "Link", "options": "Gadget Order",
     "read_only": 1, "no_copy": 1},
]
LINE_FIELDS: list[dict[str, Any]] = [
    {"fieldname": "item", "label": "Item", "fieldtype": "Data", "reqd": 1, "in_list_view": 1},
    {"fieldname": "qty", "label": "Qty", "fieldtype": "Int", "in_list_view": 1},
    {"fieldname": "delivery", "label": "Delivery", "fieldtype": "Date", "in_list_view": 1},
]
RIGHTS = {"read": 1, "write": 1, "create": 1, "delete": 1, "submit": 1, "cancel": 1, "amend": 1}


@pytest.fixture
def gadget_order(todo) -> Meta:
    make_doctype("Gadget Line", LINE_FIELDS, istable=1, module="Shop")
    return make_doctype(
        "Gadget Order", ORDER_FIELDS, module="Shop", is_submittable=1, autoname="GO-.####", title_field="title",
        search_fields="notes", sort_field="modified", sort_order="DESC",
        permissions=[
            {"role": "System Manager", **RIGHTS},
            {"role": "System Manager", "permlevel": 1, "read": 1, "write": 1},
            {"role": "Shop Clerk", "read": 1, "write": 1, "create": 1, "delete": 0, "if_owner": 1},
            {"role": "Shop Viewer", "read": 1, "write": 0, "create": 0, "delete": 0},
        ],
    )


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(admin_user) -> Client:
    return logged_in(admin_user)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk@example.com", is_staff=True, roles=["Shop Clerk"])


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer@example.com", is_staff=True, roles=["Shop Viewer"])
