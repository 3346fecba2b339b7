"""Demo meetings: a year of monthly meetings per community (six months back, six ahead) with
themes from practice, RSVPs and notes. Rows are found by (community, start), so seeding twice
changes nothing. Written directly, not through the services: a demo should not mail everyone."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import TU, relativedelta
from dateutil.rrule import MONTHLY, rrule
from django.conf import settings
from django.utils import timezone

from cop.models import Community
from meetings.models import Attendance, Format, Meeting, MeetingStatus, Response, Rsvp, Topic, TopicSource, TopicVote
from members.models import Membership, Role

THEMES = [
    "Hoe geef je constructieve feedback?",
    "De autotechnicus van morgen: wat moet je kunnen?",
    "Creatief problemen oplossen: tools en technieken",
    "Leren van fouten: wat ging er mis, en wat leerden we?",
    "Veilig werken: wie let er op wie?",
    "Kennis delen tussen oud en nieuw",
]
FORMATS = [Format.MONTHLY, Format.WORKSHOP, Format.MONTHLY, Format.COFFEE]


def seed(communities: list[Community]) -> None:
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    first = (today - relativedelta(months=6)).replace(day=1)
    # First Tuesday of every month, 16:00 to 17:30.
    days = list(rrule(MONTHLY, dtstart=first, count=13, byweekday=TU(1)))
    now = timezone.now()
    for offset, community in enumerate(communities):
        members = list(Membership.objects.current().filter(community=community).select_related("user").order_by("pk"))
        facilitator = next((m.user for m in members if m.role == Role.FACILITATOR), None)
        hosts = [m.user for m in members if m.role in {Role.COLLEAGUE, Role.MENTOR}] or [facilitator]
        for number, day in enumerate(days):
            starts = datetime.combine(day.date(), time(16, 0), tzinfo=zone)
            theme = THEMES[(number + offset) % len(THEMES)]
            past = starts < now
            upcoming_rank = sum(1 for d in days[:number] if datetime.combine(d.date(), time(16), tzinfo=zone) >= now)
            meeting, _ = Meeting.objects.update_or_create(
                community=community,
                starts_at=starts,
                defaults={
                    "title": theme,
                    "theme": theme,
                    "format": FORMATS[number % len(FORMATS)],
                    "ends_at": starts + timedelta(minutes=90),
                    "place": "Kantine, hoofdgebouw",
                    "agenda": "16:00 Welkom en koffie\n16:15 Thema\n17:00 Wat nemen we mee?\n17:30 Afsluiting",
                    "host": hosts[number % len(hosts)],
                    "capacity": 12 if FORMATS[number % len(FORMATS)] == Format.WORKSHOP else None,
                    "status": MeetingStatus.PUBLISHED if past or upcoming_rank < 3 else MeetingStatus.DRAFT,
                    "created_by": facilitator,
                    "notes": "Goed gesprek; iedereen bracht een voorbeeld uit de eigen praktijk mee." if past else "",
                    "takeaways": "Vraag door voordat je een oplossing geeft." if past else "",
                },
            )
            if meeting.status == MeetingStatus.DRAFT:
                continue
            for position, membership in enumerate(members):
                # Most come, some might, a few cannot: varied per meeting and person.
                pick = (position * 7 + number * 3) % 10
                response = Response.GOING if pick < 6 else Response.MAYBE if pick < 8 else Response.DECLINED
                if meeting.capacity and response == Response.GOING and position >= meeting.capacity:
                    response = Response.WAITLIST
                Rsvp.objects.update_or_create(meeting=meeting, user=membership.user, defaults={"response": response})
                # Most who said they would come, came; one in ten did not.
                if past and response == Response.GOING and (position + number) % 10:
                    Attendance.objects.get_or_create(
                        meeting=meeting, user=membership.user, defaults={"checked_in_by": facilitator}
                    )
        _topics(community, members)


TOPICS = [
    ("Werken met de diagnosecomputer", "Welke stappen neem je, en wanneer vraag je hulp?"),
    ("Hoe plan je je eigen werk?", ""),
    ("Feedback van klanten: wat doe je ermee?", "Soms krijg je kritiek aan de balie."),
    ("Veilig werken: wie let er op wie?", ""),
    ("Wat als je een fout maakt?", "Durf je het te zeggen?"),
]


def _topics(community: Community, members: list[Membership]) -> None:
    for number, (title, description) in enumerate(TOPICS):
        suggester = members[(number * 3) % len(members)].user if members else None
        source = TopicSource.SURVEY if number == 2 else TopicSource.MEMBER
        topic, _ = Topic.objects.get_or_create(
            community=community,
            title=title,
            defaults={"description": description, "source": source, "suggested_by": suggester},
        )
        for voter in members[: (len(TOPICS) - number) * 2]:
            TopicVote.objects.get_or_create(topic=topic, user=voter.user)
