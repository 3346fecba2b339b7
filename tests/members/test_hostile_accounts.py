"""Hostile input on the account pages (django-allauth's forms as Gilde configures them: login,
login by code, password reset and change, e-mail addresses) and on a person's time zone in the
admin (tests/hostile.py)."""

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from members.models import User
from tests.factories import PASSWORD, UserFactory
from tests.hostile import (
    HOSTILE,
    assert_escaped,
    assert_rejected_cleanly,
    database_state,
    form_changes,
    languages,
    nasty_text,
    rolled_back,
)

pytestmark = pytest.mark.django_db

address = st.one_of(nasty_text, st.emails().map(str), st.just("zoe@example.org"))


@pytest.fixture
def zoe():
    return UserFactory(email="zoe@example.org")


VISITOR_FORMS = {
    "account_login": {"login": address, "password": nasty_text},
    "account_request_login_code": {"email": address},
    "account_reset_password": {"email": address},
}


@HOSTILE
@given(view=st.sampled_from(sorted(VISITOR_FORMS)), data=st.data(), language=languages)
def test_the_login_and_reset_forms_take_anything(client, zoe, view, data, language):
    changes = data.draw(form_changes(VISITOR_FORMS[view]), label="fields")
    cache.clear()  # allauth's rate limits: each example starts afresh
    client.logout()
    with rolled_back():
        before = database_state()
        response = client.post(reverse(view), changes, HTTP_ACCEPT_LANGUAGE=language)
        # 302: on to the code or "check your inbox" (the same whether the address is known or not).
        if response.status_code == 302:
            return
        assert response.status_code == 200
        assert_rejected_cleanly(response, before, language)
        assert_escaped(response.text)


MEMBER_FORMS = {
    "account_email": {"email": address, "action_add": st.just("")},
    "account_change_password": {"oldpassword": nasty_text, "password1": nasty_text, "password2": nasty_text},
}


@HOSTILE
@given(view=st.sampled_from(sorted(MEMBER_FORMS)), data=st.data(), language=languages)
def test_the_account_forms_take_anything(client, zoe, view, data, language):
    changes = data.draw(form_changes(MEMBER_FORMS[view], most=3), label="fields")
    cache.clear()
    with rolled_back():
        client.force_login(zoe)
        User.objects.filter(pk=zoe.pk).update(language=language)
        before = database_state()
        response = client.post(reverse(view), {"action_add": "", **changes} if view == "account_email" else changes)
        if response.status_code == 302:
            return
        assert response.status_code == 200
        assert_rejected_cleanly(response, before, language)
        assert_escaped(response.text)


def test_the_right_password_still_logs_in(client, zoe):
    response = client.post(reverse("account_login"), {"login": "zoe@example.org", "password": PASSWORD})
    assert response["Location"] == "/"


class _FormValues(HTMLParser):
    """The values a browser would send from the page's forms (inputs, selects, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") not in {"checkbox", "radio"} or "checked" in attrs:
                self.values[name] = attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data.lstrip("\n") if not self.values[self._textarea] else data


def _change_time_zone(client, person, zone: str):
    """The admin's change form for `person`, sent as it shows, with another time zone."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True, language="en"))
    url = reverse("admin:members_user_change", args=[person.pk])
    form = _FormValues()
    form.feed(client.get(url).text)
    return client.post(url, form.values | {"time_zone": zone})


def test_the_admin_takes_a_time_zone_that_exists(client, zoe):
    assert _change_time_zone(client, zoe, "Europe/London").status_code == 302
    assert User.objects.get(pk=zoe.pk).time_zone == "Europe/London"


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        ("Mars/Olympus_Mons", "Mars/Olympus_Mons is not a known time zone."),
        ("../../etc/localtime", "../../etc/localtime is not a known time zone."),
        ("UTC+1", "UTC+1 is not a known time zone."),
        ("Europe/Amsterdam\x00", "Null characters are not allowed."),
        ("", "This field is required."),
    ],
)
def test_the_admin_refuses_a_time_zone_that_does_not_exist(client, zoe, zone, message):
    """Every page a person opens reads their time zone (cop.middleware): one that does not exist
    would make each of them fail."""
    response = _change_time_zone(client, zoe, zone)
    assert response.status_code == 200
    assert message in response.text
    assert User.objects.get(pk=zoe.pk).time_zone == "Europe/Amsterdam"
