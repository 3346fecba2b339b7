from datetime import timedelta

import pytest
import time_machine
import vobject
from django.core.exceptions import ValidationError
from django.utils import timezone

from cop.models import Notification
from cop.notifications.render import render_email
from meetings.calendar import KEPT_TEXT_CHARS, _kept_event, calendar_bytes
from meetings.models import Meeting, Response
from meetings.services import meeting_cancel, meeting_publish, meeting_reminders_queue, meeting_save, rsvp_set
from members.models import Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(name="Autotechniek")


def members(community, count, role=Role.INTERN):
    return [MembershipFactory(community=community, role=role).user for _ in range(count)]


def test_a_meeting_must_end_after_it_starts(community):
    start = timezone.now() + timedelta(days=1)
    meeting = Meeting(community=community, title="x", starts_at=start, ends_at=start)
    with pytest.raises(ValidationError) as error:
        meeting_save(meeting=meeting)
    assert error.value.message_dict == {"ends_at": ["The meeting must end after it starts."]}
    assert not Meeting.objects.exists()


def test_a_meeting_in_the_past_cannot_be_published(community):
    meeting = MeetingFactory(community=community, status="draft", starts_at=timezone.now() - timedelta(hours=3))
    with pytest.raises(ValidationError, match="cannot start in the past"):
        meeting_publish(meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).status == "draft"


def test_capacity_cannot_drop_below_those_going(community):
    meeting = MeetingFactory(community=community, capacity=5)
    for person in members(community, 3):
        rsvp_set(meeting=meeting, user=person, response="going")
    meeting.capacity = 2
    with pytest.raises(ValidationError) as error:
        meeting_save(meeting=meeting)
    assert error.value.message_dict == {"capacity": ["3 people are already going; the capacity cannot be lower."]}


def test_publishing_announces_to_members_once_with_the_calendar_invite(community):
    people = members(community, 3)
    MembershipFactory(role=Role.INTERN)  # another community's member
    meeting = MeetingFactory(community=community, status="draft")
    meeting_publish(meeting=meeting)
    rows = Notification.objects.filter(kind="meeting.announcement")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(person.pk for person in people)
    message = render_email(rows.first())
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("bijeenkomst.ics", "text/calendar; method=PUBLISH")
    text = content.decode() if isinstance(content, bytes) else content
    assert vobject.readOne(text).vevent.summary.value == f"Autotechniek: {meeting.title}"
    with pytest.raises(ValidationError):
        meeting_publish(meeting=meeting)  # published once only
    assert rows.count() == 3


