"""Successes shared through the year, some about an intern, some tied to a meeting or a topic,
each with kudos from colleagues. The quiet and struggling communities shared none lately."""

from datetime import timedelta

from cop.models import Kudos, Success, SuccessKind, ValueCycle
from cop.scale.people import BATCH
from cop.scale.plan import World, apportion
from meetings.models import MeetingStatus, TopicStatus
from members.models import Role

STORIES = {
    SuccessKind.MILESTONE: [
        ("Eerste klus helemaal zelf gedaan", "Van intake tot oplevering, zonder hulp: en de klant was tevreden."),
        ("Examen gehaald", "Na weken oefenen in de werkplaats is het praktijkexamen gelukt."),
        (
            "Zelf een storing gevonden",
            "Waar anderen het opgaven, vond zij de oorzaak met de meetmethode van de workshop.",
        ),
    ],
    SuccessKind.EXAMPLE: [
        ("Zo leg je het uit", "Een collega liet zien hoe hij nieuwe mensen inwerkt: eerst meekijken, dan samen doen."),
        ("Checklist van de werkplaats", "Een mentor deelde haar checklist; iedereen gebruikt hem nu."),
    ],
    SuccessKind.IMPROVEMENT: [
        (
            "Minder wachttijd bij de uitgifte",
            "Door de bestellingen een dag eerder klaar te zetten, wacht niemand meer.",
        ),
        ("Nieuwe overdracht werkt", "De overdracht aan het eind van de dag kost de helft van de tijd."),
    ],
}
KINDS = ([SuccessKind.MILESTONE, SuccessKind.EXAMPLE, SuccessKind.IMPROVEMENT], [45, 35, 20])
VALUES = (list(ValueCycle), [30, 30, 20, 15, 5])


def successes_build(world: World) -> None:
    rng = world.rng
    weights = [p.size * p.activity * (1 if p.state == "healthy" else 0.4) for p in world.profiles]
    counts = apportion(world.plan.successes, weights)
    rows = []
    for position, community in enumerate(world.communities):
        # None lately where the community is not doing well: the health check says so.
        recent = 0 if world.profiles[position].state == "healthy" else 150
        meetings = [m for m in world.meetings if m.community_id == community.pk and m.status == MeetingStatus.PUBLISHED]
        topics = [t for t in world.topics if t.community_id == community.pk and t.status == TopicStatus.PLANNED]
        for _ in range(counts[position]):
            created = world.days_ago(rng.uniform(recent, 365))
            members = world.current(position, created)
            interns = [member.user_id for member in members if member.role == Role.INTERN]
            kind = rng.choices(*KINDS)[0]
            title, story = rng.choice(STORIES[kind])
            before = [m for m in meetings if m.ends_at < created]
            rows.append(
                Success(
                    community=community,
                    author_id=rng.choice(members).user_id if members else None,
                    about_id=rng.choice(interns) if kind == SuccessKind.MILESTONE and interns else None,
                    kind=kind,
                    value=rng.choices(*VALUES)[0],
                    title=title,
                    story=story,
                    meeting=rng.choice(before[-10:]) if before and rng.random() < 0.3 else None,
                    topic=rng.choice(topics) if topics and rng.random() < 0.1 else None,
                    featured=rng.random() < 0.06,
                    hidden_at=created + timedelta(days=1) if rng.random() < 0.02 else None,
                    created_at=created,
                )
            )
    world.successes = Success.objects.bulk_create(rows, batch_size=BATCH)
    _kudos(world)


def _kudos(world: World) -> None:
    rng = world.rng
    rows = []
    for success in world.successes:
        people = {m.user_id for m in world.current(world.index[success.community_id], success.created_at)}
        people.discard(success.author_id)
        count = min(len(people), rng.choices(range(13), [8, 10, 12, 12, 11, 10, 9, 8, 6, 5, 4, 3, 2])[0])
        span = max((world.now - success.created_at).total_seconds(), 60)
        rows.extend(
            Kudos(
                success=success,
                user_id=user_id,
                created_at=success.created_at + timedelta(seconds=rng.uniform(0, min(span, 14 * 86400))),
            )
            for user_id in rng.sample(sorted(people), count)
        )
    Kudos.objects.bulk_create(rows, batch_size=BATCH)
