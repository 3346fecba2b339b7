"""The demo's finished kick-off sprint: Projectmanagement began, sixteen months ago, with a
snelkooksprint in the bouwkeet. Four people in two groups wrote what could work, the pitfalls
and obstacles and their solutions, then put their dots; its top pitfall came true when the
facilitator left. Its shared learning goals came from the sprint.

Written as bulk rows in a few queries, not through the services (which bump versions and check
rounds as a live sprint would); a board that is already there is left alone, so seeding twice
changes nothing."""

import secrets
from datetime import timedelta

from cop.models import Community
from meetings.models import (
    Meeting,
    SprintBoard,
    SprintCard,
    SprintColumn,
    SprintDot,
    SprintGroup,
    SprintParticipant,
    SprintRound,
    SprintStatus,
)
from meetings.sprint import CODE_ALPHABET
from members.models import User

ROUNDS = [
    ("Wat werkt?", 5, False),
    ("Valkuilen en obstakels", 5, False),
    ("Oplossingen", 7, False),
    ("Stemmen", 3, True),
]
ROB, WENDY, ERIK, HANNEKE = "Rob van den Berg", "Wendy de Graaf", "Erik Groen", "Hanneke Bosman"
W, P, S = SprintColumn.WORKS, SprintColumn.PITFALL, SprintColumn.SOLUTION

# Per group: its people, then cards as (key, column, text, author, answers: the key of a pitfall).
GROUPS = [
    (
        (ROB, WENDY),
        [
            ("monthly", W, "Elke maand samenkomen in de bouwkeet, na het werk", ROB, ""),
            ("examples", W, "Echte voorbeelden van eigen projecten meenemen", WENDY, ""),
            ("no-time", P, "Geen tijd naast de projectdeadlines", ROB, ""),
            ("one-voice", P, "Alleen de projectleider aan het woord", WENDY, ""),
            ("fixed-date", S, "Vaste datum, een jaar vooruit gepland", ROB, "no-time"),
            ("intern-leads", S, "Elke keer een stagiair als gespreksleider", WENDY, "one-voice"),
        ],
    ),
    (
        (ERIK, HANNEKE),
        [
            ("planning", W, "Samen een echte planning doorlichten", ERIK, ""),
            ("failure-costs", W, "Leren van faalkosten en meerwerk", HANNEKE, ""),
            ("one-driver", P, "Eén trekker: valt die weg, dan stopt alles", ERIK, ""),
            ("off-topic", P, "Onderwerpen sluiten niet aan bij de stage", HANNEKE, ""),
            ("two-facilitators", S, "Twee facilitators die elkaar afwisselen", ERIK, "one-driver"),
            ("interns-choose", S, "Stagiairs kiezen zelf de onderwerpen", HANNEKE, "off-topic"),
        ],
    ),
]
# Three dots each: the winners are "Eén trekker" (4), "Echte voorbeelden" and "Twee facilitators" (3).
DOTS = {
    ROB: ("one-driver", "examples", "two-facilitators"),
    WENDY: ("one-driver", "examples", "two-facilitators"),
    ERIK: ("one-driver", "examples", "fixed-date"),
    HANNEKE: ("one-driver", "two-facilitators", "failure-costs"),
}
LEARNING_GOALS = "Echte voorbeelden van eigen projecten meenemen\nLeren van faalkosten en meerwerk"


def seed(*, community: Community, meeting: Meeting, people: dict[str, User]) -> SprintBoard:
    """The closed sprint board of the kick-off `meeting`; `people` by full name."""
    board = SprintBoard.objects.filter(meeting=meeting).first()
    if board is not None:
        return board
    start = meeting.starts_at + timedelta(minutes=15)
    board = SprintBoard.objects.create(
        meeting=meeting,
        code=_code(),
        status=SprintStatus.CLOSED,
        round_number=len(ROUNDS),
        round_started_at=start + timedelta(minutes=17),
        revealed=True,
        dots=3,
        version=60,
        created_by=meeting.created_by,
        created_at=meeting.starts_at - timedelta(days=7),
        closed_at=start + timedelta(minutes=20),
    )
    SprintRound.objects.bulk_create(
        SprintRound(board=board, position=n, title=title, minutes=minutes, voting=voting)
        for n, (title, minutes, voting) in enumerate(ROUNDS, start=1)
    )
    groups = SprintGroup.objects.bulk_create(SprintGroup(board=board, number=n) for n in range(1, len(GROUPS) + 1))
    SprintParticipant.objects.bulk_create(
        SprintParticipant(board=board, user=people[name], group=group, joined_at=start)
        for group, (names, _cards) in zip(groups, GROUPS, strict=True)
        for name in names
    )
    cards: dict[str, SprintCard] = {}
    for answering in (False, True):  # pitfalls first, so solutions can answer them
        rows = []
        for group, (_names, plan) in zip(groups, GROUPS, strict=True):
            for n, (key, column, text, author, answers) in enumerate(plan):
                if bool(answers) == answering:
                    at = start + timedelta(minutes=2 + 5 * ["works", "pitfall", "solution"].index(column), seconds=n)
                    card = SprintCard(
                        board=board,
                        group=group,
                        column=column,
                        text=text,
                        author=people[author],
                        answers=cards.get(answers),
                        created_at=at,
                        updated_at=at,
                    )
                    cards[key] = card
                    rows.append(card)
        SprintCard.objects.bulk_create(rows)
    SprintDot.objects.bulk_create(
        SprintDot(card=cards[key], user=people[name], created_at=start + timedelta(minutes=18))
        for name, keys in DOTS.items()
        for key in keys
    )
    Community.objects.filter(pk=community.pk, learning_goals="").update(learning_goals=LEARNING_GOALS)
    return board


def _code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if not SprintBoard.objects.filter(code=code).exists():
            return code
