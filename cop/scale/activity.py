"""Meetings over the past year and the next two months, who said they would come, who came, and
each community's topic backlog with its votes.

Totals are handed out by weight (a community's activity, a meeting's format) and capped by who
was a member at the time, so RSVPs and attendance land exactly on the plan. Of those who said
they would come, the community's share came (60 to 90%, less where it struggles); the rest of the
attendance is walk-ins, as happens.
"""

from datetime import datetime, time, timedelta

from cop.scale.people import BATCH, themes_of
from cop.scale.plan import World, apportion, apportion_capped
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
from members.models import Role

FORMATS = {  # weight, minutes, title, how many come compared with a monthly meeting
    Format.MONTHLY: (30, 90, "Maandbijeenkomst", 1.3),
    Format.WORKSHOP: (25, 180, "Workshop", 1.0),
    Format.COFFEE: (38, 45, "Koffiemoment", 0.6),
    Format.KICKOFF: (7, 120, "Snelkooksprint", 1.2),
}
GENERIC_THEMES = [
    "Feedback geven",
    "Veilig werken",
    "Plannen en prioriteren",
    "Samenwerken in een team",
    "Presenteren",
    "Fouten als leerkans",
    "Nieuwe technieken",
    "Klantcontact",
    "Reflecteren op je stage",
    "Werkdruk en balans",
]
PLACES = ["Werkplaats hal 2", "Kantine", "Vergaderzaal De Smidse", "Leslokaal 1.04", "Bouwkeet project Noord"]
TOPIC_ANGLES = [
    "voor beginners",
    "in de praktijk",
    "tips van collega's",
    "veelgemaakte fouten",
    "nieuwe ontwikkelingen",
    "stap voor stap",
    "met een casus",
    "hoe pak je het aan?",
    "wat zegt de regelgeving?",
    "ervaringen delen",
    "oefenen in tweetallen",
    "van theorie naar werkvloer",
]
RESPONSES = ([Response.GOING, Response.MAYBE, Response.DECLINED], [74, 12, 14])


def _when(world: World, day: int, *, past: bool) -> datetime:
    """A weekday time between 9:00 and 16:30, `day` days back (past) or ahead."""
    date = world.today + timedelta(days=-day if past else day)
    while date.weekday() > 4:
        date += timedelta(days=-1 if past else 1)
    if past and date >= world.today:
        date = world.today - timedelta(days=3 if date.weekday() == 0 else 1)
    start = time(world.rng.choice([9, 10, 13, 14, 15, 16]), world.rng.choice([0, 30]))
    return datetime.combine(date, start, tzinfo=world.zone)


def meetings_build(world: World) -> None:
    rng, plan = world.rng, world.plan
    weights = [profile.activity for profile in world.profiles]
    past = apportion(plan.past_meetings, weights)
    ahead = apportion(
        plan.planned_meetings, [w if p.state != "quiet" else 0 for w, p in zip(weights, world.profiles, strict=True)]
    )
    for theme in [
        *GENERIC_THEMES,
        *(theme for position in range(len(world.profiles)) for theme in themes_of(position)),
    ]:
        world.theme_bonus.setdefault(theme, rng.uniform(-0.5, 0.5))
    rows = []
    for position, profile in enumerate(world.profiles):
        quiet = profile.state == "quiet"
        themes = themes_of(position) + rng.sample(GENERIC_THEMES, 6)
        # The quiet community's last meeting was four months ago.
        days = sorted((rng.randint(120 if quiet else 1, 365) for _ in range(past[position])), reverse=True)
        moments = [_when(world, day, past=True) for day in days]
        moments += [_when(world, rng.randint(1, 60), past=False) for _ in range(ahead[position])]
        for number, starts in enumerate(moments):
            rows.append(_meeting(world, position, starts, themes=themes, number=number))
    world.meetings = Meeting.objects.bulk_create(rows, batch_size=BATCH)


