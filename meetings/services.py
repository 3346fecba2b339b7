"""Every write about meetings: planning, publishing, changing, cancelling, and RSVPs with the
waitlist. Members are told through the outbox."""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.notifications.services import chat_queue, notifications_queue
from meetings.models import Attendance, CalendarFeed, Meeting, MeetingStatus, Response, Rsvp, Topic
from members.models import Membership, User
from members.selectors import community_users

# Changes to these fields are news to members: calendars get a new SEQUENCE, members an update.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "place", "online_url")


def meeting_context(meeting: Meeting) -> dict[str, str]:
    local = timezone.localtime(meeting.starts_at)
    return {
        "title": meeting.title,
        "theme": meeting.theme,
        "when": local.strftime("%d-%m-%Y %H:%M") + "–" + timezone.localtime(meeting.ends_at).strftime("%H:%M"),  # noqa: RUF001 (an en dash between times)
        "where": meeting.place or meeting.online_url,
        "meeting_id": str(meeting.pk),
    }


def _current_members(meeting: Meeting) -> QuerySet[User]:
    return community_users(community_id=meeting.community_id)


def _audience(meeting: Meeting, *, excluding: tuple[str, ...] = (Response.DECLINED,)) -> list[User]:
    """The community's current members, less those whose answer to this meeting is in `excluding`."""
    answered = Rsvp.objects.filter(meeting=meeting, response__in=excluding).values("user_id")
    return list(_current_members(meeting).exclude(pk__in=answered))


def _tell(meeting: Meeting, kind: str, *, occasion: str, recipients: Iterable[User] | None = None) -> None:
    """Queues `kind` about the meeting; recipients who are no longer members are left out."""
    if recipients is not None:
        recipients = list(_current_members(meeting).filter(pk__in=[person.pk for person in recipients]))
    notifications_queue(
        recipients=_audience(meeting) if recipients is None else recipients,
        kind=kind,
        subject_object=meeting,
        occasion=occasion,
        community=meeting.community,
        context=meeting_context(meeting),
    )


def _going_count(meeting: Meeting) -> int:
    return meeting.rsvps.filter(response=Response.GOING).count()


