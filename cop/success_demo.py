"""Demo successes: a few stories per community, from practice, with every value cycle, kudos from
colleagues and one featured story each. Found by (community, title), so seeding twice changes
nothing. Written directly, not through success_share: a demo should not mail everyone."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from cop.models import Community, Kudos, Success, SuccessKind, ValueCycle
from meetings.models import Meeting, MeetingStatus, Topic
from members.selectors import community_users


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    story: str
    kind: str
    value: str
    author: str  # full name of a member of the community
    about: str = ""
    days_ago: int = 0
    meeting_theme: str = ""  # the latest past meeting with this theme, if any
    topic: str = ""
    featured: bool = False
    kudos: int = 0  # how many colleagues gave kudos


STORIES = [
    Story(
        "autotechniek",
        "Eerste APK-keuring zelfstandig gedaan",
        "Ilias heeft vandaag voor het eerst helemaal zelf een APK-keuring gedaan, van de remmentest tot het "
        "afmelden bij de RDW. Hij wist precies wanneer hij moest doorvragen en noteerde twee adviespunten voor "
        "de klant. Trots op hem!",
        SuccessKind.MILESTONE,
        ValueCycle.POTENTIAL,
        author="Marco Jansen",
        about="Ilias Bakker",
        days_ago=6,
        featured=True,
        kudos=9,
    ),
    Story(
        "autotechniek",
        "Hoogvoltaccu veilig spanningsloos gemaakt",
        "Met de checklist uit de bijeenkomst over veilig werken heb ik onder begeleiding de accu van een "
        "elektrische auto spanningsloos gemaakt. Nu weet ik waarom elke stap op die lijst staat.",
        SuccessKind.MILESTONE,
        ValueCycle.APPLIED,
        author="Daan Kok",
        days_ago=24,
        meeting_theme="Veilig werken: wie let er op wie?",
        kudos=6,
    ),
    Story(
        "autotechniek",
        "Stappenplan voor de diagnosecomputer bij de hefbrug",
        "Na ons gesprek over de diagnosecomputer hangt er een stappenplan op A3 bij elke hefbrug. Sinds "
        "twee maanden komen er merkbaar minder auto's terug met dezelfde storing.",
        SuccessKind.IMPROVEMENT,
        ValueCycle.REALISED,
        author="Carla Visser",
        days_ago=48,
        topic="Werken met de diagnosecomputer",
        kudos=7,
    ),
    Story(
        "autotechniek",
        "Peter vertelde over zijn grootste fout",
        "Peter vertelde hoe hij ooit een koppeling verkeerd monteerde, en wat hij daarvan leerde. Sindsdien "
        "melden stagiairs hun twijfels eerder: een fout op tijd zeggen is bij ons nu iets goeds.",
        SuccessKind.EXAMPLE,
        ValueCycle.REFRAMING,
        author="Fenna de Vries",
        about="Peter Vos",
        days_ago=75,
        meeting_theme="Leren van fouten: wat ging er mis, en wat leerden we?",
        kudos=5,
    ),
    Story(
        "autotechniek",
        "Koffiemoment met de spuiterij",
        "Bij het koffiemoment hoorde ik hoe de spuiterij met kleurcodes werkt. Leuk, en nu weet ik wie ik "
        "waarvoor kan vragen.",
        SuccessKind.EXAMPLE,
        ValueCycle.IMMEDIATE,
        author="Yusuf Demir",
        days_ago=110,
        kudos=3,
    ),
    Story(
        "bouw-metselen",
        "Eerste gevel zelf gevoegd",
        "Sanne heeft deze week haar eerste gevel helemaal zelf gevoegd: strak, gelijkmatig en op tijd klaar. "
        "De opdrachtgever vroeg wie dat had gedaan.",
        SuccessKind.MILESTONE,
        ValueCycle.POTENTIAL,
        author="Joost Peters",
        about="Sanne Meijer",
        days_ago=9,
        featured=True,
        kudos=8,
    ),
    Story(
        "bouw-metselen",
        "Steigercheck met z'n tweeën, elke ochtend",
        "Sinds de bijeenkomst over veilig werken lopen we elke ochtend met z'n tweeën de steiger na voordat "
        "we beginnen. Deze maand nul meldingen bij de veiligheidskundige.",
        SuccessKind.IMPROVEMENT,
        ValueCycle.REALISED,
        author="Bram Dekker",
        days_ago=33,
        meeting_theme="Veilig werken: wie let er op wie?",
        kudos=6,
    ),
    Story(
        "bouw-metselen",
        "Karin liet zien hoe je een rollaag metselt",
        "Karin nam ons mee naar haar project en liet stap voor stap zien hoe je een rollaag boven een kozijn "
        "metselt. De volgende dag heb ik het zelf geprobeerd, met haar tips in mijn achterhoofd.",
        SuccessKind.EXAMPLE,
        ValueCycle.APPLIED,
        author="Milan Koster",
        about="Karin Postma",
        days_ago=61,
        kudos=4,
    ),
    Story(
        "communicatie",
        "Eerste persbericht in de krant",
        "Het persbericht dat Noor schreef over onze open dag stond in de regionale krant. Daarna meldden "
        "zich drie studenten voor een stageplek.",
        SuccessKind.MILESTONE,
        ValueCycle.REALISED,
        author="Lotte Willems",
        about="Noor Hendriks",
        days_ago=4,
        featured=True,
        kudos=7,
    ),
    Story(
        "communicatie",
        "Feedback: eerst vragen, dan tips",
        "De manier van feedback geven uit de bijeenkomst (eerst vragen wat de ander zelf vindt, dan pas "
        "tips) heb ik meteen gebruikt bij de nieuwsbrief. Het gesprek voelde veel fijner.",
        SuccessKind.EXAMPLE,
        ValueCycle.APPLIED,
        author="Lisa Jacobs",
        days_ago=29,
        meeting_theme="Hoe geef je constructieve feedback?",
        kudos=5,
    ),
    Story(
        "communicatie",
        "Schrijfwijzer voor alle afdelingen",
        "Onze schrijfwijzer, begonnen als oefening met de stagiairs, gebruiken nu alle afdelingen voor hun "
        "klantbrieven. Minder vragen aan de balie over onduidelijke brieven.",
        SuccessKind.IMPROVEMENT,
        ValueCycle.REFRAMING,
        author="Ingrid Vermeulen",
        days_ago=90,
        kudos=4,
    ),
    Story(
        "communicatie",
        "Een leuke middag over klantfeedback",
        "De workshop over feedback van klanten was leerzaam en we hebben veel gelachen. Fijn om de andere "
        "stagiairs beter te leren kennen.",
        SuccessKind.EXAMPLE,
        ValueCycle.IMMEDIATE,
        author="Noah Verbeek",
        days_ago=120,
        topic="Feedback van klanten: wat doe je ermee?",
        kudos=2,
    ),
]


def seed(communities: list[Community]) -> None:
    by_slug = {community.slug: community for community in communities}
    now = timezone.now()
    for story in STORIES:
        community = by_slug.get(story.slug)
        if community is None:
            continue
        members = list(community_users(community_id=community.pk).order_by("pk"))
        named = {person.full_name: person for person in members}
        created_at = now - timedelta(days=story.days_ago)
        meeting = (
            Meeting.objects.filter(
                community=community, theme=story.meeting_theme, status=MeetingStatus.PUBLISHED, starts_at__lt=created_at
            )
            .order_by("-starts_at")
            .first()
            if story.meeting_theme
            else None
        )
        success, _created = Success.objects.get_or_create(
            community=community,
            title=story.title,
            defaults={
                "story": story.story,
                "kind": story.kind,
                "value": story.value,
                "author": named.get(story.author),
                "about": named.get(story.about),
                "meeting": meeting,
                "topic": Topic.objects.filter(community=community, title=story.topic).first() if story.topic else None,
                "featured": story.featured,
                "created_at": created_at,
            },
        )
        fans = [person for person in members if person.pk not in {success.author_id, success.about_id}][: story.kudos]
        Kudos.objects.bulk_create(
            [Kudos(success=success, user=fan, created_at=created_at + timedelta(hours=2)) for fan in fans],
            ignore_conflicts=True,
        )
