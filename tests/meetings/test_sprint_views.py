"""The sprint board on a participant's phone: joining, the board, cards, dots, the poll."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from meetings import sprint
from meetings.models import SprintBoard, SprintCard, SprintParticipant
from members.models import Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
MINUTE = timedelta(minutes=1)


@pytest.fixture
def board():
    meeting = MeetingFactory(format="kickoff")
    facilitator = MembershipFactory(community=meeting.community, role=Role.FACILITATOR).user
    return sprint.sprint_create(meeting=meeting, by=facilitator)


def member(board, role=Role.INTERN):
    return MembershipFactory(community=board.meeting.community, role=role).user


def seated(board, count, *, size=4):
    """`count` members who joined, split into groups of `size`."""
    people = [member(board) for _ in range(count)]
    for person in people:
        sprint.participant_join(board=board, user=person)
    sprint.groups_make(board=board, size=size)
    return people


def fresh(board):
    return SprintBoard.objects.get(pk=board.pk)


def page_url(board):
    return reverse("sprint_board", args=[board.meeting_id])


def live_url(board, **params):
    return reverse("sprint_board_live", args=[board.meeting_id]) + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def poll_params(html):
    """The query the page's poll sends next, as the page says it (v, m, l, p)."""
    url = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    return dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))


def add(client, board, column, text, *, kwargs=None, **extra):
    data = {"column": column, "text": text} | extra
    return client.post(reverse("sprint_card_add", args=[board.meeting_id]), data, **(kwargs or {}))


# Joining


