"""Every storage answers the whole ``DocumentBackend`` contract, so the document layer needs no branches."""

from __future__ import annotations

import pytest

from django_frappe_api.backends.base import DocumentBackend, ParentRowsBackend
from django_frappe_api.backends.generic import GenericBackend
from django_frappe_api.backends.orm.backend import OrmBackend

CONTRACT = sorted(name for name in vars(DocumentBackend) if not name.startswith("_") and callable(
    getattr(DocumentBackend, name)))


def test_contract_lists_the_link_and_rename_methods():
    assert {"linked_row", "rename", "replace_link", "get_list", "delete"} <= set(CONTRACT)


@pytest.mark.parametrize("backend_class", [GenericBackend, OrmBackend, ParentRowsBackend])
def test_backend_implements_every_contract_method(backend_class):
    missing = [name for name in CONTRACT if not callable(getattr(backend_class, name, None))]

    assert missing == []
