"""Every community view by every kind of visitor. Data of another community exists throughout,
so a view that leaked it, or let the wrong person act, would fail here."""

from datetime import timedelta
from urllib.parse import parse_qsl

import pytest
from django.urls import reverse
from django.utils import timezone

from cop.models import Kudos, Success
from feedback.models import Survey, SurveyTemplate
from feedback.services import default_template
from meetings.models import SprintBoard, SprintParticipant
from members.models import Invitation, Role
from members.permissions import ACTIONS, Action
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

VISITORS = ["anonymous", "intern", "mentor", "colleague", "facilitator", "other facilitator", "manager", "admin"]


@pytest.fixture
def world():
    ours, theirs = CommunityFactory(slug="ours"), CommunityFactory(slug="theirs")
    people = {
        role: MembershipFactory(community=ours, role=role).user
        for role in (Role.INTERN, Role.MENTOR, Role.COLLEAGUE, Role.FACILITATOR)
    }
    people["other facilitator"] = MembershipFactory(community=theirs, role=Role.FACILITATOR).user
    people["manager"] = UserFactory(is_manager=True)
    people["admin"] = UserFactory(is_staff=True)
    invitation = Invitation.objects.create(
        community=ours, email="new@example.org", role="intern", token="tok", expires_at=timezone.now() + timedelta(1)
    )
    return {"ours": ours, "theirs": theirs, "people": people, "invitation": invitation}


def login(client, world, visitor):
    if visitor != "anonymous":
        client.force_login(world["people"][visitor])


def survey_template(community):
    template, created = SurveyTemplate.objects.get_or_create(community=community, name="Eigen sjabloon")
    if created:
        template.questions.create(type="short", text="Wat ging goed?")
    return template


def survey(community):
    """A survey of `community` with three answers, so that its results are shown."""
    from tests.feedback.helpers import bulk_answers, survey_with  # noqa: PLC0415

    found = Survey.objects.filter(community=community).first()
    if found is None:
        found = survey_with(community)
        bulk_answers(found, 3)
    return found


def success(community):
    """A success of `community`, shared by a member who is none of the visitors."""
    from cop.successes import success_share  # noqa: PLC0415

    found = Success.objects.filter(community=community).first()
    if found is None:
        author = MembershipFactory(community=community, role=Role.COLLEAGUE).user
        found = success_share(
            community=community, author=author, title="Gelukt", story="Zelf gedaan.", kind="milestone", value="applied"
        )
    return found


def sprint_meeting(community, title: str = "Snelkooksprint", *, board: bool = True, closed: bool = False) -> int:
    """The id of a kick-off meeting of `community`, with a sprint board (closed: its sprint is over)."""
    from meetings import sprint  # noqa: PLC0415
    from meetings.models import Meeting  # noqa: PLC0415
    from tests.factories import MeetingFactory  # noqa: PLC0415

    meeting = Meeting.objects.filter(community=community, title=title).first()
    if meeting is None:
        meeting = MeetingFactory(community=community, title=title, format="kickoff")
        if board:
            made = sprint.sprint_create(meeting=meeting, by=None)
            if closed:
                sprint.sprint_close(board=made)
    return meeting.pk


def sprint_code(community) -> str:
    """The join code of `community`'s sprint board (sprint_meeting's)."""
    return SprintBoard.objects.get(meeting_id=sprint_meeting(community)).code


def sprint_card(community) -> tuple[int, int]:
    """(meeting id, card id): a card on `community`'s sprint board by a member who is none of the visitors."""
    from meetings import sprint  # noqa: PLC0415

    board = SprintBoard.objects.get(meeting_id=sprint_meeting(community))
    author = MembershipFactory(community=community, role=Role.COLLEAGUE).user
    sprint.participant_join(board=board, user=author)
    sprint.groups_make(board=board)
    return board.meeting_id, sprint.card_add(board=board, user=author, column="works", text="Koffie").pk