def meeting_validate(meeting: Meeting) -> None:
    """The rules every plan must keep, with messages for the person planning."""
    errors = {}
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if meeting.pk and meeting.capacity is not None and meeting.capacity < (going := _going_count(meeting)):
        errors["capacity"] = _("%(going)d people are already going; the capacity cannot be lower.") % {"going": going}
    if meeting.status == MeetingStatus.PUBLISHED and meeting.starts_at and meeting.starts_at < timezone.now():
        errors["starts_at"] = _("A published meeting cannot start in the past.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_save(*, meeting: Meeting, created_by: User | None = None, fields: list[str] | None = None) -> Meeting:
    """Creates a draft, or saves the changed `fields` of a meeting. A published meeting whose
    time or place changed gets a higher SEQUENCE and its members an update (each version once);
    more places move the waitlist up."""
    if not meeting.pk:
        meeting.created_by = created_by
        meeting_validate(meeting)
        meeting.save()
        return meeting
    # Work from the locked row: a cancel or another edit may have happened since the form loaded.
    before = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if before.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    fields = fields or list(SCHEDULE_FIELDS)
    meeting.status = before.status
    meeting_validate(meeting)
    changed = before.status == MeetingStatus.PUBLISHED and any(
        getattr(before, field) != getattr(meeting, field) for field in SCHEDULE_FIELDS if field in fields
    )
    meeting.sequence = before.sequence + (1 if changed else 0)
    meeting.save(update_fields=[*fields, "sequence"])
    if changed:
        _tell(meeting, "meeting.updated", occasion=f"update-{meeting.sequence}")
    _promote(meeting)
    return meeting


@transaction.atomic
def meeting_publish(*, meeting: Meeting, announce: bool = True) -> Meeting:
    """Publishes a draft: members get an announcement with the calendar invite, the community's
    chat channel a post, and those who asked for a topic planned into it a "you asked, we planned
    it". (`announce=False` for a series' later meetings: agenda, subscription and reminder cover
    them, instead of a dozen e-mails at once.)"""
    if meeting.status != MeetingStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    meeting.status = MeetingStatus.PUBLISHED
    meeting_validate(meeting)
    meeting.published_at = timezone.now()
    meeting.save(update_fields=["status", "published_at"])
    for topic in meeting.topics.all():
        topic_askers_tell(topic=topic, meeting=meeting)
    if not announce:
        return meeting
    _tell(meeting, "meeting.announcement", occasion="published")
    chat_queue(
        community=meeting.community,
        kind="meeting.announcement",
        subject_object=meeting,
        occasion="published",
        context=meeting_context(meeting),
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting) -> Meeting:
    """Cancels the meeting; those who were told about it get a notice (calendars mark it cancelled)."""
    if meeting.status == MeetingStatus.CANCELLED:
        return meeting
    was_published = meeting.status == MeetingStatus.PUBLISHED
    meeting.status, meeting.cancelled_at = MeetingStatus.CANCELLED, timezone.now()
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancelled_at", "sequence"])
    if was_published:
        _tell(meeting, "meeting.cancelled", occasion="cancelled")
    return meeting


@transaction.atomic
def rsvp_set(*, meeting: Meeting, user: User, response: str) -> Rsvp:
    """Records a member's answer. Going to a full meeting puts them on the waitlist; a place that
    frees goes to the first in line, who is told."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.PUBLISHED or meeting.is_past:
        raise ValidationError(_("You can only answer for an upcoming, published meeting."))
    if response not in {Response.GOING, Response.MAYBE, Response.DECLINED}:
        raise ValidationError(_("Unknown answer."))
    if not _current_members(meeting).filter(pk=user.pk).exists():
        raise ValidationError(_("Only members of this community can answer."))
    rsvp = Rsvp.objects.filter(meeting=meeting, user=user).first() or Rsvp(meeting=meeting, user=user)
    rsvp.meeting = meeting  # at hand: the agenda's signal needs its community
    was_going = rsvp.response == Response.GOING
    if response == Response.GOING and not was_going:
        full = meeting.capacity is not None and _going_count(meeting) >= meeting.capacity
        response = Response.WAITLIST if full else Response.GOING
        if rsvp.response == Response.WAITLIST:
            # Asking again keeps one's place in line.
            return rsvp
    rsvp.response, rsvp.updated_at = response, timezone.now()
    rsvp.save()
    if was_going and response != Response.GOING:
        _promote(meeting)
    return rsvp


def _promote(meeting: Meeting) -> None:
    """Gives free places to those waiting, first come first served, and tells each of them."""
    while meeting.capacity is None or _going_count(meeting) < meeting.capacity:
        waiting = meeting.rsvps.filter(response=Response.WAITLIST).order_by("updated_at", "pk").select_related("user")
        first = waiting.first()
        if first is None:
            return
        first.response = Response.GOING
        first.save(update_fields=["response"])
        # Promoted again after leaving the line is news again: one message per promotion.
        _tell(
            meeting,
            "meeting.waitlist",
            occasion=f"promoted-{first.pk}-{timezone.now():%Y%m%dT%H%M%S%f}",
            recipients=[first.user],
        )


def meeting_reminders_queue(*, now: timezone.datetime | None = None) -> int:
    """Queues the reminder for every published meeting starting within MEETING_REMINDER_HOURS, to
    members who did not decline. The outbox key (meeting, start time) makes it at most once per
    member, however often this runs; a rescheduled meeting gets one for its new time."""
    now = now or timezone.now()
    soon = Meeting.objects.filter(
        status=MeetingStatus.PUBLISHED,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=settings.MEETING_REMINDER_HOURS),
    ).select_related("community")
    count = 0
    for meeting in soon:
        with transaction.atomic():
            # Not to those who declined, nor to those still waiting for a place.
            recipients = _audience(meeting, excluding=(Response.DECLINED, Response.WAITLIST))
            _tell(
                meeting, "meeting.reminder", occasion=f"reminder-{meeting.starts_at:%Y%m%dT%H%M}", recipients=recipients
            )
        count += 1
    return count


def calendar_feed_get(*, user: User) -> CalendarFeed:
    """The person's feed, created on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    return feed


def calendar_feed_revoke(*, user: User) -> CalendarFeed:
    """A new secret URL; the old one stops working."""
    feed = calendar_feed_get(user=user)
    feed.token, feed.created_at = secrets.token_urlsafe(32), timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


def _can_attend(meeting: Meeting, user: User) -> bool:
    return Membership.objects.current().filter(community_id=meeting.community_id, user=user).exists()


def attendance_set(*, meeting: Meeting, user: User, present: bool, by: User) -> bool:
    """Ticks a member present or not (the facilitator's or host's list). Returns the new state."""
    if meeting.status != MeetingStatus.PUBLISHED:
        raise ValidationError(_("Attendance is taken for published meetings only."))
    if present:
        if not _can_attend(meeting, user):
            raise ValidationError(_("Only members of this community can be ticked present."))
        Attendance.objects.get_or_create(meeting=meeting, user=user, defaults={"checked_in_by": by})
    else:
        Attendance.objects.filter(meeting=meeting, user=user).delete()
    return present


def checkin_code_show(*, meeting: Meeting) -> str:
    """The room's check-in code, made on first use."""
    if not meeting.checkin_code:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a screen
        meeting.checkin_code = "".join(secrets.choice(alphabet) for _ in range(6))
        meeting.save(update_fields=["checkin_code"])
    return meeting.checkin_code


def checkin(*, meeting: Meeting, user: User, code: str) -> None:
    """A member checks themselves in with the code shown in the room, on the day."""
    now = timezone.now()
    if not meeting.checkin_code or code.strip().upper() != meeting.checkin_code:
        raise ValidationError(_("That is not the code shown in the room."))
    if not (meeting.starts_at - timedelta(hours=1) <= now <= meeting.ends_at + timedelta(hours=1)):
        raise ValidationError(_("Checking in works only around the time of the meeting."))
    attendance_set(meeting=meeting, user=user, present=True, by=user)


@transaction.atomic
def meeting_notes_save(*, meeting: Meeting, notes: str, takeaways: str) -> Meeting:
    """Saves the notes and key takeaways after a meeting; the first time, those who were there are
    told (once: the outbox key is the meeting and the occasion)."""
    if not meeting.is_past or meeting.status != MeetingStatus.PUBLISHED:
        raise ValidationError(_("Notes are written after a meeting has taken place."))
    meeting.notes, meeting.takeaways = notes.strip(), takeaways.strip()
    meeting.save(update_fields=["notes", "takeaways"])
    if meeting.notes or meeting.takeaways:
        _tell(meeting, "meeting.notes", occasion="notes", recipients=User.objects.filter(attendance__meeting=meeting))
    return meeting


def topic_askers_tell(*, topic: Topic, meeting: Meeting) -> None:
    """ "You asked, we planned it": to current members who suggested or voted for the topic, once
    the meeting is published."""
    if meeting.status != MeetingStatus.PUBLISHED:
        return
    askers = User.objects.filter(Q(topic_votes__topic=topic) | Q(pk=topic.suggested_by_id)).distinct()
    notifications_queue(
        recipients=_current_members(meeting).filter(pk__in=askers.values("pk")),
        kind="topic.planned",
        subject_object=topic,
        occasion=f"meeting-{meeting.pk}",
        community=meeting.community,
        context={**meeting_context(meeting), "topic": topic.title},
    )
