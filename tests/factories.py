"""factory_boy factories and DocType helpers shared by the tests."""

from __future__ import annotations

import threading
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connections, transaction

from django_frappe_api import document, exceptions
from django_frappe_api.definitions import save_definition
from django_frappe_api.meta import Meta, get_meta


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.LazyAttribute(lambda user: user.username)
    first_name = "Test"
    last_name = "User"
    password = factory.django.Password("secret")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=role)[0])


def make_doctype(name: str, fields: list[dict[str, Any]], permissions: list[dict[str, Any]] | None = None,
                 **properties: Any) -> Meta:
    """Save a DocType definition (Frappe's JSON shape) and return its Meta."""
    if permissions is None:
        permissions = [{"role": "System Manager"}]
    save_definition({"name": name, "fields": fields, "permissions": permissions, **properties})
    return get_meta(name)


# A DocType with every kind of indexed field, and two that are never indexed.
INDEXED_FIELDS = [
    {"fieldname": "title", "fieldtype": "Data"},
    {"fieldname": "status", "fieldtype": "Select", "options": "Open\nClosed", "search_index": 1},
    {"fieldname": "qty", "fieldtype": "Int", "in_standard_filter": 1},
    {"fieldname": "code", "fieldtype": "Data", "unique": 1},
    {"fieldname": "notes", "fieldtype": "Text", "search_index": 1},  # long text: never indexed
    {"fieldname": "big", "fieldtype": "Long Int", "search_index": 1},  # would overflow the integer cast
]

TODO_FIELDS = [
    {"fieldname": "status", "label": "Status", "fieldtype": "Select", "options": "Open\nClosed\nCancelled",
     "default": "Open", "in_list_view": 1},
    {"fieldname": "priority", "label": "Priority", "fieldtype": "Select", "options": "High\nMedium\nLow",
     "default": "Medium"},
    {"fieldname": "date", "label": "Date", "fieldtype": "Date"},
    {"fieldname": "allocated_to", "label": "Allocated To", "fieldtype": "Data", "options": "Email"},
    {"fieldname": "description", "label": "Description", "fieldtype": "Text Editor", "reqd": 1},
    {"fieldname": "reference_type", "label": "Reference Type", "fieldtype": "Data"},
    {"fieldname": "reference_name", "label": "Reference Name", "fieldtype": "Data"},
]


def race_inserts(doctype: str, values: dict[str, Any], user: Any, *, writers: int = 4) -> list[str]:
    """``writers`` threads insert ``values`` (with their own title) at one instant, each in its own
    transaction and connection; the sorted outcomes, ``ok`` or ``unique`` (a ``UniqueValidationError``)."""
    start = threading.Barrier(writers)
    outcomes: list[str] = []

    def worker(n: int) -> None:
        try:
            start.wait()
            with transaction.atomic():
                document.insert_doc(doctype, {"title": str(n), **values}, user=user)
            outcomes.append("ok")
        except exceptions.UniqueValidationError:
            outcomes.append("unique")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)
