"""The v2 settings: ``BULK_ASYNC_THRESHOLD`` (int or dict by DocType) and ``COUNT_CAP``, and their checks."""

from __future__ import annotations

import pytest

from django_frappe_api import checks
from django_frappe_api.conf import api_settings


def test_defaults():
    assert (api_settings.bulk_async_threshold("ToDo"), api_settings.bulk_async_threshold(), api_settings.COUNT_CAP) \
        == (20, 20, 1000)


def test_threshold_by_doctype_with_a_star_for_cross_doctype_routes(settings):
    settings.FRAPPE_API = {"BULK_ASYNC_THRESHOLD": {"ToDo": 5, "*": 50}, "COUNT_CAP": 10}

    assert api_settings.bulk_async_threshold("ToDo") == 5
    assert api_settings.bulk_async_threshold("Note") == 20  # not listed: Frappe's default
    assert api_settings.bulk_async_threshold(None) == 50
    assert api_settings.COUNT_CAP == 10


@pytest.mark.parametrize("value", [-1, "20", 2.5, True, {"ToDo": -1}, {"ToDo": "5"}, {1: 5}])
def test_bad_threshold_is_e005(settings, value):
    settings.FRAPPE_API = {"BULK_ASYNC_THRESHOLD": value}

    assert [m.id for m in checks.check_settings(None)] == ["django_frappe_api.E005"]


@pytest.mark.parametrize("value", [0, 20, {"ToDo": 0, "*": 100}])
def test_good_threshold_passes(settings, value):
    settings.FRAPPE_API = {"BULK_ASYNC_THRESHOLD": value, "COUNT_CAP": 5}

    assert checks.check_settings(None) == []


@pytest.mark.parametrize("value", [0, -3, "1000"])
def test_bad_count_cap_is_e002(settings, value):
    settings.FRAPPE_API = {"COUNT_CAP": value}

    assert [m.id for m in checks.check_settings(None)] == ["django_frappe_api.E002"]


@pytest.mark.parametrize("value", [-1, "1000", 1.5, True])
def test_bad_count_timeout_is_e009(settings, value):
    settings.FRAPPE_API = {"COUNT_TIMEOUT_MS": value}

    assert [m.id for m in checks.check_settings(None)] == ["django_frappe_api.E009"]


@pytest.mark.parametrize(("value", "budget"), [(None, None), (0, None), (250, 250)])
def test_count_timeout_none_or_zero_means_no_budget(settings, value, budget):
    settings.FRAPPE_API = {"COUNT_TIMEOUT_MS": value}

    assert checks.check_settings(None) == []
    assert budget == api_settings.COUNT_TIMEOUT_MS
