"""The sprint board's services: groups, cards, rounds, dots, the summary and what it turns into."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings import sprint
from meetings.models import Attendance, SprintBoard, SprintCard, Topic
from members.models import Role
from tests.factories import MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    meeting = MeetingFactory(format="kickoff")
    facilitator = MembershipFactory(community=meeting.community, role=Role.FACILITATOR).user
    return sprint.sprint_create(meeting=meeting, by=facilitator)


def people(board, count):
    return [MembershipFactory(community=board.meeting.community).user for _ in range(count)]


def version(board):
    return SprintBoard.objects.get(pk=board.pk).version


def test_a_board_has_the_snelkooksprint_rounds_and_a_readable_code_once(board):
    assert [(r.title, r.minutes, r.voting) for r in board.rounds.all()] == [
        ("What works?", 5, False),
        ("Pitfalls and obstacles", 5, False),
        ("Solutions", 7, False),
        ("Vote", 3, True),
    ]
    assert len(board.code) == 6
    assert not set(board.code) & set("01IO")
    assert sprint.sprint_create(meeting=board.meeting, by=board.created_by) == board
    assert sprint.board_for_code(board.code.lower()[:3] + " " + board.code.lower()[3:]) == board
    assert sprint.board_for_code("0000OO") is None


def test_groups_split_those_checked_in_evenly_and_a_late_joiner_goes_to_the_smallest(board):
    room = people(board, 7)
    Attendance.objects.bulk_create(Attendance(meeting=board.meeting, user=user) for user in room)
    groups = sprint.groups_make(board=board, size=3)
    sizes = sorted(group.participants.count() for group in groups)
    assert sizes == [2, 2, 3]
    late = sprint.participant_join(board=board, user=people(board, 1)[0])
    assert late.group.participants.count() == 3
    assert sprint.participant_join(board=board, user=late.user) == late  # joining twice: one seat


def test_cards_are_ones_own_and_every_change_bumps_the_version(board):
    ann, bob = people(board, 2)
    for user in (ann, bob):
        sprint.participant_join(board=board, user=user)
    with pytest.raises(ValidationError, match="not in a group yet"):
        sprint.card_add(board=board, user=ann, column="works", text="Koffie erbij")
    sprint.groups_make(board=board, size=4)
    before = version(board)
    card = sprint.card_add(board=board, user=ann, column="works", text="  Koffie \n erbij ")
    assert card.text == "Koffie erbij"
    assert version(board) == before + 1
    with pytest.raises(PermissionDenied):
        sprint.card_edit(board=board, user=bob, card_id=card.pk, text="Thee")
    with pytest.raises(PermissionDenied):
        sprint.card_delete(board=board, user=bob, card_id=card.pk)
    seen = card.updated_at.isoformat()
    sprint.card_edit(board=board, user=ann, card_id=card.pk, text="Koffie en koek", seen=seen)
    with pytest.raises(ValidationError, match="changed meanwhile"):
        sprint.card_edit(board=board, user=ann, card_id=card.pk, text="Alleen thee", seen=seen)
    assert SprintCard.objects.get(pk=card.pk).text == "Koffie en koek"
    with pytest.raises(ValidationError, match="at most 280"):
        sprint.card_add(board=board, user=ann, column="works", text="x" * 281)
    with pytest.raises(ValidationError, match="Write something"):
        sprint.card_add(board=board, user=ann, column="works", text=" \n ")
    sprint.card_delete(board=board, user=ann, card_id=card.pk)
    assert not SprintCard.objects.exists()


def test_a_solution_answers_a_pitfall_of_its_own_group_until_the_boards_are_revealed(board):
    ann, bob = people(board, 2)
    for user in (ann, bob):
        sprint.participant_join(board=board, user=user)
    sprint.groups_make(board=board, size=1)
    theirs = sprint.card_add(board=board, user=bob, column="pitfall", text="Geen tijd")
    with pytest.raises(ValidationError, match="Choose a pitfall"):
        sprint.card_add(board=board, user=ann, column="solution", text="Vaste tijd", answers_id=theirs.pk)
    sprint.reveal(board=board)
    board.refresh_from_db()
    solution = sprint.card_add(board=board, user=ann, column="solution", text="Vaste tijd", answers_id=theirs.pk)
    assert solution.answers == theirs


def test_dots_only_in_the_vote_round_and_no_more_than_each_has(board):
    (ann,) = people(board, 1)
    sprint.participant_join(board=board, user=ann)
    sprint.groups_make(board=board)
    cards = [sprint.card_add(board=board, user=ann, column="works", text=f"Idee {n}") for n in range(4)]
    with pytest.raises(ValidationError, match="vote round"):
        sprint.dot_toggle(board=board, user=ann, card_id=cards[0].pk)
    for _round in range(4):
        sprint.round_next(board=board)
    assert sprint.round_next(board=board) is None  # after the last round, nothing
    assert [sprint.dot_toggle(board=board, user=ann, card_id=card.pk) for card in cards[:3]] == [True] * 3
    with pytest.raises(ValidationError, match="used your 3 dots"):
        sprint.dot_toggle(board=board, user=ann, card_id=cards[3].pk)
    assert sprint.dot_toggle(board=board, user=ann, card_id=cards[0].pk) is False  # taken back
    assert sprint.dot_toggle(board=board, user=ann, card_id=cards[3].pk) is True


def test_the_summary_ranks_by_dots_and_pairs_pitfalls_with_solutions(board):
    ann, bob = people(board, 2)
    for user in (ann, bob):
        sprint.participant_join(board=board, user=user)
    sprint.groups_make(board=board)
    works = [sprint.card_add(board=board, user=ann, column="works", text=t) for t in ("Koffie", "Kleine groepen")]
    pitfall = sprint.card_add(board=board, user=bob, column="pitfall", text="Geen tijd naast het werk")
    solution = sprint.card_add(board=board, user=ann, column="solution", text="Eén vast uur", answers_id=pitfall.pk)
    for _round in range(4):
        sprint.round_next(board=board)
    for user in (ann, bob):
        sprint.dot_toggle(board=board, user=user, card_id=works[1].pk)
    result = sprint.summary(board)
    assert [(card.text, card.dot_count) for card in result.top["works"]] == [("Kleine groepen", 2), ("Koffie", 0)]
    assert [(p.text, [s.text for s in solutions]) for p, solutions in result.pairs] == [
        ("Geen tijd naast het werk", ["Eén vast uur"])
    ]
    sprint.sprint_close(board=board)
    board.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        sprint.card_add(board=board, user=ann, column="works", text="Te laat")
    community = sprint.to_domain_draft(board=board, card_ids=[works[1].pk, works[0].pk])
    assert community.domain_draft == "Koffie\nKleine groepen"
    sprint.to_learning_goals(board=board, card_ids=[solution.pk])
    community = sprint.to_learning_goals(board=board, card_ids=[solution.pk])
    assert community.learning_goals == "Eén vast uur"
    Topic.objects.create(community=community, title="koffie")
    assert sprint.to_topics(board=board, card_ids=[works[0].pk, pitfall.pk], by=ann) == 1
    assert Topic.objects.get(title="Geen tijd naast het werk").source == "sprint"


def test_review_findings_stay_fixed(board):
    """A NUL byte, a write racing "close", a seat taken on a closed sprint, a dot on a hidden
    card of another group, a second click of "next round", two phones saving one card at once."""
    ann, bob = people(board, 2)
    for user in (ann, bob):
        sprint.participant_join(board=board, user=user)
    sprint.groups_make(board=board, size=1)
    card = sprint.card_add(board=board, user=ann, column="works", text="Koffie\x00 erbij\x07")
    assert card.text == "Koffie erbij"
    hidden = sprint.card_add(board=board, user=bob, column="works", text="Van Bob")
    assert sprint.round_next(board=board, after=0).position == 1
    assert sprint.round_next(board=board, after=0).position == 1  # the same button again: no skip
    for _round in range(3):
        sprint.round_next(board=board)
    with pytest.raises(ValidationError, match="gone"):
        sprint.dot_toggle(board=board, user=ann, card_id=hidden.pk)
    # Two phones read the card, the first saves, the second's save is refused (the save itself is
    # conditional on the time read, for two saves at the very same moment).
    read = SprintCard.objects.get(pk=card.pk)
    sprint.card_edit(board=board, user=ann, card_id=card.pk, text="Eerste telefoon")
    with pytest.raises(ValidationError, match="changed meanwhile"):
        sprint.card_edit(board=board, user=ann, card_id=card.pk, text="Tweede", seen=read.updated_at.isoformat())
    stale = SprintBoard.objects.get(pk=board.pk)  # a view read the board, then "close" came
    sprint.sprint_close(board=board)
    with pytest.raises(ValidationError, match="closed"):
        sprint.card_add(board=stale, user=ann, column="works", text="Te laat")
    late = people(board, 1)[0]
    assert sprint.participant_join(board=SprintBoard.objects.get(pk=board.pk), user=late) is None


def test_a_double_tap_on_a_dot_puts_it_once(board):
    (ann,) = people(board, 1)
    sprint.participant_join(board=board, user=ann)
    sprint.groups_make(board=board)
    card = sprint.card_add(board=board, user=ann, column="works", text="Idee")
    for _round in range(4):
        sprint.round_next(board=board)
    assert sprint.dot_toggle(board=board, user=ann, card_id=card.pk, on=True) is True
    assert sprint.dot_toggle(board=board, user=ann, card_id=card.pk, on=True) is True
    assert card.dots.count() == 1
    assert sprint.dot_toggle(board=board, user=ann, card_id=card.pk, on=False) is False
    assert sprint.dot_toggle(board=board, user=ann, card_id=card.pk, on=False) is False
    assert card.dots.count() == 0