# (name, method, url builder, roles that may). The url builders see the `world`.
VIEWS = [
    ("community page", "get", lambda w: reverse("community_detail", args=["ours"]), ACTIONS[Action.VIEW_COMMUNITY]),
    ("edit domain", "post", lambda w: reverse("community_detail", args=["ours"]), ACTIONS[Action.EDIT_DOMAIN]),
    ("directory", "get", lambda w: reverse("directory", args=["ours"]), ACTIONS[Action.VIEW_DIRECTORY]),
    (
        "profile",
        "get",
        lambda w: reverse("member_profile", args=["ours", w["people"][Role.INTERN].pk]),
        ACTIONS[Action.VIEW_DIRECTORY],
    ),
    (
        "pair mentor",
        "post",
        lambda w: reverse("mentor_edit", args=["ours", w["people"][Role.INTERN].pk]),
        ACTIONS[Action.PAIR_MENTOR],
    ),
    (
        "learning goals of the intern",
        "post",
        lambda w: reverse("learning_goals_edit", args=["ours", w["people"][Role.INTERN].pk]),
        {Role.INTERN, Role.FACILITATOR, "admin"},
    ),
    ("invitations", "get", lambda w: reverse("invitations", args=["ours"]), ACTIONS[Action.INVITE]),
    (
        "resend",
        "post",
        lambda w: reverse("invitation_resend", args=["ours", w["invitation"].pk]),
        ACTIONS[Action.INVITE],
    ),
    (
        "revoke",
        "post",
        lambda w: reverse("invitation_revoke", args=["ours", w["invitation"].pk]),
        ACTIONS[Action.INVITE],
    ),
    ("outbox", "get", lambda w: reverse("community_outbox", args=["ours"]), ACTIONS[Action.VIEW_OUTBOX]),
    ("survey templates", "get", lambda w: reverse("survey_templates", args=["ours"]), ACTIONS[Action.RUN_SURVEYS]),
    (
        "survey template",
        "get",
        lambda w: reverse("survey_template_edit", args=["ours", survey_template(w["ours"]).pk]),
        ACTIONS[Action.RUN_SURVEYS],
    ),
    ("surveys", "get", lambda w: reverse("survey_list", args=["ours"]), ACTIONS[Action.VIEW_RESULTS]),
    ("survey trend", "get", lambda w: reverse("survey_trend", args=["ours"]), ACTIONS[Action.VIEW_RESULTS]),
    ("survey trend csv", "get", lambda w: reverse("survey_trend_csv", args=["ours"]), ACTIONS[Action.VIEW_RESULTS]),
    (
        "survey results",
        "get",
        lambda w: reverse("survey_results", args=["ours", survey(w["ours"]).pk]),
        ACTIONS[Action.VIEW_RESULTS],
    ),
    (
        "survey results csv",
        "get",
        lambda w: reverse("survey_results_csv", args=["ours", survey(w["ours"]).pk]),
        ACTIONS[Action.VIEW_RESULTS],
    ),
    (
        "extra reminder",
        "post",
        lambda w: reverse("survey_remind", args=["ours", survey(w["ours"]).pk]),
        ACTIONS[Action.RUN_SURVEYS],
    ),
    ("pulse survey", "post", lambda w: reverse("survey_pulse", args=["ours"]), ACTIONS[Action.RUN_SURVEYS]),
    (
        "template after meetings",
        "post",
        lambda w: reverse("survey_template_use", args=["ours", survey_template(w["ours"]).pk]),
        ACTIONS[Action.RUN_SURVEYS],
    ),
    ("success wall", "get", lambda w: reverse("success_wall", args=["ours"]), ACTIONS[Action.VIEW_SUCCESSES]),
    ("share page", "get", lambda w: reverse("success_share", args=["ours"]), ACTIONS[Action.SHARE_SUCCESS]),
    ("share a success", "post", lambda w: reverse("success_share", args=["ours"]), ACTIONS[Action.SHARE_SUCCESS]),
    (
        "kudos",
        "post",
        lambda w: reverse("success_kudos", args=["ours", success(w["ours"]).pk]),
        ACTIONS[Action.SHARE_SUCCESS],
    ),
    (
        "feature a success",
        "post",
        lambda w: reverse("success_moderate", args=["ours", success(w["ours"]).pk, "feature"]),
        ACTIONS[Action.MODERATE_SUCCESSES],
    ),
    (
        "hide a success",
        "post",
        lambda w: reverse("success_moderate", args=["ours", success(w["ours"]).pk, "hide"]),
        ACTIONS[Action.MODERATE_SUCCESSES],
    ),
    ("own path on the ladder", "get", lambda w: reverse("my_path"), set(VISITORS) - {"anonymous"}),
    (
        "path of the intern",  # the mentor here is not theirs
        "get",
        lambda w: reverse("member_path", args=["ours", w["people"][Role.INTERN].pk]),
        {Role.INTERN} | ACTIONS[Action.VIEW_ANY_PATH],
    ),
    ("interns' paths", "get", lambda w: reverse("intern_paths", args=["ours"]), ACTIONS[Action.VIEW_INTERN_PATHS]),
    ("our dashboard", "get", lambda w: reverse("dashboard") + "?community=ours", ACTIONS[Action.VIEW_DASHBOARD]),
    (
        "our dashboard csv",
        "get",
        lambda w: reverse("dashboard_csv", args=["stories"]) + "?community=ours",
        ACTIONS[Action.VIEW_DASHBOARD],
    ),
    ("dashboard", "get", lambda w: reverse("dashboard"), {Role.FACILITATOR, "other facilitator", "manager", "admin"}),
    (
        "add a sprint board",
        "post",
        lambda w: reverse("sprint_add", args=[sprint_meeting(w["ours"], "Zonder sprint", board=False)]),
        ACTIONS[Action.RUN_SPRINT],
    ),
    (
        "sprint set-up",
        "get",
        lambda w: reverse("sprint_setup", args=[sprint_meeting(w["ours"])]),
        ACTIONS[Action.RUN_SPRINT],
    ),
    (
        "sprint screen",
        "get",
        lambda w: reverse("sprint_screen", args=[sprint_meeting(w["ours"])]),
        ACTIONS[Action.RUN_SPRINT],
    ),
    (
        "sprint next round",
        "post",
        lambda w: reverse("sprint_control", args=[sprint_meeting(w["ours"]), "next"]),
        ACTIONS[Action.RUN_SPRINT],
    ),
    (
        "sprint outcome",
        "post",
        lambda w: reverse("sprint_outcome", args=[sprint_meeting(w["ours"])]),
        ACTIONS[Action.RUN_SPRINT],
    ),
    (
        "closed sprint's summary",
        "get",
        lambda w: reverse("sprint_summary", args=[sprint_meeting(w["ours"], "Afgelopen sprint", closed=True)]),
        ACTIONS[Action.VIEW_MEETINGS],
    ),
    (
        "join a sprint",
        "get",
        lambda w: reverse("sprint_join", args=[sprint_code(w["ours"])]),
        ACTIONS[Action.JOIN_SPRINT],
    ),
    (
        "sprint board",
        "get",
        lambda w: reverse("sprint_board", args=[sprint_meeting(w["ours"])]),
        ACTIONS[Action.JOIN_SPRINT],
    ),
    (
        "sprint board poll",
        "get",
        lambda w: reverse("sprint_board_live", args=[sprint_meeting(w["ours"])]) + "?v=0",
        ACTIONS[Action.JOIN_SPRINT],
    ),
    (
        "add a sprint card",
        "post",
        lambda w: reverse("sprint_card_add", args=[sprint_meeting(w["ours"])]) + "?column=works&text=Thee",
        ACTIONS[Action.JOIN_SPRINT],
    ),
    ("put a dot", "post", lambda w: reverse("sprint_dot", args=sprint_card(w["ours"])), ACTIONS[Action.JOIN_SPRINT]),
]


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize(("name", "method", "url", "allowed"), VIEWS, ids=[view[0] for view in VIEWS])
def test_permission_matrix(client, world, visitor, name, method, url, allowed):
    login(client, world, visitor)
    data = {"domain_statement": "Nieuw domein", "learning_goals": "Leren", "mentor": ""}
    data |= {"title": "Hoe gaat het?", "template": default_template().pk, "days": 7, "form_key": "matrix"}
    data |= {"story": "Zelf gedaan.", "kind": "example", "value": "immediate", "give": "1"}
    target, _sep, query = url(world).partition("?")
    data |= dict(parse_qsl(query))  # the test client replaces a GET's query string with `data`
    response = getattr(client, method)(target, data)
    if visitor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif visitor in allowed:
        assert response.status_code in {200, 302}, response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
    # Nobody outside the allowed roles changed anything.
    world["ours"].refresh_from_db()
    assert (world["ours"].domain_statement == "Nieuw domein") == (name == "edit domain" and visitor in allowed)
    world["invitation"].refresh_from_db()
    assert (world["invitation"].revoked_at is not None) == (name == "revoke" and visitor in allowed)
    pulses = Survey.objects.filter(kind="pulse").count()
    assert pulses == (1 if name == "pulse survey" and visitor in allowed else 0)
    reminded = Survey.objects.filter(extra_reminder_at__isnull=False).exists()
    assert reminded == (name == "extra reminder" and visitor in allowed)
    after_meetings = SurveyTemplate.objects.filter(after_meetings=True).exists()
    assert after_meetings == (name == "template after meetings" and visitor in allowed)
    shared = Success.objects.filter(title="Hoe gaat het?").exists()
    assert shared == (name == "share a success" and visitor in allowed)
    assert Kudos.objects.exists() == (name == "kudos" and visitor in allowed)
    assert Success.objects.filter(featured=True).exists() == (name == "feature a success" and visitor in allowed)
    assert Success.objects.filter(hidden_at__isnull=False).exists() == (name == "hide a success" and visitor in allowed)
    started = SprintBoard.objects.filter(round_number__gt=0).exists()
    assert started == (name == "sprint next round" and visitor in allowed)
    added = SprintBoard.objects.filter(meeting__title="Zonder sprint").exists()
    assert added == (name == "add a sprint board" and visitor in allowed)
    seated = SprintParticipant.objects.filter(user__in=world["people"].values()).exists()
    assert seated == (name == "join a sprint" and visitor in allowed)


def test_another_communitys_invitation_cannot_be_touched_through_ours(client, world):
    foreign = Invitation.objects.create(
        community=world["theirs"], email="x@example.org", role="intern", token="t2", expires_at=timezone.now()
    )
    client.force_login(world["people"][Role.FACILITATOR])
    response = client.post(reverse("invitation_revoke", args=["ours", foreign.pk]))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_a_profile_of_another_communitys_member_is_not_found_through_ours(client, world):
    client.force_login(world["people"][Role.FACILITATOR])
    response = client.get(reverse("member_profile", args=["ours", world["people"]["other facilitator"].pk]))
    assert response.status_code == 404


def test_an_alumnus_is_no_longer_a_member_for_permissions(client, world):
    intern = world["people"][Role.INTERN]
    intern.memberships.update(alumni_at=timezone.now())
    client.force_login(intern)
    assert client.get(reverse("directory", args=["ours"])).status_code == 403
