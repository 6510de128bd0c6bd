"""``definitions.validate_definition`` / ``save_definition``: what a DocType definition may not say.

Usage::

    pytest tests/test_definitions.py
"""

from __future__ import annotations

from typing import Any

import pytest

from django_frappe_api import exceptions
from django_frappe_api.definition_checks import check_definition
from django_frappe_api.definitions import save_definition, validate_definition
from django_frappe_api.models import DocType

from .factories import make_doctype


def definition(fields: list[dict[str, Any]], **properties: Any) -> dict[str, Any]:
    return {"name": "Gadget", "fields": fields, "permissions": [{"role": "System Manager"}], **properties}


FIELD_REFUSALS = [
    pytest.param([{"fieldname": "kind", "fieldtype": "Dropdown"}], "Fieldtype Dropdown in row 1 is not valid",
                 id="unknown-fieldtype"),
    pytest.param([{"fieldname": "title", "fieldtype": "Data"}, {"fieldname": "title", "fieldtype": "Text"}],
                 "Fieldname title appears multiple times in rows 1, 2", id="duplicate-fieldname"),
    pytest.param([{"fieldname": "name", "fieldtype": "Data"}], "Fieldname name is restricted (row 1)",
                 id="reserved-name"),
    pytest.param([{"fieldname": "owner", "fieldtype": "Data"}], "Fieldname owner is restricted (row 1)",
                 id="reserved-owner"),
    pytest.param([{"fieldname": "docstatus", "fieldtype": "Int"}], "Fieldname docstatus is restricted (row 1)",
                 id="reserved-docstatus"),
    pytest.param([{"fieldname": "Parent", "fieldtype": "Data"}], "Fieldname Parent is restricted (row 1)",
                 id="reserved-any-case"),
    pytest.param([{"fieldname": "bad name", "fieldtype": "Data"}],
                 "Fieldname bad name can only have letters, numbers and underscores (row 1)", id="fieldname-chars"),
    pytest.param([{"fieldtype": "Data", "label": "Title"}], "Fieldname is required in row 1", id="no-fieldname"),
    pytest.param([{"fieldname": "123", "fieldtype": "Data"}],
                 "Fieldname 123 can only have letters, numbers and underscores (row 1)", id="fieldname-all-digits"),
    pytest.param([{"fieldname": "title", "fieldtype": "Data", "permlevel": "high"}],
                 "permlevel in row 1 must be an integer, not text", id="permlevel-text"),
    pytest.param([{"fieldname": "title", "fieldtype": "Data", "label": ["Ti", "tle"]}],
                 "label in row 1 must be text, not a list", id="label-list"),
    pytest.param([{"fieldname": {"a": 1}, "fieldtype": "Data"}],
                 "fieldname in row 1 must be text, not an object", id="fieldname-object"),
    pytest.param([{"fieldname": "title", "fieldtype": "Data", "reqd": [1]}],
                 "reqd in row 1 must be an integer, not a list", id="flag-list"),
    pytest.param([{"fieldname": "maker", "label": "Maker", "fieldtype": "Link", "options": "Nowhere"}],
                 "Options must be a valid DocType for field Maker in row 1", id="link-to-unknown-doctype"),
    pytest.param([{"fieldname": "maker", "label": "Maker", "fieldtype": "Link"}],
                 "Options are required for Link field Maker", id="link-without-options"),
    pytest.param([{"fieldname": "parts", "label": "Parts", "fieldtype": "Table", "options": "Nowhere"}],
                 "Options must be a valid DocType for field Parts in row 1", id="table-to-unknown-doctype"),
    pytest.param([{"fieldname": "ref", "label": "Ref", "fieldtype": "Dynamic Link", "options": "ref_type"}],
                 "Options for Dynamic Link field Ref must name a field holding the DocType", id="dynamic-link"),
]


@pytest.mark.parametrize(("fields", "message"), FIELD_REFUSALS)
def test_validate_definition_refuses_bad_fields(db, fields, message):
    with pytest.raises(exceptions.ValidationError) as caught:
        validate_definition(definition(fields))

    assert caught.value.message == message


PROPERTY_REFUSALS = [
    pytest.param({"name": "9 Lives"}, "DocType name '9 Lives' is invalid", id="name-starts-with-digit"),
    pytest.param({"name": "A/B"}, "DocType name 'A/B' is invalid", id="name-with-slash"),
    pytest.param({"name": ""}, "DocType name '' is invalid", id="empty-name"),
    pytest.param({"name": "DocType"}, "DocType DocType is reserved", id="builtin-name"),
    pytest.param({"autoname": "field:serial"}, "Invalid fieldname 'serial' in autoname", id="autoname-field"),
    pytest.param({"title_field": "headline"}, "Title field must be a valid fieldname: headline", id="title-field"),
    pytest.param({"search_fields": "title, colour"}, "Search field colour is not valid", id="search-fields"),
    pytest.param({"sort_order": "sideways"}, "Sort order must be ASC or DESC", id="sort-order"),
    pytest.param({"fields": "title"}, "fields must be a list of objects", id="fields-not-a-list"),
    pytest.param({"fields": ["title"]}, "fields must be a list of objects", id="fields-not-objects"),
    pytest.param({"permissions": {"role": "All"}}, "permissions must be a list of objects", id="permissions-object"),
    pytest.param({"title_field": {"a": 1}}, "title_field must be text, not an object", id="title-field-object"),
    pytest.param({"search_fields": ["title"]}, "search_fields must be text, not a list", id="search-fields-list"),
    pytest.param({"istable": "yes"}, "istable must be an integer, not text", id="flag-text"),
    pytest.param({"links": "Customer"}, "links must be a list", id="links-not-a-list"),
    pytest.param({"permissions": [{"role": "All", "permlevel": 1.5}]},
                 "permlevel in permission row 1 must be an integer, not a number", id="docperm-permlevel-float"),
    pytest.param({"permissions": [{"role": "All", "read": {"x": 1}}]},
                 "read in permission row 1 must be an integer, not an object", id="docperm-right-object"),
    pytest.param({"name": "User"}, "DocType User is already served by the registered model auth.user",
                 id="registered-model-name"),
    pytest.param({"name": "Role"}, "DocType Role is already served by", id="builtin-role"),
    pytest.param({"permissions": [{"read": 1}]}, "Role is required in permission row 1", id="permission-role"),
]


