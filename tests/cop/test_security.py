"""Accounts and headers (issue 10): rate limits on every door that takes a secret, the same answer
whether an address has an account or not, error pages in the visitor's language that need no
database, and the security headers and cookie flags production sends."""

import json
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import OperationalError, connection
from django.urls import reverse

from cop.models import Notification
from tests.cop.test_settings import PRODUCTION, read_settings_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


# Rate limits -------------------------------------------------------------------------------------


def test_five_wrong_passwords_for_one_address_lock_it_for_a_while_even_with_the_right_one(client):
    UserFactory(email="intern@example.org")
    login = reverse("account_login")
    for _ in range(5):
        wrong = client.post(login, {"login": "intern@example.org", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="nl")
        assert "Het door jou opgegeven e-mailadres en/of wachtwoord is niet correct." in wrong.text
    right = client.post(login, {"login": "intern@example.org", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="nl")
    assert right.status_code == 200
    assert SESSION_KEY not in client.session
    assert "Te veel inlogpogingen. Probeer het later nogmaals." in right.text


def test_one_address_trying_many_logins_gets_a_429_page_in_its_language(client):
    login = reverse("account_login")
    statuses = [
        client.post(login, {"login": f"n{n}@example.org", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en").status_code
        for n in range(31)
    ]
    assert statuses == [200] * 30 + [429]
    blocked = client.post(login, {"login": "x@example.org", "password": "x"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert blocked.status_code == 429
    assert "<h1>Te veel pogingen</h1>" in blocked.text
    # Someone else, at another address, is not affected.
    other = client.post(login, {"login": "y@example.org", "password": "x"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


def test_login_codes_for_one_address_are_limited_to_three_a_minute(client):
    UserFactory(email="mentor@example.org")
    ask = reverse("account_request_login_code")
    for _ in range(3):
        client.cookies.clear()  # a fresh visitor each time: one session waits for its code instead
        assert client.post(ask, {"email": "mentor@example.org"}).status_code == 302
    client.cookies.clear()
    fourth = client.post(ask, {"email": "mentor@example.org"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert fourth.status_code == 200
    assert fourth.context["form"].errors == {"email": ["Te veel inlogpogingen. Probeer het later nogmaals."]}
    assert Notification.objects.filter(kind="account").count() == 3


def test_a_login_code_is_spent_after_three_wrong_guesses(client):
    UserFactory(email="mentor@example.org")
    client.post(reverse("account_request_login_code"), {"email": "mentor@example.org"})
    text = Notification.objects.get(kind="account").context["prerendered"]["text"]
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", text, re.MULTILINE).group(1)
    confirm = reverse("account_confirm_login_code")
    for _ in range(2):
        wrong = client.post(confirm, {"code": "AAAA-AAAA"}, HTTP_ACCEPT_LANGUAGE="nl")
        assert wrong.context["form"].errors == {"code": ["Ongeldige code."]}
    third = client.post(confirm, {"code": "AAAA-AAAA"})
    assert (third.status_code, third["Location"]) == (302, reverse("account_request_login_code"))
    # The right code no longer opens the account: a new one must be asked for.
    late = client.post(confirm, {"code": code})
    assert (late.status_code, late["Location"]) == (302, reverse("account_request_login_code"))
    assert SESSION_KEY not in client.session


def test_password_resets_for_one_address_are_limited(client):
    UserFactory(email="intern@example.org")
    reset = reverse("account_reset_password")
    statuses = [client.post(reset, {"email": "intern@example.org"}).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]


def test_a_calendar_feed_and_unsubscribe_links_are_guarded_like_survey_links(client, settings):
    settings.LINK_MISSES_ALLOWED = 2
    for name in ("calendar_feed", "notification_unsubscribe"):
        assert [client.get(reverse(name, args=[f"forged{n}"])).status_code for n in range(2)] == [404, 404]
        assert client.get(reverse(name, args=["forged9"])).status_code == 429


# No account enumeration --------------------------------------------------------------------------


def _shape(response) -> tuple[int, str]:
    return response.status_code, response.get("Location", "")


def test_password_reset_answers_the_same_for_a_member_and_a_stranger(client):
    UserFactory(email="intern@example.org")
    reset = reverse("account_reset_password")
    member = client.post(reset, {"email": "intern@example.org"})
    stranger = client.post(reset, {"email": "nobody@example.org"})
    assert _shape(member) == _shape(stranger) == (302, reverse("account_reset_password_done"))


def test_a_login_code_request_answers_the_same_for_a_member_and_a_stranger(client):
    UserFactory(email="intern@example.org")
    ask = reverse("account_request_login_code")
    member = client.post(ask, {"email": "intern@example.org"})
    client.cookies.clear()
    stranger = client.post(ask, {"email": "nobody@example.org"})
    assert _shape(member) == _shape(stranger) == (302, reverse("account_confirm_login_code"))


def test_a_wrong_password_and_an_unknown_address_get_the_same_message(client):
    UserFactory(email="intern@example.org")
    login = reverse("account_login")
    member = client.post(login, {"login": "intern@example.org", "password": "wrong"})
    stranger = client.post(login, {"login": "nobody@example.org", "password": "wrong"})
    assert member.status_code == stranger.status_code == 200
    assert member.context["form"].errors == stranger.context["form"].errors


# Error pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading"), [("nl", "<h1>Pagina niet gevonden</h1>"), ("en", "<h1>Page not found</h1>")]
)
def test_an_unknown_page_is_a_404_in_the_visitors_language(client, language, heading):
    response = client.get("/nergens/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert heading in response.text
    assert f'<html lang="{language}">' in response.text


def test_a_page_that_is_not_yours_is_a_403_with_our_page(client):
    client.force_login(UserFactory(language="nl"))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 403
    assert "<h1>Geen toegang</h1>" in response.text


def test_an_expired_form_says_so_in_the_visitors_language():
    from django.test import Client  # noqa: PLC0415

    checking = Client(enforce_csrf_checks=True)
    response = checking.post(reverse("account_login"), {"login": "a@example.org"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 403
    assert "<h1>Het formulier is verlopen</h1>" in response.text


def test_an_unreachable_database_is_a_503_that_needs_no_database(client):
    client.raise_request_exception = False
    client.force_login(UserFactory())

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):  # every query fails, the error page's too
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "<h1>Back in a moment</h1>" in response.text
    assert "Nothing was saved from this request" in response.text


def test_the_503_pages_language_switch_works_once_the_database_is_back():
    from django.test import Client  # noqa: PLC0415

    checking = Client(enforce_csrf_checks=True, raise_request_exception=False)
    checking.force_login(UserFactory(language="en"))

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        page = checking.get("/?week=2")
    assert page.status_code == 503
    assert '<input type="hidden" name="next" value="/?week=2">' in page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    form = {"csrfmiddlewaretoken": token, "language": "nl", "next": "/?week=2"}
    switched = checking.post(reverse("language_set"), form)
    assert (switched.status_code, switched["Location"]) == (302, "/?week=2")
    assert checking.get("/?week=2").text.count("<h1>Welkom") == 1


def test_any_other_error_is_a_500_page_without_details(client, monkeypatch):
    import cop.views  # noqa: PLC0415

    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(cop.views, "roles_for", broken)
    client.force_login(UserFactory(language="nl"))
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "<h1>Er ging iets mis</h1>" in response.text
    assert "secret detail" not in response.text


# Headers and cookies -----------------------------------------------------------------------------

PRODUCTION_PAGE = """
import json
from django.test import Client
response = Client().get("/health/live/", secure=True, headers={"host": "gilde.example.org"})
print(json.dumps({"status": response.status_code, "headers": dict(response.headers)}))
"""

COOKIE_FLAGS = """
import json
from django.conf import settings as s
print(json.dumps([
    [s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE],
    [s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE],
    [s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE],
    s.SECURE_SSL_REDIRECT,
]))
"""


def test_production_sends_the_security_headers_and_secure_cookies():
    page = json.loads(read_settings_code(PRODUCTION_PAGE, PRODUCTION))
    assert page["status"] == 200
    headers = page["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; "
        "upgrade-insecure-requests"
    )
    cookies = [True, True, "Lax"]
    assert json.loads(read_settings_code(COOKIE_FLAGS, PRODUCTION)) == [cookies, cookies, cookies, True]


def test_every_page_forbids_inline_script_and_framing(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
