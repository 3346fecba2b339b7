"""Demo meetings: a monthly meeting on the first Tuesday, from fourteen months back to six ahead
(the ladder's oldest month, twelve back, counts the three months up to it), with themes from
practice, answers (RSVP), attendance and notes; and a topic backlog whose planned topics became
the themes of their meetings.

Who came follows from when they joined (cop/demo.py) and their role: a new intern comes to their
first two meetings (newcomer, observer, participant on the ladder), colleagues and mentors now
and then, a host always, and never fewer than three who came before (feedback/demo.py leaves a
first-timer's survey unanswered: every survey gets answers enough to show, whatever the month).
Projectmanagement, the community that fell quiet, follows its own table.

Rows are found by (community, start) and (meeting, person), and new ones are written in bulk, so
seeding twice changes nothing and stays quick. Written directly, not through the services: a
demo should not mail everyone."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

from dateutil.relativedelta import TU, relativedelta
from django.conf import settings
from django.utils import timezone

from cop.demo import QUIET
from cop.models import Community
from meetings import sprint_demo
from meetings.models import (
    Attendance,
    Format,
    Meeting,
    MeetingStatus,
    Response,
    Rsvp,
    Topic,
    TopicSource,
    TopicStatus,
    TopicVote,
)
from members.models import Membership, Role

MONTHS_BACK, MONTHS_AHEAD = 14, 6
PUBLISHED_AHEAD = 3  # the next three meetings are published, later ones are drafts
STARTS, LENGTH = time(16, 0), timedelta(minutes=90)
REGULARS = 3  # at least this many who came before come to each meeting (the survey threshold)

# Themes by month, in turn; a month whose meeting took up a topic from the backlog has that topic.
THEMES = {
    "autotechniek": [
        "De autotechnicus van morgen: wat moet je kunnen?",
        "Veilig werken: wie let er op wie?",
        "Leren van fouten: wat ging er mis, en wat leerden we?",
        "Creatief problemen oplossen: tools en technieken",
        "Hoe geef je constructieve feedback?",
        "Kennis delen tussen oud en nieuw",
    ],
    "bouw-metselen": [
        "Veilig werken: wie let er op wie?",
        "Samenwerken op de steiger",
        "Kennis delen tussen oud en nieuw",
        "Hoe geef je constructieve feedback?",
        "Metselverbanden: wanneer kies je welk verband?",
        "Leren van fouten: wat ging er mis, en wat leerden we?",
    ],
    "communicatie": [
        "Hoe geef je constructieve feedback?",
        "Creatief problemen oplossen: tools en technieken",
        "Interviewen: doorvragen zonder te sturen",
        "Kennis delen tussen oud en nieuw",
        "Schrijven voor het web",
    ],
    "projectmanagement": [
        "Werkvoorbereiding: van tekening tot materiaalstaat",
        "Kennis delen tussen oud en nieuw",
        "Hoe geef je constructieve feedback?",
        "Veilig werken: wie let er op wie?",
        "Creatief problemen oplossen: tools en technieken",
    ],
}
KICKOFF = "Snelkooksprint: wat kan werken, wat zijn de valkuilen?"  # Projectmanagement's first meeting
FORMATS = [Format.MONTHLY, Format.WORKSHOP, Format.MONTHLY, Format.COFFEE]

# Projectmanagement met every month after its kick-off sprint, then less often, and not since its
# facilitator left, four months ago (cop/demo.py); fewer came each time. Who came, by month back.
FADING = {
    16: ("Hanneke Bosman", "Rob van den Berg", "Erik Groen", "Wendy de Graaf"),
    15: ("Hanneke Bosman", "Rob van den Berg", "Erik Groen", "Wendy de Graaf"),
    14: ("Hanneke Bosman", "Rob van den Berg", "Erik Groen", "Wendy de Graaf"),
    13: ("Hanneke Bosman", "Rob van den Berg", "Erik Groen", "Wendy de Graaf"),
    12: ("Hanneke Bosman", "Rob van den Berg", "Erik Groen", "Wendy de Graaf"),
    11: ("Hanneke Bosman", "Rob van den Berg", "Erik Groen", "Wendy de Graaf"),
    10: ("Hanneke Bosman", "Rob van den Berg", "Erik Groen", "Bas Vermeer"),
    8: ("Hanneke Bosman", "Rob van den Berg", "Erik Groen", "Bas Vermeer"),
    6: ("Hanneke Bosman", "Bas Vermeer", "Lieke Bos"),
    4: ("Hanneke Bosman", "Bas Vermeer", "Eva Kramer"),
}
HOSTS = {Role.COLLEAGUE, Role.MENTOR, Role.FACILITATOR}
# How often someone comes, by role (a new intern comes to their first two meetings).
COMES = {Role.FACILITATOR: 0.95, Role.MENTOR: 0.7, Role.COLLEAGUE: 0.6, Role.INTERN: 0.8}


@dataclass(frozen=True)
class Ask:
    """A topic for the backlog: open since `days_ago`, or planned as the theme of the meeting
    `planned_in` months back (negative: ahead), `waited` days after it was asked."""

    title: str
    by: str  # full name of the member who asked
    days_ago: int = 0
    planned_in: int | None = None
    waited: int = 21
    description: str = ""
    survey: bool = False  # asked in a survey after a meeting


TOPICS = {
    "autotechniek": [
        Ask("Storingscodes uitlezen en verklaren", "Ilias Bakker", planned_in=3, waited=40),
        Ask("Storing zoeken met de oscilloscoop", "Ilias Bakker", planned_in=7, waited=30),
        Ask("Wat als je een fout maakt?", "Henk Bos", days_ago=80, description="Durf je het te zeggen?"),
        Ask("Feedback van klanten: wat doe je ermee?", "Emma de Boer", days_ago=35, survey=True),
        Ask(
            "Werken met de diagnosecomputer",
            "Ilias Bakker",
            days_ago=26,
            description="Welke stappen neem je, en wanneer vraag je hulp?",
        ),
        Ask("Hoe plan je je eigen werk?", "Daan Kok", days_ago=20),
        Ask("Laadpalen: wat moet een monteur weten?", "Lucas Smits", days_ago=12),
        Ask("Elektrisch rijden: veilig werken aan hoogvolt", "Yusuf Demir", planned_in=-1, waited=25, survey=True),
        Ask("ADAS-camera kalibreren na een ruitvervanging", "Peter Vos", planned_in=-2, waited=20),
    ],
    "bouw-metselen": [
        Ask("Bouwtekeningen lezen zonder fouten", "Sanne Meijer", planned_in=8, waited=35),
        Ask("Gevelherstel bij monumenten", "Karin Postma", planned_in=2, waited=45),
        Ask("Steigers opbouwen: wie controleert wat?", "Wim Dijkstra", days_ago=130),
        Ask("Metselen bij vorst: wat mag wel en niet?", "Gerrit Hoekstra", days_ago=100),
        Ask("Hoe plan je je eigen werk?", "Milan Koster", days_ago=75, survey=True),
        Ask("Werken met een metselrobot?", "Thijs Brouwer", days_ago=15),
        Ask("Voegwerk: strak en gelijkmatig", "Fleur Prins", planned_in=-1, waited=18),
    ],
    "communicatie": [
        Ask("Helder schrijven voor klanten", "Lotte Willems", planned_in=8, waited=30),
        Ask(
            "Feedback van klanten: wat doe je ermee?",
            "Ingrid Vermeulen",
            planned_in=4,
            waited=20,
            description="Soms krijg je kritiek aan de balie.",
            survey=True,
        ),
        Ask("Het verhaal van de organisatie vertellen", "Tom Huisman", planned_in=1, waited=28),
        Ask("Toegankelijk schrijven op B1-niveau", "Esther van Leeuwen", days_ago=70),
        Ask("Social media: wat plaatsen we wel en niet?", "Zoë Claassen", days_ago=40),
        Ask("Presenteren voor een groep", "Mees Willemsen", days_ago=30, survey=True),
        Ask("Een nieuwsbrief die gelezen wordt", "Lisa Jacobs", planned_in=-1, waited=18),
    ],
    "projectmanagement": [
        Ask("Een planning maken die klopt", "Hanneke Bosman", planned_in=13, waited=20),
        Ask("Afstemmen met onderaannemers", "Rob van den Berg", planned_in=10, waited=30),
        Ask("Duurzaam bouwen: waar begin je?", "Rob van den Berg", days_ago=240),
        Ask("Begroten: waar gaat het mis?", "Bas Vermeer", days_ago=200),
        Ask("Werken met BIM-modellen", "Erik Groen", days_ago=160),
        Ask("Faalkosten: leren van meerwerk", "Lieke Bos", days_ago=130, survey=True),
        Ask("Hoe plan je je eigen werk?", "Eva Kramer", days_ago=75),
    ],
}


def meeting_day(months_back: int, *, today: date) -> date:
    """The first Tuesday of the month `months_back` months before this one (negative: ahead)."""
    return today.replace(day=1) - relativedelta(months=months_back) + relativedelta(weekday=TU(1))


def meeting_start(months_back: int, *, today: date) -> datetime:
    """When the monthly meeting `months_back` months before this one begins, in the organisation's zone."""
    return datetime.combine(meeting_day(months_back, today=today), STARTS, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _months(community: Community) -> list[int]:
    if community.slug == QUIET:
        return sorted(FADING, reverse=True)
    return list(range(MONTHS_BACK, -MONTHS_AHEAD - 1, -1))


def seed(communities: list[Community]) -> None:
    today = timezone.localdate()
    now = timezone.now()
    for community in communities:
        memberships = list(Membership.objects.filter(community=community).select_related("user").order_by("pk"))
        planned = {ask.planned_in: ask.title for ask in TOPICS.get(community.slug, []) if ask.planned_in is not None}
        themes = THEMES[community.slug]
        meetings, upcoming = {}, 0
        rsvps, attendance = [], []
        seen: dict[int, int] = {}  # meetings each membership could have come to so far
        regulars: set[int] = set()  # memberships that came to one of them
        for number, months_back in enumerate(_months(community)):
            starts = meeting_start(months_back, today=today)
            past = starts < now
            there = [m for m in memberships if m.joined_at < starts and _stayed(m, starts)]
            facilitator = next((m.user for m in there if m.role == Role.FACILITATOR), None)
            # Colleagues, mentors and the facilitator host in turn; Projectmanagement's facilitator
            # did it all herself.
            hosts = [m.user for m in there if m.role in HOSTS and community.slug != QUIET]
            host = hosts[number % len(hosts)] if hosts else facilitator
            kickoff = number == 0 and community.slug == QUIET
            theme = KICKOFF if kickoff else planned.get(months_back, themes[number % len(themes)])
            meeting_format = Format.KICKOFF if kickoff else FORMATS[number % len(FORMATS)]
            status = MeetingStatus.PUBLISHED if past or upcoming < PUBLISHED_AHEAD else MeetingStatus.DRAFT
            upcoming += not past
            meeting, _ = Meeting.objects.update_or_create(
                community=community,
                starts_at=starts,
                defaults={
                    "title": theme,
                    "theme": theme,
                    "format": meeting_format,
                    "ends_at": starts + LENGTH,
                    "place": "Bouwkeet, project De Werf" if community.slug == QUIET else "Kantine, hoofdgebouw",
                    "agenda": "16:00 Welkom en koffie\n16:15 Thema\n17:00 Wat nemen we mee?\n17:30 Afsluiting",
                    "host": host,
                    "capacity": 12 if meeting_format == Format.WORKSHOP else None,
                    "status": status,
                    "created_by": facilitator,
                    "notes": "Goed gesprek; iedereen bracht een voorbeeld uit de eigen praktijk mee." if past else "",
                    "takeaways": "Vraag door voordat je een oplossing geeft." if past else "",
                },
            )
            meetings[months_back] = meeting
            if status == MeetingStatus.DRAFT:
                continue
            if not past:
                rsvps += _answers_ahead(meeting, [m for m in there if m.left_at is None], number)
                continue
            came = _came(community, there, seen, regulars, host=host, day=starts.date(), months_back=months_back)
            rsvps += _answers_after(meeting, there, came)
            attendance += [
                Attendance(meeting=meeting, user=m.user, checked_in_by=facilitator, created_at=starts) for m in came
            ]
        Rsvp.objects.bulk_create(rsvps, ignore_conflicts=True)
        Attendance.objects.bulk_create(attendance, ignore_conflicts=True)
        _topics(community, memberships, meetings, today=today)
        if community.slug == QUIET:  # its first meeting was a kick-off sprint, finished with a summary
            people = {m.user.full_name: m.user for m in memberships}
            sprint_demo.seed(community=community, meeting=meetings[max(FADING)], people=people)


def _stayed(membership: Membership, moment: datetime) -> bool:
    """Still a member at `moment`: not left, nor an alumnus, by then."""
    return all(end is None or end > moment for end in (membership.left_at, membership.alumni_at))


def _came(
    community: Community,
    there: list[Membership],
    seen: dict[int, int],
    regulars: set[int],
    *,
    host,
    day: date,
    months_back: int,
) -> list[Membership]:
    """Who came to a past meeting: by chance and role, a new intern to their first two, the host
    always, and at least REGULARS of those who came before (at the first meeting, anyone): when
    chance brings fewer, those nearest to coming come too. For Projectmanagement, as FADING says.
    `seen` and `regulars` are updated for the next meeting."""
    if community.slug == QUIET:
        return [m for m in there if m.user.full_name in FADING[months_back]]
    came, away = set(), []
    for membership in there:
        nth = seen.get(membership.pk, 0)
        seen[membership.pk] = nth + 1
        first_two = membership.role == Role.INTERN and nth < 2
        chance = Random(f"{membership.user.email}:{day}").random()  # noqa: S311 (demo data, not security)
        if first_two or membership.user == host or chance < COMES[membership.role]:
            came.add(membership.pk)
        elif membership.pk in regulars or not regulars:
            away.append((chance - COMES[membership.role], membership.pk))
    known = len(came & regulars) if regulars else len(came)
    came.update(pk for _margin, pk in sorted(away)[: max(REGULARS - known, 0)])
    regulars.update(came)
    return [m for m in there if m.pk in came]


def _answers_after(meeting: Meeting, there: list[Membership], came: list[Membership]) -> list[Rsvp]:
    """Those who came said they would; of the others a few said so and stayed away."""
    rows = []
    for membership in there:
        if membership in came:
            response = Response.GOING
        else:
            pick = Random(f"{membership.user.email}:{meeting.starts_at.date()}:rsvp").random()  # noqa: S311 (demo)
            response = Response.GOING if pick < 0.4 else Response.MAYBE if pick < 0.7 else Response.DECLINED
        answered = meeting.starts_at - timedelta(days=3)
        rows.append(Rsvp(meeting=meeting, user=membership.user, response=response, updated_at=answered))
    return rows


def _answers_ahead(meeting: Meeting, current: list[Membership], number: int) -> list[Rsvp]:
    """Most come, some might, a few cannot: varied per meeting and person; a full workshop has a
    waiting list."""
    rows, going = [], 0
    for position, membership in enumerate(current):
        pick = (position * 7 + number * 3) % 10
        response = Response.GOING if pick < 6 else Response.MAYBE if pick < 8 else Response.DECLINED
        if response == Response.GOING:
            going += 1
            if meeting.capacity and going > meeting.capacity:
                response = Response.WAITLIST
        rows.append(Rsvp(meeting=meeting, user=membership.user, response=response))
    return rows


def _topics(
    community: Community,
    memberships: list[Membership],
    meetings: dict[int, Meeting],
    *,
    today: date,
) -> None:
    """The backlog: topics asked over the year, the planned ones on the meetings they became the
    theme of; votes from members who were there when it was asked."""
    zone = ZoneInfo(settings.TIME_ZONE)
    named = {m.user.full_name: m.user for m in memberships}
    lately = datetime.combine(today - timedelta(days=2), time(10), tzinfo=zone)
    votes = []
    for number, ask in enumerate(TOPICS.get(community.slug, [])):
        meeting = meetings.get(ask.planned_in) if ask.planned_in is not None else None
        if meeting is not None:
            planned_at = min(meeting.starts_at - timedelta(days=14), lately)
            created_at = planned_at - timedelta(days=ask.waited)
        else:
            planned_at = None
            created_at = datetime.combine(today - timedelta(days=ask.days_ago), time(10), tzinfo=zone)
        topic, _ = Topic.objects.update_or_create(
            community=community,
            title=ask.title,
            defaults={
                "description": ask.description,
                "source": TopicSource.SURVEY if ask.survey else TopicSource.MEMBER,
                "suggested_by": named.get(ask.by),
                "status": TopicStatus.PLANNED if meeting else TopicStatus.OPEN,
                "meeting": meeting,
                "planned_at": planned_at,
                "created_at": created_at,
            },
        )
        voters = [m.user for m in memberships if m.joined_at < created_at and m.user.full_name != ask.by]
        votes += [
            TopicVote(topic=topic, user=voter, created_at=created_at)
            for voter in voters[number % 3 :: 2][: 2 + (number * 5) % 6]
        ]
        if topic.suggested_by_id:
            votes.append(TopicVote(topic=topic, user_id=topic.suggested_by_id, created_at=created_at))
    TopicVote.objects.bulk_create(votes, ignore_conflicts=True)
