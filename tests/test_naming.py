"""``naming.py``: each autoname rule, series counters and the checks on a final name (§9.4)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from django_frappe_api import exceptions, naming
from django_frappe_api.models import Series
from tests.factories import make_doctype

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_2024_05_10(monkeypatch):
    instant = dt.datetime(2024, 5, 10, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant


def meta_with(autoname: str, fields: list | None = None, name: str = "Thing"):
    return make_doctype(name, fields or [{"fieldname": "title", "label": "Title", "fieldtype": "Data"}],
                        autoname=autoname)


def test_hash_name_is_ten_base32hex_characters_led_by_the_time(monkeypatch):
    monkeypatch.setattr(naming.time, "time", lambda: 1715342493.2)

    name = naming.make_hash_name()

    deciseconds = 17153424932
    prefix = "".join("0123456789abcdefghijklmnopqrstuv"[(deciseconds >> (5 * i)) & 31] for i in (3, 2, 1, 0))
    assert re.fullmatch(r"[0-9a-v]{10}", name)
    assert name[:4] == prefix


@pytest.mark.parametrize("autoname", ["", "hash", "Hash"])
def test_hash_rule_and_empty_autoname_give_hash_names(autoname):
    meta = meta_with(autoname)

    assert re.fullmatch(r"[0-9a-v]{10}", naming.make_name(meta, {"title": "x"}, client_name="mine"))


def test_series_pattern_counts_per_prefix_and_pads(on_2024_05_10):
    meta = meta_with("TASK-.YYYY.-.####")

    names = [naming.make_name(meta, {}) for _ in range(3)]

    assert names == ["TASK-2024-0001", "TASK-2024-0002", "TASK-2024-0003"]
    assert Series.objects.get(name="TASK-2024-").current == 3


def test_series_restarts_in_a_new_year(monkeypatch):
    meta = meta_with("TASK-.YYYY.-.####")
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2024, 12, 31, 12, tzinfo=dt.UTC))
    last_of_2024 = [naming.make_name(meta, {}) for _ in range(2)]
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC))

    assert last_of_2024 == ["TASK-2024-0001", "TASK-2024-0002"]
    assert naming.make_name(meta, {}) == "TASK-2025-0001"


def test_series_parts_dates_and_fields(on_2024_05_10):
    meta = meta_with("INV-.YY.-.MM.-.DD.-.{title}.-.customer.-.###", [
        {"fieldname": "title", "fieldtype": "Data"}, {"fieldname": "customer", "fieldtype": "Data"}])

    assert naming.make_name(meta, {"title": "T", "customer": "ACME"}) == "INV-24-05-10-T-ACME-001"


def test_series_without_hashes_gets_five_digits(on_2024_05_10):
    assert naming.make_series_name("PRE-", {}) == "PRE-"  # no counter part: literal
    meta = make_doctype("Numbered", [{"fieldname": "naming_series", "fieldtype": "Select", "options": "NUM-"}],
                        autoname="naming_series:")

    assert naming.make_name(meta, {}) == "NUM-00001"


def test_naming_series_field_value_wins_over_the_first_option(on_2024_05_10):
    meta = make_doctype("Order", [
        {"fieldname": "naming_series", "label": "Series", "fieldtype": "Select", "options": "\nSO-.YYYY.-\nSQ-.####"},
    ], autoname="naming_series:")

    first = naming.make_name(meta, {})
    chosen_doc = {"naming_series": "SQ-.####"}
    chosen = naming.make_name(meta, chosen_doc)

    assert (first, chosen) == ("SO-2024-00001", "SQ-0001")


def test_naming_series_without_any_value_is_mandatory():
    meta = make_doctype("Order", [{"fieldname": "naming_series", "fieldtype": "Data"}], autoname="naming_series:")

    with pytest.raises(exceptions.ValidationError, match=r"^Naming Series mandatory$"):
        naming.make_name(meta, {})


def test_series_with_special_characters_is_refused():
    meta = meta_with("X-<script>.####")

    with pytest.raises(exceptions.InvalidNamingSeriesError):
        naming.make_name(meta, {})


def test_format_rule_expands_dates_fields_and_counter(on_2024_05_10):
    meta = meta_with("format:LOG-{YYYY}{MM}-{title}-{#####}")

    names = [naming.make_name(meta, {"title": "web"}) for _ in range(2)]

    assert names == ["LOG-202405-web-00001", "LOG-202405-web-00002"]


def test_field_rule_uses_the_stripped_value():
    meta = meta_with("field:title")

    assert naming.make_name(meta, {"title": "  Alpha  "}, client_name="ignored") == "Alpha"


def test_field_rule_with_empty_value_names_the_label():
    meta = meta_with("field:title")

    with pytest.raises(exceptions.ValidationError, match=r"^Title is required$"):
        naming.make_name(meta, {"title": " "})


def test_prompt_rule_needs_a_client_name():
    meta = meta_with("Prompt")

    assert naming.make_name(meta, {}, client_name=" chosen ") == "chosen"
    assert naming.make_name(meta, {"__newname": "via newname"}) == "via newname"
    with pytest.raises(exceptions.ValidationError, match=r"^Please set the document name$"):
        naming.make_name(meta, {})


def test_autoincrement_discards_a_client_name_and_counts():
    meta = meta_with("autoincrement")

    assert [naming.make_name(meta, {}, client_name=99) for _ in range(2)] == [1, 2]


def test_autoincrement_honoured_client_name_advances_the_counter():
    meta = meta_with("autoincrement")

    assert naming.make_name(meta, {}, client_name=10, honour_client_name=True) == 10
    assert naming.make_name(meta, {}) == 11
    assert naming.make_name(meta, {}, client_name=5, honour_client_name=True) == 5
    assert naming.make_name(meta, {}) == 12


def test_next_series_value_starts_at_one_per_prefix():
    assert [naming.next_series_value("A-"), naming.next_series_value("B-"), naming.next_series_value("A-")] == [
        1, 1, 2]


@pytest.mark.parametrize(("name", "exc", "message"), [
    ("", exceptions.ValidationError, "No Name Specified for Thing"),
    ("   ", exceptions.ValidationError, "No Name Specified for Thing"),
    ("New Thing 1", exceptions.NameError,
     "There were some errors setting the name, please contact the administrator"),
    ("Thing", exceptions.NameError, "Name of Thing cannot be Thing"),
    ("a<b", exceptions.NameError, "Name cannot contain special characters like '<', '>'"),
    (7, exceptions.NameError, "Invalid name type (integer) for varchar name column: 7"),
])
def test_validate_name_refuses_like_frappe(name, exc, message):
    meta = meta_with("Prompt")

    with pytest.raises(exc) as raised:
        naming.validate_name(meta, name)
    assert raised.value.message == message


def test_validate_name_strips_whitespace():
    assert naming.validate_name(meta_with("Prompt"), "  padded ") == "padded"
