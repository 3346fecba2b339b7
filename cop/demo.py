"""The demo organisation: a garage-and-building company with four Communities of Practice. Three
are alive; one, Projectmanagement, fell quiet (its facilitator left, the last meeting was four
months ago, few answer the survey, requested topics wait), so the dashboard's health check has
something to warn about.

History is back-dated by month: staff joined when their community started, interns when their
internship did (an apprentice working and learning for a year already, cohorts five and two
months ago, one a few days ago). Meetings go fourteen months back (meetings/demo.py), and the
participation ladder is computed at the end for the last twelve months and this one, so the
dashboard shows interns moving from the edge towards the core.

`seed_demo()` is idempotent: every row is found by a natural key (e-mail, slug, person and
community) and brought to the state below, so running it twice on the same day leaves the same
data. Later features add their own demo rows here.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.db import transaction
from django.utils import timezone

from cop.models import Community, DomainStatementRevision
from cop.notifications.services import notifications_queue
from members.invitations import InviteRow, invitations_send
from members.ladder import levels_compute, month_start
from members.models import Membership, Role, User

DEMO_PASSWORD = "gilde-demo"  # noqa: S105 (the documented demo password, seeded only on request)
QUIET = "projectmanagement"  # the community that fell quiet: its health check warns

COMMUNITIES = [
    {
        "slug": "autotechniek",
        "name": "Autotechniek — elektrische aandrijflijnen",
        "domain_statement": (
            "De autotechnicus van morgen: van verbrandingsmotor naar elektrische aandrijflijn. "
            "Stagiairs, monteurs en begeleiders leren samen veilig werken aan hoogvoltsystemen."
        ),
        "description": "Maandelijkse bijeenkomsten in de werkplaats, workshops en informele koffiemomenten.",
    },
    {
        "slug": "bouw-metselen",
        "name": "Bouw & Metselen",
        "domain_statement": (
            "Vakmanschap op de bouwplaats: metselen, lezen van tekeningen en samenwerken op de steiger. "
            "Ervaren metselaars delen hun expertise met de nieuwe lichting."
        ),
        "description": "Leren door te doen en te reflecteren op de eigen ervaringen.",
    },
    {
        "slug": "communicatie",
        "name": "Communicatie",
        "domain_statement": (
            "Hoe geef je constructieve feedback, hoe schrijf je helder en hoe vertel je het verhaal van "
            "de organisatie? Voor stagiairs communicatie en iedereen die met klanten praat."
        ),
        "description": "Sparren en brainstormen levert meer op dan in je eentje ploeteren achter je bureau.",
    },
    {
        # The quiet one: begun with a snelkooksprint, carried by one facilitator, who left.
        "slug": "projectmanagement",
        "name": "Projectmanagement & werkvoorbereiding",
        "domain_statement": (
            "Plannen, begroten en afstemmen met onderaannemers: hoe houd je een bouwproject op koers? "
            "Stagiairs werkvoorbereiding leren van projectleiders en uitvoerders."
        ),
        "description": "Bijeenkomsten in de bouwkeet op het project, na het werk.",
    },
]
# When each community started, in months back: its facilitators, mentors and colleagues joined then.
STARTED = {"autotechniek": 20, "bouw-metselen": 18, "communicatie": 16, "projectmanagement": 17}
# When the domain statement was last revisited, in months back; the three lively communities
# rewrote their first statement (below) after a season, Projectmanagement never did.
REVISED = {"autotechniek": 4, "bouw-metselen": 7, "communicatie": 2, "projectmanagement": 17}
FIRST_STATEMENTS = {
    "autotechniek": "Stagiairs en monteurs leren samen over onderhoud en diagnose van moderne auto's.",
    "bouw-metselen": "Metselen en samenwerken op de bouwplaats.",
    "communicatie": "Helder schrijven en constructieve feedback geven.",
}


@dataclass(frozen=True)
class Person:
    email: str
    full_name: str
    memberships: tuple[tuple[str, str], ...] = ()
    is_manager: bool = False
    is_admin: bool = False
    language: str = "nl"
    login: str = ""  # shown by the command for the documented demo logins


PEOPLE = [
    Person(
        "facilitator@gilde.demo",
        "Fenna de Vries",
        (("autotechniek", Role.FACILITATOR), ("communicatie", Role.FACILITATOR)),
        login="facilitator of Autotechniek and Communicatie",
    ),
    Person("intern@gilde.demo", "Ilias Bakker", (("autotechniek", Role.INTERN),), login="intern in Autotechniek"),
    Person("mentor@gilde.demo", "Marco Jansen", (("autotechniek", Role.MENTOR),), login="mentor in Autotechniek"),
    Person(
        "colleague@gilde.demo",
        "Carla Visser",
        (("autotechniek", Role.COLLEAGUE), ("bouw-metselen", Role.COLLEAGUE)),
        login="experienced colleague",
    ),
    Person("manager@gilde.demo", "Marieke Smit", is_manager=True, login="management, all communities"),
    Person("admin@gilde.demo", "Arjen Mulder", is_admin=True, language="en", login="Django admin (/admin/)"),
    Person("bram.dekker@gilde.demo", "Bram Dekker", (("bouw-metselen", Role.FACILITATOR),)),
    Person("sanne.meijer@gilde.demo", "Sanne Meijer", (("bouw-metselen", Role.INTERN),)),
    Person("joost.peters@gilde.demo", "Joost Peters", (("bouw-metselen", Role.MENTOR),)),
    Person("noor.hendriks@gilde.demo", "Noor Hendriks", (("communicatie", Role.INTERN),)),
    Person("lotte.willems@gilde.demo", "Lotte Willems", (("communicatie", Role.MENTOR),)),
    Person("daan.kok@gilde.demo", "Daan Kok", (("autotechniek", Role.INTERN),)),
]

# More people, so that directories, mentor pairs and (later) dashboards look like a real organisation.
EXTRA = {
    "autotechniek": {
        Role.INTERN: ["Yusuf Demir", "Emma de Boer", "Lucas Smits", "Sophie Mertens", "Jesse van Dam"],
        Role.MENTOR: ["Peter Vos"],
        Role.COLLEAGUE: ["Henk Bos", "Ria Kuipers"],
    },
    "bouw-metselen": {
        Role.INTERN: ["Milan Koster", "Fleur Prins", "Thijs Brouwer", "Anouk Maas", "Sem Verhoeven"],
        Role.MENTOR: ["Karin Postma"],
        Role.COLLEAGUE: ["Gerrit Hoekstra", "Wim Dijkstra"],
    },
    "communicatie": {
        Role.INTERN: ["Lisa Jacobs", "Noah Verbeek", "Zoë Claassen", "Mees Willemsen", "Julia Schouten"],
        Role.MENTOR: ["Ingrid Vermeulen"],
        Role.COLLEAGUE: ["Tom Huisman", "Esther van Leeuwen"],
    },
    "projectmanagement": {
        Role.INTERN: ["Bas Vermeer", "Lieke Bos", "Eva Kramer", "Ruben de Jong"],
        Role.MENTOR: ["Rob van den Berg"],
        Role.COLLEAGUE: ["Erik Groen", "Wendy de Graaf"],
    },
}
SCHOOLS = {
    "autotechniek": ("ROC Mondriaan", "Eerste Autotechnicus (mbo 3)"),
    "bouw-metselen": ("Bouwmensen Utrecht", "Metselaar (mbo 2)"),
    "communicatie": ("Hogeschool Utrecht", "Communicatie (hbo)"),
    "projectmanagement": ("Avans Hogeschool", "Bouwkunde (hbo, duaal)"),
}
# Each intern's internship: (started, in months back; how many months it lasts). They start on
# the 20th, after that month's meeting (the first Tuesday), so their first meeting is the next
# one; 0 means they joined a few days ago, after this month's meeting if it was held
# (_joined_lately). A BBL apprentice works and learns for years.
INTERNSHIPS = {
    "Ilias Bakker": (13, 36),
    "Daan Kok": (5, 10),
    "Yusuf Demir": (5, 10),
    "Emma de Boer": (5, 10),
    "Lucas Smits": (2, 10),
    "Sophie Mertens": (2, 10),
    "Jesse van Dam": (0, 10),
    "Sanne Meijer": (13, 24),
    "Milan Koster": (5, 10),
    "Fleur Prins": (5, 10),
    "Thijs Brouwer": (2, 10),
    "Anouk Maas": (2, 10),
    "Sem Verhoeven": (0, 10),
    "Noor Hendriks": (9, 12),
    "Lisa Jacobs": (5, 10),
    "Noah Verbeek": (5, 10),
    "Zoë Claassen": (2, 10),
    "Mees Willemsen": (2, 10),
    "Julia Schouten": (0, 10),
    "Bas Vermeer": (11, 24),
    "Lieke Bos": (7, 12),
    "Eva Kramer": (7, 12),
    "Ruben de Jong": (0, 10),
}


@dataclass(frozen=True)
class Departure:
    """Someone who left a community: their membership stays, with when they left."""

    email: str
    full_name: str
    community: str
    role: str
    left: tuple[int, int]  # months back, day of the month


# Projectmanagement's facilitator moved to another project after the meeting four months ago;
# nobody took over.
DEPARTED = [
    Departure("hanneke.bosman@gilde.demo", "Hanneke Bosman", "projectmanagement", Role.FACILITATOR, left=(4, 25))
]
LEARNING_GOALS = (
    "Zelfstandig een diagnose stellen en die uitleggen aan een collega.\n"
    "Leren hoe je constructieve feedback geeft én ontvangt."
)
PENDING_INVITATIONS = [
    ("autotechniek", "Bart Visser", "bart.visser@example.org", Role.INTERN),
    ("bouw-metselen", "Nina Peeters", "nina.peeters@example.org", Role.INTERN),
    ("communicatie", "Rik de Wit", "rik.de.wit@example.org", Role.COLLEAGUE),
]


def _slugify_name(name: str) -> str:
    return ".".join(name.lower().replace("ë", "e").split())


def _extra_people() -> list[Person]:
    people = []
    for slug, roles in EXTRA.items():
        for role, names in roles.items():
            people.extend(Person(f"{_slugify_name(name)}@gilde.demo", name, ((slug, role),)) for name in names)
    return people


def at_month(months_back: int, day: int, *, today: date) -> datetime:
    """9:00 on `day` of the month `months_back` months before this one, in the organisation's
    zone. Demo history is placed by month, so who was there at which monthly meeting (the first
    Tuesday) does not depend on the day the demo is seeded."""
    first = today.replace(day=1) - relativedelta(months=months_back)
    return datetime.combine(first.replace(day=day), time(9), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _password_hash() -> str:
    """The demo password's hash, shared by every demo account: hashing takes about half a second
    on purpose, and once per run is enough (the password is public anyway). The stored one is
    reused when it still checks out, so a second run changes nothing."""
    stored = User.objects.filter(email=PEOPLE[0].email).values_list("password", flat=True).first()
    if stored and check_password(DEMO_PASSWORD, stored) and not identify_hasher(stored).must_update(stored):
        return stored
    return make_password(DEMO_PASSWORD)


def _person_upsert(person: Person, *, password: str) -> User:
    user = User.objects.filter(email=person.email).first() or User(email=person.email)
    user.full_name = person.full_name
    user.language = person.language
    user.is_manager = person.is_manager
    user.is_staff = user.is_superuser = person.is_admin
    user.password = password
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=person.email, defaults={"verified": True, "primary": True})
    return user


def _joined_lately(*, today: date, now: datetime) -> datetime:
    """When the newest interns joined: a few days ago, but this month (last month's ladder does
    not count them yet), and after this month's meeting if it has begun, so that they have not
    been to one yet (newcomers) whatever day of the month it is."""
    from meetings.demo import LENGTH, meeting_start  # noqa: PLC0415 (cop does not depend on meetings at import)

    joined = datetime.combine(
        max(today - timedelta(days=4), today.replace(day=1)), time(), tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    meeting = meeting_start(0, today=today)
    return max(joined, min(meeting + LENGTH, now)) if meeting <= now else joined


def _membership_details(slug: str, role: str, full_name: str, *, today: date, lately: datetime) -> dict:
    """When the person joined, and for an intern the internship: back-dated, see INTERNSHIPS
    (0 months back: at `lately`)."""
    if role != Role.INTERN:
        return {"role": role, "joined_at": at_month(STARTED[slug], 10, today=today)}
    months_back, length = INTERNSHIPS[full_name]
    joined = at_month(months_back, 20, today=today) if months_back else lately
    school, programme = SCHOOLS[slug]
    return {
        "role": role,
        "joined_at": joined,
        "school": school,
        "programme": programme,
        "internship_start": joined.date(),
        "internship_end": joined.date() + relativedelta(months=length),
        "learning_goals": LEARNING_GOALS,
    }


@transaction.atomic
def seed_demo() -> list[tuple[str, str]]:
    """Creates or updates the demo communities, people and memberships, their meetings, surveys,
    topics and successes, and the participation ladder; returns the demo logins."""
    communities = {}
    for data in COMMUNITIES:
        community, _ = Community.objects.update_or_create(
            slug=data["slug"], defaults={key: value for key, value in data.items() if key != "slug"}
        )
        communities[community.slug] = community
    now = timezone.localtime()
    today = now.date()
    lately = _joined_lately(today=today, now=now)
    password = _password_hash()
    for person in [*PEOPLE, *_extra_people()]:
        user = _person_upsert(person, password=password)
        for slug, role in person.memberships:
            Membership.objects.update_or_create(
                user=user,
                community=communities[slug],
                left_at=None,
                alumni_at=None,
                defaults=_membership_details(slug, role, person.full_name, today=today, lately=lately),
            )
    for departure in DEPARTED:
        user = _person_upsert(Person(departure.email, departure.full_name), password=password)
        Membership.objects.update_or_create(
            user=user,
            community=communities[departure.community],
            role=departure.role,
            left_at__isnull=False,
            defaults={
                "joined_at": at_month(STARTED[departure.community], 10, today=today),
                "left_at": at_month(*departure.left, today=today),
            },
        )
    for community in communities.values():
        _pair_mentors(community)
        _domain_history(community, today=today)
        _welcome(community)
    _pending_invitations(communities)
    # Meetings build on communities and members: seeded by their own app.
    from meetings import demo as meetings_demo  # noqa: PLC0415 (cop does not depend on meetings at import)

    meetings_demo.seed(list(communities.values()))
    from feedback import demo as feedback_demo  # noqa: PLC0415 (idem: feedback builds on meetings)

    feedback_demo.seed(list(communities.values()))
    from cop import success_demo  # noqa: PLC0415 (idem: successes link to the meetings and topics above)

    success_demo.seed(list(communities.values()))
    _ladder(today)
    return [(person.email, person.login) for person in PEOPLE if person.login]


LADDER_MONTHS = 12


def _ladder(today: date) -> None:
    """The participation ladder for this month and the twelve before it, as the daily job would
    have stored it month by month: the dashboard's longest period compares its last month with
    the month before it."""
    this_month = month_start(today)
    for back in range(LADDER_MONTHS, -1, -1):
        levels_compute(this_month - relativedelta(months=back))


def _pair_mentors(community: Community) -> None:
    """Each intern gets a mentor of their community, in turn (the demo mentor gets Ilias first)."""
    mentors = list(
        User.objects.filter(
            memberships__community=community, memberships__role=Role.MENTOR, memberships__left_at__isnull=True
        ).order_by("email")
    )
    interns = Membership.objects.filter(community=community, role=Role.INTERN, left_at__isnull=True).order_by("pk")
    for number, membership in enumerate(interns):
        membership.mentor = mentors[number % len(mentors)]
        membership.save(update_fields=["mentor"])


def _domain_history(community: Community, *, today: date) -> None:
    """The statement as first written when the community started, and as last revisited (for
    Projectmanagement, never since the start: its health check says so). Only written once."""
    if DomainStatementRevision.objects.filter(community=community).exists():
        return
    versions = [(REVISED[community.slug], community.domain_statement)]
    if community.slug in FIRST_STATEMENTS:
        versions.insert(0, (STARTED[community.slug], FIRST_STATEMENTS[community.slug]))
    for months_back, text in versions:
        revision = DomainStatementRevision.objects.create(community=community, text=text)
        # created_at is set on insert (auto_now_add): back-date it afterwards.
        DomainStatementRevision.objects.filter(pk=revision.pk).update(created_at=at_month(months_back, 12, today=today))


def _pending_invitations(communities: dict[str, Community]) -> None:
    facilitator = User.objects.get(email="facilitator@gilde.demo")
    rows_by_community: dict[str, list[InviteRow]] = {}
    for slug, name, email, role in PENDING_INVITATIONS:
        rows_by_community.setdefault(slug, []).append(InviteRow(email=email, name=name, role=role))
    for slug, rows in rows_by_community.items():
        # Already invited rows come back with a problem and are skipped: seeding twice sends nothing.
        invitations_send(community=communities[slug], rows=rows, invited_by=facilitator)


def _welcome(community: Community) -> None:
    """A welcome announcement to every member, through the outbox (queued once: same occasion)."""
    members = User.objects.filter(memberships__community=community, memberships__left_at__isnull=True)
    notifications_queue(
        recipients=members,
        kind="announcement",
        subject_object=community,
        occasion="welcome",
        community=community,
        context={
            "title": "Welkom in de community!",
            "body": (
                "Een Community of Practice is een groep mensen die samenkomt omdat ze een gedeelde interesse "
                "of passie hebben. Hier leer je niet in een vacuüm, maar van elkaar: door ervaringen, inzichten "
                "en best practices te delen. Binnenkort plannen we de eerste bijeenkomst."
            ),
        },
    )
