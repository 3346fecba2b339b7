"""Recurring series: the rule (dateutil's rrule, never date arithmetic by hand) and generating
their meetings ahead of time."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from meetings.models import Frequency, Meeting, MeetingSeries, MeetingStatus
from meetings.services import meeting_publish


def occurrences(series: MeetingSeries, *, until: date) -> list[datetime]:
    """The series' start times up to `until`, in the organisation's time zone (so 16:00 stays
    16:00 across daylight saving time)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    last = min(filter(None, [series.until, until]))
    start = datetime.combine(series.starts_on, series.start_time)
    if series.frequency == Frequency.MONTHLY:
        rule = rrule(MONTHLY, dtstart=start, byweekday=weekday(series.weekday, series.week_of_month))
    else:
        # Count the weeks from the first matching day on or after the first date, so "every other
        # Thursday" starts on the first Thursday, not on one in the week after.
        first = next(iter(rrule(WEEKLY, dtstart=start, byweekday=series.weekday, count=1)), None)
        if first is None:  # none before the calendar ends (year 9999)
            return []
        interval = 2 if series.frequency == Frequency.BIWEEKLY else 1
        rule = rrule(WEEKLY, dtstart=first, interval=interval, byweekday=series.weekday)
    end = datetime.combine(last, series.start_time)
    return [moment.replace(tzinfo=zone) for moment in rule.between(start, end, inc=True)]


def series_generate(*, series: MeetingSeries, horizon_days: int | None = None) -> list[Meeting]:
    """Creates (and publishes) the series' meetings up to the horizon that do not exist yet. A
    meeting moved or cancelled keeps its slot and is never created again."""
    horizon = timezone.localdate() + timedelta(days=horizon_days or settings.SERIES_HORIZON_DAYS)
    existing = set(series.meetings.values_list("series_slot", flat=True))
    duration = datetime.combine(date.min, series.end_time) - datetime.combine(date.min, series.start_time)
    created = []
    for slot in occurrences(series, until=horizon):
        if slot in existing or slot < timezone.now():
            continue
        try:
            with transaction.atomic():
                meeting = Meeting.objects.create(
                    community=series.community,
                    series=series,
                    series_slot=slot,
                    title=series.title,
                    format=series.format,
                    starts_at=slot,
                    ends_at=slot + duration,
                    place=series.place,
                    online_url=series.online_url,
                    agenda=series.agenda,
                    capacity=series.capacity,
                    created_by=series.created_by,
                    status=MeetingStatus.DRAFT,
                )
                # The series' first meeting is announced; later ones reach members through the agenda,
                # their calendar subscription and the reminder, not a dozen e-mails at once.
                meeting_publish(meeting=meeting, announce=not created and not existing)
        except IntegrityError:  # generated at the same moment by another run
            continue
        created.append(meeting)
    return created


def series_extend_all() -> int:
    """Daily: every running series of an active community generates meetings up to the horizon."""
    running = MeetingSeries.objects.filter(community__active=True).filter(
        Q(until__isnull=True) | Q(until__gte=timezone.localdate())
    )
    return sum(len(series_generate(series=series)) for series in running.select_related("community"))
