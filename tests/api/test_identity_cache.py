"""Roles cached between requests follow every change of groups and memberships on the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.test import APIClient

from django_frappe_api import identity_cache
from django_frappe_api.models import ApiKey
from tests.factories import UserFactory, make_doctype

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(settings, tmp_path):
    """A cache shared between processes, as the README recommends: roles are cached only in one."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}

PATH = "/api/resource/Memo"


@pytest.fixture
def memo():
    make_doctype("Memo", [{"fieldname": "title", "fieldtype": "Data"}],
                 [{"role": "Memo Reader", "read": 1, "write": 0, "create": 0, "delete": 0}])


@pytest.fixture(params=["token", "session"])
def reader(request, memo):
    user = UserFactory(roles=["Memo Reader"])
    client = APIClient()
    if request.param == "token":
        api_key, secret = ApiKey.objects.issue(user)
        client.credentials(HTTP_AUTHORIZATION=f"token {api_key.api_key}:{secret}")
    else:
        client.force_login(user)
    return client, user


def test_a_removed_membership_is_seen_by_the_next_request(reader):
    client, user = reader
    assert client.get(PATH).status_code == 200
    assert client.get(PATH).status_code == 200  # answered from the cached roles
    user.groups.remove(Group.objects.get(name="Memo Reader"))
    assert client.get(PATH).status_code == 403
    Group.objects.get(name="Memo Reader").user_set.add(user)
    assert client.get(PATH).status_code == 200


def test_renamed_and_deleted_groups_are_seen_by_the_next_request(reader):
    client, _ = reader
    assert client.get(PATH).status_code == 200
    group = Group.objects.get(name="Memo Reader")
    group.name = "Former Readers"
    group.save()
    assert client.get(PATH).status_code == 403
    group.name = "Memo Reader"
    group.save()
    assert client.get(PATH).status_code == 200
    group.delete()
    assert client.get(PATH).status_code == 403


def test_a_change_made_by_another_process_is_seen_through_the_shared_stamp(reader):
    """Another process changed the rows and replaced the stamp in the shared cache: no local state is kept."""
    client, user = reader
    assert client.get(PATH).status_code == 200
    user.groups.through.objects.filter(user=user).delete()  # no signal here: as if done elsewhere
    assert client.get(PATH).status_code == 200  # this cache has not been told yet
    cache.set(identity_cache.STAMP_KEY, "changed-elsewhere", None)
    assert client.get(PATH).status_code == 403


def test_users_not_marked_by_authentication_are_read_from_the_database(memo, django_assert_num_queries):
    user = UserFactory(roles=["Memo Reader"])
    with django_assert_num_queries(1):
        assert identity_cache.group_names(user) == ("Memo Reader",)
