from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from cop.demo import DEMO_PASSWORD
from cop.models import Community, DomainStatementRevision, Notification
from members.models import Invitation, Membership, User

pytestmark = pytest.mark.django_db

DEMO_LOGINS = [
    "facilitator@gilde.demo",
    "intern@gilde.demo",
    "mentor@gilde.demo",
    "colleague@gilde.demo",
    "manager@gilde.demo",
    "admin@gilde.demo",
]


def snapshot() -> tuple:
    return (
        sorted(Community.objects.values_list("slug", "name")),
        sorted(User.objects.values_list("email", "full_name", "is_manager", "is_staff", "password")),
        sorted(Membership.objects.values_list("user__email", "community__slug", "role")),
        sorted(EmailAddress.objects.values_list("email", "verified", "primary")),
        sorted(Membership.objects.values_list("user__email", "mentor__email")),
        sorted(Invitation.objects.values_list("email", "community__slug", "role")),
        Notification.objects.count(),
        DomainStatementRevision.objects.count(),
    )


def test_seed_demo_is_idempotent_and_prints_the_logins(capsys):
    call_command("seed_demo", force=True)
    first = snapshot()
    call_command("seed_demo", force=True)
    assert snapshot() == first
    assert Community.objects.count() == 4
    # 43 current members, and the facilitator who left Projectmanagement
    assert Membership.objects.count() == 44
    assert Membership.objects.current().count() == 43
    output = capsys.readouterr().out
    for email in DEMO_LOGINS:
        assert email in output


def test_demo_logins_cover_every_role_with_the_demo_password():
    call_command("seed_demo", force=True)
    users = {user.email: user for user in User.objects.filter(email__in=DEMO_LOGINS)}
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert users["manager@gilde.demo"].is_manager
    assert users["admin@gilde.demo"].is_superuser
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"intern", "mentor", "colleague", "facilitator"}
    assert EmailAddress.objects.filter(verified=True).count() == User.objects.count()


def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing with DEBUG off"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_no_demo_data_unless_asked():
    assert not Community.objects.exists()
    assert not User.objects.exists()


def test_seed_demo_welcomes_every_member_once_through_the_outbox():
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    welcomed = Notification.objects.filter(kind="announcement", occasion="welcome")
    assert welcomed.count() == Membership.objects.current().count()
    assert not welcomed.filter(recipient__email="hanneke.bosman@gilde.demo").exists()


def test_seed_demo_pairs_every_intern_with_a_mentor_and_leaves_invitations_open():
    call_command("seed_demo", force=True)
    interns = Membership.objects.filter(role="intern")
    assert interns.count() == 23
    assert not interns.filter(mentor__isnull=True).exists()
    assert interns.get(user__email="intern@gilde.demo").mentor.email == "mentor@gilde.demo"
    assert Membership.objects.filter(mentor__email="mentor@gilde.demo").count() == 4
    assert Invitation.objects.filter(accepted_at__isnull=True).count() == 3


def test_seed_demo_plans_a_year_of_meetings_with_answers():
    from meetings.models import Meeting, Rsvp  # noqa: PLC0415

    call_command("seed_demo", force=True)
    counts = (Meeting.objects.count(), Rsvp.objects.count())
    call_command("seed_demo", force=True)
    assert (Meeting.objects.count(), Rsvp.objects.count()) == counts
    # 14 months back and 6 ahead in three communities; ten meetings at Projectmanagement, none ahead
    assert Meeting.objects.count() == 3 * 21 + 10
    now = timezone.now()
    assert Meeting.objects.filter(starts_at__lt=now, status="published").count() >= 3 * 14 + 10
    assert Meeting.objects.filter(starts_at__gte=now, status="published").count() == 9
    assert not Meeting.objects.filter(community__slug="projectmanagement", starts_at__gte=now).exists()
    assert Meeting.objects.filter(status="draft").exists()
    assert Rsvp.objects.filter(response="going").count() > Rsvp.objects.filter(response="declined").count()
    from meetings.models import Attendance, Topic  # noqa: PLC0415

    assert Attendance.objects.filter(meeting__starts_at__gte=now).count() == 0
    assert Attendance.objects.count() > 50
    assert Topic.objects.filter(status="open").count() == 17
    planned = Topic.objects.filter(status="planned")
    assert planned.count() == 13
    # a planned topic became the theme of its meeting, planned before it began
    assert all(t.meeting.theme == t.title and t.created_at < t.planned_at < t.meeting.starts_at for t in planned)


