import re
from datetime import timedelta
from unittest import mock

import pytest
import vobject
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from meetings.agenda import VERSION_KEY
from meetings.models import Meeting, Rsvp
from meetings.services import calendar_feed_get
from members.models import Membership, Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(slug="autotechniek", name="Autotechniek")


@pytest.mark.parametrize("count", [1, 6])
def test_agenda_runs_a_fixed_number_of_queries(client, community, django_assert_num_queries, count):
    person = MembershipFactory(community=community, role=Role.INTERN).user
    for n in range(count):
        meeting = MeetingFactory(community=community, starts_at=timezone.now() + timedelta(days=n + 1))
        Rsvp.objects.create(meeting=meeting, user=UserFactory(), response="going")
        MeetingFactory(community=community, starts_at=timezone.now() - timedelta(days=n + 1))
    MeetingFactory(title="Elders", community=CommunityFactory())  # another community's meeting
    MeetingFactory(title="Concept", community=community, status="draft")  # a draft: planners only
    client.force_login(person)
    # user, memberships, upcoming, past
    with django_assert_num_queries(4):
        page = client.get(reverse("agenda")).text
    assert page.count('class="card meeting-card') == 2 * count
    assert "Elders" not in page
    assert "Concept" not in page
    # Again: the lists come from the cache (user, memberships), read with their communities'
    # versions in one round trip to Redis, and nothing written back.
    with (
        django_assert_num_queries(2),
        mock.patch("meetings.agenda.cache", wraps=cache) as redis,
    ):
        again = client.get(reverse("agenda")).text
    assert [name for name, _args, _kwargs in redis.method_calls] == ["get_many"]
    assert re.findall(r'<li class="card meeting-card.*?</li>', again, re.S) == re.findall(
        r'<li class="card meeting-card.*?</li>', page, re.S
    )


def _going(page: str) -> list[str]:
    return re.findall(r"(\d+) (?:going|gaat|gaan)", page)


def test_cached_agenda_follows_every_change(client, community, django_capture_on_commit_callbacks):
    """The cached lists are rendered anew after each change that shows on them."""
    person = MembershipFactory(community=community, role=Role.INTERN).user
    meeting = MeetingFactory(
        community=community, title="Maandbijeenkomst", starts_at=timezone.now() + timedelta(days=3)
    )
    client.force_login(person)
    agenda = reverse("agenda")
    assert _going(client.get(agenda).text) == ["0"]
    with django_capture_on_commit_callbacks(execute=True):
        Rsvp.objects.create(meeting=meeting, user=UserFactory(), response="going")
    assert _going(client.get(agenda).text) == ["1"]
    with django_capture_on_commit_callbacks(execute=True):
        MeetingFactory(community=community, title="Koffiemoment", starts_at=timezone.now() + timedelta(days=5))
    assert "Koffiemoment" in client.get(agenda).text
    with django_capture_on_commit_callbacks(execute=True):
        community.name = "Autotechniek Noord"
        community.save()
    assert "Autotechniek Noord" in client.get(agenda).text
    with django_capture_on_commit_callbacks(execute=True):
        meeting.delete()
    assert "Maandbijeenkomst" not in client.get(agenda).text


def test_cached_agenda_is_per_person_role_and_language(client, community, django_capture_on_commit_callbacks):
    intern = MembershipFactory(community=community, role=Role.INTERN).user
    MeetingFactory(title="Concept", community=community, status="draft", starts_at=timezone.now() + timedelta(days=2))
    client.force_login(intern)
    assert "Concept" not in client.get(reverse("agenda")).text
    # Made facilitator: the draft shows (the memberships are part of the key, no signal needed).
    Membership.objects.filter(user=intern).update(role=Role.FACILITATOR)
    assert "Concept" in client.get(reverse("agenda")).text
    # Another person in the same role never gets someone else's lists: the first intern's
    # own answer ("You are going") is cached in theirs, and must not show in the other's.
    Membership.objects.filter(user=intern).update(role=Role.INTERN)
    with django_capture_on_commit_callbacks(execute=True):
        later = timezone.now() + timedelta(days=4)
        planned = MeetingFactory(community=community, title="Koffiemoment", starts_at=later)
        Rsvp.objects.create(meeting=planned, user=intern, response="going")
    assert "Je gaat" in client.get(reverse("agenda")).text
    client.force_login(MembershipFactory(community=community, role=Role.INTERN).user)
    other = client.get(reverse("agenda")).text
    assert "Koffiemoment" in other
    assert "Je gaat" not in other
    assert "You are going" not in other
    intern.language = "en"
    intern.save()
    client.force_login(intern)
    assert "Coming up" in client.get(reverse("agenda")).text


