"""The demo organisation: a garage-and-building company with three Communities of Practice.

`seed_demo()` is idempotent: every row is found by a natural key (e-mail, slug, person and
community) and brought to the state below, so running it twice leaves the same data.
Later features add their own demo rows here.
"""

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from cop.models import Community, DomainStatementRevision
from cop.notifications.services import notifications_queue
from members.invitations import InviteRow, invitations_send
from members.models import Membership, Role, User

DEMO_PASSWORD = "gilde-demo"  # noqa: S105 (the documented demo password, seeded only on request)

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
]


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
}
SCHOOLS = {
    "autotechniek": ("ROC Mondriaan", "Eerste Autotechnicus (mbo 3)"),
    "bouw-metselen": ("Bouwmensen Utrecht", "Metselaar (mbo 2)"),
    "communicatie": ("Hogeschool Utrecht", "Communicatie (hbo)"),
}
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


def _person_upsert(person: Person) -> User:
    user = User.objects.filter(email=person.email).first() or User(email=person.email)
    user.full_name = person.full_name
    user.language = person.language
    user.is_manager = person.is_manager
    user.is_staff = user.is_superuser = person.is_admin
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=person.email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def seed_demo() -> list[tuple[str, str]]:
    """Creates or updates the demo communities, people and memberships; returns the demo logins."""
    communities = {}
    for data in COMMUNITIES:
        community, _ = Community.objects.update_or_create(
            slug=data["slug"], defaults={key: value for key, value in data.items() if key != "slug"}
        )
        communities[community.slug] = community
    today = timezone.localdate()
    for person in [*PEOPLE, *_extra_people()]:
        user = _person_upsert(person)
        for slug, role in person.memberships:
            details = {"role": role}
            if role == Role.INTERN:
                school, programme = SCHOOLS[slug]
                details |= {
                    "school": school,
                    "programme": programme,
                    "internship_start": today - timedelta(days=60),
                    "internship_end": today + timedelta(days=120),
                    "learning_goals": LEARNING_GOALS,
                }
            Membership.objects.update_or_create(
                user=user, community=communities[slug], left_at=None, alumni_at=None, defaults=details
            )
    for community in communities.values():
        _pair_mentors(community)
        _domain_history(community)
        _welcome(community)
    _pending_invitations(communities)
    # Meetings build on communities and members: seeded by their own app.
    from meetings import demo as meetings_demo  # noqa: PLC0415 (cop does not depend on meetings at import)

    meetings_demo.seed(list(communities.values()))
    from feedback import demo as feedback_demo  # noqa: PLC0415 (idem: feedback builds on meetings)

    feedback_demo.seed(list(communities.values()))
    from cop import success_demo  # noqa: PLC0415 (idem: successes link to the meetings and topics above)

    success_demo.seed(list(communities.values()))
    return [(person.email, person.login) for person in PEOPLE if person.login]


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


def _domain_history(community: Community) -> None:
    if not DomainStatementRevision.objects.filter(community=community).exists():
        DomainStatementRevision.objects.create(community=community, text=community.domain_statement)


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