@pytest.mark.parametrize(("properties", "message"), PROPERTY_REFUSALS)
def test_validate_definition_refuses_bad_properties(db, properties, message):
    with pytest.raises(exceptions.ValidationError) as caught:
        validate_definition({**definition([{"fieldname": "title", "fieldtype": "Data"}]), **properties})

    assert caught.value.message.startswith(message)


def test_validate_definition_refuses_what_is_not_an_object(db):
    with pytest.raises(exceptions.ValidationError) as caught:
        validate_definition(["Gadget"])

    assert caught.value.message == "DocType definition must be a JSON object"


def test_validate_definition_accepts_links_to_saved_known_and_own_doctypes(db):
    make_doctype("Maker", [{"fieldname": "title", "fieldtype": "Data"}])

    cleaned = validate_definition(definition([
        {"fieldname": "maker", "fieldtype": "Link", "options": "Maker"},
        {"fieldname": "parts", "fieldtype": "Table", "options": "Gadget Part"},
        {"fieldname": "spare_for", "fieldtype": "Link", "options": "Gadget"},
        {"fieldname": "ref_type", "fieldtype": "Link", "options": "Maker"},
        {"fieldname": "ref", "fieldtype": "Dynamic Link", "options": "ref_type"},
    ]), known_doctypes={"Gadget Part"})

    assert [(f["idx"], f["fieldname"]) for f in cleaned["fields"]] == [
        (1, "maker"), (2, "parts"), (3, "spare_for"), (4, "ref_type"), (5, "ref"),
    ]


def test_validate_definition_allows_layout_fields_without_fieldname(db):
    cleaned = validate_definition(definition([
        {"fieldtype": "Section Break", "label": "Main"},
        {"fieldname": "title", "fieldtype": "Data", "reqd": "1"},
    ]))

    assert cleaned["fields"][0]["fieldname"] == ""
    assert cleaned["fields"][1]["reqd"] == 1


def test_check_definition_reports_every_problem(db):
    cleaned, problems = check_definition({**definition([
        {"fieldname": "kind", "fieldtype": "Dropdown"},
        {"fieldname": "maker", "label": "Maker", "fieldtype": "Link", "options": "Nowhere"},
        {"fieldname": "kind", "fieldtype": "Data", "permlevel": []},
    ]), "title_field": {"a": 1}})

    assert cleaned is None
    assert problems == [
        "title_field must be text, not an object",
        "Fieldtype Dropdown in row 1 is not valid",
        "permlevel in row 3 must be an integer, not a list",
        "Fieldname kind appears multiple times in rows 1, 3",
        "Options must be a valid DocType for field Maker in row 2",
    ]


def test_validate_definition_accepts_what_frappe_files_use(db):
    cleaned = validate_definition(definition([
        {"fieldname": "party_type", "fieldtype": "Link", "options": "DocType"},
        {"fieldname": "party", "fieldtype": "Dynamic Link", "options": "party_type"},
        {"fieldname": "chart", "fieldtype": "Select"},
        {"fieldname": "2_add_edit_gl_entries", "fieldtype": "Button"},
        {"fieldname": "owner_user", "fieldtype": "Link", "options": "User"},
        {"fieldname": "company", "fieldtype": "Data", "default": ":Company", "permlevel": "1"},
    ]))

    assert [f["fieldname"] for f in cleaned["fields"]] == [
        "party_type", "party", "chart", "2_add_edit_gl_entries", "owner_user", "company",
    ]
    assert cleaned["fields"][5]["permlevel"] == 1


def test_save_definition_refusal_stores_nothing(db):
    with pytest.raises(exceptions.ValidationError):
        save_definition(definition([{"fieldname": "kind", "fieldtype": "Dropdown"}]))

    assert not DocType.objects.filter(name="Gadget").exists()


def test_save_definition_refusal_keeps_the_previous_version(db):
    make_doctype("Gadget", [{"fieldname": "title", "fieldtype": "Data"}])

    with pytest.raises(exceptions.ValidationError):
        save_definition(definition([{"fieldname": "title", "fieldtype": "Data"}, {"fieldname": "title"}]))

    assert list(DocType.objects.get(name="Gadget").fields.values_list("fieldname", flat=True)) == ["title"]


def test_save_definition_twice_leaves_the_row_unchanged(db):
    data = definition([{"fieldname": "title", "fieldtype": "Data", "reqd": 1}], actions=[], links=[], states=[])
    first = save_definition(data)

    second = save_definition(data)

    assert second.modified == first.modified
    assert list(second.fields.values_list("id", flat=True)) == list(first.fields.values_list("id", flat=True))


def test_save_definition_twice_without_actions_links_states_leaves_the_row_unchanged(db):
    first = save_definition(definition([{"fieldname": "title", "fieldtype": "Data", "reqd": 1}]))

    second = save_definition(definition([{"fieldname": "title", "fieldtype": "Data", "reqd": 1}]))

    assert second.modified == first.modified
    assert list(second.fields.values_list("id", flat=True)) == list(first.fields.values_list("id", flat=True))
