"""django-allauth as configured for Gilde: e-mail login, login by code, mandatory verification,
no open sign-up, password reset, pages in Dutch and English."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from cop.models import Notification
from members.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password(client):
    user = UserFactory(email="intern@example.org")
    response = client.post(reverse("account_login"), {"login": "INTERN@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_password_is_rejected_with_a_message_in_dutch(client):
    UserFactory(email="intern@example.org")
    response = client.post(
        reverse("account_login"), {"login": "intern@example.org", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "Het door jou opgegeven e-mailadres en/of wachtwoord is niet correct." in response.text


@pytest.mark.django_db(transaction=True)
def test_unverified_email_cannot_log_in_and_gets_a_verification_mail(client, eager, mailoutbox):
    UserFactory(email="new@example.org", verified=False)
    response = client.post(reverse("account_login"), {"login": "new@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert SESSION_KEY not in client.session
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new@example.org"]


@pytest.mark.django_db(transaction=True)
def test_login_by_code_arrives_through_the_outbox(client, eager, mailoutbox):
    user = UserFactory(email="mentor@example.org")
    response = client.post(reverse("account_request_login_code"), {"email": "mentor@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mailoutbox[0].body, re.MULTILINE)
    assert code, mailoutbox[0].body
    code = code.group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_signup_is_closed(client):
    page = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="nl")
    assert "Gilde werkt alleen op uitnodiging" in page.text
    client.post(
        reverse("account_signup"),
        {"email": "self@example.org", "password1": "Xy7-long-pass", "password2": "Xy7-long-pass"},
    )
    assert not User.objects.filter(email="self@example.org").exists()


@pytest.mark.django_db(transaction=True)
def test_password_reset_sends_a_link_to_a_known_address(client, eager, mailoutbox):
    UserFactory(email="colleague@example.org", language="nl")
    response = client.post(reverse("account_reset_password"), {"email": "colleague@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert Notification.objects.get().status == "sent"


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [("nl", "Inloggen bij Gilde", "Mail mij een inlogcode"), ("en", "Log in to Gilde", "E-mail me a login code")],
)
def test_login_page_follows_the_browser_language(client, language, heading, button):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=language)
    assert f'<html lang="{language}">' in page.text
    assert heading in page.text
    assert button in page.text
    assert "sign up" not in page.text.lower()
