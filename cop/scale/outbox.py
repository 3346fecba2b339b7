"""The outbox of a year: the rows the producers would have written (announcements and reminders
of meetings, survey invitations and reminders, successes, planned topics, weekly digests), keyed
as `cop.notifications.services` keys them, mostly sent; a few skipped (switched off), failed,
or waiting for a retry."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from cop.models import Notification, Success
from cop.models.notification import Channel, Status
from cop.scale.people import BATCH
from cop.scale.plan import World, apportion_capped
from feedback.models import Survey
from meetings.models import Meeting, MeetingStatus, Response, Topic, TopicStatus
from members.models import Role

# How the plan's rows are shared between kinds (a kind with too few people gives the rest away).
SHARES = {
    "meeting.announcement": 24,
    "meeting.reminder": 14,
    "meeting.cancelled": 1,
    "meeting.notes": 3,
    "survey.invitation": 28,
    "survey.reminder": 12,
    "success.shared": 10,
    "topic.planned": 4,
    "digest.weekly": 4,
}


class Group:
    """Messages of one kind about one thing, at one moment, to these people."""

    __slots__ = ("community_id", "context", "created", "kind", "occasion", "people", "subject")

    def __init__(self, kind: str, subject, occasion: str, created: datetime, people: list[int], **context) -> None:
        self.kind, self.subject, self.occasion, self.created = kind, subject, occasion, created
        self.people = list(dict.fromkeys(people))
        self.community_id = getattr(subject, "community_id", None)
        self.context = context


def _meeting_groups(world: World) -> list[Group]:
    groups = []
    for meeting in world.meetings:
        if meeting.status == MeetingStatus.DRAFT:
            continue
        answers = world.rsvps.get(meeting.pk, {})
        context = {"title": meeting.title, "starts": meeting.starts_at.isoformat(), "meeting_id": str(meeting.pk)}
        position = world.index[meeting.community_id]
        audience = [m.user_id for m in world.current(position, meeting.published_at)]
        audience = [user for user in audience if answers.get(user) != Response.DECLINED]
        groups.append(Group("meeting.announcement", meeting, "published", meeting.published_at, audience, **context))
        coming = [user for user, answer in answers.items() if answer != Response.DECLINED]
        if meeting.status == MeetingStatus.CANCELLED:
            groups.append(Group("meeting.cancelled", meeting, "cancelled", meeting.cancelled_at, coming, **context))
            continue
        remind = meeting.starts_at - timedelta(hours=settings.MEETING_REMINDER_HOURS)
        if remind <= world.now:
            occasion = f"reminder-{meeting.starts_at:%Y%m%dT%H%M}"
            groups.append(Group("meeting.reminder", meeting, occasion, remind, coming, **context))
        if meeting.notes:
            came = world.came.get(meeting.pk, [])
            groups.append(
                Group("meeting.notes", meeting, "notes", meeting.ends_at + timedelta(hours=20), came, **context)
            )
    return groups


def _survey_groups(world: World) -> list[Group]:
    groups = []
    for survey in world.surveys:
        invites = world.invites.get(survey.pk, [])
        context = {"title": survey.title, "anonymous": survey.anonymous, "closes_at": survey.closes_at.isoformat()}
        everyone = [invite.user_id for invite in invites]
        groups.append(Group("survey.invitation", survey, "invitation", survey.opens_at, everyone, **context))
        for step, day in enumerate(settings.SURVEY_REMINDER_DAYS, start=1):
            reminded = [invite.user_id for invite in invites if invite.reminders_sent >= step]
            moment = survey.opens_at + timedelta(days=day)
            groups.append(Group("survey.reminder", survey, f"reminder-{step}", moment, reminded, **context))
    return groups


def _other_groups(world: World) -> list[Group]:
    groups = []
    for success in world.successes:
        position = world.index[success.community_id]
        people = [m.user_id for m in world.current(position, success.created_at) if m.user_id != success.author_id]
        context = {"title": success.title, "value": success.value}
        groups.append(Group("success.shared", success, "shared", success.created_at, people, **context))
    for topic in world.topics:
        if topic.status == TopicStatus.PLANNED and topic.meeting_id:
            people = [*world.voters.get(topic.pk, []), *([topic.suggested_by_id] if topic.suggested_by_id else [])]
            context = {"title": topic.title, "meeting_id": str(topic.meeting_id)}
            groups.append(
                Group("topic.planned", topic, f"meeting-{topic.meeting_id}", topic.planned_at, people, **context)
            )
    managers = [user.pk for user in world.managers]
    monday = world.today - timedelta(days=world.today.weekday())
    for weeks in range(52):
        day = monday - timedelta(weeks=weeks)
        year, number, _weekday = day.isocalendar()
        moment = datetime.combine(day, time(7), tzinfo=world.zone)
        facilitators = [
            member.user_id
            for position in range(len(world.communities))
            for member in world.current(position, moment, Role.FACILITATOR)
        ]
        groups.append(Group("digest.weekly", None, f"{year}-W{number:02d}", moment, managers + facilitators))
    return groups


def outbox_build(world: World) -> None:
    rng = world.rng
    groups = _meeting_groups(world) + _survey_groups(world) + _other_groups(world)
    kinds = list(SHARES)
    capacity = [sum(len(g.people) for g in groups if g.kind == kind) for kind in kinds]
    quotas = dict(zip(kinds, apportion_capped(world.plan.notifications, list(SHARES.values()), capacity), strict=True))
    if sum(quotas.values()) < world.plan.notifications:
        world.shortfall["notifications"] = (sum(quotas.values()), world.plan.notifications)
    types = {model: ContentType.objects.get_for_model(model).pk for model in (Meeting, Survey, Topic, Success)}
    rows = []
    for kind in kinds:
        mine = [group for group in groups if group.kind == kind]
        counts = apportion_capped(quotas[kind], [len(g.people) for g in mine], [len(g.people) for g in mine])
        for group, count in zip(mine, counts, strict=True):
            subject_type = types[type(group.subject)] if group.subject is not None else None
            subject_id = group.subject.pk if group.subject is not None else None
            for user_id in rng.sample(group.people, count):
                rows.append(_row(world, group, user_id, subject_type, subject_id))
    Notification.objects.bulk_create(rows, batch_size=BATCH)


def _row(world: World, group: Group, user_id: int, subject_type: int | None, subject_id: int | None) -> Notification:
    rng = world.rng
    created = min(world.now, group.created + timedelta(seconds=rng.uniform(0, 120)))
    fate = rng.random()
    fields = {"status": Status.SENT, "attempts": 1, "claimed_at": created + timedelta(seconds=2)}
    fields["finished_at"] = created + timedelta(seconds=3)
    if fate < 0.03:
        fields = {"status": Status.SKIPPED, "last_error": "The recipient switched this kind of e-mail off."}
        fields["finished_at"] = None
    elif fate < 0.04:
        fields |= {"status": Status.FAILED, "last_error": "550 5.1.1 Mailbox unknown"}
    elif fate < 0.045 and created > world.days_ago(2):
        fields = {"status": Status.PENDING, "attempts": 2, "last_error": "451 4.3.0 Try again later"}
        fields["next_attempt_at"] = world.now + timedelta(minutes=rng.randint(1, 60))
    # The key as cop.notifications.services._key builds it: channel, addressee, kind, object, occasion.
    parts = (Channel.EMAIL, user_id, group.kind, subject_type, subject_id, group.occasion)
    return Notification(
        key=":".join("" if part is None else str(part) for part in parts),
        channel=Channel.EMAIL,
        kind=group.kind,
        recipient_id=user_id,
        community_id=group.community_id,
        subject_type_id=subject_type,
        subject_id=subject_id,
        occasion=group.occasion,
        context=group.context,
        created_at=created,
        next_attempt_at=fields.pop("next_attempt_at", created),
        **fields,
    )
