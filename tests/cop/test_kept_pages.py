"""Whole pages kept per process (cop.kept_pages), as the survey's thank-you page is: the same page
as rendering it each time, each visitor with their own CSRF token and return address, rendered
each time for a signed-in person or with messages waiting."""

import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse

from cop import kept_pages
from feedback.links import invite_link
from feedback.models import SurveyInvite
from tests.factories import CommunityFactory
from tests.feedback.helpers import member, survey_with
from tests.feedback.helpers import path as link_path

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([^"]+)"')


def thanked(survey, language="nl", client=None, referer="http://testserver/elders/"):
    """An invitee's submit (every question left empty is fine: none is required here)."""
    client = client or Client(enforce_csrf_checks=False)
    invite = SurveyInvite.objects.create(survey=survey, user=member(survey.community, user__language=language))
    link = link_path(invite_link(invite))
    form = client.get(link)  # the CSRF cookie and token, as on a phone
    fields = dict(TOKEN.findall(form.text))
    token = {"csrfmiddlewaretoken": fields['name="csrfmiddlewaretoken" value="']}
    response = client.post(link, token, headers={"referer": referer})
    assert response.status_code == 200
    return response.text


def tokens(page):
    return {token for _field, token in TOKEN.findall(page)}


def without_tokens(page):
    return TOKEN.sub(r'\1"', page)


@pytest.fixture
def surveys():
    community = CommunityFactory()
    optional = [("rating", "Hoe waardevol was deze bijeenkomst?", [])]
    return survey_with(community, questions=optional), survey_with(community, questions=optional, anonymous=True)


def test_the_kept_thank_you_page_is_the_one_rendered_each_time(surveys, settings):
    visits = [(survey, language) for survey in surveys for language in ("nl", "en")]
    kept = [thanked(survey, language) for survey, language in visits]
    again = [thanked(survey, language) for survey, language in visits]  # from the kept pages
    assert len(kept_pages._pages) == 4
    settings.DEBUG = True  # rendered every time
    rendered = [thanked(survey, language) for survey, language in visits]
    assert [without_tokens(page) for page in again] == [without_tokens(page) for page in rendered]
    assert [without_tokens(page) for page in kept] == [without_tokens(page) for page in rendered]
    assert "Bedankt!" in again[0]
    assert "Thank you!" in again[1]
    assert "dezelfde link" in again[0]
    assert "dezelfde link" not in again[2]
    assert 'name="next" value="http://testserver/elders/"' in again[0]
    assert kept_pages.TOKEN not in again[0]
    assert kept_pages.NEXT not in again[0]


def test_each_visitor_gets_their_own_working_token_and_return_address(surveys):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (first, second):
        client.get(reverse("account_login"))  # the CSRF cookie, as the survey form sets it
    survey = surveys[0]
    pages = [
        thanked(survey, client=client, referer=f"http://testserver/{n}/?a=<b>")
        for n, client in enumerate((first, second))
    ]
    assert [len(tokens(page)) for page in pages] == [1, 1]
    assert tokens(pages[0]) != tokens(pages[1])
    assert 'name="next" value="http://testserver/1/?a=&lt;b&gt;"' in pages[1]
    [token] = tokens(pages[1])
    switched = second.post(reverse("language_set"), {"csrfmiddlewaretoken": token, "language": "en", "next": "/"})
    assert (switched.status_code, switched["Location"]) == (302, "/")
    refused = second.post(reverse("language_set"), {"csrfmiddlewaretoken": tokens(pages[0]).pop(), "language": "nl"})
    assert refused.status_code == 403  # the other visitor's token is not this one's
    assert len(kept_pages._pages) == 1


def test_a_new_title_is_a_new_page(surveys):
    survey = surveys[0]
    thanked(survey)
    survey.title = "Terugblik op de kick-off"
    survey.save(update_fields=["title"])
    assert "Terugblik op de kick-off" in thanked(survey)
    assert len(kept_pages._pages) == 2


def test_a_signed_in_person_sees_their_own_header(surveys):
    client = Client()
    person = member(surveys[0].community, user__language="nl")
    client.force_login(person)
    page = thanked(surveys[0], client=client)
    assert "Uitloggen" in page
    assert 'href="/agenda/"' in page
    assert kept_pages._pages == {}


def test_messages_waiting_are_shown_not_kept_away():
    request = RequestFactory().post("/s/x/")
    request.user, request.session = AnonymousUser(), SessionStore()
    request._messages = FallbackStorage(request)
    messages.info(request, "Je e-mailadres is bevestigd.")
    response = kept_pages.render_kept(request, "404.html", {}, ())
    assert "Je e-mailadres is bevestigd." in response.content.decode()
    assert kept_pages._pages == {}


def test_kept_pages_are_bounded(surveys, monkeypatch):
    monkeypatch.setattr(kept_pages, "KEPT", 1)
    thanked(surveys[0])
    thanked(surveys[1])
    assert len(kept_pages._pages) == 1
