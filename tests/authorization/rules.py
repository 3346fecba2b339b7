"""Who may use each URL of Gilde: one rule per URL name (and method), the table the tests walk.

A case says how to build the URL (`url(s, o)`: `s` the community whose slug it names, `o` the one
whose objects it names; both "ours" in the matrix), the method and data, which visitors may
(`allowed`, from members.permissions.ACTIONS where a view asks it) and what they get (`ok`),
and what everyone else gets: anonymous visitors the login page (or the page itself where the URL is
public), signed-in ones `denied` (403 unless said otherwise). Cases with `objects` are also tried
with the other community's objects: through our slug (`foreign`: 404 for whoever got past the
community check, the `gate`) and through their own (the same rule, the roles mirrored).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from members import invitations as invites
from members.models import Role
from members.permissions import ACTIONS, Action
from tests.authorization.world import MEMBERS, SIGNED_IN, THEIRS, VISITORS, Side

INTERN, MENTOR, COLLEAGUE, FACILITATOR = MEMBERS
LOGIN = "login"
EVERYONE = frozenset(VISITORS)


def may(action: Action) -> frozenset[str]:
    """The visitors ACTIONS lets do `action` in our community."""
    return frozenset(ACTIONS[action]) & EVERYONE


@dataclass(frozen=True)
class Case:
    name: str  # the URL name
    url: Callable[[Side, Side], str]
    allowed: frozenset[str]
    method: str = "get"
    label: str = ""  # tells two cases of one URL apart
    data: Callable[[Side, Side], dict] | None = None
    ok: int | dict[str, int] = 200  # what the allowed get (a dict: per visitor, else "*")
    denied: int | dict[str, int] = 403  # what other signed-in visitors get
    anonymous: str | int = LOGIN  # LOGIN, or the status of a public URL
    gate: frozenset[str] | None = None  # who gets past the community check (default: allowed)
    objects: bool = False  # names objects of a community: tried with theirs too
    slugged: bool = True  # names a community by slug
    foreign: dict[str, int] = field(default_factory=dict)  # their object through our slug, per visitor
    changes: frozenset[str] | None = None  # whose request writes (default: the allowed, for a POST)
    htmx: int | None = None  # has a partial: what the allowed get with HX-Request
    sees_theirs: frozenset[str] = frozenset()  # who may see theirs here (their own data, org-wide pages)
    shows: bool = True  # a page of theirs shows their marker to those allowed there
    content_type: str = "text/html; charset=utf-8"
    visitors: tuple[str, ...] = VISITORS  # who is tried (all but where the answer is everyone's alike)

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}{f' ({self.label})' if self.label else ''}"

    def expected(self, visitor: str) -> int | str:
        if visitor == "anonymous":
            return self.anonymous
        if visitor in self.allowed:
            return self.ok if isinstance(self.ok, int) else self.ok.get(visitor, self.ok["*"])
        return self.denied if isinstance(self.denied, int) else self.denied.get(visitor, self.denied["*"])

    def writes(self, visitor: str) -> bool:
        if self.changes is not None:
            return visitor in self.changes
        return self.method == "post" and visitor in self.allowed and visitor != "anonymous"


def mirror(visitor: str) -> str:
    """Who a visitor is to the other community: its facilitator and intern are to theirs what ours
    are to ours; every member of ours is a member of another community there."""
    return {
        "other facilitator": FACILITATOR,
        "other member": INTERN,
        FACILITATOR: "other facilitator",
        INTERN: "other member",
        MENTOR: "other member",
        COLLEAGUE: "other member",
    }.get(visitor, visitor)


def _r(name: str, *args: object) -> str:
    return reverse(name, args=args)


def slug(name: str) -> Callable[[Side, Side], str]:
    return lambda s, o: _r(name, s.slug)


def slug_obj(name: str, kind: str, *more: object) -> Callable[[Side, Side], str]:
    return lambda s, o: _r(name, s.slug, o.ids[kind], *more)


def meeting(name: str, kind: str = "meeting", *more: object) -> Callable[[Side, Side], str]:
    return lambda s, o: _r(name, o.ids[kind], *more)


def person(name: str, role: str = INTERN) -> Callable[[Side, Side], str]:
    return lambda s, o: _r(name, s.slug, o.people[role])


def question(name: str, *more: object) -> Callable[[Side, Side], str]:
    return lambda s, o: _r(name, s.slug, o.template, o.question, *more)


def plain(name: str) -> Callable[[Side, Side], str]:
    return lambda s, o: _r(name)


def const(data: dict) -> Callable[[Side, Side], dict]:
    return lambda s, o: data


def _invite_payload(s: Side, o: Side) -> dict:
    rows = invites.rows_from_text("Nieuw Lid <nieuw-lid@example.org>", role=Role.INTERN)
    payload = signing.dumps([row.as_data() for row in rows], salt="gilde.invitations.preview", compress=True)
    return {"confirm": "1", "payload": payload}


def meeting_form(s: Side, o: Side) -> dict:
    day = (timezone.now() + timedelta(days=30)).date()
    return {
        "title": "Nieuwe bijeenkomst",
        "theme": "Remmen",
        "format": "monthly",
        "starts_at": f"{day}T16:00",
        "ends_at": f"{day}T17:30",
        "place": "Werkplaats",
    }


def series_form(s: Side, o: Side) -> dict:
    day = timezone.now().date() + timedelta(days=1)
    return {
        "title": "Eerste dinsdag",
        "format": "monthly",
        "frequency": "monthly",
        "weekday": "1",
        "week_of_month": "1",
        "starts_on": str(day),
        "until": str(day + timedelta(days=80)),
        "start_time": "16:00",
        "end_time": "17:30",
        "place": "Werkplaats",
    }


VIEW = may(Action.VIEW_MEETINGS)
PLAN = may(Action.PLAN_MEETINGS)
SPRINT = may(Action.JOIN_SPRINT)
RUN_SPRINT = may(Action.RUN_SPRINT)
RESULTS = may(Action.VIEW_RESULTS)
SURVEYS = may(Action.RUN_SURVEYS)
HOST = frozenset({COLLEAGUE})  # the meeting's host takes its attendance
# A member of ours who is not allowed a meeting page, a draft or a closed board, gets 404.
HIDDEN_FROM_MEMBERS = {"*": 403, INTERN: 404, MENTOR: 404, COLLEAGUE: 404}

CASES: list[Case] = [
    # --- cop ----------------------------------------------------------------------------------
    Case("home", plain("home"), SIGNED_IN, sees_theirs=THEIRS),
    # The same report for everyone, asked of the workers (a second each): tried twice.
    Case(
        "health",
        plain("health"),
        EVERYONE,
        anonymous=503,  # no worker runs in the tests
        ok=503,
        content_type="application/json",
        visitors=("anonymous", "admin"),
    ),
    Case("health_live", plain("health_live"), EVERYONE, anonymous=200, content_type="application/json"),
    Case("bench_hello", plain("bench_hello"), EVERYONE, anonymous=404, ok=404),
    Case(
        "language_set",
        plain("language_set"),
        EVERYONE,
        method="post",
        data=const({"language": "nl", "next": "/"}),
        anonymous=302,
        ok=302,
        changes=SIGNED_IN,  # a signed-in person's saved language; a visitor's cookie only
    ),
    Case("community_detail", slug("community_detail"), may(Action.VIEW_COMMUNITY)),
    Case(
        "community_detail",
        slug("community_detail"),
        may(Action.EDIT_DOMAIN),
        method="post",
        label="edit domain",
        data=const({"domain_statement": "Nieuw domein"}),
        ok=302,
        gate=may(Action.VIEW_COMMUNITY),
    ),
    Case("community_outbox", slug("community_outbox"), may(Action.VIEW_OUTBOX)),
    Case("notification_preferences", plain("notification_preferences"), SIGNED_IN),
    Case(
        "notification_preferences",
        plain("notification_preferences"),
        SIGNED_IN,
        method="post",
        data=const({"announcement": "on"}),  # every other kind switched off
        ok=302,
    ),
    Case(
        "notification_unsubscribe",
        lambda s, o: _r("notification_unsubscribe", o.tokens["unsubscribe"]),
        EVERYONE,
        anonymous=200,
        objects=True,
        slugged=False,
        shows=False,
    ),
    Case(
        "notification_unsubscribe",
        lambda s, o: _r("notification_unsubscribe", o.tokens["unsubscribe"]),
        EVERYONE,
        method="post",
        anonymous=200,
        changes=EVERYONE,  # the link is the authority, whoever holds it
        objects=True,
        slugged=False,
        shows=False,
    ),
    Case(
        "dashboard",
        plain("dashboard"),
        frozenset({FACILITATOR, "other facilitator", "manager", "admin"}),
        sees_theirs=frozenset({"other facilitator", "manager", "admin"}),  # every community they may see
    ),
    Case(
        "dashboard",
        lambda s, o: _r("dashboard") + f"?community={s.slug}",
        may(Action.VIEW_DASHBOARD),
        label="one community",
        denied={"*": 403, "other member": 403},
    ),
    Case(
        "dashboard_csv",
        lambda s, o: _r("dashboard_csv", "stories") + f"?community={s.slug}",
        may(Action.VIEW_DASHBOARD),
        content_type="text/csv; charset=utf-8",
    ),
    # --- members ------------------------------------------------------------------------------
    Case("directory", slug("directory"), may(Action.VIEW_DIRECTORY), htmx=200),
    Case("member_profile", person("member_profile"), may(Action.VIEW_DIRECTORY), objects=True),
    Case(
        "learning_goals_edit",
        person("learning_goals_edit"),
        frozenset({INTERN, FACILITATOR, "admin"}),  # their own, or who pairs mentors
        method="post",
        data=const({"learning_goals": "Nieuwe leerdoelen"}),
        ok=302,
        gate=may(Action.VIEW_DIRECTORY),
        objects=True,
    ),
    Case(
        "mentor_edit",
        person("mentor_edit"),
        may(Action.PAIR_MENTOR),
        method="post",
        data=const({"mentor": ""}),
        ok=302,
        objects=True,
    ),
    Case(
        "member_path",
        person("member_path"),
        frozenset({INTERN, MENTOR}) | may(Action.VIEW_ANY_PATH),  # their own, their mentor's
        gate=may(Action.VIEW_COMMUNITY),
        objects=True,
        # Whether someone is a member is told only to those who may see anyone's path.
        foreign={INTERN: 403, MENTOR: 403, COLLEAGUE: 403, "manager": 403},
    ),
    Case("intern_paths", slug("intern_paths"), may(Action.VIEW_INTERN_PATHS)),
    Case("my_path", plain("my_path"), SIGNED_IN, sees_theirs=THEIRS),
    Case("invitations", slug("invitations"), may(Action.INVITE)),
    Case("invitations", slug("invitations"), may(Action.INVITE), method="post", data=_invite_payload, ok=302),
    Case(
        "invitation_resend",
        slug_obj("invitation_resend", "invitation"),
        may(Action.INVITE),
        method="post",
        ok=302,
        objects=True,
    ),
    Case(
        "invitation_revoke",
        slug_obj("invitation_revoke", "invitation"),
        may(Action.INVITE),
        method="post",
        ok=302,
        objects=True,
    ),
    Case(
        "invitation_accept",
        lambda s, o: _r("invitation_accept", o.tokens["invitation"]),
        EVERYONE,
        anonymous=200,
        objects=True,
        slugged=False,
    ),
    Case("my_data", plain("my_data"), SIGNED_IN, sees_theirs=THEIRS),
    Case(
        "my_data",
        plain("my_data"),
        SIGNED_IN,
        method="post",
        label="wrong confirmation",
        data=const({"confirm_email": "someone-else@example.org"}),
        ok=400,
        changes=frozenset(),
    ),
    Case(
        "my_data_export",
        plain("my_data_export"),
        SIGNED_IN,
        sees_theirs=THEIRS,
        content_type="application/json",
    ),
    # --- meetings -----------------------------------------------------------------------------
    Case("agenda", plain("agenda"), SIGNED_IN, sees_theirs=THEIRS),
    Case(
        "calendar_subscription",
        plain("calendar_subscription"),
        SIGNED_IN,
        changes=SIGNED_IN - {INTERN, "other member"},  # the feed is made on the first visit
    ),
    Case("calendar_subscription", plain("calendar_subscription"), SIGNED_IN, method="post", ok=302),
    Case(
        "calendar_feed",
        lambda s, o: _r("calendar_feed", o.tokens["calendar"]),
        EVERYONE,
        anonymous=200,
        objects=True,
        slugged=False,
        content_type="text/calendar; charset=utf-8",
    ),
    Case("meeting_detail", meeting("meeting_detail"), VIEW, objects=True, slugged=False),
    Case(
        "meeting_detail",
        meeting("meeting_detail", "draft"),
        PLAN,
        label="draft",
        denied=HIDDEN_FROM_MEMBERS,
        objects=True,
        slugged=False,
    ),
    Case(
        "meeting_rsvp",
        meeting("meeting_rsvp"),
        VIEW,
        method="post",
        data=const({"response": "going"}),
        ok=302,
        htmx=200,
        changes=VIEW - {"admin"},  # only members answer
        objects=True,
        slugged=False,
    ),
    Case("meeting_edit", meeting("meeting_edit"), PLAN, objects=True, slugged=False),
    Case(
        "meeting_edit",
        meeting("meeting_edit"),
        PLAN,
        method="post",
        data=meeting_form,
        ok=302,
        objects=True,
        slugged=False,
    ),
    Case(
        "meeting_attendance",
        meeting("meeting_attendance"),
        PLAN | HOST,
        htmx=200,
        changes=PLAN | HOST,  # the room's check-in code is made when the list is first opened
        objects=True,
        slugged=False,
    ),
    Case(
        "meeting_attendance",
        meeting("meeting_attendance"),
        PLAN | HOST,
        method="post",
        data=lambda s, o: {"present": o.people[INTERN]},
        ok=302,
        htmx=200,
        objects=True,
        slugged=False,
    ),
    Case(
        "meeting_checkin",
        meeting("meeting_checkin", "now"),
        VIEW,
        method="post",
        data=lambda s, o: {"code": o.tokens["checkin"]},
        ok=302,
        changes=VIEW - {"admin"},
        objects=True,
        slugged=False,
    ),
    Case(
        "meeting_notes",
        meeting("meeting_notes", "past"),
        PLAN,
        method="post",
        data=const({"notes": "Goed gesprek", "takeaways": "Meer oefenen"}),
        ok=302,
        objects=True,
        slugged=False,
    ),
    Case(
        "meeting_action",
        meeting("meeting_action", "meeting", "cancel"),
        PLAN,
        method="post",
        label="cancel",
        ok=302,
        objects=True,
        slugged=False,
    ),
    Case(
        "meeting_action",
        meeting("meeting_action", "draft", "publish"),
        PLAN,
        method="post",
        label="publish a draft",
        ok=302,
        denied=HIDDEN_FROM_MEMBERS,
        objects=True,
        slugged=False,
    ),
    Case(
        "meeting_ics",
        meeting("meeting_ics"),
        VIEW,
        objects=True,
        slugged=False,
        content_type="text/calendar; charset=utf-8",
    ),
    Case("meeting_create", slug("meeting_create"), PLAN),
    Case("meeting_create", slug("meeting_create"), PLAN, method="post", data=meeting_form, ok=302),
    Case("series_create", slug("series_create"), PLAN),
    Case("series_create", slug("series_create"), PLAN, method="post", data=series_form, ok=302),
    Case("topic_backlog", slug("topic_backlog"), VIEW),
    Case(
        "topic_backlog",
        slug("topic_backlog"),
        VIEW,
        method="post",
        data=const({"title": "Nieuw onderwerp"}),
        ok=302,
    ),
    Case("topic_vote", slug_obj("topic_vote", "topic"), VIEW, method="post", ok=302, htmx=200, objects=True),
    Case(
        "topic_manage",
        slug_obj("topic_manage", "topic", "merge"),
        PLAN,
        label="merge, choose",
        objects=True,
    ),
    Case(
        "topic_manage",
        slug_obj("topic_manage", "topic", "merge"),
        PLAN,
        method="post",
        label="merge",
        data=lambda s, o: {"into": o.topic_two},
        ok=302,
        objects=True,
    ),
    Case(
        "topic_manage",
        slug_obj("topic_manage", "topic", "plan"),
        PLAN,
        method="post",
        label="plan",
        data=lambda s, o: {"meeting": o.other_meeting},
        ok=302,
        objects=True,
    ),
    Case(
        "topic_manage",
        slug_obj("topic_manage", "topic", "archive"),
        PLAN,
        method="post",
        label="archive",
        ok=302,
        objects=True,
    ),
    # --- the sprint board, participants' side ------------------------------------------------
    Case("sprint_code", plain("sprint_code"), SIGNED_IN),
    Case(
        "sprint_join",
        lambda s, o: _r("sprint_join", o.tokens["sprint"]),
        SPRINT,
        ok=302,
        changes=SPRINT - {INTERN},  # a seat is taken once
        objects=True,
        slugged=False,
    ),
    Case("sprint_board", meeting("sprint_board", "kickoff"), SPRINT, objects=True, slugged=False),
    Case(
        "sprint_board_live",
        lambda s, o: _r("sprint_board_live", o.kickoff) + "?v=0",
        SPRINT,
        ok=302,  # without htmx: to the board
        htmx=200,
        objects=True,
        slugged=False,
    ),
    Case(
        "sprint_card_add",
        meeting("sprint_card_add", "kickoff"),
        SPRINT,
        method="post",
        data=const({"column": "works", "text": "Thee"}),
        ok=302,
        htmx=200,
        changes=frozenset({INTERN}),  # the others have no seat in a group
        objects=True,
        slugged=False,
    ),
    Case(
        "sprint_card_edit",
        lambda s, o: _r("sprint_card_edit", o.kickoff, o.intern_card),
        frozenset({INTERN}),  # one's own card only
        gate=SPRINT,
        objects=True,
        slugged=False,
    ),
    Case(
        "sprint_card_edit",
        lambda s, o: _r("sprint_card_edit", o.kickoff, o.intern_card),
        frozenset({INTERN}),
        method="post",
        data=const({"text": "Veel te laat"}),
        ok=302,
        gate=SPRINT,
        objects=True,
        slugged=False,
    ),
    Case(
        "sprint_card_delete",
        lambda s, o: _r("sprint_card_delete", o.kickoff, o.intern_card),
        frozenset({INTERN}),
        method="post",
        ok=302,
        htmx=200,
        gate=SPRINT,
        objects=True,
        slugged=False,
    ),
    Case(
        "sprint_dot",
        lambda s, o: _r("sprint_dot", o.kickoff, o.card),
        frozenset({INTERN}),  # those with a seat
        method="post",
        data=const({"on": "1"}),
        ok=302,
        htmx=200,
        gate=SPRINT,
        objects=True,
        slugged=False,
    ),
    # --- the sprint board, facilitator's side ------------------------------------------------
    Case("sprint_add", meeting("sprint_add", "bare"), RUN_SPRINT, method="post", ok=302, objects=True, slugged=False),
    Case("sprint_setup", meeting("sprint_setup", "kickoff"), RUN_SPRINT, objects=True, slugged=False),
    Case(
        "sprint_setup",
        meeting("sprint_setup", "kickoff"),
        RUN_SPRINT,
        method="post",
        label="groups",
        data=const({"step": "groups", "size": "1"}),
        ok=302,
        objects=True,
        slugged=False,
    ),
    Case(
        "sprint_seat_move",
        lambda s, o: _r("sprint_seat_move", o.kickoff, o.seat),
        RUN_SPRINT,
        method="post",
        data=lambda s, o: {f"seat-{o.seat}-group": ""},
        ok=302,
        htmx=200,
        objects=True,
        slugged=False,
    ),
    Case("sprint_screen", meeting("sprint_screen", "kickoff"), RUN_SPRINT, htmx=200, objects=True, slugged=False),
    Case(
        "sprint_control",
        meeting("sprint_control", "kickoff", "reveal"),
        RUN_SPRINT,
        method="post",
        label="reveal",
        ok=302,
        objects=True,
        slugged=False,
    ),
    Case(
        "sprint_summary",
        meeting("sprint_summary", "closed_kickoff"),
        may(Action.VIEW_MEETINGS),
        label="closed",
        objects=True,
        slugged=False,
    ),
    Case(
        "sprint_summary",
        meeting("sprint_summary", "kickoff"),
        RUN_SPRINT,
        label="still running",
        denied=HIDDEN_FROM_MEMBERS,
        objects=True,
        slugged=False,
    ),
    Case(
        "sprint_outcome",
        meeting("sprint_outcome", "closed_kickoff"),
        RUN_SPRINT,
        method="post",
        data=lambda s, o: {"to": "topics", "cards": [o.closed_card]},
        ok=302,
        objects=True,
        slugged=False,
    ),
    # --- feedback -----------------------------------------------------------------------------
    Case(
        "survey_answer",
        lambda s, o: _r("survey_answer", o.tokens["survey"]),
        EVERYONE,
        anonymous=200,
        objects=True,
        slugged=False,
    ),
    Case("survey_list", slug("survey_list"), RESULTS),
    Case(
        "survey_pulse",
        slug("survey_pulse"),
        SURVEYS,
        method="post",
        data=lambda s, o: {"title": "Hoe gaat het?", "template": o.template, "days": 7, "form_key": "matrix"},
        ok=302,
        objects=True,
        foreign={FACILITATOR: 400, "admin": 400},  # not one of the community's templates
    ),
    Case("survey_trend", slug("survey_trend"), RESULTS),
    Case("survey_trend_csv", slug("survey_trend_csv"), RESULTS, content_type="text/csv; charset=utf-8"),
    Case("survey_results", slug_obj("survey_results", "survey"), RESULTS, objects=True),
    Case(
        "survey_results_csv",
        slug_obj("survey_results_csv", "survey"),
        RESULTS,
        objects=True,
        shows=False,  # aggregates of the (default) questions only
        content_type="text/csv; charset=utf-8",
    ),
    Case("survey_remind", slug_obj("survey_remind", "survey"), SURVEYS, method="post", ok=302, objects=True),
    Case("survey_templates", slug("survey_templates"), SURVEYS),
    Case(
        "survey_templates",
        slug("survey_templates"),
        SURVEYS,
        method="post",
        data=const({"name": "Nieuw sjabloon"}),
        ok=302,
    ),
    Case("survey_template_edit", slug_obj("survey_template_edit", "template"), SURVEYS, objects=True),
    Case(
        "survey_template_edit",
        slug_obj("survey_template_edit", "template"),
        SURVEYS,
        method="post",
        label="rename",
        data=const({"name": "Andere naam"}),
        ok=302,
        objects=True,
    ),
    Case(
        "survey_template_copy",
        slug_obj("survey_template_copy", "template"),
        SURVEYS,
        method="post",
        ok=302,
        objects=True,
    ),
    Case(
        "survey_template_delete",
        slug_obj("survey_template_delete", "template"),
        SURVEYS,
        method="post",
        ok=302,
        objects=True,
    ),
    Case(
        "survey_template_use",
        slug_obj("survey_template_use", "template"),
        SURVEYS,
        method="post",
        ok=302,
        objects=True,
    ),
    Case(
        "survey_question_add",
        slug_obj("survey_question_add", "template"),
        SURVEYS,
        method="post",
        data=const({"type": "short", "text": "Nog een vraag?"}),
        ok=302,
        objects=True,
    ),
    Case("survey_question_edit", question("survey_question_edit"), SURVEYS, objects=True),
    Case(
        "survey_question_edit",
        question("survey_question_edit"),
        SURVEYS,
        method="post",
        data=const({"type": "short", "text": "Wat ging er goed?"}),
        ok=302,
        objects=True,
    ),
    Case(
        "survey_question_delete",
        question("survey_question_delete"),
        SURVEYS,
        method="post",
        ok=302,
        objects=True,
    ),
    Case(
        "survey_question_move",
        question("survey_question_move", "down"),
        SURVEYS,
        method="post",
        ok=302,
        htmx=200,
        objects=True,
    ),
    # --- successes ----------------------------------------------------------------------------
    Case("success_wall", slug("success_wall"), may(Action.VIEW_SUCCESSES)),
    Case("success_share", slug("success_share"), may(Action.SHARE_SUCCESS)),
    Case(
        "success_share",
        slug("success_share"),
        may(Action.SHARE_SUCCESS),
        method="post",
        data=const({"title": "Gelukt", "story": "Zelf gedaan.", "kind": "example", "value": "immediate"}),
        ok=302,
    ),
    Case(
        "success_kudos",
        slug_obj("success_kudos", "success"),
        may(Action.SHARE_SUCCESS),
        method="post",
        data=const({"give": "1"}),
        ok=302,
        htmx=200,
        objects=True,
    ),
    Case(
        "success_moderate",
        slug_obj("success_moderate", "success", "feature"),
        may(Action.MODERATE_SUCCESSES),
        method="post",
        label="feature",
        ok=302,
        objects=True,
    ),
    Case(
        "success_moderate",
        slug_obj("success_moderate", "success", "hide"),
        may(Action.MODERATE_SUCCESSES),
        method="post",
        label="hide",
        ok=302,
        objects=True,
    ),
    # --- dev/mail/: DEBUG only (tests run with DEBUG off; tests/authorization/test_urls.py turns it on)
    Case("devmail_list", plain("devmail_list"), EVERYONE, anonymous=404, ok=404),
    Case("devmail_detail", lambda s, o: _r("devmail_detail", "x"), EVERYONE, anonymous=404, ok=404),
    Case("devmail_html", lambda s, o: _r("devmail_html", "x"), EVERYONE, anonymous=404, ok=404),
    Case("devmail_attachment", lambda s, o: _r("devmail_attachment", "x", 0), EVERYONE, anonymous=404, ok=404),
]


# --- The Django admin (tests/authorization/test_admin.py) ---------------------------------------
# Every registered model admin's changelist, add, change, delete and history pages (and its bare
# object URL, a redirect to the change page) are found from admin.site; the admin (a superuser)
# gets 200 on each but these, where the model admin itself refuses.
ADMIN_REFUSALS: dict[tuple[str, str], int] = {
    ("cop.healthsnapshot", "add"): 403,  # written by the weekly digest only
    ("cop.notification", "add"): 403,  # rows come from notification_queue
    ("cop.auditevent", "add"): 403,  # the audit log is written by the application only
    ("cop.auditevent", "delete"): 403,  # and never rewritten
}


def _admin(name: str, *args: object, query: str = "") -> str:
    return reverse(name, args=args) + query


_OK, _LOGGED_OUT = (200, None), (302, "/admin/")
# The admin site's own URLs: name → (objects → (URL, what non-staff visitors get ("login": the
# admin's login page), what staff without permissions get, what the admin gets)).
ADMIN_SITE: dict[str, Callable[[dict], tuple]] = {
    "admin:index": lambda objects: (_admin("admin:index"), "login", _OK, _OK),
    # Signed in but not staff: the form again, with "you are not authorised"; staff: the index.
    "admin:login": lambda objects: (_admin("admin:login"), _OK, _LOGGED_OUT, _LOGGED_OUT),
    "admin:logout": lambda objects: (_admin("admin:logout"), _LOGGED_OUT, (405, None), (405, None)),  # POST only
    "admin:password_change": lambda objects: (_admin("admin:password_change"), "login", _OK, _OK),
    "admin:password_change_done": lambda objects: (_admin("admin:password_change_done"), "login", _OK, _OK),
    "admin:jsi18n": lambda objects: (_admin("admin:jsi18n"), "login", _OK, _OK),
    "admin:autocomplete": lambda objects: (
        _admin("admin:autocomplete", query="?app_label=cop&model_name=success&field_name=community"),
        "login",
        (403, None),
        _OK,
    ),
    "admin:app_list": lambda objects: (_admin("admin:app_list", "cop"), "login", (404, None), _OK),
    "admin:auth_user_password_change": lambda objects: (
        _admin("admin:auth_user_password_change", objects["members.user"].pk),
        "login",
        (403, None),
        _OK,
    ),
    # No model of Gilde has a get_absolute_url: "view on site" finds nothing, and says so to staff only.
    "admin:view_on_site": lambda objects: (
        _admin("admin:view_on_site", _content_type(objects["cop.community"]), objects["cop.community"].pk),
        "login",
        (404, None),
        (404, None),
    ),
    # Anything else under /admin/: the login page, so nobody learns which models there are.
    "admin/(?P<url>.*)$": lambda objects: ("/admin/no-such-page/", "login", (404, None), (404, None)),
}


def _content_type(obj: object) -> int:
    from django.contrib.contenttypes.models import ContentType  # noqa: PLC0415 (needs the app registry)

    return ContentType.objects.get_for_model(obj).pk


# --- django-allauth's account URLs (tests/authorization/test_accounts.py) ------------------------
# name (or pattern) → (URL, what an anonymous visitor gets, what a signed-in one gets), each
# (status, Location). Signing up is closed (members.adapters: invitation only).
_LOGIN_PAGE = "/accounts/login/"


def _to_login(url: str) -> tuple[int, str]:
    return 302, f"{_LOGIN_PAGE}?next={url}"


ACCOUNTS: dict[str, tuple[str, tuple, tuple]] = {
    "account_login": ("/accounts/login/", _OK, (302, "/")),
    "account_logout": ("/accounts/logout/", (302, _LOGIN_PAGE), _OK),  # signed in: "log out?" first
    "account_inactive": ("/accounts/inactive/", _OK, _OK),
    "account_signup": ("/accounts/signup/", _OK, (302, "/")),  # the "by invitation only" page
    "account_reauthenticate": ("/accounts/reauthenticate/", _to_login("/accounts/reauthenticate/"), _OK),
    "account_request_reauthentication_code": (
        "/accounts/reauthenticate/code/",
        _to_login("/accounts/reauthenticate/code/"),
        _OK,
    ),
    # No code was sent: ask for one first.
    "account_confirm_reauthentication_code": (
        "/accounts/reauthenticate/code/confirm/",
        _to_login("/accounts/reauthenticate/code/confirm/"),
        (302, "/accounts/reauthenticate/code/"),
    ),
    "account_email": ("/accounts/email/", _to_login("/accounts/email/"), _OK),
    "account_email_verification_sent": ("/accounts/confirm-email/", _OK, _OK),
    "account_change_password": ("/accounts/password/change/", _to_login("/accounts/password/change/"), _OK),
    # Everyone here has a password: setting one sends them to changing it.
    "account_set_password": (
        "/accounts/password/set/",
        _to_login("/accounts/password/set/"),
        (302, "/accounts/password/change/"),
    ),
    "account_reset_password": ("/accounts/password/reset/", _OK, _OK),
    # No code was asked for: back to asking for one (signed in: home).
    "account_confirm_login_code": ("/accounts/login/code/confirm/", (302, "/accounts/login/code/"), (302, "/")),
    "account_confirm_email": ("/accounts/confirm-email/not-a-key/", _OK, _OK),  # "this link is not valid"
    "account_reset_password_from_key_done": ("/accounts/password/reset/key/done/", _OK, _OK),
    "account_reset_password_from_key": ("/accounts/password/reset/key/1-not-a-key/", _OK, _OK),  # "bad token"
    "account_reset_password_done": ("/accounts/password/reset/done/", _OK, _OK),
    "account_request_login_code": ("/accounts/login/code/", _OK, (302, "/")),
    "socialaccount_login_cancelled": ("/accounts/3rdparty/login/cancelled/", _OK, _OK),
    "socialaccount_login_error": ("/accounts/3rdparty/login/error/", (401, None), (401, None)),
    # No single sign-on under way: nothing to sign up with.
    "socialaccount_signup": ("/accounts/3rdparty/signup/", (302, _LOGIN_PAGE), (302, _LOGIN_PAGE)),
    "socialaccount_connections": ("/accounts/3rdparty/", _to_login("/accounts/3rdparty/"), _OK),
    # allauth's old addresses, sent on to the new ones.
    "accounts/social/login/cancelled/": (
        "/accounts/social/login/cancelled/",
        (301, "/accounts/3rdparty/login/cancelled/"),
        (301, "/accounts/3rdparty/login/cancelled/"),
    ),
    "accounts/social/login/error/": (
        "/accounts/social/login/error/",
        (301, "/accounts/3rdparty/login/error/"),
        (301, "/accounts/3rdparty/login/error/"),
    ),
    "accounts/social/signup/": (
        "/accounts/social/signup/",
        (301, "/accounts/3rdparty/signup/"),
        (301, "/accounts/3rdparty/signup/"),
    ),
    "accounts/social/connections/": (
        "/accounts/social/connections/",
        (301, "/accounts/3rdparty/"),
        (301, "/accounts/3rdparty/"),
    ),
}