def test_seed_demo_gives_every_past_meeting_a_survey_with_answers_above_the_threshold():
    from feedback.models import Survey  # noqa: PLC0415
    from feedback.results import survey_results  # noqa: PLC0415
    from meetings.models import Meeting  # noqa: PLC0415

    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    past = Meeting.objects.filter(status="published", ends_at__lt=timezone.now())
    assert Survey.objects.filter(meeting__isnull=False).count() == past.count() > 0
    # Projectmanagement's last three meetings: one answer each, below the threshold (see below).
    quiet = Survey.objects.filter(community__slug="projectmanagement").order_by("-meeting__starts_at")[:3]
    lively = Survey.objects.exclude(pk__in=[survey.pk for survey in quiet])
    shown = [survey_results(survey, with_texts=True) for survey in lively]
    # The anonymous pulse surveys are still open: their results wait for the closing.
    assert all(outcome.shown != outcome.waits_for_closing for outcome in shown)
    assert all(3 <= outcome.responded <= outcome.invited for outcome in shown)
    assert any(outcome.responded < outcome.invited for outcome in shown)
    hidden = [survey_results(survey, with_texts=False) for survey in quiet]
    assert [(outcome.responded, outcome.shown) for outcome in hidden] == [(1, False)] * 3
    assert Survey.objects.filter(kind="pulse", anonymous=True).count() == 3


def test_the_quiet_community_is_unhealthy_on_every_point_with_its_evidence():
    from cop.checklist import health_checks  # noqa: PLC0415

    call_command("seed_demo", force=True)
    quiet = Community.objects.get(slug="projectmanagement")
    points = health_checks([quiet])[quiet.pk]
    assert [(point.key, point.light.value, point.evidence) for point in points] == [
        ("domain", "amber", "Domain statement not revisited in the last 365 days."),
        ("community", "red", "7 members; 17% took part regularly last month"),
        ("activities", "red", "No meeting planned in the next 45 days."),
        ("support", "red", "No facilitator."),
        (
            "flexibility",
            "amber",
            "Response rate 30% over the last 3 meetings; 5 requested topics waiting longer than 60 days",
        ),
    ]
    assert all(point.suggestion for point in points)
    # The demo facilitator does not facilitate it; the one who did has left.
    assert not quiet.memberships.filter(user__email="facilitator@gilde.demo").exists()
    assert quiet.memberships.get(role="facilitator").left_at is not None
    # The lively ones: Autotechniek and Communicatie all green, Bouw & Metselen answers too few surveys.
    checks = health_checks(list(Community.objects.exclude(pk=quiet.pk).order_by("slug")))
    assert [[point.light.value for point in points] for points in checks.values()] == [
        ["green"] * 5,
        ["green"] * 4 + ["amber"],
        ["green"] * 5,
    ]


def test_the_ladder_has_the_last_twelve_months_with_members_moving_towards_the_core():
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415

    from members.ladder import month_start, moved_towards_core  # noqa: PLC0415
    from members.models import ParticipationLevel  # noqa: PLC0415

    call_command("seed_demo", force=True)
    this_month = month_start(timezone.localdate())
    months = [this_month - relativedelta(months=back) for back in range(12, -1, -1)]
    levels = ParticipationLevel.objects.all()
    assert sorted(set(levels.values_list("month", flat=True))) == months
    communities = list(Community.objects.values_list("pk", flat=True))
    for since in (months[0], months[-4]):  # the dashboard's 12 and 3 months: the month before each
        moves = moved_towards_core(community_ids=communities, since=since, until=this_month)
        assert sum(up for up, _same, _down in moves.values()) > 0
    # The demo intern, a BBL apprentice for a year: from watching to suggesting topics.
    path = levels.filter(user__email="intern@gilde.demo").order_by("month")
    assert [level.level for level in path][:: len(path) - 1] == ["observer", "contributor"]
    # Interns who started five months ago climbed from newcomer, those who just joined are newcomers.
    daan = list(levels.filter(user__email="daan.kok@gilde.demo").order_by("month").values_list("level", flat=True))
    assert daan[:3] == ["newcomer", "observer", "participant"]
    assert levels.get(month=this_month, user__email="jesse.van.dam@gilde.demo").level == "newcomer"
    # Projectmanagement fell quiet: its members moved towards the edge over the year.
    quiet = Community.objects.get(slug="projectmanagement")
    up, _same, down = moved_towards_core(community_ids=[quiet.pk], since=months[0], until=this_month)[quiet.pk]
    assert down > up


