"""MethodRegistry and ControllerRegistry on fresh instances (registration, aliases, errors, entries), and the
backend lookup the storages fill."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from django_frappe_api import exceptions, whitelist
from django_frappe_api.backends.base import get_backend, parent_rows_backend, whole_request_backend
from django_frappe_api.backends.doctype import DOCTYPE_META, doctype_backend
from django_frappe_api.controllers import DocumentController
from django_frappe_api.hooks import ControllerRegistry, whitelist_method
from django_frappe_api.meta import get_meta
from django_frappe_api.registry import MethodRegistry, WhitelistedMethod


def stock(item: str, warehouse: str = "") -> str:
    return item


def other() -> None:
    return None


def test_register_keys_by_dotted_path_and_aliases():
    registry = MethodRegistry()

    entry = registry.register(stock, aliases=["app.stock"], methods=["get"], allow_guest=True)

    assert entry.name == f"{__name__}.stock"
    assert entry.methods == ("GET",)
    assert [parameter.name for parameter in entry.parameters] == ["item", "warehouse"]
    assert registry.get("app.stock") is registry.get(entry.name) is entry
    assert registry.names() == [entry.name, "app.stock"]
    assert registry.entries() == [entry]


def test_a_name_taken_by_another_function_is_already_registered():
    registry = MethodRegistry()
    registry.register(stock, name="app.stock")

    registry.register(stock, name="app.stock")  # the same function again: harmless (module reloads)
    with pytest.raises(exceptions.AlreadyRegistered):
        registry.register(other, name="app.stock")
    with pytest.raises(exceptions.AlreadyRegistered):
        registry.register(other, name="app.other", aliases=["app.stock"])
    assert not registry.is_registered("app.other")


def test_unregister_drops_the_aliases_and_unknown_names_are_not_registered():
    registry = MethodRegistry()
    registry.register(stock, name="app.stock", aliases=["app.old_stock"])

    registry.unregister("app.old_stock")

    assert registry.names() == []
    with pytest.raises(exceptions.NotRegistered):
        registry.get("app.stock")
    with pytest.raises(exceptions.NotRegistered):
        registry.unregister("app.stock")
    assert issubclass(exceptions.NotRegistered, exceptions.RegistrationError)
    assert not issubclass(exceptions.RegistrationError, exceptions.FrappeError)  # never answered to a client


def test_whitelist_returns_the_function_unchanged_and_snapshots_restore():
    registry = MethodRegistry()
    snapshot = registry.snapshot()

    assert whitelist(name="app.stock", registry=registry)(stock) is stock
    assert whitelist(other, registry=registry) is other
    registry.restore(snapshot)

    assert registry.names() == []


class Memo(DocumentController):
    @whitelist_method(methods=["GET"], allow_guest=True)
    @staticmethod
    def count(status: str = "") -> int:
        return 0

    @classmethod
    @whitelist_method
    def kinds(cls) -> list:
        return []

    @whitelist_method
    def close(self) -> None:
        return None

    def validate(self) -> None:
        return None


def test_controller_functions_are_inspected_once_at_registration():
    registry = ControllerRegistry()
    registry.register("Memo", Memo)

    count = registry.function("Memo", "count")

    assert isinstance(count, WhitelistedMethod)
    assert count.name == f"{__name__}.Memo.count"
    assert (count.methods, count.allow_guest) == (("GET",), True)
    assert registry.function("Memo", "count") is count
    assert registry.function("Memo", "kinds").bind({"cls": 1}) == {}
    assert registry.function("Memo", "close") is None  # a document method, called on a document
    assert registry.function("Memo", "validate") is None
    assert [(name, static) for name, _, static in registry.whitelisted("Memo")] == [
        ("close", False), ("count", True), ("kinds", True),
    ]


def test_controller_registry_refuses_a_second_controller_and_restores_entries():
    registry = ControllerRegistry()
    registry.register("Memo", Memo)
    snapshot = registry.snapshot()

    with pytest.raises(exceptions.AlreadyRegistered):
        registry.register("Memo", type("Other", (DocumentController,), {}))
    registry.unregister("Memo")
    assert registry.function("Memo", "count") is None
    registry.restore(snapshot)

    assert registry.function("Memo", "count").name == f"{__name__}.Memo.count"


def test_a_storage_nobody_registered_is_not_registered():
    meta = SimpleNamespace(name="Ghost", backend="nowhere")

    with pytest.raises(exceptions.NotRegistered, match="No backend stores 'nowhere' DocTypes"):
        get_backend(meta)
    assert get_backend(SimpleNamespace(name="Has Role", backend="virtual")) is parent_rows_backend


@pytest.mark.django_db
def test_doctype_itself_is_served_whole_by_its_backend_and_unknown_to_get_meta():
    assert whole_request_backend("DocType") is doctype_backend is get_backend(DOCTYPE_META)
    assert whole_request_backend("ToDo") is None
    assert whole_request_backend(None) is None
    with pytest.raises(exceptions.DoesNotExistError, match="DocType DocType not found"):
        get_meta("DocType")
