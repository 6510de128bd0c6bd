"""``json_input.loads``: the bounds every client JSON is held to (depth, finite numbers, whole characters)."""

from __future__ import annotations

import pytest

from django_frappe_api import exceptions, json_input


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_nesting_up_to_the_limit_parses():
    value = json_input.loads(nested(json_input.MAX_DEPTH), "x")

    for _ in range(json_input.MAX_DEPTH - 1):
        value = value[0]
    assert value == []


@pytest.mark.parametrize("text", [nested(json_input.MAX_DEPTH + 1), '{"a":' * 101 + "1" + "}" * 101,
                                  "[" * 1_000_000])
def test_deeper_nesting_is_refused_without_parsing(text):
    with pytest.raises(exceptions.ValidationError, match="nested deeper than 100 levels"):
        json_input.loads(text, "x")


def test_brackets_inside_strings_do_not_count():
    text = '["' + "[" * 500 + '\\"{"]'

    assert json_input.loads(text, "x") == ["[" * 500 + '"{']


def test_many_shallow_structures_are_not_deep():
    text = "[" + ",".join(["[1]"] * 10_000) + "]"

    assert len(json_input.loads(text, "x")) == 10_000


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}', "1e400", "-1e400", "1" * 5000])
def test_numbers_json_has_no_word_for_are_refused(text):
    with pytest.raises(exceptions.ValidationError, match=r"^Invalid JSON in x$"):
        json_input.loads(text, "x")


@pytest.mark.parametrize("text", ['"\\udfff"', '"\\ud800x"', '{"\\udc00": 1}', '["a", ["\\ud83d"]]'])
def test_lone_surrogates_are_refused(text):
    with pytest.raises(exceptions.ValidationError, match="lone UTF-16 surrogate"):
        json_input.loads(text, "x")


def test_a_surrogate_pair_is_one_character():
    assert json_input.loads('"\\ud83d\\ude00"', "x") == "\U0001f600"


@pytest.mark.parametrize("text", [b"\xff\xfe\xfd", b'{"a": "\xff"}', "{", "[1,]", ""])
def test_text_that_is_not_json(text):
    with pytest.raises(exceptions.ValidationError, match=r"^Invalid JSON in x"):
        json_input.loads(text, "x")
    assert json_input.loads(text, "x", default="fallback") == "fallback"


def test_bounds_are_refused_even_with_a_default():
    with pytest.raises(exceptions.ValidationError):
        json_input.loads("[NaN]", "x", default=None)


def test_quote_repeats_the_start_of_the_text():
    with pytest.raises(exceptions.ValidationError, match=r"^Invalid JSON in fields: \[nope$"):
        json_input.loads("[nope", "fields", quote=True)
