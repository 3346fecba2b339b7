"""The kick-off sprint board ("snelkooksprint"): services. Views call these and nothing else
writes sprint rows.

Every change bumps the board's `version` in the same transaction, so a phone that polls with the
version it has learns in one query whether to fetch the board again. Participants change only
their own cards; a card edited from two phones at once keeps the first save and tells the second
(the `updated_at` it started from no longer matches).
"""

import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cop.models import Community
from meetings.models import (
    Attendance,
    Meeting,
    SprintBoard,
    SprintCard,
    SprintColumn,
    SprintDot,
    SprintGroup,
    SprintParticipant,
    SprintRound,
    SprintStatus,
    Topic,
    TopicSource,
)
from members.models import User

# The rounds of the article's snelkooksprint: what could work, what could get in the way, how
# to solve it; then everyone votes.
DEFAULT_ROUNDS = [
    (gettext_lazy("What works?"), 5, False),
    (gettext_lazy("Pitfalls and obstacles"), 5, False),
    (gettext_lazy("Solutions"), 7, False),
    (gettext_lazy("Vote"), 3, True),
]
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from a projector
CARD_MAX = 280


def _bump(board: SprintBoard) -> None:
    SprintBoard.objects.filter(pk=board.pk).update(version=F("version") + 1)


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


@transaction.atomic
def sprint_create(*, meeting: Meeting, by: User, rounds=None, dots: int = 3) -> SprintBoard:
    """Attaches a board to the meeting (once: a second call returns the first board)."""
    existing = SprintBoard.objects.filter(meeting=meeting).first()
    if existing:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                board = SprintBoard.objects.create(meeting=meeting, code=_code(), dots=dots, created_by=by)
            break
        except IntegrityError:  # the code was taken (or a second click created the board)
            existing = SprintBoard.objects.filter(meeting=meeting).first()
            if existing:
                return existing
    else:  # pragma: no cover (32^6 codes)
        raise RuntimeError("No free sprint code.")
    rounds_set(
        board=board, rounds=rounds or [(str(title), minutes, voting) for title, minutes, voting in DEFAULT_ROUNDS]
    )
    return board


def rounds_set(*, board: SprintBoard, rounds: list[tuple[str, int, bool]]) -> None:
    """Replaces the rounds (before the sprint starts): (title, minutes, vote round)."""
    board = SprintBoard.objects.select_for_update().get(pk=board.pk)
    if board.status != SprintStatus.SETUP:
        raise ValidationError(_("The rounds can be changed only before the sprint starts."))
    cleaned = [(title.strip()[:80], minutes, voting) for title, minutes, voting in rounds if title.strip()]
    if not cleaned:
        raise ValidationError(_("A sprint needs at least one round."))
    if any(not 1 <= minutes <= 60 for _title, minutes, _voting in cleaned):
        raise ValidationError(_("A round lasts 1 to 60 minutes."))
    with transaction.atomic():
        board.rounds.all().delete()
        SprintRound.objects.bulk_create(
            SprintRound(board=board, position=number, title=title, minutes=minutes, voting=voting)
            for number, (title, minutes, voting) in enumerate(cleaned, start=1)
        )
        _bump(board)


@transaction.atomic
def participant_join(*, board: SprintBoard, user: User) -> SprintParticipant | None:
    """Joins the sprint; a late joiner goes to the smallest group (if groups were made). A closed
    sprint takes no one new (its link may still be opened, to read what it brought)."""
    if board.status == SprintStatus.CLOSED:
        return SprintParticipant.objects.filter(board=board, user=user).first()
    seat, created = SprintParticipant.objects.get_or_create(board=board, user=user)
    if created and seat.group_id is None:
        smallest = board.groups.annotate(size=Count("participants")).order_by("size", "number").first()
        if smallest is not None:
            seat.group = smallest
            seat.save(update_fields=["group"])
        _bump(board)
    return seat


