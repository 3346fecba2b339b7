"""The topic backlog: suggesting, voting, merging, planning into a meeting, archiving."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cop.models import Community
from meetings.models import Meeting, MeetingStatus, Topic, TopicSource, TopicStatus, TopicVote
from meetings.selectors import plannable_meetings
from meetings.services import topic_askers_tell
from members.models import User

# Open topics per page of the backlog, and how many of the latest planned ones it shows below.
BACKLOG_PAGE = 25
PLANNED_SHOWN = 20


def _title_taken_in_turn(community: Community, title: str) -> None:
    """Suggestions of one title in one community take turns until their transactions end: two at
    once (interns answering a survey together) would each find no open topic and make one. A
    lock on the title, as the open-topic lookup compares it (upper case), not on the community.
    SQLite (embedded mode) runs one writing transaction at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended('topic:' || %s || ':' || UPPER(%s), 0))",
                [community.pk, title],
            )


@transaction.atomic
def topic_suggest(
    *, community: Community, title: str, by: User | None, description: str = "", source: str = TopicSource.MEMBER
) -> tuple[Topic, bool]:
    """Adds a topic to the backlog, or, when an open topic with the same title exists, counts the
    suggestion as a vote for it. Returns the topic and whether it is new."""
    title = " ".join(title.split())[:200]
    if not title:
        raise ValidationError(_("Give the topic a title."))
    _title_taken_in_turn(community, title)
    existing = Topic.objects.filter(community=community, status=TopicStatus.OPEN, title__iexact=title).first()
    if existing:
        if by is not None:
            TopicVote.objects.get_or_create(topic=existing, user=by)
        return existing, False
    topic = Topic.objects.create(
        community=community, title=title, description=description.strip(), source=source, suggested_by=by
    )
    if by is not None:
        TopicVote.objects.create(topic=topic, user=by)
    return topic, True


def topic_vote_toggle(*, topic: Topic, user: User) -> bool:
    """One vote per member, which they can withdraw. Returns whether they now vote for it."""
    if topic.status != TopicStatus.OPEN:
        raise ValidationError(_("You can vote on open topics only."))
    deleted, _rows = TopicVote.objects.filter(topic=topic, user=user).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            TopicVote.objects.create(topic=topic, user=user)
    except IntegrityError:  # a double click raced us: the vote is there
        pass
    return True


@transaction.atomic
def topic_merge(*, topic: Topic, into: Topic) -> Topic:
    """Merges a duplicate into another open topic of the same community; its voters keep a vote."""
    if topic.pk == into.pk or topic.community_id != into.community_id or into.status != TopicStatus.OPEN:
        raise ValidationError(_("Merge into another open topic of this community."))
    voters = TopicVote.objects.filter(topic=topic).exclude(user__topic_votes__topic=into).values_list("user", flat=True)
    TopicVote.objects.bulk_create([TopicVote(topic=into, user_id=user_id) for user_id in voters], ignore_conflicts=True)
    topic.status, topic.merged_into = TopicStatus.ARCHIVED, into
    topic.save(update_fields=["status", "merged_into"])
    return into


@transaction.atomic
def topic_plan(*, topic: Topic, meeting: Meeting) -> Topic:
    """Plans the topic into an upcoming meeting of its community. Whoever suggested or voted for
    it is told ("you asked, we planned it") when the meeting is published (at once if it is)."""
    if meeting.community_id != topic.community_id:
        raise ValidationError(_("Plan the topic into a meeting of its own community."))
    if meeting.status == MeetingStatus.CANCELLED or meeting.is_past:
        raise ValidationError(_("Plan the topic into an upcoming meeting."))
    topic.status, topic.meeting, topic.planned_at = TopicStatus.PLANNED, meeting, timezone.now()
    topic.save(update_fields=["status", "meeting", "planned_at"])
    topic_askers_tell(topic=topic, meeting=meeting)
    return topic


def topic_archive(*, topic: Topic) -> None:
    topic.status = TopicStatus.ARCHIVED
    topic.save(update_fields=["status"])


def _with_votes(topics: QuerySet[Topic], *, user: User) -> QuerySet[Topic]:
    """Each topic's number of votes and whether `user` voted, as subqueries on the vote index:
    counted per topic, not by joining every vote and grouping."""
    votes = TopicVote.objects.filter(topic=OuterRef("pk")).order_by().values("topic").annotate(n=Count("pk"))
    mine = TopicVote.objects.filter(topic=OuterRef("pk"), user=user)
    return topics.annotate(vote_count=Coalesce(Subquery(votes.values("n")), 0), voted=Exists(mine))


def backlog(*, community: Community, user: User, page: str | int = 1) -> tuple[Page, list[Topic]]:
    """One page of open topics by votes (most first), then age (oldest first), with whether the
    person voted; and the latest planned topics with their meetings. Four queries (how many are
    open, the page, its suggesters, the planned ones), whatever the size of the backlog; a page
    number that is not one, or past the end, gives the first or the last page."""
    open_topics = _with_votes(Topic.objects.filter(community=community, status=TopicStatus.OPEN), user=user)
    # Sorting by votes needs every open topic's count; the suggesters only the page's.
    open_topics = open_topics.prefetch_related("suggested_by").order_by("-vote_count", "created_at", "pk")
    # The latest planned ones are picked first and then joined to their meetings, so that only
    # those few are (not every meeting of the organisation, hashed).
    latest = Topic.objects.filter(community=community, status=TopicStatus.PLANNED).order_by("-planned_at")
    planned = (
        Topic.objects.filter(pk__in=Subquery(latest.values("pk")[:PLANNED_SHOWN]))
        .select_related("meeting")
        .only("title", "meeting__title", "meeting__starts_at")
        .order_by("-planned_at", "pk")
    )
    return Paginator(open_topics, BACKLOG_PAGE).get_page(page), list(planned)


def backlog_topic(*, community: Community, user: User, pk: int) -> Topic | None:
    """One open topic as the backlog shows it to `user` (one query)."""
    return _with_votes(Topic.objects.filter(community=community, status=TopicStatus.OPEN, pk=pk), user=user).first()


def merge_targets(*, topic: Topic) -> list[Topic]:
    """The open topics of the community that `topic` can be merged into, by title (one query)."""
    return list(
        Topic.objects.filter(community_id=topic.community_id, status=TopicStatus.OPEN)
        .exclude(pk=topic.pk)
        .only("title")
        .order_by("title", "pk")
    )


def plan_choices(*, community: Community, now: datetime) -> list[tuple[int, str]]:
    """(pk, "7 Dec · title") of the meetings a topic can be planned into (one query): labelled once
    here, since every topic of a backlog page offers the same ones."""
    return [
        (meeting.pk, f"{date_format(timezone.localtime(meeting.starts_at), 'j M')} · {meeting.title}")
        for meeting in plannable_meetings(community=community, now=now)
    ]
