"""The demo organisation: a garage-and-building company with three Communities of Practice.

`seed_demo()` is idempotent: every row is found by a natural key (e-mail, slug, person and
community) and brought to the state below, so running it twice leaves the same data.
Later features add their own demo rows here.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from cop.models import Community
from cop.notifications.services import notifications_queue
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
    for person in PEOPLE:
        user = _person_upsert(person)
        for slug, role in person.memberships:
            Membership.objects.update_or_create(
                user=user, community=communities[slug], left_at=None, defaults={"role": role}
            )
    for community in communities.values():
        _welcome(community)
    return [(person.email, person.login) for person in PEOPLE if person.login]


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
