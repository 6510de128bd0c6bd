"""The admin in a real browser: Debian's Chromium, headless, driven by Selenium through the system chromedriver.

Usage::

    pytest tests/admin/test_browser.py
    FRAPPE_API_SCREENSHOTS=docs pytest tests/admin/test_browser.py     # also saves the README's screenshots

Skipped (with the reason) only when Chromium or chromedriver is not installed; ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from django_frappe_api import document
from django_frappe_api.models import Document

from ..factories import TODO_FIELDS, UserFactory, make_doctype
from .conftest import LINE_FIELDS, ORDER_FIELDS, RIGHTS

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,900")
TIMEOUT = 15  # seconds any one page or element may take


@pytest.fixture
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip(f"Chromium is not installed ({CHROMIUM}, {CHROMEDRIVER}: apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(TIMEOUT)
    driver.implicitly_wait(TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver: Any, name: str, height: int = 900) -> None:
    """Saved only when ``FRAPPE_API_SCREENSHOTS`` names a directory (the README's images)."""
    folder = os.environ.get("FRAPPE_API_SCREENSHOTS")
    if folder:
        driver.set_window_size(1280, height)
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(Path(folder) / name))
        driver.set_window_size(1280, 900)


def test_browser_adds_a_document_with_a_child_row_and_a_date_and_sees_it_listed(live_server, transactional_db,
                                                                                 browser):
    from selenium.webdriver.common.by import By

    make_doctype("ToDo", TODO_FIELDS, permissions=[{"role": "System Manager"}])
    make_doctype("Gadget Line", LINE_FIELDS, istable=1, module="Shop")
    make_doctype("Gadget Order", ORDER_FIELDS[:-1], module="Shop", is_submittable=1, autoname="GO-.####",
                 title_field="title", search_fields="notes", permissions=[{"role": "System Manager", **RIGHTS}])
    admin = UserFactory(username="Administrator", is_staff=True, is_superuser=True, password="admin")
    document.insert_doc("Gadget Order", {"title": "Anchors", "status": "Open", "due": "2026-01-15"}, user=admin)
    document.insert_doc("Gadget Order", {"title": "Bolts", "status": "Closed", "due": "2026-03-01",
                                         "lines": [{"item": "M8 bolt", "qty": 100}]}, user=admin)

    browser.get(f"{live_server.url}/admin/login/?next=/admin/")
    assert browser.find_elements(By.NAME, "username"), browser.page_source[:3000]
    browser.find_element(By.NAME, "username").send_keys("Administrator")
    browser.find_element(By.NAME, "password").send_keys("admin")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    browser.find_element(By.LINK_TEXT, "Gadget Order").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Select Gadget Order to change"

    browser.find_element(By.CSS_SELECTOR, ".object-tools a.addlink").click()
    browser.find_element(By.NAME, "title").send_keys("Cables")
    browser.find_element(By.NAME, "due").send_keys("2026-02-10")
    browser.find_element(By.NAME, "notes").send_keys("copper, 3 mm")
    browser.find_element(By.LINK_TEXT, "Add another Lines row").click()
    browser.find_element(By.NAME, "lines-0-item").send_keys("Copper cable")
    quantity = browser.find_element(By.NAME, "lines-0-qty")
    quantity.clear()  # it shows the default, 0
    quantity.send_keys("12")
    browser.find_element(By.NAME, "lines-0-delivery").send_keys("2026-02-12")
    screenshot(browser, "admin-form.png", height=1900)
    browser.find_element(By.NAME, "_save").click()

    assert browser.find_element(By.CSS_SELECTOR, ".messagelist .success").text.startswith("The Gadget Order")
    rows = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")]
    assert [row.split(" ")[:2] for row in rows] == [["GO-0003", "Cables"], ["GO-0002", "Bolts"],
                                                    ["GO-0001", "Anchors"]]
    assert "2026-02-10" in rows[0]
    screenshot(browser, "admin-changelist.png")
    saved = Document.objects.get(doctype_id="Gadget Order", name="GO-0003")
    assert saved.data["due"] == "2026-02-10"
    assert [(c.data["item"], c.data["qty"], c.data["delivery"]) for c in saved.children.all()] == [
        ("Copper cable", 12, "2026-02-12")
    ]
