"""The world every authorization test looks at: two communities, "ours" and "theirs", each with
the same kinds of objects, and every kind of visitor. Everything of theirs carries MARKER in its
text, so a page that showed any of it to someone of ours would be caught.

Built once for the package (tests/authorization/conftest.py) inside a transaction that is rolled back
at the end; each test runs in a savepoint of its own, so what a test changes is gone for the next.
Tests hold ids, never the instances, and read the database again.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from cop.models import Success
from cop.notifications.tokens import unsubscribe_token
from cop.successes import success_share
from feedback.links import invite_link
from feedback.models import SurveyInvite, SurveyTemplate
from meetings import sprint
from meetings.models import CalendarFeed, Meeting
from meetings.services import calendar_feed_get, checkin_code_show
from meetings.topics import topic_suggest
from members.models import Invitation, Role, User
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, UserFactory
from tests.feedback.helpers import bulk_answers, ended_meeting, path, survey_with

MARKER = "Kwartelkoning"  # in every text of the other community, and nowhere else

# Every kind of visitor: the four community roles of ours, a member and a facilitator of theirs,
# the organisation-wide manager and admin (is_staff, as the product defines admin), and nobody.
MEMBERS = (Role.INTERN, Role.MENTOR, Role.COLLEAGUE, Role.FACILITATOR)
VISITORS = ("anonymous", *MEMBERS, "other member", "other facilitator", "manager", "admin")
SIGNED_IN = frozenset(VISITORS) - {"anonymous"}
THEIRS = frozenset({"other member", "other facilitator"})


@dataclass
class Side:
    """One community and the ids of its objects."""

    slug: str
    community: int = 0
    people: dict[str, int] = field(default_factory=dict)  # role (and "author") → user id
    ids: dict[str, int] = field(default_factory=dict)  # kind of object → its id
    tokens: dict[str, str] = field(default_factory=dict)  # personal links' tokens and codes

    def __getattr__(self, name: str) -> int:
        try:
            return self.__dict__["ids"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class World:
    ours: Side
    theirs: Side
    visitors: dict[str, int]  # visitor → user id
    sessions: dict[str, str] = field(default_factory=dict)  # visitor → a signed-in session's key

    def side(self, name: str) -> Side:
        return self.ours if name == "ours" else self.theirs


def _text(tag: str, text: str) -> str:
    return f"{text} {tag}".strip()


def _side(slug: str, tag: str) -> Side:
    side = Side(slug=slug)
    community = CommunityFactory(
        slug=slug,
        name="Autotechniek" if slug == "ours" else "Metselen",
        domain_statement=_text(tag, "Samen leren in de praktijk."),
        learning_goals=_text(tag, "Veilig werken"),
    )
    side.community = community.pk
    people = {}
    for role in MEMBERS:
        people[role] = MembershipFactory(
            community=community, role=role, user__full_name=_text(tag, f"Lid {role}"), user__language="en"
        ).user
    # A member who is no visitor: the author of the success, the cards and the topic.
    people["author"] = MembershipFactory(
        community=community, role=Role.COLLEAGUE, user__full_name=_text(tag, "Auteur"), user__language="en"
    ).user
    community.memberships.filter(user=people[Role.INTERN]).update(
        mentor=people[Role.MENTOR], learning_goals=_text(tag, "Remmen vervangen")
    )
    side.people = {role: person.pk for role, person in people.items()}
    author, facilitator = people["author"], people[Role.FACILITATOR]

    def meeting(title: str, **fields) -> int:
        return MeetingFactory(community=community, title=_text(tag, title), theme=_text(tag, "Thema"), **fields).pk

    ids = side.ids
    # Published, coming up, hosted by the colleague (who may take its attendance).
    ids["meeting"] = meeting("Maandbijeenkomst", host=people[Role.COLLEAGUE])
    ids["draft"] = meeting("Concept", status="draft")
    ids["other_meeting"] = meeting("Werkplaatsdag")  # to plan a topic into
    now = timezone.now()
    ids["now"] = meeting("Nu bezig", starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=80))
    side.tokens["checkin"] = checkin_code_show(meeting=Meeting.objects.get(pk=ids["now"]))
    past = ended_meeting(community, title=_text(tag, "Vorige keer"), theme=_text(tag, "Thema"))
    ids["past"] = past.pk
    ids["bare"] = meeting("Zonder sprint", format="kickoff")
    kickoff = MeetingFactory(community=community, title=_text(tag, "Snelkooksprint"), format="kickoff")
    ids["kickoff"] = kickoff.pk
    board = sprint.sprint_create(meeting=kickoff, by=facilitator)
    for person in (author, people[Role.INTERN]):
        sprint.participant_join(board=board, user=person)
    sprint.groups_make(board=board)
    ids["seat"] = board.participants.get(user=author).pk
    ids["card"] = sprint.card_add(board=board, user=author, column="works", text=_text(tag, "Koffie")).pk
    ids["intern_card"] = sprint.card_add(
        board=board, user=people[Role.INTERN], column="pitfall", text=_text(tag, "Te laat")
    ).pk
    for _round in range(4):  # to the vote round: dots can be put
        sprint.round_next(board=board)
    side.tokens["sprint"] = board.code
    closed = MeetingFactory(community=community, title=_text(tag, "Afgelopen sprint"), format="kickoff")
    ids["closed_kickoff"] = closed.pk
    closed_board = sprint.sprint_create(meeting=closed, by=facilitator)
    sprint.participant_join(board=closed_board, user=author)
    sprint.groups_make(board=closed_board)
    ids["closed_card"] = sprint.card_add(board=closed_board, user=author, column="works", text=_text(tag, "Thee")).pk
    sprint.sprint_close(board=closed_board)

    ids["topic"] = topic_suggest(community=community, title=_text(tag, "Remmen"), by=author)[0].pk
    ids["topic_two"] = topic_suggest(community=community, title=_text(tag, "Banden"), by=author)[0].pk
    ids["success"] = success_share(
        community=community,
        author=author,
        title=_text(tag, "Gelukt"),
        story=_text(tag, "Zelf de storing gevonden."),
        kind="milestone",
        value="applied",
    ).pk

    survey = survey_with(community, meeting=past)
    survey.title = _text(tag, "Vorige keer")
    survey.save(update_fields=["title"])
    bulk_answers(survey, 3, text=_text(tag, "Goed uitgelegd"))
    ids["survey"] = survey.pk
    invite = SurveyInvite.objects.create(survey=survey, user=people[Role.INTERN])
    ids["invite"] = invite.pk
    side.tokens["survey"] = path(invite_link(invite)).split("/")[2]

    template = SurveyTemplate.objects.create(community=community, name=_text(tag, "Eigen sjabloon"))
    ids["template"] = template.pk
    ids["question"] = template.questions.create(type="short", text=_text(tag, "Wat ging goed?"), position=0).pk
    ids["question_two"] = template.questions.create(type="short", text=_text(tag, "Wat kan beter?"), position=1).pk

    invitation = Invitation.objects.create(
        community=community,
        email=f"nieuw-{slug}@example.org",
        full_name=_text(tag, "Nieuwe Stagiair"),
        role=Role.INTERN,
        token=f"invitation-{slug}",
        invited_by=facilitator,
        expires_at=timezone.now() + timedelta(days=14),
    )
    ids["invitation"] = invitation.pk
    side.tokens["invitation"] = invitation.token
    side.tokens["calendar"] = calendar_feed_get(user=people[Role.INTERN]).token
    side.tokens["unsubscribe"] = unsubscribe_token(user_id=people[Role.INTERN].pk, category="reminder")
    return side


def world_build() -> World:
    ours, theirs = _side("ours", ""), _side("theirs", MARKER)
    visitors = {role: ours.people[role] for role in MEMBERS}
    visitors["other member"] = theirs.people[Role.INTERN]
    visitors["other facilitator"] = theirs.people[Role.FACILITATOR]
    visitors["manager"] = UserFactory(is_manager=True, full_name="Manager", language="en").pk
    visitors["admin"] = UserFactory(is_staff=True, full_name="Beheerder", language="en").pk
    sessions = {}
    for visitor, user_id in visitors.items():
        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        sessions[visitor] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(ours=ours, theirs=theirs, visitors=visitors, sessions=sessions)


def sign_in(client: Client, world: World, visitor: str) -> None:
    """The visitor's session from the world (a login per test would cost a write and a query)."""
    if visitor != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[visitor]


# --- What was written ------------------------------------------------------------------------

# The session table changes with every login, and the audit log records reads (exports) by design;
# everything else is written only when someone did something.
UNWATCHED = {"django_session", "cop_auditevent"}


def writes() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, per table (PostgreSQL's own
    count, one query): an UPDATE that sets a value it already had counts too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {table: count for table, count in cursor.fetchall() if count and table not in UNWATCHED}


def written(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {table for table, count in after.items() if count != before.get(table, 0)}


def success_of(side: Side) -> Success:
    return Success.objects.get(pk=side.success)


def feed_token(user_id: int) -> str:
    return CalendarFeed.objects.get(user_id=user_id).token