def test_cached_agenda_expires_when_the_first_meeting_ends(client, community, settings):
    person = MembershipFactory(community=community, role=Role.INTERN).user
    now = timezone.now()
    MeetingFactory(community=community, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(minutes=5))
    client.force_login(person)
    with mock.patch("meetings.agenda.cache.set", wraps=cache.set) as stored:
        client.get(reverse("agenda"))
    (_key, _html, seconds), _ = next(call for call in stored.call_args_list if call.args[0].startswith("agenda:"))
    assert 4 * 60 <= seconds <= 5 * 60  # not the default 600: it moves to the past then
    settings.AGENDA_CACHE_SECONDS = 60
    cache.clear()
    with mock.patch("meetings.agenda.cache.set", wraps=cache.set) as stored:
        client.get(reverse("agenda"))
    assert next(call for call in stored.call_args_list if call.args[0].startswith("agenda:")).args[2] == 60


@transaction.atomic
def _create_then_fail(community: object) -> None:
    MeetingFactory(community=community)
    raise RuntimeError


def test_a_rolled_back_change_keeps_the_cached_agenda(community):
    """The version changes only when the change is committed."""
    before = cache.get_many([VERSION_KEY.format(community.pk)])
    with pytest.raises(RuntimeError):
        _create_then_fail(community)
    assert cache.get_many([VERSION_KEY.format(community.pk)]) == before


