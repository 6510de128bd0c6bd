"""How a created document gets its name over HTTP, for every autoname rule (§4.2, §9.4), v1 and v2."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_doctype
from tests.helpers import failure

pytestmark = pytest.mark.django_db

TITLE = [{"fieldname": "title", "label": "Title", "fieldtype": "Data"}]


def create(client, api_url, doctype: str, payload: dict):
    return client.post(api_url(doctype), payload, format="json")


def test_hash_names_are_ten_base32hex_characters_and_client_names_are_discarded(admin_client, api_url):
    make_doctype("Note", TITLE, autoname="hash")

    response = create(admin_client, api_url, "Note", {"name": "mine", "title": "x"})

    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-v]{10}", response.json()["data"]["name"])


def test_autoincrement_names_are_integers_in_order(admin_client, api_url):
    make_doctype("Log Entry", TITLE, autoname="autoincrement")

    names = [create(admin_client, api_url, "Log Entry", {"title": str(i), "name": 50}).json()["data"]["name"]
             for i in range(3)]
    read = admin_client.get(api_url("Log Entry", "2"))

    assert names == [1, 2, 3]
    assert (read.status_code, read.json()["data"]["name"], read.json()["data"]["title"]) == (200, 2, "1")


def test_autoincrement_names_are_integers_in_lists(admin_client, api_url):
    make_doctype("Log Entry", TITLE, autoname="autoincrement")
    for i in range(2):
        create(admin_client, api_url, "Log Entry", {"title": str(i)})

    listed = admin_client.get(api_url("Log Entry"), {"fields": '["name", "title"]', "order_by": "title asc"})

    assert listed.json()["data"] == [{"name": 1, "title": "0"}, {"name": 2, "title": "1"}]


def test_series_pattern_names_with_year_and_counter(admin_client, api_url, frozen_now):
    make_doctype("Job", TITLE, autoname="JOB-.YYYY.-.####")

    names = [create(admin_client, api_url, "Job", {"title": "x"}).json()["data"]["name"] for _ in range(2)]

    assert names == ["JOB-2024-0001", "JOB-2024-0002"]


def test_naming_series_field_picks_the_series(admin_client, api_url, frozen_now):
    make_doctype("Quote", [
        {"fieldname": "naming_series", "label": "Series", "fieldtype": "Select", "options": "QTN-.YYYY.-\nQX-.##"},
        *TITLE,
    ], autoname="naming_series:")

    default = create(admin_client, api_url, "Quote", {"title": "a"})
    chosen = create(admin_client, api_url, "Quote", {"title": "b", "naming_series": "QX-.##"})

    assert (default.json()["data"]["name"], default.json()["data"]["naming_series"]) == ("QTN-2024-00001",
                                                                                         "QTN-.YYYY.-")
    assert chosen.json()["data"]["name"] == "QX-01"


def test_field_rule_names_after_the_field(admin_client, api_url):
    make_doctype("Country", [{"fieldname": "country_name", "label": "Country Name", "fieldtype": "Data"}],
                 autoname="field:country_name")

    response = create(admin_client, api_url, "Country", {"country_name": " Peru ", "name": "ignored"})

    assert response.status_code == 200
    assert (response.json()["data"]["name"], response.json()["data"]["country_name"]) == ("Peru", " Peru ")


def test_field_rule_without_the_value_is_417(admin_client, api_url):
    make_doctype("Country", [{"fieldname": "country_name", "label": "Country Name", "fieldtype": "Data"}],
                 autoname="field:country_name")

    response = create(admin_client, api_url, "Country", {})

    assert failure(response) == (417, "ValidationError", ["Country Name is required"])


def test_field_rule_duplicate_is_409_duplicate_entry(admin_client, api_url):
    make_doctype("Country", [{"fieldname": "country_name", "label": "Country Name", "fieldtype": "Data"}],
                 autoname="field:country_name")
    create(admin_client, api_url, "Country", {"country_name": "Peru"})

    response = create(admin_client, api_url, "Country", {"country_name": "Peru"})

    assert failure(response) == (409, "DuplicateEntryError", ["Country <strong>Peru</strong> already exists"])


def test_format_rule_expands_fields_dates_and_counter(admin_client, api_url, frozen_now):
    make_doctype("Ticket", [{"fieldname": "team", "label": "Team", "fieldtype": "Data"}],
                 autoname="format:TKT-{team}-{YY}{MM}-{###}")

    names = [create(admin_client, api_url, "Ticket", {"team": team}).json()["data"]["name"]
             for team in ("ops", "ops", "dev")]

    assert names == ["TKT-ops-2405-001", "TKT-ops-2405-002", "TKT-dev-2405-001"]


def test_prompt_rule_takes_the_client_name_or_newname(admin_client, api_url):
    make_doctype("Project", TITLE, autoname="Prompt")

    by_name = create(admin_client, api_url, "Project", {"name": "Apollo"})
    by_newname = create(admin_client, api_url, "Project", {"__newname": "Gemini"})

    assert (by_name.json()["data"]["name"], by_newname.json()["data"]["name"]) == ("Apollo", "Gemini")


def test_prompt_rule_without_a_name_is_417(admin_client, api_url):
    make_doctype("Project", TITLE, autoname="Prompt")

    response = create(admin_client, api_url, "Project", {"title": "nameless"})

    assert failure(response) == (417, "ValidationError", ["Please set the document name"])


@pytest.mark.parametrize(("name", "status", "exc_type", "message"), [
    ("Project", 409, "NameError", "Name of Project cannot be Project"),
    ("a<b>", 409, "NameError", "Name cannot contain special characters like '<', '>'"),
    ("New Project 3", 409, "NameError", "There were some errors setting the name, please contact the administrator"),
])
def test_invalid_client_names_are_refused(admin_client, api_url, name, status, exc_type, message):
    make_doctype("Project", TITLE, autoname="Prompt")

    response = create(admin_client, api_url, "Project", {"name": name})

    assert failure(response) == (status, exc_type, [message])


def test_name_is_immutable_through_update(admin_client, api_url):
    make_doctype("Project", TITLE, autoname="Prompt")
    create(admin_client, api_url, "Project", {"name": "Apollo"})

    response = admin_client.put(api_url("Project", "Apollo"), {"name": "Other", "title": "t"}, format="json")

    assert (response.status_code, response.json()["data"]["name"]) == (200, "Apollo")
    assert admin_client.get(api_url("Project", "Other")).status_code == 404
