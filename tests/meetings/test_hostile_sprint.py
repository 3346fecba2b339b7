"""Hostile input on the kick-off sprint board: the participants' cards, dots and polls, the
join code, and the facilitator's rounds, groups, buttons and outcomes (tests/hostile.py)."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from meetings import sprint
from meetings.models import SprintCard, SprintColumn
from members.models import Role
from tests.factories import MeetingFactory, MembershipFactory
from tests.hostile import (
    HOSTILE,
    SCRIPT,
    assert_escaped,
    assert_in_language,
    assert_rejected_cleanly,
    changed_tables,
    database_state,
    error_messages,
    form_changes,
    languages,
    nasty_choice,
    nasty_number,
    nasty_text,
    nasty_value,
    rolled_back,
    speak,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def board():
    """A running sprint (its first round) with one participant in a group and a pitfall card."""
    meeting = MeetingFactory(format="kickoff")
    facilitator = MembershipFactory(community=meeting.community, role=Role.FACILITATOR).user
    board = sprint.sprint_create(meeting=meeting, by=facilitator)
    person = MembershipFactory(community=meeting.community, role=Role.INTERN).user
    sprint.participant_join(board=board, user=person)
    sprint.groups_make(board=board, size=4)
    sprint.round_next(board=board)
    sprint.card_add(board=board, user=person, column=SprintColumn.PITFALL, text="Geen tijd")
    board.facilitator, board.person = facilitator, person
    return board


CARD_FIELDS = {"column": nasty_choice, "text": nasty_text, "answers": nasty_number}


@HOSTILE
@given(changes=form_changes(CARD_FIELDS), htmx=st.booleans(), language=languages)
def test_adding_a_card_stores_or_refuses_hostile_input(client, board, changes, htmx, language):
    client.force_login(board.person)
    data = {"column": SprintColumn.WORKS, "text": "Samen plannen", "answers": ""} | changes
    with rolled_back():
        speak(board.person, language)
        before = database_state()
        response = client.post(reverse("sprint_card_add", args=[board.meeting_id]), data, **(HTMX if htmx else {}))
        if response.status_code == 400 and not htmx and data["column"] in SprintColumn.values:
            assert_rejected_cleanly(response, before, language)
            return
        assert response.status_code in {200, 302, 400}
        if response.status_code == 400 or error_messages(response.text):  # an unknown column; htmx's errors
            assert changed_tables(before) == []
            assert_in_language(error_messages(response.text), language)
        page = client.get(reverse("sprint_board", args=[board.meeting_id]))
        assert page.status_code == 200
        assert_escaped(page.text)
        assert_escaped(response.text)


@HOSTILE
@given(text=nasty_text, seen=st.one_of(nasty_text, st.just("")), language=languages)
def test_editing_a_card_stores_or_refuses_hostile_input(client, board, text, seen, language):
    client.force_login(board.person)
    card = SprintCard.objects.get(board=board)
    with rolled_back():
        speak(board.person, language)
        before = database_state()
        url = reverse("sprint_card_edit", args=[board.meeting_id, card.pk])
        response = client.post(url, {"text": text, "seen": seen})
        if response.status_code == 400:
            assert_rejected_cleanly(response, before, language)
            assert_escaped(response.text)
            return
        assert response.status_code == 302
        assert "\x00" not in SprintCard.objects.get(pk=card.pk).text
        assert_escaped(client.get(response["Location"]).text)


@HOSTILE
@given(field=st.sampled_from(["answers", "v", "m", "l", "p"]), value=nasty_value, live=st.booleans())
def test_the_board_and_its_poll_survive_hostile_parameters(client, board, field, value, live):
    client.force_login(board.person)
    name = "sprint_board_live" if live else "sprint_board"
    response = client.get(reverse(name, args=[board.meeting_id]), {field: value}, **(HTMX if live else {}))
    assert response.status_code in {200, 204}
    assert_escaped(response.text)


@HOSTILE
@given(on=nasty_choice, card=st.sampled_from(["own", "none"]), language=languages)
def test_dots_and_deleting_survive_hostile_input(client, board, on, card, language):
    client.force_login(board.person)
    pk = SprintCard.objects.get(board=board).pk if card == "own" else 2**31 + 7
    with rolled_back():
        speak(board.person, language)
        for name in ("sprint_dot", "sprint_card_delete"):
            response = client.post(reverse(name, args=[board.meeting_id, pk]), {"on": on}, follow=True)
            assert response.status_code == 200
            assert_in_language(error_messages(response.text), language)


@HOSTILE
@given(code=nasty_value, language=languages)
def test_the_join_code_survives_hostile_input(client, board, code, language):
    client.force_login(board.person)
    speak(board.person, language)
    response = client.get(reverse("sprint_code"), {"code": code})
    assert response.status_code in {200, 302}
    assert_escaped(response.text)
    if response.status_code == 200 and code.strip():
        assert_in_language(error_messages(response.text), language)
    # The same code as the link behind the QR code (a path, so no NUL: URLs cannot carry one).
    if code and "/" not in code and "\x00" not in code and code.isprintable():
        response = client.get(reverse("sprint_join", args=[code]))
        assert response.status_code in {302, 404}


ROUND_FIELDS = {
    "rounds-TOTAL_FORMS": nasty_number,
    "rounds-INITIAL_FORMS": nasty_number,
    "rounds-0-title": nasty_text,
    "rounds-0-minutes": nasty_number,
    "rounds-0-voting": nasty_choice,
    "rounds-0-DELETE": nasty_choice,
    "rounds-1-title": nasty_text,
    "rounds-1-minutes": nasty_number,
    "dots": nasty_number,
}


def rounds_data(**changes: str) -> dict[str, str]:
    return {
        "step": "rounds",
        "rounds-TOTAL_FORMS": "2",
        "rounds-INITIAL_FORMS": "1",
        "rounds-0-title": "Wat werkt?",
        "rounds-0-minutes": "5",
        "rounds-1-title": "",
        "rounds-1-minutes": "",
        "dots": "3",
    } | changes


@pytest.fixture
def setup_board(board):
    """The same board before it starts: its rounds can still change."""
    board.status, board.round_number = "setup", 0
    board.save(update_fields=["status", "round_number"])
    return board


@HOSTILE
@given(changes=form_changes(ROUND_FIELDS), language=languages)
def test_the_rounds_form_stores_or_refuses_hostile_input(client, setup_board, changes, language):
    client.force_login(setup_board.facilitator)
    with rolled_back():
        speak(setup_board.facilitator, language)
        before = database_state()
        response = client.post(reverse("sprint_setup", args=[setup_board.meeting_id]), rounds_data(**changes))
        if response.status_code == 400:
            assert_rejected_cleanly(response, before, language)
            assert_escaped(response.text)
            return
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert_escaped(page.text)


FACILITATOR_POSTS = [
    ("sprint_setup", None, "step", nasty_choice),
    ("sprint_setup", None, "size", nasty_number),
    ("sprint_seat_move", "seat", "group", nasty_number),
    ("sprint_control", "next", "round", nasty_number),
    ("sprint_control", "next", "back", nasty_choice),
    ("sprint_control", "reveal", "back", nasty_choice),
    ("sprint_outcome", None, "cards", nasty_number),
    ("sprint_outcome", None, "to", nasty_choice),
]


@HOSTILE
@given(post=st.sampled_from(FACILITATOR_POSTS), data=st.data(), language=languages, htmx=st.booleans())
def test_the_facilitators_buttons_survive_hostile_input(client, board, post, data, language, htmx):
    name, extra, field, strategy = post
    value = data.draw(strategy, label=field)
    client.force_login(board.facilitator)
    seat = board.participants.get()
    args = [
        board.meeting_id,
        *([seat.pk] if extra == "seat" else []),
        *([extra] if extra not in {None, "seat"} else []),
    ]
    field = f"seat-{seat.pk}-group" if extra == "seat" else field
    base = {"step": "groups", "size": "4"} if name == "sprint_setup" and field != "step" else {}
    if name == "sprint_outcome":
        base = {"cards": str(SprintCard.objects.get(board=board).pk), "to": "topics"}
    with rolled_back():
        speak(board.facilitator, language)
        before = database_state()
        response = client.post(reverse(name, args=args), base | {field: value}, **(HTMX if htmx else {}))
        if response.status_code == 400:
            assert_rejected_cleanly(response, before, language)
            return
        # 404: a step that is none of the forms'.
        assert response.status_code in {200, 302, 404}
        if response.status_code == 302:
            page = client.get(response["Location"])
            assert page.status_code == 200
            assert_in_language(error_messages(page.text), language)
            assert_escaped(page.text)


@HOSTILE
@given(field=st.sampled_from(["left", "v", "print"]), value=nasty_value, htmx=st.booleans())
def test_the_screen_and_summary_survive_hostile_parameters(client, board, field, value, htmx):
    client.force_login(board.facilitator)
    name = "sprint_summary" if field == "print" else "sprint_screen"
    response = client.get(reverse(name, args=[board.meeting_id]), {field: value}, **(HTMX if htmx else {}))
    assert response.status_code in {200, 204}


def test_a_script_on_a_card_is_shown_as_text_on_the_board_the_screen_and_the_summary(client, board):
    client.force_login(board.person)
    client.post(reverse("sprint_card_add", args=[board.meeting_id]), {"column": "works", "text": SCRIPT})
    assert SprintCard.objects.filter(board=board, text=SCRIPT).exists()
    sprint.reveal(board=board)
    pages = [client.get(reverse("sprint_board", args=[board.meeting_id])).text]
    client.force_login(board.facilitator)
    pages += [client.get(reverse(name, args=[board.meeting_id])).text for name in ("sprint_screen", "sprint_summary")]
    for page in pages:
        assert SCRIPT not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_rounds_form_claiming_a_million_rows_is_refused_without_building_them(client, setup_board):
    client.force_login(setup_board.facilitator)
    before = database_state()
    data = rounds_data(**{"rounds-TOTAL_FORMS": "1000000"})
    response = client.post(reverse("sprint_setup", args=[setup_board.meeting_id]), data)
    assert response.status_code == 400
    assert "Verstuur maximaal 12 formulieren." in assert_rejected_cleanly(response, before, "nl")
    assert response.text.count('class="form__fieldset sprint-round"') == 13
