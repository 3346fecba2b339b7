"""iCalendar (RFC 5545) for meetings: one event per meeting, the same UID for its whole life and
SEQUENCE counting the changes, so a calendar replaces the old version instead of adding one."""

import functools
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event, vDatetime

from meetings.models import Meeting, MeetingStatus

PRODID = "-//Gilde//Communities of Practice//NL"


def uid(meeting: Meeting) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "gilde.localhost"
    return f"meeting-{meeting.pk}@{domain}"


class _Fields(NamedTuple):
    """Everything a meeting's event is made of: its cache key, so that an event is rendered again
    exactly when something it shows changed."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    description: str
    url: str
    cancelled: bool
    title: str


def _fields(meeting: Meeting) -> _Fields:
    return _Fields(
        uid=uid(meeting),
        sequence=meeting.sequence,
        starts_at=meeting.starts_at.astimezone(UTC),
        ends_at=meeting.ends_at.astimezone(UTC),
        summary=f"{meeting.community.name}: {meeting.title}",
        location=meeting.place or meeting.online_url,
        description="\n\n".join(part for part in (meeting.theme, meeting.agenda, meeting.online_url) if part),
        url=settings.SITE_URL + reverse("meeting_detail", args=[meeting.pk]),
        cancelled=meeting.status == MeetingStatus.CANCELLED,
        title=meeting.title,
    )


BEGIN_EVENT = b"BEGIN:VEVENT\r\n"
END_CALENDAR = b"END:VCALENDAR\r\n"


# A calendar feed holds some sixty events and icalendar takes about 0.3 ms to write each: a
# person's feed, rebuilt after one meeting of their communities changed, would write them all
# again (16 ms here). Each event is kept per process under what it is made of instead; only the
# changed one is written. 2,048 events of ordinary size (about 0.6 KB, kept twice: the key's text
# and the lines) make some 2.5 MB per process, more than a large organisation's meetings of the
# feed's window; an event with a long text (the agenda has no limit) is written each time
# instead, so that a few of them cannot fill the memory.
KEPT_EVENTS = 2048
KEPT_TEXT_CHARS = 4000


def _event_lines(fields: _Fields) -> bytes:
    """The event's lines after BEGIN:VEVENT, without DTSTAMP (the feed's own time, added per feed)."""
    if len(fields.description) > KEPT_TEXT_CHARS:
        return _written(fields)
    return _kept_event(fields)


def _written(fields: _Fields) -> bytes:
    event = Event()
    event.add("uid", fields.uid)
    event.add("sequence", fields.sequence)
    event.add("dtstart", fields.starts_at)
    event.add("dtend", fields.ends_at)
    event.add("summary", fields.summary)
    if fields.location:
        event.add("location", fields.location)
    if fields.description:
        event.add("description", fields.description)
    event.add("url", fields.url)
    event.add("status", "CANCELLED" if fields.cancelled else "CONFIRMED")
    if not fields.cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", fields.title)
        alarm.add("trigger", -timedelta(hours=1))
        event.add_component(alarm)
    lines = event.to_ical()
    assert lines.startswith(BEGIN_EVENT)  # noqa: S101 (icalendar's own output)
    return lines[len(BEGIN_EVENT) :]


_kept_event = functools.lru_cache(maxsize=KEPT_EVENTS)(_written)


def calendar_bytes(meetings: list[Meeting], *, name: str = "Gilde") -> bytes:
    """A VCALENDAR with one VEVENT per meeting (meetings with their communities loaded). DTSTAMP
    is when the calendar was written, as RFC 5545 asks of a calendar with a METHOD."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    head = calendar.to_ical()
    assert head.endswith(END_CALENDAR)  # noqa: S101 (icalendar's own output)
    stamp = BEGIN_EVENT + b"DTSTAMP:" + vDatetime(timezone.now().astimezone(UTC)).to_ical() + b"\r\n"
    events = b"".join(stamp + _event_lines(_fields(meeting)) for meeting in meetings)
    return head[: -len(END_CALENDAR)] + events + END_CALENDAR