def test_rescheduling_raises_the_sequence_and_tells_members_who_did_not_decline(community):
    going, declined = members(community, 2)
    meeting = MeetingFactory(community=community)
    rsvp_set(meeting=meeting, user=declined, response="declined")
    meeting.starts_at += timedelta(days=1)
    meeting.ends_at += timedelta(days=1)
    meeting_save(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert list(Notification.objects.filter(kind="meeting.updated").values_list("recipient", flat=True)) == [going.pk]
    meeting.agenda = "Nieuwe agenda"  # not a schedule change: no new version for calendars
    meeting_save(meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).sequence == 1


def test_cancelling_tells_members_and_marks_the_calendar_entry_cancelled(community):
    members(community, 2)
    meeting = MeetingFactory(community=community)
    meeting_cancel(meeting=meeting)
    meeting_cancel(meeting=meeting)
    assert Notification.objects.filter(kind="meeting.cancelled").count() == 2
    event = vobject.readOne(calendar_bytes([meeting]).decode()).vevent
    assert (event.status.value, event.sequence.value) == ("CANCELLED", "1")


def test_a_full_meeting_has_a_waitlist_that_moves_up_and_tells_the_person(community):
    first, second, third = members(community, 3)
    meeting = MeetingFactory(community=community, capacity=1)
    assert rsvp_set(meeting=meeting, user=first, response="going").response == Response.GOING
    assert rsvp_set(meeting=meeting, user=second, response="going").response == Response.WAITLIST
    assert rsvp_set(meeting=meeting, user=third, response="going").response == Response.WAITLIST
    rsvp_set(meeting=meeting, user=second, response="going")  # asking again keeps one's place
    rsvp_set(meeting=meeting, user=first, response="declined")
    states = dict(meeting.rsvps.values_list("user", "response"))
    assert states == {first.pk: "declined", second.pk: "going", third.pk: "waitlist"}
    assert list(Notification.objects.filter(kind="meeting.waitlist").values_list("recipient", flat=True)) == [second.pk]


def test_answers_are_closed_for_drafts_and_past_meetings(community):
    person = members(community, 1)[0]
    for meeting in (
        MeetingFactory(community=community, status="draft"),
        MeetingFactory(community=community, starts_at=timezone.now() - timedelta(days=2)),
    ):
        with pytest.raises(ValidationError, match="upcoming, published"):
            rsvp_set(meeting=meeting, user=person, response="going")


def test_reminders_go_once_to_members_who_did_not_decline(community):
    going, maybe, declined = members(community, 3)
    soon = MeetingFactory(community=community, starts_at=timezone.now() + timedelta(hours=5))
    MeetingFactory(community=community, starts_at=timezone.now() + timedelta(days=3))  # too early for a reminder
    rsvp_set(meeting=soon, user=maybe, response="maybe")
    rsvp_set(meeting=soon, user=declined, response="declined")
    assert meeting_reminders_queue() == 1
    assert meeting_reminders_queue() == 1
    recipients = Notification.objects.filter(kind="meeting.reminder").values_list("recipient", flat=True)
    assert sorted(recipients) == sorted([going.pk, maybe.pk])


def test_the_calendar_is_valid_rfc5545_with_a_stable_uid_and_an_alarm(community, settings):
    settings.SITE_URL = "https://gilde.example.org"
    meeting = MeetingFactory(community=community, title="Elektrische aandrijflijnen; deel 1, intro")
    first = vobject.readOne(calendar_bytes([meeting]).decode())
    meeting.starts_at += timedelta(hours=1)
    meeting.ends_at += timedelta(hours=1)
    meeting_save(meeting=meeting)
    second = vobject.readOne(calendar_bytes([meeting]).decode())
    assert first.vevent.uid.value == second.vevent.uid.value == f"meeting-{meeting.pk}@gilde.example.org"
    assert (first.vevent.sequence.value, second.vevent.sequence.value) == ("0", "1")
    assert second.vevent.summary.value == "Autotechniek: Elektrische aandrijflijnen; deel 1, intro"
    assert second.vevent.dtstart.value == meeting.starts_at.replace(microsecond=0)
    assert second.vevent.valarm.trigger.value == -timedelta(hours=1)
    assert first.prodid.value == "-//Gilde//Communities of Practice//NL"


def test_a_feed_writes_again_only_the_events_that_changed_and_shows_every_change(community):
    meetings = list(MeetingFactory.create_batch(3, community=community))
    _kept_event.cache_clear()
    calendar_bytes(meetings)
    assert (_kept_event.cache_info().hits, _kept_event.cache_info().misses) == (0, 3)

    meetings[1].agenda = "Nieuwe agenda"  # no new SEQUENCE, yet calendars must show it
    meeting_save(meeting=meetings[1], fields=["agenda"])
    meetings[1].refresh_from_db()
    events = vobject.readOne(calendar_bytes(meetings).decode()).vevent_list
    assert (_kept_event.cache_info().hits, _kept_event.cache_info().misses) == (2, 4)
    assert "Nieuwe agenda" in events[1].description.value

    community.name = "Autotechniek en mobiliteit"  # in every event's summary
    community.save()
    for meeting in meetings:
        meeting.refresh_from_db()
    events = vobject.readOne(calendar_bytes(meetings).decode()).vevent_list
    assert _kept_event.cache_info().misses == 7
    assert [event.summary.value.split(":")[0] for event in events] == ["Autotechniek en mobiliteit"] * 3


def test_an_event_with_a_long_agenda_is_written_each_time_not_kept(community):
    meeting = MeetingFactory(community=community, agenda="Stap voor stap. " * (KEPT_TEXT_CHARS // 16 + 1))
    _kept_event.cache_clear()
    first, second = (vobject.readOne(calendar_bytes([meeting]).decode()).vevent for _ in range(2))
    assert _kept_event.cache_info().currsize == 0
    assert first.description.value == second.description.value
    assert meeting.agenda.strip() in first.description.value


def test_every_event_of_a_feed_is_stamped_with_when_the_feed_was_written(community):
    meetings = list(MeetingFactory.create_batch(2, community=community))
    stamps = []
    for moment in ("2026-12-01 09:00:00Z", "2026-12-02 10:30:00Z"):
        with time_machine.travel(moment, tick=False):
            events = vobject.readOne(calendar_bytes(meetings).decode()).vevent_list
        stamps.append({event.dtstamp.value.isoformat() for event in events})
    assert stamps == [{"2026-12-01T09:00:00+00:00"}, {"2026-12-02T10:30:00+00:00"}]


def test_declining_another_meeting_does_not_hide_this_ones_update(community):
    person = members(community, 1)[0]
    other = MeetingFactory(community=community)
    rsvp_set(meeting=other, user=person, response="declined")
    meeting = MeetingFactory(community=community)
    rsvp_set(meeting=meeting, user=person, response="going")
    meeting.starts_at += timedelta(hours=2)
    meeting.ends_at += timedelta(hours=2)
    meeting_save(meeting=meeting)
    assert list(Notification.objects.filter(kind="meeting.updated").values_list("recipient", flat=True)) == [person.pk]


def test_more_places_move_everyone_waiting_up(community):
    people = members(community, 4)
    meeting = MeetingFactory(community=community, capacity=1)
    for person in people:
        rsvp_set(meeting=meeting, user=person, response="going")
    meeting.capacity = 3
    meeting_save(meeting=meeting, fields=["capacity"])
    assert sorted(meeting.rsvps.values_list("response", flat=True)) == ["going", "going", "going", "waitlist"]
    assert Notification.objects.filter(kind="meeting.waitlist").count() == 2


def test_reminders_skip_those_still_waiting_for_a_place(community):
    going, waiting = members(community, 2)
    meeting = MeetingFactory(community=community, capacity=1, starts_at=timezone.now() + timedelta(hours=3))
    rsvp_set(meeting=meeting, user=going, response="going")
    rsvp_set(meeting=meeting, user=waiting, response="going")
    meeting_reminders_queue()
    assert list(Notification.objects.filter(kind="meeting.reminder").values_list("recipient", flat=True)) == [going.pk]


def test_only_members_can_answer(community):
    meeting = MeetingFactory(community=community)
    with pytest.raises(ValidationError, match="Only members"):
        rsvp_set(meeting=meeting, user=MembershipFactory().user, response="going")
    assert not meeting.rsvps.exists()


def test_a_cancelled_meeting_cannot_be_edited(community):
    meeting = MeetingFactory(community=community)
    stale = Meeting.objects.get(pk=meeting.pk)
    meeting_cancel(meeting=meeting)
    stale.title = "Nieuwe titel"
    with pytest.raises(ValidationError, match="cancelled meeting cannot be changed"):
        meeting_save(meeting=stale, fields=["title"])
    assert Meeting.objects.get(pk=meeting.pk).status == "cancelled"