@pytest.mark.parametrize("count", [1, 6])
def test_meeting_page_runs_a_fixed_number_of_queries(client, community, django_assert_num_queries, count):
    meeting = MeetingFactory(community=community)
    for _ in range(count):
        Rsvp.objects.create(meeting=meeting, user=MembershipFactory(community=community).user, response="going")
    client.force_login(MembershipFactory(community=community, role=Role.INTERN).user)
    # user, meeting with counts, standing, who is going
    with django_assert_num_queries(4):
        page = client.get(reverse("meeting_detail", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="nl").text
    assert f"{count} {'gaat' if count == 1 else 'gaan'}</h3>" in page


def test_rsvp_in_one_tap_with_htmx_returns_just_the_panel(client, community):
    meeting = MeetingFactory(community=community)
    person = MembershipFactory(community=community, role=Role.INTERN).user
    client.force_login(person)
    response = client.post(
        reverse("meeting_rsvp", args=[meeting.pk]), {"response": "going"}, headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<section id="rsvp-panel"')
    assert Rsvp.objects.get(meeting=meeting, user=person).response == "going"
    plain = client.post(reverse("meeting_rsvp", args=[meeting.pk]), {"response": "maybe"})
    assert plain.status_code == 302
    assert Rsvp.objects.get(meeting=meeting, user=person).response == "maybe"


def test_members_of_another_community_and_visitors_cannot_see_or_answer(client, community):
    meeting = MeetingFactory(community=community)
    outsider = MembershipFactory(role=Role.INTERN).user
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 302
    client.force_login(outsider)
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("meeting_rsvp", args=[meeting.pk]), {"response": "going"}).status_code == 403
    assert client.get(reverse("meeting_ics", args=[meeting.pk])).status_code == 403
    assert not Rsvp.objects.exists()


def test_only_planners_create_publish_and_cancel(client, community):
    intern = MembershipFactory(community=community, role=Role.INTERN).user
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    draft = MeetingFactory(community=community, status="draft")
    client.force_login(intern)
    assert client.get(reverse("meeting_detail", args=[draft.pk])).status_code == 404
    assert client.post(reverse("meeting_action", args=[draft.pk, "publish"])).status_code == 404
    assert client.get(reverse("meeting_create", args=[community.slug])).status_code == 403
    client.force_login(facilitator)
    client.post(reverse("meeting_action", args=[draft.pk, "publish"]))
    assert Meeting.objects.get(pk=draft.pk).status == "published"


def test_planning_a_meeting_with_clear_messages_and_nothing_saved_on_errors(client, community):
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    url = reverse("meeting_create", args=[community.slug])
    data = {
        "title": "Hoe geef je constructieve feedback?",
        "format": "monthly",
        "starts_at": "2027-02-02T16:00",
        "ends_at": "2027-02-02T15:00",
        "place": "Werkplaats",
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400
    assert "De bijeenkomst moet eindigen nadat hij begint." in response.text
    assert 'value="Hoe geef je constructieve feedback?"' in response.text
    assert not Meeting.objects.exists()
    response = client.post(url, {**data, "ends_at": "2027-02-02T17:30"})
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("meeting_detail", args=[meeting.pk])
    assert (meeting.status, timezone.localtime(meeting.starts_at).hour) == ("draft", 16)


def test_the_ics_download(client, community):
    meeting = MeetingFactory(community=community)
    client.force_login(MembershipFactory(community=community).user)
    response = client.get(reverse("meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="bijeenkomst-{meeting.pk}.ics"'
    assert b"BEGIN:VEVENT" in response.content


@pytest.mark.parametrize("count", [1, 5])
def test_the_personal_calendar_feed_needs_no_login_and_stops_when_replaced(
    client, community, django_assert_num_queries, count
):
    person = MembershipFactory(community=community, role=Role.INTERN).user
    for n in range(count):
        MeetingFactory(community=community, starts_at=timezone.now() + timedelta(days=n + 1))
    cancelled = MeetingFactory(community=community, status="cancelled", sequence=1)
    MeetingFactory(community=community, status="draft")
    MeetingFactory(community=CommunityFactory())  # not one of the person's communities
    client.force_login(person)
    page = client.get(reverse("calendar_subscription"))
    url = page.context["url"]
    client.logout()
    with django_assert_num_queries(3):  # feed with person, their communities, meetings
        feed = client.get(url)
    calendar = vobject.readOne(feed.content.decode())
    events = {event.uid.value: event for event in calendar.vevent_list}
    assert len(events) == count + 1
    assert events[f"meeting-{cancelled.pk}@127.0.0.1"].status.value == "CANCELLED"
    with django_assert_num_queries(2):  # again: the calendar comes from the cache
        assert client.get(url).content == feed.content
    client.force_login(person)
    client.post(reverse("calendar_subscription"))
    client.logout()
    assert client.get(url).status_code == 404


def test_the_cached_calendar_feed_follows_a_changed_meeting(client, community, django_capture_on_commit_callbacks):
    person = MembershipFactory(community=community, role=Role.INTERN).user
    meeting = MeetingFactory(
        community=community, title="Maandbijeenkomst", starts_at=timezone.now() + timedelta(days=2)
    )
    url = reverse("calendar_feed", args=[calendar_feed_get(user=person).token])
    assert b"Maandbijeenkomst" in client.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        meeting.title = "Workshop feedback geven"
        meeting.save()
    feed = client.get(url).content
    assert b"Workshop feedback geven" in feed
    assert b"Maandbijeenkomst" not in feed


def test_the_agenda_works_without_its_cache(client, community, django_capture_on_commit_callbacks):
    """Redis down: the lists are rendered on every request, and changes are saved as usual."""
    person = MembershipFactory(community=community, role=Role.INTERN).user
    meeting = MeetingFactory(
        community=community, title="Maandbijeenkomst", starts_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(person)
    broken = mock.Mock(
        **{f"{name}.side_effect": ConnectionError("Redis is down") for name in ("get", "get_many", "set", "set_many")}
    )
    with mock.patch("meetings.agenda.cache", broken):
        assert "Maandbijeenkomst" in client.get(reverse("agenda")).text
        with django_capture_on_commit_callbacks(execute=True):
            Rsvp.objects.create(meeting=meeting, user=UserFactory(), response="going")
        assert _going(client.get(reverse("agenda")).text) == ["1"]
    assert broken.set.call_count == 3  # tried: two pages and the version after the RSVP


def test_deleting_a_meeting_or_a_person_bumps_each_community_once(community, django_assert_max_num_queries):
    """A cascade of RSVPs does not look up each RSVP's community (the meeting's or the person's
    own signal covers it)."""
    meeting = MeetingFactory(community=community, starts_at=timezone.now() + timedelta(days=1))
    people = [MembershipFactory(community=community).user for _ in range(20)]
    for person in people:
        Rsvp.objects.create(meeting=meeting, user=person, response="going")
    other = MeetingFactory(community=community, starts_at=timezone.now() + timedelta(days=2))
    Rsvp.objects.create(meeting=other, user=people[0], response="going")
    with django_assert_max_num_queries(12):
        meeting.delete()
    assert not Rsvp.objects.filter(meeting_id=meeting.pk).exists()
    with transaction.atomic(), mock.patch("meetings.signals.agenda_changed") as changed:
        people[0].delete()  # the person's communities, found once
    assert [call.args for call in changed.call_args_list] == [(community.pk,)]
