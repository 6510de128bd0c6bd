"""Frappe's and ERPNext's own DocType files (``tests/fixtures/frappe_doctypes``) load unchanged.

The 27 files are Company, Address, Contact, Party Type, Party Link and everything they link to
(Account, Cost Center, Warehouse, Currency, Country, Dynamic Link, ...), copied as they are from
frappe/frappe and frappe/erpnext (version 15). Usage::

    pytest tests/test_frappe_doctype_files.py
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from django_frappe_api import document
from django_frappe_api.meta import get_meta
from django_frappe_api.models import DocType, Document
from tests.test_sync_doctypes import run_sync

from .helpers import failure

FRAPPE_DOCTYPES = Path(__file__).parent / "fixtures" / "frappe_doctypes"
NAMES = sorted(json.loads(path.read_text())["name"] for path in FRAPPE_DOCTYPES.glob("*.json"))




def copy_in_order(target: Path, order: list[Path]) -> Path:
    """The fixture files renamed so that their names sort in ``order``."""
    target.mkdir(parents=True, exist_ok=True)
    for position, path in enumerate(order):
        shutil.copy(path, target / f"{position:03d}_{path.name}")
    return target


def test_every_file_loads_and_keeps_frappe_patterns(db):
    out, err, error = run_sync(FRAPPE_DOCTYPES)

    assert (out, error) == (f"DocTypes: {len(NAMES)} created, 0 updated, 0 unchanged, 0 refused", None)
    assert "refused" not in err
    assert sorted(DocType.objects.filter(name__in=NAMES).values_list("name", flat=True)) == NAMES
    dynamic = get_meta("Dynamic Link")
    assert (dynamic.get_field("link_doctype").fieldtype, dynamic.get_field("link_doctype").options) == (
        "Link", "DocType",
    )
    assert dynamic.get_field("link_name").options == "link_doctype"
    # Select without options (filled at run time in Frappe) is kept as it is.
    chart = get_meta("Company").get_field("chart_of_accounts")
    assert (chart.fieldtype, chart.options) == ("Select", "")


@pytest.mark.parametrize("order", ["sorted", "reversed", "children-last"])
def test_files_load_in_any_order(db, tmp_path, order):
    paths = sorted(FRAPPE_DOCTYPES.glob("*.json"))
    if order == "reversed":
        paths.reverse()
    elif order == "children-last":
        paths.sort(key=lambda p: bool(json.loads(p.read_text()).get("istable")))

    out, _, error = run_sync(copy_in_order(tmp_path / order, paths))

    assert (out, error) == (f"DocTypes: {len(NAMES)} created, 0 updated, 0 unchanged, 0 refused", None)


def test_resync_of_unchanged_files_changes_nothing(db):
    run_sync(FRAPPE_DOCTYPES)
    modified = dict(DocType.objects.values_list("name", "modified"))

    out, _, error = run_sync(FRAPPE_DOCTYPES)

    assert (out, error) == (f"DocTypes: 0 created, 0 updated, {len(NAMES)} unchanged, 0 refused", None)
    assert dict(DocType.objects.values_list("name", "modified")) == modified


def test_a_file_is_the_whole_definition(db, tmp_path):
    currency = json.loads((FRAPPE_DOCTYPES / "currency.json").read_text())
    edited = {**currency, "title_field": "symbol", "quick_entry": 1}
    (tmp_path / "currency.json").write_text(json.dumps(edited))
    run_sync(tmp_path / "currency.json")

    out, _, _ = run_sync(FRAPPE_DOCTYPES / "currency.json")
    again, _, _ = run_sync(FRAPPE_DOCTYPES / "currency.json")

    assert out == "DocTypes: 0 created, 1 updated, 0 unchanged, 0 refused"
    assert again == "DocTypes: 0 created, 0 updated, 1 unchanged, 0 refused"
    row = DocType.objects.get(name="Currency")
    assert (row.title_field, row.quick_entry) == ("", False)


def test_warnings_name_properties_stored_but_not_acted_on(db):
    _, err, _ = run_sync(FRAPPE_DOCTYPES)

    assert (
        f"warning: Party Type ({FRAPPE_DOCTYPES / 'party_type.json'}): stored but not acted on: in_create"
    ) in err.splitlines()
    assert f"warning: Account ({FRAPPE_DOCTYPES / 'account.json'}): stored but not acted on: is_tree; " in err


def test_broken_files_are_all_reported_and_the_rest_loads(db, tmp_path):
    folder = copy_in_order(tmp_path / "batch", sorted(FRAPPE_DOCTYPES.glob("*.json")))
    party_type = next(folder.glob("*_party_type.json"))
    broken = json.loads(party_type.read_text())
    broken["fields"][0]["fieldtype"] = "Dropdown"
    broken["title_field"] = {"a": 1}
    party_type.write_text(json.dumps(broken))
    (folder / "900_gadget.json").write_text(json.dumps({"doctype": "DocType", "name": "Gadget", "fields": "title"}))
    (folder / "901_gadget_box.json").write_text(json.dumps({"doctype": "DocType", "name": "Gadget Box", "fields": [
        {"fieldname": "gadget", "fieldtype": "Link", "options": "Gadget"}]}))
    (folder / "902_user.json").write_text(json.dumps({"doctype": "DocType", "name": "User", "fields": []}))
    (folder / "903_truncated.json").write_text('{"doctype": "DocType", ')

    out, err, error = run_sync(folder)

    assert out == f"DocTypes: {len(NAMES) - 1} created, 0 updated, 0 unchanged, 5 refused"
    assert error == "5 DocType definition(s) refused, see above"
    refused = [line for line in err.splitlines() if not line.startswith("warning: ")]
    assert refused == [
        f"refused: ? ({folder / '903_truncated.json'}):",
        "  - Expecting property name enclosed in double quotes: line 1 column 24 (char 23)",
        f"refused: Party Type ({party_type}):",
        "  - title_field must be text, not an object",
        "  - Fieldtype Dropdown in row 1 is not valid",
        f"refused: Gadget ({folder / '900_gadget.json'}):",
        "  - fields must be a list of objects",
        f"refused: Gadget Box ({folder / '901_gadget_box.json'}):",
        "  - Links to Gadget, which is refused",
        f"refused: User ({folder / '902_user.json'}):",
        "  - DocType User is already served by the registered model auth.user; a definition may not replace it",
    ]
    assert not DocType.objects.filter(name__in=["Party Type", "Gadget", "Gadget Box", "User"]).exists()
    assert DocType.objects.filter(name="Company").exists()


def test_a_refused_link_target_refuses_what_links_to_it(db, tmp_path):
    folder = copy_in_order(tmp_path / "batch", sorted(FRAPPE_DOCTYPES.glob("*.json")))
    gender = next(folder.glob("*_gender.json"))
    broken = json.loads(gender.read_text())
    broken["fields"][0]["fieldtype"] = "Dropdown"
    gender.write_text(json.dumps(broken))

    out, err, _ = run_sync(folder)

    # Contact links to Gender, Company to Contact, and most of ERPNext's files to Company.
    assert out.endswith(" 11 refused")
    assert f"refused: Contact ({next(folder.glob('*_contact.json'))}):" in err.splitlines()
    assert "  - Links to Gender, which is refused" in err.splitlines()
    assert DocType.objects.filter(name="Address").exists()
    assert not DocType.objects.filter(name__in=["Gender", "Contact", "Company"]).exists()


@pytest.fixture
def frappe_doctypes(db):
    run_sync(FRAPPE_DOCTYPES)


def test_dynamic_link_over_http(admin_client, admin_user, api_url, frappe_doctypes):
    document.insert_doc("Country", {"country_name": "France"}, user=admin_user)
    document.insert_doc("Currency", {"currency_name": "EUR"}, user=admin_user)

    response = admin_client.post(api_url("Party Link"), {
        "primary_role": "Country", "primary_party": "France", "secondary_role": "Currency",
        "secondary_party": "EUR",
    }, format="json")

    assert response.status_code == 200, response.content
    body = response.json()["data"]
    assert {key: body[key] for key in ("primary_role", "primary_party", "secondary_role", "secondary_party")} == {
        "primary_role": "Country", "primary_party": "France", "secondary_role": "Currency", "secondary_party": "EUR",
    }
    read = admin_client.get(api_url("Party Link", body["name"])).json()["data"]
    assert read["primary_party"] == "France"


@pytest.mark.parametrize(("values", "message"), [
    ({"primary_role": "Nowhere", "primary_party": "France"},
     "Could not find Primary Role: Nowhere, Primary Party: France"),
    ({"primary_role": "Country", "primary_party": "Atlantis"}, "Could not find Primary Party: Atlantis"),
    ({"primary_role": "Currency", "primary_party": "France"}, "Could not find Primary Party: France"),
])
def test_dynamic_link_validates_against_the_doctype_it_names(admin_client, admin_user, api_url, frappe_doctypes,
                                                             values, message):
    document.insert_doc("Country", {"country_name": "France"}, user=admin_user)

    response = admin_client.post(api_url("Party Link"), values, format="json")

    assert failure(response) == (417, "LinkValidationError", [message])
    assert not Document.objects.filter(doctype_id="Party Link").exists()


def test_dynamic_link_child_rows_of_address(admin_client, admin_user, api_url, frappe_doctypes):
    document.insert_doc("Country", {"country_name": "France"}, user=admin_user)
    address = {"address_title": "HQ", "address_type": "Billing", "address_line1": "1 rue", "city": "Paris",
               "country": "France"}

    created = admin_client.post(api_url("Address"), {
        **address, "links": [{"link_doctype": "Country", "link_name": "France"}]}, format="json")
    refused = admin_client.post(api_url("Address"), {
        **address, "address_title": "Branch", "links": [{"link_doctype": "Country", "link_name": "Gone"}]},
        format="json")

    assert created.status_code == 200, created.content
    row = created.json()["data"]["links"][0]
    assert (row["link_doctype"], row["link_name"], row["doctype"], row["parentfield"]) == (
        "Country", "France", "Dynamic Link", "links",
    )
    assert failure(refused) == (417, "LinkValidationError", ["Could not find Row #1: Link Name: Gone"])


def journal_entry_like(tmp_path: Path) -> Path:
    """The two patterns of Journal Entry (too large to ship with all it links to) in a small file."""
    path = tmp_path / "ledger_entry.json"
    path.write_text(json.dumps({"doctype": "DocType", "name": "Ledger Entry", "module": "Accounts", "fields": [
        {"fieldname": "2_add_edit_gl_entries", "fieldtype": "Data", "label": "Add / Edit GL Entries"},
        {"fieldname": "company", "fieldtype": "Link", "options": "Company", "default": ":Company"},
        {"fieldname": "entry_type", "fieldtype": "Select"},
    ], "permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1}]}))
    return path


def test_leading_digit_fieldname_and_session_default_over_http(admin_client, api_url, frappe_doctypes, tmp_path):
    assert run_sync(journal_entry_like(tmp_path))[0] == "DocTypes: 1 created, 0 updated, 0 unchanged, 0 refused"

    created = admin_client.post(api_url("Ledger Entry"), {"2_add_edit_gl_entries": "x"}, format="json")
    listed = admin_client.get(api_url("Ledger Entry"), {
        "fields": json.dumps(["name", "2_add_edit_gl_entries"]),
        "filters": json.dumps([["2_add_edit_gl_entries", "=", "x"]])})

    assert created.status_code == 200, created.content
    body = created.json()["data"]
    # ":Company" names the user's default Company; there is none, so the field starts empty.
    assert (body["2_add_edit_gl_entries"], body.get("company"), body.get("entry_type")) == ("x", None, None)
    assert Document.objects.get(doctype_id="Ledger Entry").data.get("company") is None
    assert listed.json()["data"] == [{"name": body["name"], "2_add_edit_gl_entries": "x"}]