@pytest.mark.parametrize(
    "moment",
    [
        # The day after February's meeting (its first Tuesday), in a month where chance alone
        # brought two people to a meeting of Communicatie a year before.
        datetime(2027, 2, 3, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam")),
        # The 1st is June's first Tuesday: its meeting ended half an hour ago.
        datetime(2027, 6, 1, 18, 0, tzinfo=ZoneInfo("Europe/Amsterdam")),
    ],
)
def test_the_demo_tells_the_same_story_on_the_days_after_a_meeting(moment):
    from cop.demo import INTERNSHIPS  # noqa: PLC0415
    from feedback.models import Survey, SurveyInvite  # noqa: PLC0415
    from members.ladder import month_start  # noqa: PLC0415
    from members.models import ParticipationLevel  # noqa: PLC0415

    with time_machine.travel(moment, tick=True):
        call_command("seed_demo", force=True)
        now = timezone.now()
    this_month = month_start(moment.date())
    # Those who joined this week have not been to a meeting nor been asked anything yet: newcomers.
    newest = User.objects.filter(full_name__in=[name for name, (back, _length) in INTERNSHIPS.items() if back == 0])
    assert newest.count() == 4
    assert not SurveyInvite.objects.filter(user__in=newest).exists()
    assert set(ParticipationLevel.objects.filter(user__in=newest).values_list("month", "level")) == {
        (this_month, "newcomer")
    }
    # Every survey after a meeting has answers enough to show, but Projectmanagement's last three.
    quiet = Survey.objects.filter(community__slug="projectmanagement").order_by("-meeting__starts_at")[:3]
    answered = (
        Survey.objects.filter(meeting__isnull=False)
        .exclude(pk__in=[survey.pk for survey in quiet])
        .annotate(n=Count("responses"))
        .values_list("n", flat=True)
    )
    assert min(answered) >= 3
    # Nobody answered before the meeting ended, nor after now.
    assert not SurveyInvite.objects.filter(responded_at__lt=F("survey__opens_at")).exists()
    assert not SurveyInvite.objects.filter(responded_at__gt=now).exists()


def test_the_manager_sees_every_dashboard_section_filled_and_the_quiet_community_alone(client):
    from django.urls import reverse  # noqa: PLC0415

    call_command("seed_demo", force=True)
    User.objects.filter(email="manager@gilde.demo").update(language="en")
    client.force_login(User.objects.get(email="manager@gilde.demo"))
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    board, tables = page.context["board"], page.context["tables"]
    assert len(board.communities) == 4
    figures = [cell.value for _label, cell, _section in board.key_figures()]
    assert all(figures), figures
    assert (board.totals["members"], board.totals["planned"]) == (43, 9)
    numbers = {
        key: [cell.value for row in table.rows for cell in row if isinstance(cell.value, (int, float))]
        for key, table in tables.items()
    }
    assert all(any(numbers[key]) for key in tables if key != "health"), numbers
    assert len(tables["themes"].rows) == 5
    requested, planned, waiting = (sum(row[n].value for row in tables["topics"].rows) for n in (1, 2, 3))
    assert requested > 0
    assert planned > 0
    assert waiting == 17
    assert all(row[-1].value for row in tables["ladder"].rows)  # members on the ladder every month
    assert [cell.text for cell in tables["communities"].rows[-1][:5]] == [
        "Projectmanagement & werkvoorbereiding",
        "7",
        "0",
        "0",
        "0",
    ]
    assert page.text.count("light--red") == 3  # Projectmanagement's, in the health matrix
    assert "No facilitator." in page.text

    page = client.get(reverse("dashboard"), {"community": "projectmanagement", "months": 12})
    board = page.context["board"]
    assert board.single.slug == "projectmanagement"
    assert (board.totals["held"], board.totals["planned"]) == (5, 0)
    assert board.totals["down"] > board.totals["up"]
    assert [point.light.value for point in board.health[board.single.pk]] == ["amber", "red", "red", "red", "amber"]
    assert page.text.count('class="health__point') == 5


def test_seed_demo_has_projectmanagements_finished_kickoff_sprint_with_its_summary(client):
    from meetings import sprint  # noqa: PLC0415
    from meetings.models import SprintBoard, SprintCard, SprintDot  # noqa: PLC0415

    call_command("seed_demo", force=True)
    board = SprintBoard.objects.get()
    counts = (SprintCard.objects.count(), SprintDot.objects.count(), board.code)
    call_command("seed_demo", force=True)
    assert (SprintCard.objects.count(), SprintDot.objects.count(), SprintBoard.objects.get().code) == counts
    meeting = board.meeting
    assert (meeting.community.slug, meeting.format, board.status) == ("projectmanagement", "kickoff", "closed")
    assert board.meeting.starts_at == board.meeting.community.meetings.order_by("starts_at").first().starts_at
    assert [group.participants.count() for group in board.groups.all()] == [2, 2]
    summary = sprint.summary(board)
    winners = {column: (cards[0].text, cards[0].dot_count) for column, cards in summary.top.items()}
    assert winners == {
        "works": ("Echte voorbeelden van eigen projecten meenemen", 3),
        "pitfall": ("Eén trekker: valt die weg, dan stopt alles", 4),
        "solution": ("Twee facilitators die elkaar afwisselen", 3),
    }
    assert [(pitfall.text, [s.text for s in solutions]) for pitfall, solutions in summary.pairs] == [
        ("Eén trekker: valt die weg, dan stopt alles", ["Twee facilitators die elkaar afwisselen"]),
        ("Geen tijd naast de projectdeadlines", ["Vaste datum, een jaar vooruit gepland"]),
        ("Alleen de projectleider aan het woord", ["Elke keer een stagiair als gespreksleider"]),
        ("Onderwerpen sluiten niet aan bij de stage", ["Stagiairs kiezen zelf de onderwerpen"]),
    ]
    assert Community.objects.get(slug="projectmanagement").learning_goals == (
        "Echte voorbeelden van eigen projecten meenemen\nLeren van faalkosten en meerwerk"
    )
    # Every member may read it: an intern of Projectmanagement.
    intern = Membership.objects.current().filter(community__slug="projectmanagement", role="intern").first().user
    client.force_login(intern)
    page = client.get(f"/meetings/{board.meeting_id}/sprint/summary/").text
    assert "Eén trekker: valt die weg, dan stopt alles" in page
