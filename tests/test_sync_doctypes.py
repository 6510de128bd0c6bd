"""``frappe_api_sync_doctypes``: Frappe DocType JSON files in, idempotent, refusals naming the file.

Usage::

    pytest tests/test_sync_doctypes.py
"""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from django_frappe_api.meta import get_meta
from django_frappe_api.models import DocField, DocType

FIXTURES = Path(__file__).parent / "fixtures"
TODO_JSON = FIXTURES / "todo.json"


def sync(*paths: Path | str) -> str:
    out = StringIO()
    call_command("frappe_api_sync_doctypes", *[str(p) for p in paths], stdout=out)
    return out.getvalue().strip()


def run_sync(*paths: Path | str) -> tuple[str, str, str | None]:
    """stdout, stderr and the CommandError message (None when the command succeeded)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("frappe_api_sync_doctypes", *[str(p) for p in paths], stdout=out, stderr=err)
    except CommandError as caught:
        return out.getvalue().strip(), err.getvalue().strip(), str(caught)
    return out.getvalue().strip(), err.getvalue().strip(), None


def write_json(path: Path, content: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=1), encoding="utf-8")
    return path


def doctype_json(name: str, fields: list[dict[str, Any]], **properties: Any) -> dict[str, Any]:
    """A minimal DocType in Frappe's file format."""
    return {"doctype": "DocType", "name": name, "module": "Custom", "fields": fields,
            "permissions": [{"role": "System Manager", "read": 1, "write": 1}], **properties}


def test_sync_creates_doctype_from_frappe_todo_json(db):
    assert sync(TODO_JSON) == "DocTypes: 1 created, 0 updated, 0 unchanged, 0 refused"

    meta = get_meta("ToDo")
    assert [f.fieldname for f in meta.data_fields] == [
        "status", "priority", "date", "allocated_to", "description", "reference_type", "reference_name", "sender",
    ]
    status = meta.get_field("status")
    assert (status.fieldtype, status.options, status.default, status.in_list_view) == (
        "Select", "Open\nClosed\nCancelled", "Open", True,
    )
    assert meta.get_field("description").reqd is True
    assert meta.get_field("allocated_to").options == "Email"
    assert (meta.autoname, meta.title_field, meta.sort_field, meta.sort_order) == (
        "hash", "description", "modified", "DESC",
    )
    assert meta.search_fields == ("description", "reference_type", "reference_name")
    assert [(rule.role, rule.grants("read"), rule.grants("write")) for rule in meta.permissions] == [
        ("All", True, True), ("System Manager", True, True),
    ]


def test_sync_reads_rights_missing_from_a_file_as_not_granted(db):
    # Frappe exports drop falsy keys and imports without defaults (`frappe.flags.in_import`), so the
    # "All" row of ToDo, which has no "export" key, does not grant export.
    sync(TODO_JSON)

    rules = {rule.role: rule for rule in get_meta("ToDo").permissions}
    assert rules["All"].grants("export") is False
    assert rules["All"].grants("submit") is False


def test_sync_keeps_frappe_extra_keys_and_drops_document_keys(db):
    sync(TODO_JSON)

    row = DocType.objects.get(name="ToDo")
    # Properties without a column round-trip through `properties`; audit keys of the file do not.
    assert row.properties["engine"] == "InnoDB"
    assert row.properties["index_web_pages_for_search"] == 1
    assert "field_order" not in row.properties
    assert "modified" not in row.properties
    assert row.owner == "Administrator"
    assert DocField.objects.get(doctype=row, fieldname="description").properties["print_width"] == "300px"
    # Layout fields (section and column breaks) are kept in form order.
    assert list(DocField.objects.filter(doctype=row).values_list("fieldname", flat=True)[:4]) == [
        "description_and_status", "status", "priority", "column_break_2",
    ]


def test_sync_again_leaves_unchanged_definitions_alone(db):
    sync(TODO_JSON)
    before = DocType.objects.get(name="ToDo")
    field_ids = sorted(DocField.objects.filter(doctype=before).values_list("id", flat=True))

    assert sync(TODO_JSON) == "DocTypes: 0 created, 0 updated, 1 unchanged, 0 refused"

    after = DocType.objects.get(name="ToDo")
    assert after.modified == before.modified
    assert sorted(DocField.objects.filter(doctype=after).values_list("id", flat=True)) == field_ids


