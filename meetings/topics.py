"""The topic backlog: suggesting, voting, merging, planning into a meeting, archiving."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.models import Community
from meetings.models import Meeting, MeetingStatus, Topic, TopicSource, TopicStatus, TopicVote
from meetings.services import topic_askers_tell
from members.models import User


@transaction.atomic
def topic_suggest(
    *, community: Community, title: str, by: User | None, description: str = "", source: str = TopicSource.MEMBER
) -> tuple[Topic, bool]:
    """Adds a topic to the backlog, or, when an open topic with the same title exists, counts the
    suggestion as a vote for it. Returns the topic and whether it is new."""
    title = " ".join(title.split())[:200]
    if not title:
        raise ValidationError(_("Give the topic a title."))
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


def backlog(*, community: Community, user: User) -> tuple[list[Topic], list[Topic]]:
    """Open topics by votes (most first), then age (oldest first), with whether the person voted;
    and planned topics with their meetings (two queries)."""
    mine = TopicVote.objects.filter(topic=OuterRef("pk"), user=user)
    topics = Topic.objects.filter(community=community).annotate(vote_count=Count("votes"), voted=Exists(mine))
    open_topics = list(
        topics.filter(status=TopicStatus.OPEN).select_related("suggested_by").order_by("-vote_count", "created_at")
    )
    planned = list(topics.filter(status=TopicStatus.PLANNED).select_related("meeting").order_by("-planned_at")[:20])
    return open_topics, planned
