import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
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
    assert Community.objects.count() == 3
    assert Membership.objects.count() == 36
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
    assert Notification.objects.filter(kind="announcement", occasion="welcome").count() == Membership.objects.count()


def test_seed_demo_pairs_every_intern_with_a_mentor_and_leaves_invitations_open():
    call_command("seed_demo", force=True)
    interns = Membership.objects.filter(role="intern")
    assert interns.count() == 19
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
    assert Meeting.objects.count() == 39
    now = timezone.now()
    assert Meeting.objects.filter(starts_at__lt=now, status="published").count() >= 15
    assert Meeting.objects.filter(starts_at__gte=now, status="published").count() == 9
    assert Meeting.objects.filter(status="draft").exists()
    assert Rsvp.objects.filter(response="going").count() > Rsvp.objects.filter(response="declined").count()
    from meetings.models import Attendance, Topic  # noqa: PLC0415

    assert Attendance.objects.filter(meeting__starts_at__gte=now).count() == 0
    assert Attendance.objects.count() > 50
    assert Topic.objects.filter(status="open").count() == 15


def test_seed_demo_gives_every_past_meeting_a_survey_with_answers_above_the_threshold():
    from feedback.models import Survey  # noqa: PLC0415
    from feedback.results import survey_results  # noqa: PLC0415
    from meetings.models import Meeting  # noqa: PLC0415

    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    past = Meeting.objects.filter(status="published", ends_at__lt=timezone.now())
    assert Survey.objects.filter(meeting__isnull=False).count() == past.count() > 0
    shown = [survey_results(survey, with_texts=True) for survey in Survey.objects.all()]
    # The anonymous pulse surveys are still open: their results wait for the closing.
    assert all(outcome.shown != outcome.waits_for_closing for outcome in shown)
    assert all(3 <= outcome.responded <= outcome.invited for outcome in shown)
    assert any(outcome.responded < outcome.invited for outcome in shown)
    assert Survey.objects.filter(kind="pulse", anonymous=True).count() == 3