def test_sync_again_leaves_a_minimal_file_unchanged(db, tmp_path):
    path = write_json(tmp_path / "shelf.json", doctype_json("Shelf", [{"fieldname": "label", "fieldtype": "Data"}]))
    sync(path)

    assert sync(path) == "DocTypes: 0 created, 0 updated, 1 unchanged, 0 refused"


def test_sync_updates_a_changed_definition(db, tmp_path):
    sync(TODO_JSON)
    before = DocType.objects.get(name="ToDo").modified
    data = json.loads(TODO_JSON.read_text())
    data["fields"].append({"fieldname": "color", "fieldtype": "Color", "label": "Color"})

    assert sync(write_json(tmp_path / "todo.json", data)) == "DocTypes: 0 created, 1 updated, 0 unchanged, 0 refused"

    assert DocType.objects.get(name="ToDo").modified > before
    assert get_meta("ToDo").get_field("color").fieldtype == "Color"


def test_sync_loads_folders_recursively_with_child_tables_and_links_in_any_order(db, tmp_path):
    # File names sort the parent before its child table and before the DocType it links to.
    write_json(tmp_path / "a_invoice.json", doctype_json("Invoice", [
        {"fieldname": "customer", "fieldtype": "Link", "options": "Shop Customer"},
        {"fieldname": "items", "fieldtype": "Table", "options": "Invoice Item"},
    ]))
    write_json(tmp_path / "nested" / "deeper" / "b_invoice_item.json", doctype_json("Invoice Item", [
        {"fieldname": "item", "fieldtype": "Data", "reqd": 1},
    ], istable=1))
    write_json(tmp_path / "nested" / "c_customer.json", doctype_json("Shop Customer", [
        {"fieldname": "customer_name", "fieldtype": "Data"},
    ]))

    assert sync(tmp_path) == "DocTypes: 3 created, 0 updated, 0 unchanged, 0 refused"

    assert get_meta("Invoice Item").istable is True
    assert [f.fieldname for f in get_meta("Invoice").table_fields] == ["items"]


def test_sync_reads_a_list_of_doctypes_from_one_file(db, tmp_path):
    path = write_json(tmp_path / "doctypes.json", [
        doctype_json("Shelf", [{"fieldname": "label", "fieldtype": "Data"}]),
        doctype_json("Book", [{"fieldname": "shelf", "fieldtype": "Link", "options": "Shelf"}]),
    ])

    assert sync(path) == "DocTypes: 2 created, 0 updated, 0 unchanged, 0 refused"
    assert DocType.objects.filter(name__in=["Shelf", "Book"]).count() == 2


def test_sync_without_arguments_loads_every_installed_apps_doctypes_folder(db, tmp_path, monkeypatch):
    write_json(tmp_path / "doctypes" / "todo" / "todo.json", json.loads(TODO_JSON.read_text()))
    monkeypatch.setattr(apps.get_app_config("testapp"), "path", str(tmp_path))

    # The app's own built-in DocTypes (already there after migrate) are loaded too.
    assert re.fullmatch(r"DocTypes: 1 created, \d+ updated, \d+ unchanged, 0 refused", sync())
    assert DocType.objects.filter(name="ToDo").exists()


def test_sync_without_arguments_loads_only_doctype_apps_when_set(db, tmp_path, monkeypatch, settings):
    write_json(tmp_path / "doctypes" / "todo" / "todo.json", json.loads(TODO_JSON.read_text()))
    monkeypatch.setattr(apps.get_app_config("testapp"), "path", str(tmp_path))
    settings.FRAPPE_API = {"DOCTYPE_APPS": ["testapp"]}

    assert sync() == "DocTypes: 1 created, 0 updated, 0 unchanged, 0 refused"
    assert DocType.objects.filter(name="ToDo").exists()


