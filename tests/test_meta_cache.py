"""The Meta cache never serves a definition that was not committed, nor one stored under an old stamp."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from rest_framework.test import APIClient

from django_frappe_api import exceptions, identity_cache
from django_frappe_api import meta as meta_module
from django_frappe_api.backends import doctype as doctype_backend
from django_frappe_api.models import ApiKey, DocField
from tests.factories import UserFactory, make_doctype

pytestmark = pytest.mark.django_db

FIELDS = [{"fieldname": "title", "fieldtype": "Data", "label": "Title"}]


def test_an_entry_stored_under_an_older_stamp_is_read_anew():
    """A process that read the rows before a change landed may store them late: the new stamp refuses them."""
    make_doctype("Cached Memo", FIELDS)
    key = meta_module.CACHE_PREFIX + "Cached%20Memo"
    stale = meta_module.get_meta("Cached Memo")
    DocField.objects.filter(doctype_id="Cached Memo", fieldname="title").update(label="Heading")
    cache.set(meta_module.STAMP_PREFIX + "Cached%20Memo", "after-the-change")
    cache.set(key, ("before-the-change", stale))
    meta_module._process_metas.pop("Cached Memo", None)
    assert meta_module.get_meta("Cached Memo").get_field("title").label == "Heading"


def test_a_rolled_back_definition_change_leaves_no_meta_behind():
    make_doctype("Cached Memo", FIELDS)
    with transaction.atomic():
        make_doctype("Cached Memo", [{**FIELDS[0], "label": "Uncommitted"}])
        assert meta_module.get_meta("Cached Memo").get_field("title").label == "Uncommitted"
        transaction.set_rollback(True)
    meta_module.settle_pending(rolled_back=True)
    assert meta_module.get_meta("Cached Memo").get_field("title").label == "Title"


def test_a_request_that_fails_after_a_definition_change_rolls_the_meta_back(admin_user, monkeypatch):
    make_doctype("Cached Memo", FIELDS)
    client = APIClient()
    client.force_authenticate(admin_user)
    saved = doctype_backend.save_definition

    def save_then_fail(*args, **kwargs):  # the new Meta is read (and cached) before the request fails
        saved(*args, **kwargs)
        assert meta_module.get_meta("Cached Memo").get_field("title").label == "Uncommitted"
        raise exceptions.ValidationError("refused after the save")

    monkeypatch.setattr(doctype_backend, "save_definition", save_then_fail)
    body = {"fields": [{**FIELDS[0], "label": "Uncommitted"}], "permissions": [{"role": "System Manager"}]}
    assert client.put("/api/resource/DocType/Cached Memo", body, format="json").status_code == 417
    assert meta_module.get_meta("Cached Memo").get_field("title").label == "Title"


def test_roles_are_read_per_request_while_the_cache_is_private_to_the_process():
    """With the default LocMemCache other processes would not see a new stamp: a removed role must still stop."""
    make_doctype("Cached Memo", FIELDS, [{"role": "Memo Reader", "read": 1}])
    user = UserFactory(roles=["Memo Reader"])
    api_key, secret = ApiKey.objects.issue(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"token {api_key.api_key}:{secret}")
    assert identity_cache.current_stamp() is None
    assert client.get("/api/resource/Cached Memo").status_code == 200
    Group.objects.get(name="Memo Reader").user_set.remove(user)
    assert client.get("/api/resource/Cached Memo").status_code == 403
