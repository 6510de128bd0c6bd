"""Argument conversion of whitelisted functions (Frappe v15's lax typed parameters, §2.3): every value is
converted or refused with 417 ``FrappeTypeError``, never a 500."""

from __future__ import annotations

import pytest

from django_frappe_api import exceptions
from django_frappe_api.signature import Signature


def typed(n: int = 0, x: float = 0.0, flag: bool = False, text: str = "", items: list | None = None,
          mapping: dict | None = None, maybe: int | None = None):
    return locals()


@pytest.fixture
def entry():
    return Signature.of(typed)


@pytest.mark.parametrize(("name", "value", "converted"), [
    ("n", "5", 5), ("n", 5, 5), ("n", "5.0", 5), ("n", 7.0, 7), ("n", "-3", -3),
    ("x", "2.5", 2.5), ("x", 3, 3.0), ("x", "1e3", 1000.0),
    ("flag", "true", True), ("flag", "0", False), ("flag", "Yes", True), ("flag", "off", False), ("flag", 1, True),
    ("flag", 0.0, False), ("flag", True, True),
    ("text", "abc", "abc"), ("text", 12, "12"), ("text", 1.5, "1.5"),
    ("items", [1, "a"], [1, "a"]), ("mapping", {"a": 1}, {"a": 1}),
    ("maybe", None, None), ("maybe", "4", 4), ("maybe", 4, 4),
    ("n", None, None),  # None is passed through: the function's default logic decides
])
def test_good_values_are_converted(entry, name, value, converted):
    assert entry.bind({name: value})[name] == converted


@pytest.mark.parametrize(("name", "value", "expected", "got"), [
    ("n", "nan", "int", "str"), ("n", "inf", "int", "str"), ("n", "-inf", "int", "str"), ("n", "1e999", "int", "str"),
    ("n", "5.5", "int", "str"), ("n", "five", "int", "str"), ("n", 5.5, "int", "float"), ("n", [1], "int", "list"),
    ("n", {"a": 1}, "int", "dict"), ("n", True, "int", "bool"), ("n", float("nan"), "int", "float"),
    ("n", float("inf"), "int", "float"),
    ("x", "nan", "float", "str"), ("x", "inf", "float", "str"), ("x", "abc", "float", "str"),
    ("x", [], "float", "list"),
    ("flag", "maybe", "bool", "str"), ("flag", [True], "bool", "list"), ("flag", float("nan"), "bool", "float"),
    ("text", [1], "str", "list"), ("text", {"a": 1}, "str", "dict"), ("text", True, "str", "bool"),
    ("items", "[1, 2]", "list | NoneType", "str"), ("items", {"a": 1}, "list | NoneType", "dict"),
    ("items", 3, "list | NoneType", "int"),
    ("mapping", '{"a": 1}', "dict | NoneType", "str"), ("mapping", [1], "dict | NoneType", "list"),
    ("maybe", "nan", "int | NoneType", "str"), ("maybe", [], "int | NoneType", "list"),
])
def test_bad_values_are_417_frappe_type_error(entry, name, value, expected, got):
    with pytest.raises(exceptions.FrappeTypeError) as raised:
        entry.bind({name: value})

    assert raised.value.http_status_code == 417
    assert raised.value.message == f"Argument '{name}' should be of type '{expected}' but got '{got}' instead."


def test_unannotated_and_unknown_arguments(entry):
    def plain(a, b=1):
        return a, b

    plain_entry = Signature.of(plain)

    assert plain_entry.bind({"a": "nan", "b": [1], "c": 3}) == {"a": "nan", "b": [1]}
    assert entry.bind({"unknown": 1, "flags": {}, "ignore_permissions": 1}) == {}


def test_missing_arguments_are_417_naming_the_function():
    def needs(a, b, c=0, *, request=None):
        return a

    signature = Signature.of(needs)

    assert signature.wants_request
    bound = signature.bind({"a": 1, "b": 2}, "the request", name="app.needs")
    assert bound == {"a": 1, "b": 2, "request": "the request"}
    with pytest.raises(exceptions.FrappeTypeError) as raised:
        signature.bind({"c": 1, "request": "forged"}, name="app.needs")
    assert raised.value.message == "app.needs() missing required arguments: 'a', 'b'"