def test_sync_without_arguments_is_restricted_to_doctype_apps(db, tmp_path, monkeypatch, settings):
    write_json(tmp_path / "doctypes" / "todo.json", json.loads(TODO_JSON.read_text()))
    monkeypatch.setattr(apps.get_app_config("testapp"), "path", str(tmp_path))
    settings.FRAPPE_API = {"DOCTYPE_APPS": ["django_frappe_api"]}

    assert sync().startswith("DocTypes: 0 created, ")
    assert not DocType.objects.filter(name="ToDo").exists()


REFUSALS = [
    pytest.param(
        [{"fieldname": "status", "fieldtype": "Dropdown"}],
        "Fieldtype Dropdown in row 1 is not valid",
        id="unknown-fieldtype",
    ),
    pytest.param(
        [{"fieldname": "title", "fieldtype": "Data"}, {"fieldname": "title", "fieldtype": "Small Text"}],
        "Fieldname title appears multiple times in rows 1, 2",
        id="duplicate-fieldname",
    ),
    pytest.param(
        [{"fieldname": "name", "fieldtype": "Data"}],
        "Fieldname name is restricted (row 1)",
        id="reserved-name",
    ),
    pytest.param(
        [{"fieldname": "title", "fieldtype": "Data"}, {"fieldname": "owner", "fieldtype": "Data"}],
        "Fieldname owner is restricted (row 2)",
        id="reserved-owner",
    ),
    pytest.param(
        [{"fieldname": "docstatus", "fieldtype": "Int"}],
        "Fieldname docstatus is restricted (row 1)",
        id="reserved-docstatus",
    ),
    pytest.param(
        [{"fieldname": "customer", "label": "Customer", "fieldtype": "Link", "options": "Nowhere"}],
        "Options must be a valid DocType for field Customer in row 1",
        id="link-to-unknown-doctype",
    ),
]


@pytest.mark.parametrize(("fields", "message"), REFUSALS)
def test_sync_refuses_malformed_definition_naming_the_file(db, tmp_path, fields, message):
    path = write_json(tmp_path / "broken.json", doctype_json("Broken", fields))

    out, err, error = run_sync(path)

    assert out == "DocTypes: 0 created, 0 updated, 0 unchanged, 1 refused"
    assert err == f"refused: Broken ({path}):\n  - {message}"
    assert error == "1 DocType definition(s) refused, see above"
    assert not DocType.objects.filter(name="Broken").exists()


def test_sync_refusal_still_loads_the_valid_files(db, tmp_path):
    write_json(tmp_path / "a_good.json", doctype_json("Good", [{"fieldname": "title", "fieldtype": "Data"}]))
    bad = write_json(tmp_path / "b_bad.json", doctype_json("Bad", [{"fieldname": "x", "fieldtype": "Dropdown"}]))

    out, err, error = run_sync(tmp_path)

    assert out == "DocTypes: 1 created, 0 updated, 0 unchanged, 1 refused"
    assert err == f"refused: Bad ({bad}):\n  - Fieldtype Dropdown in row 1 is not valid"
    assert error is not None
    assert list(DocType.objects.filter(name__in=["Good", "Bad"]).values_list("name", flat=True)) == ["Good"]


def test_sync_refuses_invalid_json_naming_the_file(db, tmp_path):
    path = tmp_path / "todo.json"
    path.write_text('{"doctype": "DocType", "name": ', encoding="utf-8")

    out, err, error = run_sync(path)

    assert out == "DocTypes: 0 created, 0 updated, 0 unchanged, 1 refused"
    assert err.startswith(f"refused: ? ({path}):\n  - Expecting value: line 1")
    assert error == "1 DocType definition(s) refused, see above"


def test_sync_refuses_a_file_that_is_not_a_doctype(db, tmp_path):
    path = write_json(tmp_path / "todo_record.json", {"doctype": "ToDo", "name": "abc", "description": "x"})

    _, err, error = run_sync(path)

    assert err == f"refused: ? ({path}):\n  - not a DocType definition"
    assert error is not None


def test_sync_of_every_app_warns_about_no_property_of_this_apps_own_files(db):
    out, err = StringIO(), StringIO()

    call_command("frappe_api_sync_doctypes", stdout=out, stderr=err)

    assert "refused" not in err.getvalue()
    assert "version.json" not in err.getvalue()