@transaction.atomic
def groups_make(*, board: SprintBoard, size: int = 4) -> list[SprintGroup]:
    """Splits the participants into groups of about `size`: those checked in at the meeting
    join first (so the facilitator can split the room before anyone opens the page). Replaces
    earlier groups; cards stay with the group number they were made in."""
    _running(board)
    if not 1 <= size <= 12:
        raise ValidationError(_("A group has 1 to 12 people."))
    board = _open(board)
    checked_in = Attendance.objects.filter(meeting_id=board.meeting_id).values_list("user_id", flat=True)
    existing = set(board.participants.values_list("user_id", flat=True))
    SprintParticipant.objects.bulk_create(
        [SprintParticipant(board=board, user_id=user_id) for user_id in checked_in if user_id not in existing],
        ignore_conflicts=True,
    )
    seats = list(board.participants.order_by("joined_at", "pk"))
    count = max(1, -(-len(seats) // size))  # ceil
    groups = {group.number: group for group in board.groups.all()}
    for number in range(1, count + 1):
        if number not in groups:
            groups[number] = SprintGroup.objects.create(board=board, number=number)
    # Round-robin, so that groups differ by at most one person.
    for index, seat in enumerate(seats):
        seat.group = groups[index % count + 1]
    SprintParticipant.objects.bulk_update(seats, ["group"])
    board.groups.filter(number__gt=count, cards__isnull=True).delete()
    _bump(board)
    return [groups[number] for number in range(1, count + 1)]


@transaction.atomic
def participant_move(*, board: SprintBoard, seat: SprintParticipant, group: SprintGroup | None) -> None:
    """Puts one participant in a group by hand (or in none)."""
    board = _open(board)
    if group is not None and group.board_id != board.pk:
        raise ValidationError(_("That group is not on this board."))
    seat.group = group
    seat.save(update_fields=["group"])
    _bump(board)


def _running(board: SprintBoard) -> None:
    if board.status == SprintStatus.CLOSED:
        raise ValidationError(_("This sprint is closed."))


def _open(board: SprintBoard) -> SprintBoard:
    """The board's row, locked and read again, if the sprint is still open: a write racing
    "close" (the view read the board a moment earlier) waits for it and is then refused."""
    board = SprintBoard.objects.select_for_update().get(pk=board.pk)
    _running(board)
    return board


@transaction.atomic
def dots_set(*, board: SprintBoard, dots: int) -> None:
    """Sets how many dots each participant may put on cards (until the sprint closes)."""
    board = _open(board)
    if not 1 <= dots <= 10:
        raise ValidationError(_("Each person has 1 to 10 dots."))
    SprintBoard.objects.filter(pk=board.pk).update(dots=dots)
    board.dots = dots
    _bump(board)


def seconds_left(board: SprintBoard, minutes: int | None, *, now: datetime | None = None) -> int | None:
    """Whole seconds left in the running round of `minutes` (0 once its time is up); None while
    no round runs. The one clock of the screen and the phones."""
    if minutes is None or board.round_started_at is None or board.status != SprintStatus.RUNNING:
        return None
    ends = board.round_started_at + timedelta(minutes=minutes)
    return max(0, math.ceil((ends - (now or timezone.now())).total_seconds()))


def seats(board: SprintBoard) -> list[SprintParticipant]:
    """Everyone on the board with their person, by group (those in none last), then name. One query."""
    return list(
        board.participants.select_related("user").order_by(F("group__number").asc(nulls_last=True), "user__full_name")
    )


@transaction.atomic
def round_next(*, board: SprintBoard, after: int | None = None) -> SprintRound | None:
    """Starts the next round (the first one starts the sprint); after the last, nothing. With
    `after` (the round the facilitator's button was shown in), a second click of the same button
    starts nothing more."""
    board = _open(board)
    if after is not None and after != board.round_number:
        return current_round(board)
    following = board.rounds.filter(position__gt=board.round_number).first()
    if following is None:
        return None
    board.round_number = following.position
    board.round_started_at = timezone.now()
    board.status = SprintStatus.RUNNING
    board.save(update_fields=["round_number", "round_started_at", "status"])
    _bump(board)
    return following


@transaction.atomic
def reveal(*, board: SprintBoard, shown: bool = True) -> None:
    """Shows every group's board to everyone (or hides them again), until the sprint closes."""
    board = _open(board)
    SprintBoard.objects.filter(pk=board.pk).update(revealed=shown)
    _bump(board)


@transaction.atomic
def sprint_close(*, board: SprintBoard) -> None:
    SprintBoard.objects.filter(pk=board.pk).exclude(status=SprintStatus.CLOSED).update(
        status=SprintStatus.CLOSED, closed_at=timezone.now(), revealed=True
    )
    _bump(board)


def _seat(board: SprintBoard, user: User) -> SprintParticipant:
    seat = SprintParticipant.objects.filter(board=board, user=user).select_related("group").first()
    if seat is None or seat.group_id is None:
        raise ValidationError(_("You are not in a group yet: the facilitator will put you in one."))
    return seat


def _text(text: str) -> str:
    # One line, whatever was pasted; control characters (a NUL the database refuses) dropped.
    text = " ".join("".join(char for char in text if char.isprintable() or char.isspace()).split())
    if not text:
        raise ValidationError(_("Write something on the card."))
    if len(text) > CARD_MAX:
        raise ValidationError(_("A card holds at most %(max)d characters.") % {"max": CARD_MAX})
    return text


def _answers(board: SprintBoard, group_id: int, column: str, answers_id: int | None) -> int | None:
    if column != SprintColumn.SOLUTION or not answers_id:
        return None
    pitfalls = SprintCard.objects.filter(board=board, column=SprintColumn.PITFALL, pk=answers_id)
    if not board.revealed:
        pitfalls = pitfalls.filter(group_id=group_id)
    if not pitfalls.exists():
        raise ValidationError(_("Choose a pitfall from the board."))
    return answers_id


@transaction.atomic
def card_add(*, board: SprintBoard, user: User, column: str, text: str, answers_id: int | None = None) -> SprintCard:
    board = _open(board)
    if column not in SprintColumn.values:
        raise ValidationError(_("Choose a column."))
    seat = _seat(board, user)
    card = SprintCard.objects.create(
        board=board,
        group_id=seat.group_id,
        column=column,
        text=_text(text),
        author=user,
        answers_id=_answers(board, seat.group_id, column, answers_id),
    )
    _bump(board)
    return card


def _own(board: SprintBoard, user: User, card_id: int) -> SprintCard:
    card = SprintCard.objects.filter(board=board, pk=card_id).first()
    if card is None:
        raise ValidationError(_("That card is gone."))
    if card.author_id != user.pk:
        raise PermissionDenied
    return card


@transaction.atomic
def card_edit(*, board: SprintBoard, user: User, card_id: int, text: str, seen: str = "") -> SprintCard:
    """Changes one's own card. `seen` is the card's `updated_at` as the editor's page showed it:
    if the card changed since (the same person on a second phone), nothing is overwritten."""
    board = _open(board)
    card = _own(board, user, card_id)
    changed = ValidationError(_("This card was changed meanwhile; here it is as it is now."))
    if seen and seen != card.updated_at.isoformat():
        raise changed
    text, now = _text(text), timezone.now()
    # Saved only if nobody saved it since it was read: of two phones saving at once, one wins.
    if not SprintCard.objects.filter(pk=card.pk, updated_at=card.updated_at).update(text=text, updated_at=now):
        raise changed
    card.text, card.updated_at = text, now
    _bump(board)
    return card


@transaction.atomic
def card_delete(*, board: SprintBoard, user: User, card_id: int) -> None:
    board = _open(board)
    _own(board, user, card_id).delete()
    _bump(board)


def current_round(board: SprintBoard) -> SprintRound | None:
    return board.rounds.filter(position=board.round_number).first() if board.round_number else None


@transaction.atomic
def dot_toggle(*, board: SprintBoard, user: User, card_id: int, on: bool | None = None) -> bool:
    """Puts a dot on the card, or takes it back; only in a vote round, at most `dots` each.
    With `on` (what the button showed it would do), a double tap does it once rather than undo
    itself. Returns whether the card now has this person's dot."""
    board = _open(board)
    now = current_round(board)
    if now is None or not now.voting:
        raise ValidationError(_("Voting starts in the vote round."))
    seat = SprintParticipant.objects.filter(board=board, user=user).first()
    if seat is None:
        raise PermissionDenied
    cards = SprintCard.objects.filter(board=board, pk=card_id)
    if not board.revealed:  # only the cards one can see
        cards = cards.filter(group_id=seat.group_id)
    card = cards.first()
    if card is None:
        raise ValidationError(_("That card is gone."))
    has = SprintDot.objects.filter(card=card, user=user)
    if on is not None and on == has.exists():
        return on  # already as asked
    deleted, _rows = has.delete()
    if not deleted:
        if SprintDot.objects.filter(card__board=board, user=user).count() >= board.dots:
            raise ValidationError(
                _("You have used your %(dots)d dots; take one back to move it.") % {"dots": board.dots}
            )
        SprintDot.objects.create(card=card, user=user)
    _bump(board)
    return not deleted


@dataclass
class Summary:
    top: dict[str, list[SprintCard]] = field(default_factory=dict)  # per column, most dots first
    pairs: list[tuple[SprintCard, list[SprintCard]]] = field(default_factory=list)  # pitfall → solutions


def summary(board: SprintBoard, *, per_column: int = 5) -> Summary:
    """The top cards per column (dots, then the oldest) and every pitfall with its solutions:
    one query for all cards."""
    cards = list(
        board.cards.select_related("group", "author").annotate(dot_count=Count("dots")).order_by("-dot_count", "pk")
    )
    result = Summary(top={column: [] for column in SprintColumn.values})
    for card in cards:
        if len(result.top[card.column]) < per_column:
            result.top[card.column].append(card)
    solutions: dict[int, list[SprintCard]] = {}
    for card in cards:
        if card.column == SprintColumn.SOLUTION and card.answers_id:
            solutions.setdefault(card.answers_id, []).append(card)
    result.pairs = [(card, solutions[card.pk]) for card in cards if card.pk in solutions]
    return result


def _chosen(board: SprintBoard, card_ids: list[int]) -> list[SprintCard]:
    cards = list(board.cards.filter(pk__in=card_ids).order_by("pk"))
    if not cards:
        raise ValidationError(_("Choose at least one card."))
    return cards


@transaction.atomic
def to_topics(*, board: SprintBoard, card_ids: list[int], by: User) -> int:
    """Chosen cards become topic suggestions in the backlog (source: sprint); a title already in
    the backlog is not added twice. Returns how many were added."""
    community_id = board.meeting.community_id
    cards = _chosen(board, card_ids)
    known = {
        title.casefold() for title in Topic.objects.filter(community_id=community_id).values_list("title", flat=True)
    }
    new = []
    for card in cards:
        title = card.text[:200]
        if title.casefold() not in known:
            known.add(title.casefold())
            new.append(Topic(community_id=community_id, title=title, source=TopicSource.SPRINT, suggested_by=by))
    Topic.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def to_domain_draft(*, board: SprintBoard, card_ids: list[int]) -> Community:
    """Chosen cards become the community's draft domain statement, for the facilitator to adopt
    on the community page (adopting it records a revision, like any edit)."""
    community = Community.objects.select_for_update().get(pk=board.meeting.community_id)
    community.domain_draft = "\n".join(card.text for card in _chosen(board, card_ids))
    community.save(update_fields=["domain_draft"])
    return community


@transaction.atomic
def to_learning_goals(*, board: SprintBoard, card_ids: list[int]) -> Community:
    """Chosen cards are added to the community's shared learning goals, one per line, each once."""
    community = Community.objects.select_for_update().get(pk=board.meeting.community_id)
    lines = [line for line in community.learning_goals.splitlines() if line.strip()]
    for card in _chosen(board, card_ids):
        if card.text.casefold() not in {line.casefold() for line in lines}:
            lines.append(card.text)
    community.learning_goals = "\n".join(lines)
    community.save(update_fields=["learning_goals"])
    return community


def board_for_code(code: str) -> SprintBoard | None:
    code = "".join(code.split()).upper()
    if len(code) != 6 or any(char not in CODE_ALPHABET for char in code):
        return None
    return SprintBoard.objects.select_related("meeting__community").filter(code=code).first()


def group_cards(board: SprintBoard, *, group_id: int | None) -> list[SprintCard]:
    """The cards a participant sees: their group's, or every group's once revealed; with dots.
    One query."""
    cards = board.cards.select_related("group").annotate(dot_count=Count("dots"))
    if not board.revealed:
        cards = cards.filter(group_id=group_id) if group_id else cards.none()
    return list(cards.order_by("group__number", "created_at", "pk"))


def progress(board: SprintBoard) -> list[dict]:
    """Per group: members and cards per column, for the facilitator's screen. One query."""
    rows = board.groups.annotate(
        members=Count("participants", distinct=True),
        works=Count("cards", filter=Q(cards__column=SprintColumn.WORKS), distinct=True),
        pitfalls=Count("cards", filter=Q(cards__column=SprintColumn.PITFALL), distinct=True),
        solutions=Count("cards", filter=Q(cards__column=SprintColumn.SOLUTION), distinct=True),
    )
    return list(rows.values("number", "members", "works", "pitfalls", "solutions"))
