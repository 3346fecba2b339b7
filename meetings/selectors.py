from datetime import datetime

from django.db.models import Case, Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, When

from cop.models import Community
from meetings.models import Attendance, Meeting, MeetingStatus, Response, Rsvp
from members.models import Membership, Role, User


def _with_counts(meetings: QuerySet[Meeting], user: User, *, host: bool = True) -> QuerySet[Meeting]:
    mine = Rsvp.objects.filter(meeting=OuterRef("pk"), user=user).values("response")[:1]
    return meetings.select_related("community", *(["host"] if host else [])).annotate(
        going=Count("rsvps", filter=Q(rsvps__response=Response.GOING)),
        waiting=Count("rsvps", filter=Q(rsvps__response=Response.WAITLIST)),
        my_response=Subquery(mine),
    )


def agenda(
    *, user: User, now: datetime, memberships: list[tuple[int, str]], past_limit: int = 20
) -> tuple[list[Meeting], list[Meeting]]:
    """Upcoming and recent past meetings of the person's communities (`memberships`: their
    current (community id, role) pairs), with counts and their own answer (two queries). Drafts
    show only in communities the person facilitates. The past meetings are chosen before their
    answers are counted, so a community's years of history cost nothing."""
    facilitated = [community_id for community_id, role in memberships if role == Role.FACILITATOR]
    visible = Meeting.objects.filter(community_id__in=[community_id for community_id, _ in memberships]).filter(
        ~Q(status=MeetingStatus.DRAFT) | Q(community_id__in=facilitated)
    )
    upcoming = list(_with_counts(visible.filter(ends_at__gte=now), user, host=False).order_by("starts_at"))
    latest = visible.filter(ends_at__lt=now).order_by("-starts_at").values("pk")[:past_limit]
    past = list(_with_counts(Meeting.objects.filter(pk__in=latest), user, host=False).order_by("-starts_at"))
    return upcoming, past


def meeting_page(*, meeting_id: int, user: User) -> Meeting | None:
    """The meeting with its community, host, sprint board (if any), counts and the person's answer
    (one query)."""
    return _with_counts(Meeting.objects.filter(pk=meeting_id).select_related("sprint"), user).first()


def going(*, meeting: Meeting) -> list[Rsvp]:
    """Who is going, then who waits, with their people (one query)."""
    return list(
        meeting.rsvps.filter(response__in=[Response.GOING, Response.WAITLIST])
        .select_related("user")
        .order_by("response", "updated_at")
    )


def feed_meetings(*, user: User, since: datetime) -> list[Meeting]:
    """Everything for the person's calendar: published and cancelled meetings of their communities
    from `since` on (one query); cancelled ones stay, so calendars remove them."""
    communities = Membership.objects.current().filter(user=user).values("community_id")
    return list(
        Meeting.objects.filter(community__in=communities, starts_at__gte=since)
        .exclude(status=MeetingStatus.DRAFT)
        .select_related("community")
        .order_by("starts_at")
    )


def attendance_list(*, meeting: Meeting, query: str = "") -> list[Membership]:
    """The community's members for the attendance list, each with `present` and `answer`;
    people who said they would come first (one query)."""
    present = Attendance.objects.filter(meeting=meeting, user=OuterRef("user_id"))
    answer = Rsvp.objects.filter(meeting=meeting, user=OuterRef("user_id")).values("response")[:1]
    members = (
        Membership.objects.current()
        .filter(community_id=meeting.community_id)
        .select_related("user")
        .annotate(present=Exists(present), answer=Subquery(answer))
    )
    if query := query.strip():
        members = members.filter(Q(user__full_name__icontains=query) | Q(user__email__icontains=query))
    going_first = Case(When(answer=Response.GOING, then=0), When(answer=Response.MAYBE, then=1), default=2)
    return list(members.order_by(going_first, "user__full_name"))


def plannable_meetings(*, community: Community, now: datetime) -> list[Meeting]:
    """Upcoming meetings a topic can be planned into (drafts too: askers hear when it is published)."""
    return list(
        Meeting.objects.filter(community=community, starts_at__gte=now)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
    )


def attendance_counts(
    meetings: QuerySet[Meeting], *, by: str = "meeting__community_id"
) -> dict[object, tuple[int, int]]:
    """(came, said they would come) per `by`: of the people who answered "going", how many were
    checked in. Only meetings where attendance was taken count, so a meeting nobody checked in
    does not read as everyone staying away. One grouped query (each "going" joined to its own
    check-in, if any); the dashboard and the health check both use this one definition."""
    taken = meetings.filter(Exists(Attendance.objects.filter(meeting_id=OuterRef("pk")))).values("pk")
    rows = (
        Rsvp.objects.filter(meeting__in=taken, response=Response.GOING)
        .annotate(checked_in=FilteredRelation("meeting__attendance", condition=Q(meeting__attendance__user=F("user"))))
        .values(by)
        .annotate(going=Count("pk"), came=Count("checked_in"))
    )
    return {row[by]: (row["came"], row["going"]) for row in rows}
