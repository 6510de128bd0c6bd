"""Each DocType is a section of the admin, grouped by module; sections follow the DocType table without a restart.

Usage::

    pytest tests/admin/test_sections.py
"""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from django_frappe_api.models import DocType

from ..factories import make_doctype


def sections(response) -> dict[str, list[tuple[str, str | None, str | None]]]:
    """App name -> [(model name, changelist URL, add URL)] of the index's app list."""
    return {app["name"]: [(m["name"], m["admin_url"], m["add_url"]) for m in app["models"]]
            for app in response.context["app_list"]}


def test_index_lists_each_doctype_under_its_module(staff_client, gadget_order):
    response = staff_client.get("/admin/")

    assert response.status_code == 200
    listed = sections(response)
    assert listed["Shop"] == [("Gadget Order", "/admin/shop/gadget_order/", "/admin/shop/gadget_order/add/")]
    assert listed["Custom"] == [("ToDo", "/admin/custom/todo/", "/admin/custom/todo/add/")]
    assert listed["Core"] == [("Comment", "/admin/core/comment/", "/admin/core/comment/add/"),
                              ("DocShare", "/admin/core/docshare/", "/admin/core/docshare/add/"),
                              ("File", "/admin/core/file/", "/admin/core/file/add/"),
                              ("User Permission", "/admin/core/user_permission/",
                               "/admin/core/user_permission/add/"),
                              ("Version", "/admin/core/version/", "/admin/core/version/add/")]
    assert listed["Desk"] == [("Tag", "/admin/desk/tag/", "/admin/desk/tag/add/"),
                              ("Tag Link", "/admin/desk/tag_link/", "/admin/desk/tag_link/add/")]
    # Registered models keep their own admin; child tables have no section; ORM-backed DocTypes neither.
    assert listed["Frappe API"] == [("API keys", "/admin/django_frappe_api/apikey/", None),
                                    ("DocTypes", "/admin/django_frappe_api/doctype/",
                                     "/admin/django_frappe_api/doctype/add/")]
    names = {name for models in listed.values() for name, _, _ in models}
    assert "Gadget Line" not in names
    assert "Customer" not in names


def test_module_index_lists_its_doctypes(staff_client, gadget_order):
    response = staff_client.get("/admin/shop/")

    assert response.status_code == 200
    assert sections(response) == {
        "Shop": [("Gadget Order", "/admin/shop/gadget_order/", "/admin/shop/gadget_order/add/")]
    }


def test_a_new_doctype_gets_a_section_without_a_restart_and_a_deleted_one_loses_it(staff_client, todo):
    assert staff_client.get("/admin/custom/todo/").status_code == 200  # URLs resolved and reversed once

    make_doctype("Gizmo", [{"fieldname": "label", "fieldtype": "Data"}], module="Lab")

    assert staff_client.get("/admin/lab/gizmo/").status_code == 200
    assert sections(staff_client.get("/admin/"))["Lab"] == [("Gizmo", "/admin/lab/gizmo/",
                                                               "/admin/lab/gizmo/add/")]

    DocType.objects.filter(name="Gizmo").delete()

    assert staff_client.get("/admin/lab/gizmo/").status_code == 404
    assert "Lab" not in sections(staff_client.get("/admin/"))
    with pytest.raises(NoReverseMatch):
        reverse("admin:lab_gizmo_changelist")


def test_a_module_named_like_an_installed_app_gets_its_own_label(staff_client, db):
    make_doctype("Badge", [{"fieldname": "label", "fieldtype": "Data"}], module="Auth")

    response = staff_client.get("/admin/")

    assert response.status_code == 200
    assert ("Badge", "/admin/auth_doctypes/badge/", "/admin/auth_doctypes/badge/add/") in sections(response)["Auth"]
    assert staff_client.get("/admin/auth_doctypes/badge/").status_code == 200
    assert staff_client.get("/admin/auth/").status_code == 200  # Django's own app index is untouched


def test_doctype_urls_have_breadcrumbs_back_to_their_module(staff_client, gadget_order):
    response = staff_client.get("/admin/shop/gadget_order/add/")

    assert response.status_code == 200
    assert '<a href="/admin/shop/">Shop</a>' in response.text
    assert '<a href="/admin/shop/gadget_order/">Gadget Order</a>' in response.text
