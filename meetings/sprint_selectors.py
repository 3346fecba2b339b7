"""The sprint board as a participant's phone sees it: reads only (meetings/sprint.py writes).

The board page polls every two seconds. `board_for` answers in one query whether anything could
have changed for the person (the board's version, the minute on the round's clock) and whether
they may be there; only then does `board_view` read the rest, in four more queries however many
cards and groups there are.
"""

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Q, Subquery

from meetings import sprint
from meetings.models import (
    SprintBoard,
    SprintCard,
    SprintColumn,
    SprintDot,
    SprintGroup,
    SprintParticipant,
    SprintRound,
    SprintStatus,
)
from members.models import Membership, User
from members.permissions import Standing, org_roles


def board_for(*, meeting_id: int, user: User) -> SprintBoard | None:
    """The meeting's board with its meeting and community, `viewer` (the person's standing in the
    community, for members.permissions) and `round_minutes` (the running round's length). One query."""
    role = Membership.objects.current().filter(user_id=user.pk, community_id=OuterRef("meeting__community_id"))
    minutes = SprintRound.objects.filter(board_id=OuterRef("pk"), position=OuterRef("round_number")).values("minutes")
    board = (
        SprintBoard.objects.select_related("meeting__community")
        .annotate(member_role=Subquery(role.values("role")[:1]), round_minutes=Subquery(minutes[:1]))
        .filter(meeting_id=meeting_id)
        .first()
    )
    if board is not None:
        board.viewer = Standing(role=board.member_role, org=org_roles(user))
    return board


def clock(board: SprintBoard, *, now: datetime | None = None) -> str:
    """What the page shows of the round's time: whole minutes left (rounded up), so a phone needs
    the board again only when that number changes. Empty while no round runs."""
    left = sprint.seconds_left(board, board.round_minutes, now=now)
    return "" if left is None else str(math.ceil(left / 60))


@dataclass
class Column:
    value: str
    label: str
    cards: list[SprintCard] = field(default_factory=list)


@dataclass
class GroupBoard:
    group: SprintGroup
    columns: list[Column]


@dataclass
class BoardView:
    """Everything the participant's board shows. `layout` and `pitfall_key` tell the polling page
    when more than the card lists changed: the page itself (reload), or the choice of pitfalls a
    solution can answer (swap that select)."""

    board: SprintBoard
    seat: SprintParticipant | None
    group_members: list[User]
    rounds: list[SprintRound]
    current: SprintRound | None
    columns: list[Column]  # the person's own group
    others: list[GroupBoard]  # every other group, once revealed
    pitfalls: list[tuple[str, list[SprintCard]]]  # what a solution may answer, by group label
    dots_used: int
    dots_left: int
    minutes_left: str  # as `clock`

    @property
    def closed(self) -> bool:
        return self.board.status == SprintStatus.CLOSED

    @property
    def in_group(self) -> bool:
        return self.seat is not None and self.seat.group_id is not None

    @property
    def voting(self) -> bool:
        return self.current is not None and self.current.voting

    @property
    def layout(self) -> str:
        return f"{int(self.seat is not None)}{int(self.in_group)}{int(self.closed)}"

    @property
    def pitfall_key(self) -> str:
        names = "|".join(f"{label}:{card.pk}:{card.text}" for label, cards in self.pitfalls for card in cards)
        return hashlib.blake2s(names.encode(), digest_size=4).hexdigest()


def _columns() -> list[Column]:
    return [Column(value=value, label=str(label)) for value, label in SprintColumn.choices]


def _column(columns: list[Column], value: str) -> Column:
    return next(column for column in columns if column.value == value)


def board_view(board: SprintBoard, *, user: User) -> BoardView:
    """The person's seat and group, the rounds, the cards they may see (their group's, or all
    once revealed) with dots and whether they put one there, and what a solution may answer.
    Four queries."""
    own_group = SprintParticipant.objects.filter(board=board, user=user).values("group_id")
    seats = list(
        SprintParticipant.objects.filter(board=board)
        .filter(Q(user=user) | Q(group_id__in=own_group))
        .select_related("user", "group")
        .order_by("user__full_name", "pk")
    )
    seat = next((s for s in seats if s.user_id == user.pk), None)
    group_id = seat.group_id if seat else None
    members = [s.user for s in seats if group_id and s.group_id == group_id]
    rounds = list(board.rounds.all())
    current = next((r for r in rounds if r.position == board.round_number), None)
    cards = sprint.group_cards(board, group_id=group_id)
    mine = set(SprintDot.objects.filter(card__board=board, user=user).values_list("card_id", flat=True))

    by_id = {card.pk: card for card in cards}
    columns = _columns()
    others: dict[int, GroupBoard] = {}
    for card in cards:
        card.mine = card.author_id == user.pk
        card.dotted = card.pk in mine
        answered = by_id.get(card.answers_id)
        card.answers_text = answered.text if answered else ""
        if card.group_id == group_id:
            target = columns
        else:
            target = others.setdefault(card.group_id, GroupBoard(group=card.group, columns=_columns())).columns
        _column(target, card.column).cards.append(card)

    # A solution answers a pitfall of the person's group, or of any group once revealed.
    pitfalls = [(str(seat.group), _column(columns, SprintColumn.PITFALL).cards)] if group_id else []
    pitfalls += [(str(other.group), _column(other.columns, SprintColumn.PITFALL).cards) for other in others.values()]
    return BoardView(
        board=board,
        seat=seat,
        group_members=members,
        rounds=rounds,
        current=current,
        columns=columns,
        others=list(others.values()),
        pitfalls=[(label, cards) for label, cards in pitfalls if cards],
        dots_used=len(mine),
        dots_left=max(0, board.dots - len(mine)),
        minutes_left=clock(board),
    )
