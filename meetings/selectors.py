from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)

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


# Rows on one page of the attendance list. A community this small shows everyone at once; a
# larger one shows first those expected, the rest a search or a page away.
ATTENDANCE_PAGE = 60
EXPECTED = [Response.GOING, Response.MAYBE, Response.WAITLIST]


@dataclass(frozen=True)
class AttendanceList:
    """One page of the attendance list: current members, each with `present` and `answer`."""

    members: list[Membership]
    expected_only: bool  # only who said they would come (or might, or waits) and who is ticked
    can_narrow: bool  # everyone, as asked, where the list would otherwise hold only those expected
    matching: int  # members in this list, over all its pages
    total: int  # members the list is drawn from: the community, or those the search finds
    page: int
    pages: int

    @property
    def others(self) -> int:
        """Members left out because they are not expected."""
        return self.total - self.matching

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def _attendance_members(meeting: Meeting) -> QuerySet[Membership]:
    """Current members with their check-in and answer for `meeting`, each joined once."""
    return (
        Membership.objects.current()
        .filter(community_id=meeting.community_id)
        .annotate(
            rsvp=FilteredRelation("user__rsvps", condition=Q(user__rsvps__meeting=meeting)),
            ticked=FilteredRelation("user__attendance", condition=Q(user__attendance__meeting=meeting)),
        )
        .annotate(
            answer=F("rsvp__response"),
            present=ExpressionWrapper(Q(ticked__id__isnull=False), output_field=BooleanField()),
        )
    )


def _page_number(page: str | int) -> int:
    try:
        return max(int(page), 1)
    except (TypeError, ValueError):
        return 1


def attendance_list(
    *, meeting: Meeting, query: str = "", everyone: bool = False, page: str | int = 1
) -> AttendanceList:
    """A page of the community's members for the attendance list; people who said they would
    come first, then by name. A search looks through every member; so does `everyone`. Otherwise,
    in a community larger than a page, only those expected: who said they would come, might or
    wait for a place, and whoever is ticked present. Two queries (the counts and the page),
    whatever the size of the community."""
    members = _attendance_members(meeting)
    if query := query.strip():
        members = members.filter(Q(user__full_name__icontains=query) | Q(user__email__icontains=query))
    expected = Q(answer__in=EXPECTED) | Q(present=True)
    counts = members.aggregate(total=Count("pk"), expected=Count("pk", filter=expected))
    expected_only = not query and not everyone and counts["total"] > ATTENDANCE_PAGE
    if expected_only:
        members = members.filter(expected)
    matching = counts["expected"] if expected_only else counts["total"]
    pages = max(-(-matching // ATTENDANCE_PAGE), 1)
    number = min(_page_number(page), pages)
    going_first = Case(When(answer=Response.GOING, then=0), When(answer=Response.MAYBE, then=1), default=2)
    start = (number - 1) * ATTENDANCE_PAGE
    rows = (
        members.select_related("user")
        .only("user__full_name", "user__email")
        .order_by(going_first, "user__full_name", "pk")[start : start + ATTENDANCE_PAGE]
    )
    return AttendanceList(
        members=list(rows),
        expected_only=expected_only,
        can_narrow=everyone and not query and counts["total"] > ATTENDANCE_PAGE,
        matching=matching,
        total=counts["total"],
        page=number,
        pages=pages,
    )


def attendance_row(*, meeting: Meeting, user_id: int) -> Membership | None:
    """One person's row of the attendance list, if they are a current member (one query)."""
    return (
        _attendance_members(meeting)
        .filter(user_id=user_id)
        .select_related("user")
        .only("user__full_name", "user__email")
        .first()
    )


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