def _meeting(world: World, position: int, starts: datetime, *, themes: list[str], number: int) -> Meeting:
    rng, community = world.rng, world.communities[position]
    kind = rng.choices(list(FORMATS), [value[0] for value in FORMATS.values()])[0]
    _weight, minutes, label, _draw = FORMATS[kind]
    theme = "" if kind == Format.COFFEE and rng.random() < 0.7 else rng.choice(themes)
    in_past = starts < world.now
    if in_past:
        status = MeetingStatus.CANCELLED if rng.random() < 0.03 else MeetingStatus.PUBLISHED
    else:
        status = MeetingStatus.DRAFT if rng.random() < 0.12 else MeetingStatus.PUBLISHED
    created = starts - timedelta(days=rng.randint(14, 45))
    staff = world.current(position, min(starts, world.now), Role.FACILITATOR, Role.COLLEAGUE, Role.MENTOR)
    facilitators = [member.user_id for member in staff if member.role == Role.FACILITATOR]
    interns = world.current(position, min(starts, world.now), Role.INTERN)
    host = None
    if rng.random() < 0.7 and staff:
        host = rng.choice(interns if interns and rng.random() < 0.05 else staff).user_id
    online = rng.random() < 0.2
    return Meeting(
        community=community,
        title=f"{label}: {theme}" if theme else label,
        theme=theme,
        format=kind,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        place="" if online else rng.choice(PLACES),
        online_url=f"https://meet.gilde.test/{community.slug}-{number}" if online else "",
        agenda="Welkom en voorstelronde\nInhoudelijk deel\nVragen en afsluiting",
        host_id=host,
        capacity=24 if kind == Format.WORKSHOP else None,
        status=status,
        checkin_code="".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=6)),
        notes="Goede opkomst; de casus leverde veel vragen op." if in_past and rng.random() < 0.4 else "",
        takeaways="Vraag vaker om feedback.\nDeel je tussenresultaat eerder." if in_past and rng.random() < 0.3 else "",
        created_by_id=rng.choice(facilitators) if facilitators else None,
        created_at=created,
        published_at=created + timedelta(days=1) if status != MeetingStatus.DRAFT else None,
        cancelled_at=starts - timedelta(days=rng.randint(1, 7)) if status == MeetingStatus.CANCELLED else None,
    )


def rsvps_build(world: World) -> None:
    """RSVPs from the members of the time, exactly `plan.rsvps` in all; then attendance."""
    rng = world.rng
    eligible, weights = [], []
    for meeting in world.meetings:
        position = world.index[meeting.community_id]
        people = [member.user_id for member in world.current(position, min(meeting.starts_at, world.now))]
        eligible.append(list(dict.fromkeys(people)))  # someone in two roles counts once
        factor = FORMATS[meeting.format][3] * (0.7 if meeting.starts_at > world.now else 1.0)
        weights.append(0 if meeting.status == MeetingStatus.DRAFT else factor * len(people))
    counts = apportion_capped(world.plan.rsvps, weights, [len(people) for people in eligible])
    rows, changed = [], []
    for meeting, people, count in zip(world.meetings, eligible, counts, strict=True):
        answers = dict.fromkeys(rng.sample(people, count))
        for user_id in answers:
            answers[user_id] = rng.choices(*RESPONSES)[0]
        world.rsvps[meeting.pk] = answers
        going = sum(response == Response.GOING for response in answers.values())
        if meeting.capacity and going > meeting.capacity:
            meeting.capacity = going + 2
            changed.append(meeting)
        answered_from = meeting.published_at or meeting.created_at
        span = max((min(meeting.starts_at, world.now) - answered_from).total_seconds(), 60)
        rows.extend(
            Rsvp(
                meeting=meeting,
                user_id=user_id,
                response=response,
                updated_at=answered_from + timedelta(seconds=rng.uniform(0, span)),
            )
            for user_id, response in answers.items()
        )
    Rsvp.objects.bulk_create(rows, batch_size=BATCH)
    Meeting.objects.bulk_update(changed, ["capacity"], batch_size=BATCH)
    _attendance(world, eligible)


def _attendance(world: World, eligible: list[list[int]]) -> None:
    rng = world.rng
    held = [
        (meeting, people)
        for meeting, people in zip(world.meetings, eligible, strict=True)
        if meeting.status == MeetingStatus.PUBLISHED and meeting.ends_at <= world.now
    ]
    # At a few meetings nobody ticked attendance (their survey goes to those who said yes).
    held = [(meeting, people) for meeting, people in held if rng.random() >= 0.02]
    going, rates = [], []
    for meeting, _people in held:
        answers = world.rsvps[meeting.pk]
        going.append([user for user, response in answers.items() if response == Response.GOING])
        profile = world.profiles[world.index[meeting.community_id]]
        rates.append(min(0.98, max(0.2, rng.gauss(profile.attendance, 0.06))))
    expected = [len(people) * rate for people, rate in zip(going, rates, strict=True)]
    pools = [len(people) - len(yes) for (_meeting, people), yes in zip(held, going, strict=True)]
    walk_in = min(0.6, max(0.0, (world.plan.attendance - sum(expected)) / max(sum(pools), 1)))
    weights = [came + walk_in * pool for came, pool in zip(expected, pools, strict=True)]
    counts = apportion_capped(world.plan.attendance, weights, [len(people) for _meeting, people in held])
    rows = []
    for (meeting, people), yes, rate, count in zip(held, going, rates, counts, strict=True):
        answers = world.rsvps[meeting.pk]
        others = [user for user in people if answers.get(user) != Response.GOING]
        # Those who said "maybe" walk in first.
        others.sort(key=lambda user: (answers.get(user) != Response.MAYBE, rng.random()))
        from_yes = min(len(yes), round(len(yes) * rate), count)
        from_yes = max(from_yes, count - len(others))
        came = rng.sample(yes, from_yes) + others[: count - from_yes]
        world.came[meeting.pk] = came
        checker = meeting.host_id or meeting.created_by_id
        rows.extend(
            Attendance(
                meeting=meeting,
                user_id=user_id,
                checked_in_by_id=checker if rng.random() < 0.7 else None,
                created_at=meeting.starts_at + timedelta(minutes=rng.randint(-10, 20)),
            )
            for user_id in came
        )
    Attendance.objects.bulk_create(rows, batch_size=BATCH)