def test_joining_by_code_ignores_case_and_spaces_and_opens_the_board(client, board):
    person = member(board)
    client.force_login(person)
    typed = f" {board.code[:3].lower()} {board.code[3:].lower()} "
    response = client.get(reverse("sprint_code"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("sprint_join", args=[board.code])
    response = client.get(response["Location"])
    assert response["Location"] == page_url(board)
    assert SprintParticipant.objects.filter(board=board, user=person).count() == 1
    client.get(reverse("sprint_join", args=[board.code.lower()]))  # the QR code again: still one seat
    assert SprintParticipant.objects.filter(board=board, user=person).count() == 1


def test_a_late_joiner_goes_to_a_group_and_sees_its_board(client, board):
    ann, _bob = seated(board, 2)
    sprint.card_add(board=board, user=ann, column="works", text="Koffie erbij")
    late = member(board)
    client.force_login(late)
    client.get(reverse("sprint_join", args=[board.code]))
    page = client.get(page_url(board)).text
    assert "Groep 1" in page
    assert "Koffie erbij" in page


def test_a_non_member_cannot_join_or_see_the_board(client, board):
    seated(board, 1)
    outsider = MembershipFactory(community=CommunityFactory(), role=Role.FACILITATOR).user
    for person in (outsider, UserFactory(is_staff=True), UserFactory(is_manager=True)):
        client.force_login(person)
        assert client.get(reverse("sprint_join", args=[board.code])).status_code == 403
        assert client.get(page_url(board)).status_code == 403
        assert client.get(live_url(board, v=0), headers=HTMX).status_code == 403
        assert add(client, board, "works", "Ingebroken").status_code == 403
    assert not SprintParticipant.objects.filter(user__in=[outsider]).exists()
    assert not SprintCard.objects.exists()


def test_an_unknown_code_says_so_and_shows_the_form_again(client, board):
    client.force_login(member(board))
    page = client.get(reverse("sprint_code"), {"code": "zz 9zz9"}).text
    assert "Geen sprint heeft de code ZZ9ZZ9" in page
    assert 'name="code" type="text" value="zz 9zz9"' in page
    response = client.get(reverse("sprint_join", args=["QQQQQQ"]))
    assert response.status_code == 404
    assert "Geen sprint heeft de code QQQQQQ" in response.text
    assert 'action="/sprint/"' in response.text
    assert "Typ de code" in client.get(reverse("sprint_code"), {"code": " "}).text


def test_the_meeting_page_links_members_to_the_sprint(client, board):
    detail = reverse("meeting_detail", args=[board.meeting_id])
    join = reverse("sprint_join", args=[board.code])
    client.force_login(member(board))
    assert f'href="{join}"' in client.get(detail).text
    client.force_login(UserFactory(is_staff=True))  # sees the meeting, is no member: no link
    assert f'href="{join}"' not in client.get(detail).text


def test_a_member_who_has_not_joined_gets_a_join_button(client, board):
    client.force_login(member(board))
    page = client.get(page_url(board)).text
    assert f'action="{reverse("sprint_join", args=[board.code])}"' in page
    assert "hx-get" not in page


# Cards


def test_adding_editing_and_deleting_ones_own_card_without_javascript(client, board):
    (ann,) = seated(board, 1)
    client.force_login(ann)
    response = add(client, board, "works", "Samen  lunchen")
    assert response.status_code == 302
    assert response["Location"] == page_url(board) + "#column-works"
    card = SprintCard.objects.get()
    assert (card.text, card.column, card.author) == ("Samen lunchen", "works", ann)
    edit = reverse("sprint_card_edit", args=[board.meeting_id, card.pk])
    form = client.get(edit).text
    assert f'name="seen" value="{card.updated_at.isoformat()}"' in form
    response = client.post(edit, {"text": "Samen lunchen op vrijdag", "seen": card.updated_at.isoformat()})
    assert response["Location"] == page_url(board) + f"#card-{card.pk}"
    card.refresh_from_db()
    assert card.text == "Samen lunchen op vrijdag"
    response = client.post(reverse("sprint_card_delete", args=[board.meeting_id, card.pk]))
    assert response["Location"] == page_url(board)
    assert not SprintCard.objects.exists()


def test_adding_a_card_with_htmx_swaps_the_live_parts_and_empties_only_that_form(client, board):
    (ann,) = seated(board, 1)
    client.force_login(ann)
    response = add(client, board, "pitfall", "Geen tijd", answers="", kwargs={"headers": HTMX})
    html = response.text
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="sprint-live"')
    assert '<ul class="ps-cards" id="cards-pitfall" hx-swap-oob="true">' in html
    assert "Geen tijd" in html
    # The pitfall form comes back empty; the others are left alone. No autofocus: by the time the
    # answer comes, the person may be typing elsewhere (htmx keeps the focus on the same button).
    assert re.search(r'<form id="add-pitfall"[^>]*hx-swap-oob="true"', html)
    assert 'id="add-works"' not in html
    assert re.search(r'<textarea id="text-pitfall"[^>]*required></textarea>', html)
    assert "autofocus" not in html
    assert 'id="add-pitfall-submit"' in html
    # A new pitfall: the solution form's choice of pitfalls comes along.
    assert '<span id="answers-field" class="ps-form__answers" hx-swap-oob="true">' in html


def test_an_error_is_shown_by_the_form_and_keeps_what_was_typed(client, board):
    (ann,) = seated(board, 1)
    client.force_login(ann)
    long = "x" * 281
    response = add(client, board, "works", long)
    assert response.status_code == 400
    assert "Op een kaartje passen hoogstens 280 tekens." in response.text
    assert f">{long}</textarea>" in response.text
    response = add(client, board, "works", long, kwargs={"headers": HTMX})
    assert response.status_code == 200  # htmx swaps only a 2xx
    assert re.search(r'<form id="add-works"[^>]*hx-swap-oob="true"', response.text)
    assert "Op een kaartje passen hoogstens 280 tekens." in response.text
    assert f">{long}</textarea>" in response.text
    assert not SprintCard.objects.exists()


def test_another_persons_card_cannot_be_edited_or_deleted(client, board):
    ann, bob = seated(board, 2)
    card = sprint.card_add(board=board, user=ann, column="works", text="Van Ann")
    client.force_login(bob)
    edit = reverse("sprint_card_edit", args=[board.meeting_id, card.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"text": "Van Bob"}).status_code == 403
    assert client.post(reverse("sprint_card_delete", args=[board.meeting_id, card.pk])).status_code == 403
    card.refresh_from_db()
    assert card.text == "Van Ann"
    page = client.get(page_url(board)).text
    assert "Van Ann" in page
    assert edit not in page  # no edit link on someone else's card
    assert f'id="delete-{card.pk}"' not in page


def test_an_edit_from_a_second_phone_keeps_the_newer_text_and_shows_what_was_typed(client, board):
    (ann,) = seated(board, 1)
    card = sprint.card_add(board=board, user=ann, column="works", text="Koffie")
    seen = card.updated_at.isoformat()
    client.force_login(ann)
    edit = reverse("sprint_card_edit", args=[board.meeting_id, card.pk])
    assert client.post(edit, {"text": "Koffie en koek", "seen": seen}).status_code == 302  # the first phone
    response = client.post(edit, {"text": "Alleen thee", "seen": seen})  # the second, from the old text
    assert response.status_code == 400
    card.refresh_from_db()
    assert card.text == "Koffie en koek"
    assert "Dit kaartje is intussen gewijzigd" in response.text
    assert ">Koffie en koek</textarea>" in response.text
    assert "<blockquote>Alleen thee</blockquote>" in response.text
    assert f'name="seen" value="{card.updated_at.isoformat()}"' in response.text  # saving again is deliberate
    assert client.post(edit, {"text": "Alleen thee", "seen": card.updated_at.isoformat()}).status_code == 302
    card.refresh_from_db()
    assert card.text == "Alleen thee"


def test_a_solution_answers_a_pitfall_the_person_can_see(client, board):
    ann, bob = seated(board, 2, size=1)
    own = sprint.card_add(board=board, user=ann, column="pitfall", text="Geen tijd")
    theirs = sprint.card_add(board=board, user=bob, column="pitfall", text="Te druk")
    client.force_login(ann)
    page = client.get(page_url(board)).text
    assert f'<option value="{own.pk}">Geen tijd</option>' in page
    assert "Te druk" not in page
    response = add(client, board, "solution", "Vaste tijd", answers=theirs.pk)
    assert response.status_code == 400
    assert "Kies een valkuil van het bord." in response.text
    assert ">Vaste tijd</textarea>" in response.text
    assert add(client, board, "solution", "Eén vast uur", answers=own.pk).status_code == 302
    assert SprintCard.objects.get(text="Eén vast uur").answers == own
    assert "→ antwoord op: Geen tijd" in client.get(page_url(board)).text
    sprint.reveal(board=board)  # once revealed, every group's pitfalls can be answered
    page = client.get(page_url(board)).text
    assert '<optgroup label="Groep 2">' in page
    assert f'<option value="{theirs.pk}">Te druk</option>' in page
    assert add(client, board, "solution", "Minder vergaderen", answers=theirs.pk).status_code == 302
    assert SprintCard.objects.get(text="Minder vergaderen").answers == theirs


# Dots


def test_dots_only_in_the_vote_round_and_no_more_than_each_has(client, board):
    (ann,) = seated(board, 1)
    cards = [sprint.card_add(board=board, user=ann, column="works", text=f"Idee {n}") for n in range(4)]
    client.force_login(ann)

    def dot(card, **kwargs):
        return client.post(reverse("sprint_dot", args=[board.meeting_id, card.pk]), **kwargs)

    assert 'id="dot-' not in client.get(page_url(board)).text
    response = dot(cards[0], follow=True)
    assert "Stemmen kan in de stemronde." in response.text
    for _round in range(4):
        sprint.round_next(board=board)
    page = client.get(page_url(board)).text
    assert "Nog 3 van de 3 stippen" in page
    assert f'id="dot-{cards[0].pk}" aria-pressed="false"' in page
    for card in cards[:3]:
        assert dot(card).status_code == 302
    response = dot(cards[3], headers=HTMX)
    assert 'role="alert">Je hebt je 3 stippen gebruikt; haal er een terug om hem te verplaatsen.' in response.text
    assert "Nog 0 van de 3 stippen" in response.text
    assert f'id="dot-{cards[0].pk}" aria-pressed="true"' in response.text
    assert f'id="dot-{cards[3].pk}" aria-pressed="false"' in response.text
    response = dot(cards[0], headers=HTMX)  # taken back
    assert "Nog 1 van de 3 stippen" in response.text
    assert f'id="dot-{cards[0].pk}" aria-pressed="false"' in response.text


# The poll


@pytest.mark.parametrize("count", [3, 30])
def test_the_poll_costs_a_fixed_number_of_queries(client, board, django_assert_num_queries, count):
    people = seated(board, 8, size=4)
    sprint.round_next(board=board)
    columns = ["works", "pitfall", "solution"]
    for n in range(count):
        sprint.card_add(board=board, user=people[n % 8], column=columns[n % 3], text=f"Kaart {n}")
    sprint.reveal(board=board)
    client.force_login(people[0])
    with django_assert_num_queries(6):  # user, board; seat and group, rounds, cards, own dots
        page = client.get(page_url(board)).text
    assert page.count('<li class="ps-card ') == count
    params = poll_params(page)
    with django_assert_num_queries(2):  # user, board
        response = client.get(live_url(board, **params), headers=HTMX)
    assert response.status_code == 204
    sprint.card_add(board=board, user=people[1], column="works", text="Nieuw van een ander")
    with django_assert_num_queries(6):
        response = client.get(live_url(board, **params), headers=HTMX)
    assert response.status_code == 200
    assert "Nieuw van een ander" in response.text
    assert poll_params(response.text)["v"] == str(fresh(board).version)


def test_the_poll_never_carries_the_forms_being_typed_in(client, board):
    ann, bob = seated(board, 2)
    client.force_login(ann)
    params = poll_params(client.get(page_url(board)).text)
    sprint.card_add(board=board, user=bob, column="works", text="Van Bob")
    html = client.get(live_url(board, **params), headers=HTMX).text
    assert "Van Bob" in html
    assert "<textarea" not in html
    assert 'id="answers-field"' not in html  # the pitfalls did not change: the choice is left alone
    pitfall = sprint.card_add(board=board, user=bob, column="pitfall", text="Geen tijd")
    html = client.get(live_url(board, **params, answers=pitfall.pk), headers=HTMX).text
    assert "<textarea" not in html
    assert '<span id="answers-field" class="ps-form__answers" hx-swap-oob="true">' in html
    assert f'<option value="{pitfall.pk}" selected>Geen tijd</option>' in html  # as chosen on the phone


def test_the_poll_catches_up_after_a_lost_connection_and_follows_the_clock(client, board):
    ann, bob = seated(board, 2)
    client.force_login(ann)
    params = poll_params(client.get(page_url(board)).text)
    assert params["m"] == ""
    for n in range(3):  # while the phone was offline
        sprint.card_add(board=board, user=bob, column="works", text=f"Gemist {n}")
    sprint.round_next(board=board)
    html = client.get(live_url(board, **params), headers=HTMX).text
    assert all(f"Gemist {n}" in html for n in range(3))
    assert "Ronde 1 van 4" in html
    assert "Nog 5 minuten" in html
    params = poll_params(html)
    assert params["m"] == "5"
    SprintBoard.objects.filter(pk=board.pk).update(round_started_at=fresh(board).round_started_at - 4.5 * MINUTE)
    html = client.get(live_url(board, **params), headers=HTMX).text  # same version, another minute
    assert "Nog 1 minuut" in html
    SprintBoard.objects.filter(pk=board.pk).update(round_started_at=fresh(board).round_started_at - MINUTE)
    assert "De tijd is om" in client.get(live_url(board, **poll_params(html)), headers=HTMX).text


def test_a_participant_in_no_group_waits_and_the_page_reloads_once_grouped(client, board):
    late = member(board)
    client.force_login(late)
    client.get(reverse("sprint_join", args=[board.code]))
    page = client.get(page_url(board)).text
    assert "Je zit nog niet in een groep" in page
    assert 'hx-trigger="every 1s"' in page
    assert 'id="add-works"' not in page
    params = poll_params(page)
    assert client.get(live_url(board, **params), headers=HTMX).status_code == 204
    sprint.groups_make(board=board)
    response = client.get(live_url(board, **params), headers=HTMX)
    assert response["HX-Refresh"] == "true"
    page = client.get(page_url(board)).text
    assert "Groep 1" in page
    assert 'id="add-works"' in page


def test_once_revealed_the_other_groups_boards_show(client, board):
    ann, bob = seated(board, 2, size=1)
    sprint.card_add(board=board, user=bob, column="works", text="Idee van groep 2")
    client.force_login(ann)
    page = client.get(page_url(board)).text
    assert "Idee van groep 2" not in page
    params = poll_params(page)
    sprint.reveal(board=board)
    html = client.get(live_url(board, **params), headers=HTMX).text
    assert '<div id="sprint-others" class="ps-others" hx-swap-oob="true">' in html
    assert '<h3 id="group-2-heading">Groep 2</h3>' in html
    assert "Idee van groep 2" in html
    page = client.get(page_url(board)).text
    assert page.index("De andere groepen") < page.index("Idee van groep 2")


def test_a_closed_sprint_shows_the_boards_and_the_summary_without_forms(client, board):
    ann, bob = seated(board, 2, size=1)
    sprint.card_add(board=board, user=ann, column="works", text="Koffie")
    sprint.card_add(board=board, user=bob, column="works", text="Thee")
    client.force_login(ann)
    params = poll_params(client.get(page_url(board)).text)
    sprint.sprint_close(board=board)
    assert client.get(live_url(board, **params), headers=HTMX)["HX-Refresh"] == "true"
    page = client.get(page_url(board)).text
    assert "De sprint is voorbij" in page
    assert f'href="{reverse("sprint_summary", args=[board.meeting_id])}"' in page
    assert "Koffie" in page
    assert "Thee" in page  # closing shows every group's board
    assert "hx-get" not in page  # nothing changes any more: no polling
    assert "<textarea" not in page
    assert 'id="edit-' not in page
    assert 'id="delete-' not in page
    assert 'id="dot-' not in page
    response = add(client, board, "works", "Te laat", kwargs={"follow": True})
    assert "Deze sprint is afgesloten." in response.text
    assert not SprintCard.objects.filter(text="Te laat").exists()


def test_the_sprint_pages_have_no_inline_script_or_style(client, board):
    ann, bob = seated(board, 2, size=1)
    pitfall = sprint.card_add(board=board, user=ann, column="pitfall", text="Geen tijd")
    sprint.card_add(board=board, user=ann, column="solution", text="Vast uur", answers_id=pitfall.pk)
    sprint.card_add(board=board, user=bob, column="works", text="Koffie")
    for _round in range(4):
        sprint.round_next(board=board)
    sprint.reveal(board=board)
    client.force_login(ann)
    pages = [
        client.get(page_url(board)).text,
        client.get(live_url(board, v=0), headers=HTMX).text,
        client.get(reverse("sprint_card_edit", args=[board.meeting_id, pitfall.pk])).text,
        client.get(reverse("sprint_code")).text,
    ]
    for page in pages:
        assert "<script>" not in page
        assert "<style" not in page
        assert " style=" not in page
        assert " hx-on" not in page
        assert " onclick=" not in page


def test_the_link_of_a_closed_sprint_opens_its_board_without_taking_a_seat(client, board):
    sprint.sprint_close(board=board)
    latecomer = member(board)
    client.force_login(latecomer)
    response = client.get(f"/sprint/{board.code}/")
    assert response.status_code == 302
    assert not SprintParticipant.objects.filter(board=board, user=latecomer).exists()
    assert client.get(response["Location"]).status_code == 200
