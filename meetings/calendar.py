"""iCalendar (RFC 5545) for meetings: one event per meeting, the same UID for its whole life and
SEQUENCE counting the changes, so a calendar replaces the old version instead of adding one."""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from meetings.models import Meeting, MeetingStatus

PRODID = "-//Gilde//Communities of Practice//NL"


def uid(meeting: Meeting) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "gilde.localhost"
    return f"meeting-{meeting.pk}@{domain}"


def _event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", f"{meeting.community.name}: {meeting.title}")
    if location := meeting.place or meeting.online_url:
        event.add("location", location)
    description = "\n\n".join(part for part in (meeting.theme, meeting.agenda, meeting.online_url) if part)
    if description:
        event.add("description", description)
    event.add("url", settings.SITE_URL + reverse("meeting_detail", args=[meeting.pk]))
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", meeting.title)
        alarm.add("trigger", -timedelta(hours=1))
        event.add_component(alarm)
    return event


def calendar_bytes(meetings: list[Meeting], *, name: str = "Gilde") -> bytes:
    """A VCALENDAR with one VEVENT per meeting (meetings with their communities loaded)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    return calendar.to_ical()
