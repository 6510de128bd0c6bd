"""Wrong JSON types in a DocType definition sent over REST are a 417 ValidationError, never a 500.

Usage::

    pytest tests/api/test_doctype_definition_types.py
"""

from __future__ import annotations

import pytest

from django_frappe_api.models import DocType
from tests.helpers import failure

BASE = {"name": "Gadget", "module": "Custom", "fields": [{"fieldname": "title", "fieldtype": "Data"}]}


@pytest.mark.parametrize(("change", "message"), [
    ({"title_field": {"a": 1}}, "title_field must be text, not an object"),
    ({"search_fields": ["title"]}, "search_fields must be text, not a list"),
    ({"fields": "title"}, "fields must be a list of objects"),
    ({"fields": [{"fieldname": "title", "fieldtype": "Data", "permlevel": "x"}]},
     "permlevel in row 1 must be an integer, not text"),
    ({"permissions": [{"role": "All", "write": [1]}]}, "write in permission row 1 must be an integer, not a list"),
    ({"name": "User"}, "DocType User is already served by the registered model auth.user; "
                       "a definition may not replace it"),
])
def test_create_with_wrong_types_is_refused(admin_client, api_url, change, message):
    response = admin_client.post(api_url("DocType"), {**BASE, **change}, format="json")

    assert failure(response) == (417, "ValidationError", [message])
    assert not DocType.objects.filter(name="Gadget").exists()


def test_update_with_wrong_types_is_refused_and_keeps_the_definition(admin_client, api_url):
    assert admin_client.post(api_url("DocType"), BASE, format="json").status_code == 200

    response = admin_client.put(api_url("DocType", "Gadget"), {"title_field": ["title"]}, format="json")

    assert failure(response) == (417, "ValidationError", ["title_field must be text, not a list"])
    assert DocType.objects.get(name="Gadget").title_field == ""
