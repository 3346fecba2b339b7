"""Demo successes: stories from practice spread over the year, with every value cycle, kudos from
colleagues who were there and one featured story in each lively community; Projectmanagement,
the community that fell quiet, shared its last ones long ago. Found by (community, title), so
seeding twice changes nothing. Written directly, not through success_share: a demo should not
mail everyone."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from cop.models import Community, Kudos, Success, SuccessKind, ValueCycle
from meetings.models import Meeting, MeetingStatus, Topic
from members.models import Membership


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
        topic="Storingscodes uitlezen en verklaren",
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
    Story(
        "autotechniek",
        "Zelf de storing in de laadpoort gevonden",
        "Een klant kwam terug omdat zijn auto niet wilde laden. Met de oscilloscoop uit de workshop vond ik "
        "een losse pin in de laadpoort. Marco keek mee, maar het zoeken deed ik zelf.",
        SuccessKind.MILESTONE,
        ValueCycle.POTENTIAL,
        author="Ilias Bakker",
        days_ago=185,
        meeting_theme="Storing zoeken met de oscilloscoop",
        kudos=6,
    ),
    Story(
        "autotechniek",
        "Rondleiding door de werkplaats voor de nieuwe lichting",
        "Henk gaf de nieuwe stagiairs een rondleiding langs alle werkplekken, met bij elke plek één ding "
        "dat hij zelf ooit fout deed. Iedereen wist daarna wie waar verstand van heeft.",
        SuccessKind.EXAMPLE,
        ValueCycle.IMMEDIATE,
        author="Ria Kuipers",
        about="Henk Bos",
        days_ago=250,
        kudos=4,
    ),
    Story(
        "autotechniek",
        "Minder comebacks na de APK",
        "Sinds we na elke APK samen de checklist nalopen, komen er minder auto's terug met een gemiste "
        "opmerking. Het scheelt de planning een paar uur per week.",
        SuccessKind.IMPROVEMENT,
        ValueCycle.REALISED,
        author="Henk Bos",
        days_ago=320,
        kudos=5,
    ),
    Story(
        "bouw-metselen",
        "Zelf de maatvoering uitgezet",
        "Na de bijeenkomst over bouwtekeningen heb ik voor het eerst zelf de maatvoering voor een "
        "binnenmuur uitgezet. Joost controleerde: alles klopte op de millimeter.",
        SuccessKind.MILESTONE,
        ValueCycle.APPLIED,
        author="Sanne Meijer",
        days_ago=215,
        meeting_theme="Bouwtekeningen lezen zonder fouten",
        kudos=5,
    ),
    Story(
        "bouw-metselen",
        "Gerrit leerde ons een gewelfje metselen",
        "Een oude techniek die bijna niemand meer kent: Gerrit liet op een restauratieproject zien hoe je "
        "een klein gewelf metselt. Nu zien we monumenten met andere ogen.",
        SuccessKind.EXAMPLE,
        ValueCycle.REFRAMING,
        author="Bram Dekker",
        about="Gerrit Hoekstra",
        days_ago=290,
        kudos=6,
    ),
    Story(
        "bouw-metselen",
        "Gezellig koffiemoment in de keet",
        "Tijdens het koffiemoment vertelden de ervaren metselaars over hun eerste jaar. Fijn om te horen "
        "dat zij ook weleens een muur opnieuw moesten doen.",
        SuccessKind.EXAMPLE,
        ValueCycle.IMMEDIATE,
        author="Fleur Prins",
        days_ago=40,
        kudos=3,
    ),
    Story(
        "communicatie",
        "Mijn eerste interview voor het personeelsblad",
        "Na de bijeenkomst over interviewen heb ik de nieuwe uitvoerder geïnterviewd. Door door te vragen "
        "kwam er een verhaal uit dat niemand kende.",
        SuccessKind.MILESTONE,
        ValueCycle.POTENTIAL,
        author="Noor Hendriks",
        days_ago=200,
        meeting_theme="Interviewen: doorvragen zonder te sturen",
        kudos=5,
    ),
    Story(
        "communicatie",
        "Klantbrieven herschreven met de stagiairs",
        "Samen met de stagiairs hebben we de tien meest verstuurde klantbrieven herschreven. Klanten bellen "
        "minder vaak met vragen over wat er nu precies bedoeld wordt.",
        SuccessKind.IMPROVEMENT,
        ValueCycle.APPLIED,
        author="Tom Huisman",
        days_ago=300,
        kudos=4,
    ),
    Story(
        "projectmanagement",
        "Snelkooksprint leverde ons domein op",
        "In één middag bedachten we in kleine groepjes wat kan werken, welke valkuilen er zijn en hoe we die "
        "oplossen. Daar kwam onze domeinbeschrijving uit, en een lijst onderwerpen voor het hele jaar.",
        SuccessKind.IMPROVEMENT,
        ValueCycle.REFRAMING,
        author="Hanneke Bosman",
        days_ago=480,
        kudos=3,
    ),
    Story(
        "projectmanagement",
        "Mijn eerste strokenplanning klopte",
        "Met de tips uit de bijeenkomst over plannen heb ik de strokenplanning voor een renovatie gemaakt. "
        "De uitvoerder heeft er niets aan hoeven veranderen.",
        SuccessKind.MILESTONE,
        ValueCycle.APPLIED,
        author="Bas Vermeer",
        days_ago=260,
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
        # Everyone who was ever a member: a story from before its author left keeps its author.
        memberships = list(Membership.objects.filter(community=community).select_related("user").order_by("pk"))
        named = {membership.user.full_name: membership.user for membership in memberships}
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
        # Kudos from current members who were there when it was shared.
        fans = [
            m.user
            for m in memberships
            if m.left_at is None
            and m.alumni_at is None
            and m.joined_at < created_at
            and m.user_id not in {success.author_id, success.about_id}
        ][: story.kudos]
        Kudos.objects.bulk_create(
            [Kudos(success=success, user=fan, created_at=created_at + timedelta(hours=2)) for fan in fans],
            ignore_conflicts=True,
        )
