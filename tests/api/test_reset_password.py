"""``frappe.core.doctype.user.user.reset_password``: one answer for everyone, a working link by mail."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.helpers import decoded, error

pytestmark = pytest.mark.django_db

RESET = "frappe.core.doctype.user.user.reset_password"
SENT = {"message": "We've sent a password reset link to your email address. Please check your inbox and spam "
                   "folder. The link will expire in a few minutes.", "title": "Check Your Email"}
LINK = re.compile(r"http://testserver/accounts/reset/[^/\s]+/[^/\s]+/")


@pytest.fixture
def jane(db):
    return UserFactory(username="jane@example.com", first_name="Jane", last_name="Doe")


def reset(client: APIClient, user: str, prefix: str = "/api"):
    return client.post(f"{prefix}/method/{RESET}", {"user": user}, format="json")


def test_reset_password_mails_a_link_v1(jane):
    response = reset(APIClient(), "jane@example.com")

    assert (response.status_code, decoded(response)) == (200, {"_server_messages": [SENT]})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.subject, message.to) == ("Password Reset", ["jane@example.com"])
    assert message.body.startswith("Dear Jane,\n\nPlease click on the following link to set your new password:")
    assert LINK.search(message.body)


def test_reset_password_v2(jane):
    response = reset(APIClient(), "jane@example.com", "/api/v2")

    assert (response.status_code, response.json()) == (200, {"messages": [SENT]})
    assert len(mail.outbox) == 1


def test_the_link_sets_a_new_password(jane):
    reset(APIClient(), "jane@example.com")
    link = LINK.search(mail.outbox[0].body).group(0)
    browser = APIClient()

    form = browser.get(link)  # Django moves the token into the session and redirects to the form
    done = browser.post(form["Location"], urlencode({"new_password1": "Brand-new-pass-42",
                                                     "new_password2": "Brand-new-pass-42"}),
                        content_type="application/x-www-form-urlencoded")
    login = APIClient().post("/api/method/login", {"usr": "jane@example.com", "pwd": "Brand-new-pass-42"},
                             format="json")

    assert (form.status_code, done.status_code) == (302, 302)
    assert login.status_code == 200
    assert browser.get(link).status_code == 200  # the used link now shows Django's "invalid link" page
    jane.refresh_from_db()
    assert jane.check_password("Brand-new-pass-42")


def test_the_host_can_point_the_link_at_its_own_page(jane, settings):
    settings.FRAPPE_API = {"PASSWORD_RESET_URL": "https://app.example.com/reset?uid={uidb64}&token={token}"}

    reset(APIClient(), "jane@example.com")

    assert re.search(r"https://app\.example\.com/reset\?uid=\w+&token=[\w-]+\n", mail.outbox[0].body)


@pytest.mark.parametrize("who", ["nobody@example.com", "disabled@example.com", "Administrator", ""])
def test_unknown_disabled_and_administrator_get_the_same_answer_and_no_mail(db, who):
    UserFactory(username="disabled@example.com", is_active=False)
    UserFactory(username="Administrator", email="admin@example.com", is_superuser=True)

    response = reset(APIClient(), who)

    assert (response.status_code, decoded(response)) == (200, {"_server_messages": [SENT]})
    assert mail.outbox == []


def test_a_failing_mail_server_gets_the_same_answer(jane, settings):
    settings.EMAIL_BACKEND = "tests.testapp.mail.FailingBackend"

    response = reset(APIClient(), "jane@example.com")

    assert (response.status_code, decoded(response)) == (200, {"_server_messages": [SENT]})


def test_reset_password_is_post_only(jane):
    response = APIClient().get(f"/api/method/{RESET}", {"user": "jane@example.com"})

    assert response.status_code == 403
    assert decoded(response)["exc_type"] == "PermissionError"
    assert mail.outbox == []


def test_missing_user_argument_is_refused(db):
    response = APIClient().post(f"/api/method/{RESET}", {}, format="json")

    assert response.status_code == 417
    assert mail.outbox == []


def test_the_fourth_call_in_an_hour_is_rate_limited(jane):
    client = APIClient()
    answers = [reset(client, "jane@example.com").status_code for _ in range(3)]

    response = reset(client, "nobody@example.com")

    assert answers == [200, 200, 200]
    assert (response.status_code, decoded(response)) == (429, error(
        "RateLimitExceededError", "You hit the rate limit because of too many requests. Please try after sometime."
    ))
    assert len(mail.outbox) == 3


def test_rate_limit_can_be_turned_off(jane, settings):
    settings.FRAPPE_API = {"PASSWORD_RESET_LIMIT": 0}
    client = APIClient()

    assert [reset(client, "jane@example.com").status_code for _ in range(5)] == [200] * 5