def topics_build(world: World) -> None:
    """The backlog: members suggest (and surveys and sprint boards add) topics all year; lively
    communities plan or archive them within two months, the others let them wait."""
    rng = world.rng
    counts = apportion(world.plan.topics, [p.size * (0.5 + p.activity) for p in world.profiles])
    rows, suggested = [], []
    for position, community in enumerate(world.communities):
        lively = world.profiles[position].state == "healthy"
        subjects = themes_of(position) + GENERIC_THEMES
        titles = [f"{subject}: {angle}" for subject in subjects for angle in TOPIC_ANGLES]
        rng.shuffle(titles)
        meetings = sorted(
            (m for m in world.meetings if m.community_id == community.pk and m.status == MeetingStatus.PUBLISHED),
            key=lambda m: m.starts_at,
        )
        for number in range(counts[position]):
            created = world.days_ago(rng.uniform(0, 365))
            members = world.current(position, created)
            source = rng.choices(list(TopicSource), [60, 33, 7])[0]
            by = (
                rng.choice(members).user_id
                if members and (source != TopicSource.SURVEY or rng.random() < 0.6)
                else None
            )
            old = created < world.days_ago(60)
            open_share = (0.004 if old else 0.7) if lively else (0.45 if old else 0.8)
            later = [m for m in meetings if m.starts_at > created + timedelta(days=3)]
            status = TopicStatus.OPEN
            meeting = None
            if rng.random() >= open_share:
                status = TopicStatus.PLANNED if later and rng.random() < 0.66 else TopicStatus.ARCHIVED
                meeting = rng.choice(later[:6]) if status == TopicStatus.PLANNED else None
            title = titles[number % len(titles)]
            if number >= len(titles):
                title = f"{title} ({number // len(titles) + 1})"
            rows.append(
                Topic(
                    community=community,
                    title=title,
                    description="Graag met voorbeelden uit de eigen werkplek.",
                    source=source,
                    suggested_by_id=by,
                    status=status,
                    meeting=meeting,
                    created_at=created,
                    planned_at=min(world.now, max(created, meeting.created_at) + timedelta(days=1))
                    if meeting
                    else None,
                )
            )
            suggested.append(by)
    world.topics = Topic.objects.bulk_create(rows, batch_size=BATCH)
    _merges(world)
    _votes(world, suggested)


def _merges(world: World) -> None:
    """One in ten archived topics was a duplicate, merged into an earlier one."""
    earlier: dict[int, list[Topic]] = {}
    merged = []
    for topic in sorted(world.topics, key=lambda t: t.created_at):
        mine = earlier.setdefault(topic.community_id, [])
        if topic.status == TopicStatus.ARCHIVED and mine and world.rng.random() < 0.1:
            topic.merged_into = world.rng.choice(mine[-20:])
            merged.append(topic)
        elif topic.status != TopicStatus.ARCHIVED:
            mine.append(topic)
    Topic.objects.bulk_update(merged, ["merged_into"], batch_size=BATCH)


def _votes(world: World, suggested: list[int | None]) -> None:
    rng = world.rng
    rows = []
    for topic, by in zip(world.topics, suggested, strict=True):
        position = world.index[topic.community_id]
        people = {member.user_id for member in world.current(position, topic.created_at)} - {by}
        count = min(len(people), rng.choices(range(9), [20, 18, 15, 13, 11, 9, 7, 4, 3])[0])
        voters = rng.sample(sorted(people), count)
        world.voters[topic.pk] = voters
        span = max((world.now - topic.created_at).total_seconds(), 60)
        rows.extend(
            TopicVote(
                topic=topic,
                user_id=user_id,
                created_at=topic.created_at + timedelta(seconds=rng.uniform(0, min(span, 30 * 86400))),
            )
            for user_id in voters
        )
    TopicVote.objects.bulk_create(rows, batch_size=BATCH)
