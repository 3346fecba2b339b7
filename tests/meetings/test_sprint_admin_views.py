"""The sprint board, facilitator's side: attaching a board, rounds, groups, the projector screen,
the controls, the summary and what it turns into."""

import re

import pytest
from django.urls import reverse

from cop.models import Community, DomainStatementRevision
from meetings import sprint
from meetings.models import Attendance, SprintBoard, SprintParticipant, Topic
from members.models import Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def ours():
    return CommunityFactory(slug="ours", name="Projectmanagement")


@pytest.fixture
def facilitator(ours):
    return MembershipFactory(community=ours, role=Role.FACILITATOR, user__language="en").user


@pytest.fixture
def meeting(ours):
    return MeetingFactory(community=ours, format="kickoff", title="Snelkooksprint")


@pytest.fixture
def board(meeting, facilitator):
    return sprint.sprint_create(meeting=meeting, by=facilitator)


def members(community, count):
    return [MembershipFactory(community=community, user__language="en").user for _ in range(count)]


def fresh(board):
    return SprintBoard.objects.get(pk=board.pk)


def text(response) -> str:
    """The page's text without tags and with single spaces, to assert what a person reads."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def played(board, *, groups=2):
    """A sprint played through: two people per group, a card in every column per group, a
    pitfall answered by a solution, then the vote. Returns the cards by text."""
    people = members(board.meeting.community, 2 * groups)
    Attendance.objects.bulk_create(Attendance(meeting=board.meeting, user=user) for user in people)
    sprint.groups_make(board=board, size=2)
    cards = {}
    for n, seat in enumerate(SprintParticipant.objects.filter(board=board).order_by("group__number", "pk")[::2]):
        user = seat.user
        cards[f"werkt {n}"] = sprint.card_add(board=board, user=user, column="works", text=f"Werkt {n}")
        pitfall = sprint.card_add(board=board, user=user, column="pitfall", text=f"Valkuil {n}")
        cards[f"valkuil {n}"] = pitfall
        cards[f"oplossing {n}"] = sprint.card_add(
            board=board, user=user, column="solution", text=f"Oplossing {n}", answers_id=pitfall.pk
        )
    return people, cards


# Who may do what ----------------------------------------------------------------------------


def facilitator_urls(meeting, board):
    seat = SprintParticipant.objects.create(board=board, user=members(meeting.community, 1)[0])
    return [
        ("post", reverse("sprint_add", args=[meeting.pk])),
        ("get", reverse("sprint_setup", args=[meeting.pk])),
        ("post", reverse("sprint_setup", args=[meeting.pk])),
        ("post", reverse("sprint_seat_move", args=[meeting.pk, seat.pk])),
        ("get", reverse("sprint_screen", args=[meeting.pk])),
        ("post", reverse("sprint_control", args=[meeting.pk, "next"])),
        ("post", reverse("sprint_outcome", args=[meeting.pk])),
    ]


def test_only_the_communitys_facilitators_and_admins_set_up_and_run_the_sprint(client, meeting, board):
    intern = members(meeting.community, 1)[0]
    theirs = MembershipFactory(community=CommunityFactory(), role=Role.FACILITATOR, user__language="en").user
    urls = facilitator_urls(meeting, board)
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 302  # to the login page
    for person in (intern, theirs):
        client.force_login(person)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, (person, url)
    assert fresh(board).round_number == 0
    assert fresh(board).version == board.version + 1  # the seat above, nothing since
    client.force_login(MembershipFactory(community=meeting.community, role=Role.FACILITATOR, user__language="en").user)
    assert client.get(reverse("sprint_setup", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("sprint_setup", args=[MeetingFactory().pk])).status_code == 404  # no board there


def test_a_sprint_board_is_attached_once_and_suggested_for_a_kickoff(client, meeting, facilitator):
    intern = members(meeting.community, 1)[0]
    client.force_login(intern)
    assert "Add a sprint board" not in client.get(reverse("meeting_detail", args=[meeting.pk])).text
    client.force_login(facilitator)
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).text
    assert 'class="button button--primary">Add a sprint board</button>' in page  # prominent: a kick-off
    monthly = MeetingFactory(community=meeting.community)
    page = client.get(reverse("meeting_detail", args=[monthly.pk])).text
    assert 'class="button button--secondary">Add a sprint board</button>' in page  # any meeting may have one
    first = client.post(reverse("sprint_add", args=[meeting.pk]))
    second = client.post(reverse("sprint_add", args=[meeting.pk]))
    assert first["Location"] == second["Location"] == reverse("sprint_setup", args=[meeting.pk])
    board = SprintBoard.objects.get()
    assert [r.title for r in board.rounds.all()] == ["What works?", "Pitfalls and obstacles", "Solutions", "Vote"]
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).text
    assert "Add a sprint board" not in page
    assert f'<strong class="sprint-code">{board.code}</strong>' in page
    assert reverse("sprint_screen", args=[meeting.pk]) in page


# Rounds ------------------------------------------------------------------------------------------


def rounds_data(rows, *, dots=3, initial=4):
    data = {
        "step": "rounds",
        "rounds-TOTAL_FORMS": len(rows),
        "rounds-INITIAL_FORMS": initial,
        "rounds-MIN_NUM_FORMS": 0,
        "rounds-MAX_NUM_FORMS": 12,
        "dots": dots,
    }
    for n, row in enumerate(rows):
        title, minutes, voting, *delete = row
        data |= {f"rounds-{n}-title": title, f"rounds-{n}-minutes": minutes}
        if voting:
            data[f"rounds-{n}-voting"] = "on"
        if delete:
            data[f"rounds-{n}-DELETE"] = "on"
    return data


def test_the_rounds_and_dots_are_saved_and_a_round_added_and_removed(client, board, facilitator):
    client.force_login(facilitator)
    url = reverse("sprint_setup", args=[board.meeting_id])
    page = client.get(url).text
    assert 'value="What works?"' in page
    assert 'value="Pitfalls and obstacles"' in page
    rows = [
        ("Wat werkt?", 4, False),
        ("Valkuilen en obstakels", 5, False, "remove"),
        ("Oplossingen", 6, False),
        ("Stemmen", 3, True),
        ("Wie pakt wat op?", 5, False),  # the empty row at the end, filled in
    ]
    response = client.post(url, rounds_data(rows, dots=5))
    assert response.status_code == 302
    board = fresh(board)
    assert [(r.position, r.title, r.minutes, r.voting) for r in board.rounds.all()] == [
        (1, "Wat werkt?", 4, False),
        (2, "Oplossingen", 6, False),
        (3, "Stemmen", 3, True),
        (4, "Wie pakt wat op?", 5, False),
    ]
    assert board.dots == 5


@pytest.mark.parametrize(
    ("rows", "dots", "message"),
    [
        ([("Wat werkt?", 0, False)], 3, "Ensure this value is greater than or equal to 1."),
        ([("Wat werkt?", 61, False)], 3, "Ensure this value is less than or equal to 60."),
        ([("Wat werkt?", "", False)], 3, "How many minutes does this round last?"),
        ([("Wat werkt?", 5, False, "remove")], 3, "A sprint needs at least one round."),
        ([("Wat werkt?", 5, False)], 0, "Ensure this value is greater than or equal to 1."),
        ([("x" * 81, 5, False)], 3, "Ensure this value has at most 80 characters (it has 81)."),
    ],
)
def test_rounds_that_cannot_be_say_why_and_change_nothing(client, board, facilitator, rows, dots, message):
    client.force_login(facilitator)
    response = client.post(reverse("sprint_setup", args=[board.meeting_id]), rounds_data(rows, dots=dots, initial=1))
    assert response.status_code == 400
    assert message in text(response)
    assert fresh(board).rounds.count() == 4
    assert fresh(board).dots == 3


def test_with_twelve_rounds_there_is_no_empty_row_and_the_page_says_why(client, board, facilitator):
    sprint.rounds_set(board=board, rounds=[(f"Ronde {n}", 5, False) for n in range(1, 13)])
    client.force_login(facilitator)
    page = client.get(reverse("sprint_setup", args=[board.meeting_id])).text
    assert 'id="id_rounds-11-title"' in page
    assert 'id="id_rounds-12-title"' not in page
    assert "A sprint has at most 12 rounds: remove one to add another." in page


def test_a_rounds_error_sits_in_its_field_between_label_and_input(client, board, facilitator):
    # In a <p>, the error's <ul> closed the paragraph: label and input fell out of the row.
    client.force_login(facilitator)
    response = client.post(reverse("sprint_setup", args=[board.meeting_id]), rounds_data([("Wat werkt?", 61, False)]))
    assert (
        '<div class="sprint-round__minutes"><label for="id_rounds-0-minutes">Minutes</label>'
        '<ul class="errorlist" id="id_rounds-0-minutes_error"><li>Ensure this value is less than or equal to 60.</li>'
        '</ul><input type="number" name="rounds-0-minutes" value="61"'
    ) in response.text


def test_the_rounds_stay_once_the_sprint_has_started(client, board, facilitator):
    client.force_login(facilitator)
    sprint.round_next(board=board)
    url = reverse("sprint_setup", args=[board.meeting_id])
    page = client.get(url)
    assert 'name="step" value="rounds"' not in page.text
    assert "The rounds stay as they are once the sprint has started." in text(page)
    response = client.post(url, rounds_data([("Alleen dit", 5, False)], initial=1))
    assert "The rounds can be changed only before the sprint starts." in text(response)
    assert fresh(board).rounds.count() == 4


# Groups ------------------------------------------------------------------------------------------


def test_groups_are_made_from_who_checked_in_and_who_joined_and_moved_by_hand(client, board, facilitator):
    room = members(board.meeting.community, 4)
    Attendance.objects.bulk_create(Attendance(meeting=board.meeting, user=user) for user in room)
    joined = members(board.meeting.community, 1)[0]
    sprint.participant_join(board=board, user=joined)
    client.force_login(facilitator)
    url = reverse("sprint_setup", args=[board.meeting_id])
    response = client.post(url, {"step": "groups", "size": 2}, follow=True)
    assert "Everyone is in one of 3 groups." in text(response)
    sizes = [group.participants.count() for group in fresh(board).groups.all()]
    assert sizes == [2, 2, 1]
    assert "Everyone on the board has a group." in text(response)

    seat = SprintParticipant.objects.get(board=board, user=joined)
    move = reverse("sprint_seat_move", args=[board.meeting_id, seat.pk])
    partial = client.post(move, {f"seat-{seat.pk}-group": ""}, headers=HTMX)
    assert partial.text.lstrip().startswith('<div id="sprint-groups">')
    assert f"{joined} is in no group now." in text(partial)
    seat.refresh_from_db()
    assert seat.group is None
    ungrouped = partial.text.split("Not in a group")[1]
    assert str(joined) in ungrouped

    second = fresh(board).groups.get(number=2)
    response = client.post(move, {f"seat-{seat.pk}-group": second.pk}, follow=True)
    assert f"{joined} is now in Group 2." in text(response)
    seat.refresh_from_db()
    assert seat.group == second

    other = sprint.sprint_create(meeting=MeetingFactory(community=board.meeting.community), by=facilitator)
    foreign = sprint.groups_make(board=other, size=2)[0]
    client.post(move, {f"seat-{seat.pk}-group": foreign.pk})  # another board's group is no choice
    seat.refresh_from_db()
    assert seat.group == second


def test_a_group_size_out_of_range_is_explained(client, board, facilitator):
    client.force_login(facilitator)
    response = client.post(reverse("sprint_setup", args=[board.meeting_id]), {"step": "groups", "size": 13})
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 12." in text(response)
    assert not fresh(board).groups.exists()


# The controls ------------------------------------------------------------------------------------


def test_next_round_reveal_hide_and_close(client, board, facilitator):
    client.force_login(facilitator)
    control = lambda action: reverse("sprint_control", args=[board.meeting_id, action])  # noqa: E731
    screen = reverse("sprint_screen", args=[board.meeting_id])
    assert "Start the sprint: What works?" in text(client.get(screen))
    assert client.post(control("next"))["Location"] == screen
    assert client.post(control("next"), {"back": "setup"})["Location"] == reverse(
        "sprint_setup", args=[board.meeting_id]
    )
    now = fresh(board)
    assert (now.status, now.round_number, now.revealed) == ("running", 2, False)
    page = text(client.get(screen))
    assert "Round 2 of 4 Pitfalls and obstacles" in page
    assert "Next round: Solutions" in page
    client.post(control("reveal"))
    assert fresh(board).revealed
    assert "Hide the boards again" in text(client.get(screen))
    client.post(control("hide"))
    assert not fresh(board).revealed
    client.post(control("next"))
    client.post(control("next"))
    response = client.post(control("next"), follow=True)
    assert "That was the last round: close the sprint for its summary." in text(response)
    assert client.post(control("close"))["Location"] == reverse("sprint_summary", args=[board.meeting_id])
    now = fresh(board)
    assert (now.status, now.revealed) == ("closed", True)
    response = client.post(control("next"), follow=True)
    assert "This sprint is closed." in text(response)
    assert client.post(control("dance")).status_code == 404


# The projector -----------------------------------------------------------------------------------


def test_the_screen_shows_the_code_the_qr_code_and_the_join_link(client, board, facilitator, settings):
    settings.SITE_URL = "https://gilde.example.org"
    client.force_login(facilitator)
    response = client.get(reverse("sprint_screen", args=[board.meeting_id]))
    page = response.text
    assert f'<p class="sprint-join__code">{board.code}</p>' in page
    assert f"https://gilde.example.org/sprint/{board.code}/" in page
    assert re.search(r'<svg role="img" viewBox="0 0 \d+ \d+" class="sprint-qr"><title>QR code to join the sprint', page)
    assert "<path" in page
    assert " style=" not in page
    assert "<script>" not in page
    assert 'class="site-nav"' not in page  # no navigation on the projector
    assert 'hx-trigger="every 2s"' in page


@pytest.mark.parametrize("groups", [2, 8])
def test_the_screen_region_costs_a_fixed_number_of_queries(
    client, board, facilitator, django_assert_num_queries, groups
):
    played(board, groups=groups)
    sprint.round_next(board=board)
    client.force_login(facilitator)
    url = reverse("sprint_screen", args=[board.meeting_id])
    # user, board with meeting and community, standing, rounds, progress
    with django_assert_num_queries(5):
        partial = client.get(url, {"v": "0", "left": "300"}, headers=HTMX)
    assert partial.text.lstrip().startswith('<section id="sprint-live"')
    assert partial.text.count('<th scope="row">Group ') == groups
    assert "5:00" in partial.text or "4:59" in partial.text
    sprint.reveal(board=board)
    # and every card, with its dots
    with django_assert_num_queries(6):
        partial = client.get(url, headers=HTMX)
    assert partial.text.count('class="sprint-card"') == 3 * groups
    with django_assert_num_queries(6):
        client.get(url)  # the whole page


def test_the_screen_answers_204_when_nothing_changed_and_no_clock_runs(client, board, facilitator):
    client.force_login(facilitator)
    url = reverse("sprint_screen", args=[board.meeting_id])
    version = str(fresh(board).version)
    assert client.get(url, {"v": version, "left": ""}, headers=HTMX).status_code == 204
    sprint.participant_join(board=board, user=members(board.meeting.community, 1)[0])
    assert client.get(url, {"v": version, "left": ""}, headers=HTMX).status_code == 200  # someone joined
    sprint.round_next(board=board)
    version = str(fresh(board).version)
    assert client.get(url, {"v": version, "left": "300"}, headers=HTMX).status_code == 200  # the clock runs
    SprintBoard.objects.filter(pk=board.pk).update(round_started_at=fresh(board).round_started_at.replace(year=2020))
    assert client.get(url, {"v": version, "left": "0"}, headers=HTMX).status_code == 204  # time is up, shown


def test_in_the_vote_round_the_revealed_cards_show_their_dots(client, board, facilitator):
    people, cards = played(board, groups=2)
    for _round in range(4):
        sprint.round_next(board=board)
    sprint.reveal(board=board)
    for user in people[:3]:
        sprint.dot_toggle(board=board, user=user, card_id=cards["valkuil 1"].pk)
    client.force_login(facilitator)
    page = text(client.get(reverse("sprint_screen", args=[board.meeting_id]), headers=HTMX))
    assert "Round 4 of 4 Vote" in page
    assert "Put your 3 dots on the cards that matter most." in page
    assert "Valkuil 1 3 dots" in page
    assert "Werkt 0 0 dots" in page


# The summary and its outcomes --------------------------------------------------------------------


def test_the_summary_shows_the_top_cards_with_dots_and_the_pairs(client, board, facilitator):
    people, cards = played(board, groups=2)
    for _round in range(4):
        sprint.round_next(board=board)
    sprint.reveal(board=board)  # before it, each votes on their own group's cards only
    for user in people[:3]:
        sprint.dot_toggle(board=board, user=user, card_id=cards["oplossing 1"].pk)
    sprint.dot_toggle(board=board, user=people[3], card_id=cards["werkt 1"].pk)
    sprint.sprint_close(board=board)
    client.force_login(facilitator)
    page = text(client.get(reverse("sprint_summary", args=[board.meeting_id])))
    columns = page.split("Top cards per column")[1].split("What the ticked cards become")[0].strip()
    assert columns == (
        "Tick the cards to take further, then choose what they become below. "
        "What could work Werkt 1 1 dot · Group 2 Werkt 0 0 dots · Group 1 "
        "Pitfalls and obstacles Valkuil 0 0 dots · Group 1 Valkuil 1 0 dots · Group 2 "
        "Solutions Oplossing 1 3 dots · Group 2 Oplossing 0 0 dots · Group 1"
    )
    pairs = page.split("Pitfalls and their solutions")[1].split("Gilde — learning together")[0].strip()
    assert pairs == (
        "Pitfall: Valkuil 0 0 dots Solution: Oplossing 0 0 dots Pitfall: Valkuil 1 0 dots Solution: Oplossing 1 3 dots"
    )


def test_members_see_the_summary_once_closed_without_the_actions(client, board, facilitator):
    played(board, groups=1)
    intern = members(board.meeting.community, 1)[0]
    theirs = MembershipFactory(community=CommunityFactory(), role=Role.FACILITATOR, user__language="en").user
    url = reverse("sprint_summary", args=[board.meeting_id])
    client.force_login(intern)
    assert client.get(url).status_code == 404  # not before it closes
    client.force_login(facilitator)
    open_page = client.get(url)
    assert "The sprint is still open: this is how it stands now." in text(open_page)
    sprint.sprint_close(board=board)
    client.force_login(intern)
    page = client.get(url)
    assert page.status_code == 200
    assert "Werkt 0" in page.text
    assert 'type="checkbox"' not in page.text
    assert reverse("sprint_outcome", args=[board.meeting_id]) not in page.text
    client.force_login(theirs)
    assert client.get(url).status_code == 403


def test_the_printable_summary_has_no_navigation_or_actions(client, board, facilitator):
    played(board, groups=1)
    sprint.sprint_close(board=board)
    client.force_login(facilitator)
    page = client.get(reverse("sprint_summary", args=[board.meeting_id]), {"print": "1"}).text
    assert 'class="site-nav"' not in page
    assert 'type="checkbox"' not in page
    assert "Valkuil 0" in page
    normal = client.get(reverse("sprint_summary", args=[board.meeting_id])).text
    assert 'class="site-nav"' in normal
    assert "?print=1" in normal


def test_chosen_cards_become_the_draft_domain_statement(client, board, facilitator):
    _people, cards = played(board, groups=2)
    sprint.sprint_close(board=board)
    client.force_login(facilitator)
    url = reverse("sprint_outcome", args=[board.meeting_id])
    chosen = [cards["werkt 0"].pk, cards["werkt 1"].pk]
    response = client.post(url, {"cards": chosen, "to": "domain"}, follow=True)
    assert "The draft domain statement holds 2 cards: adopt it on the community page." in text(response)
    assert Community.objects.get(slug="ours").domain_draft == "Werkt 0\nWerkt 1"


def test_chosen_cards_become_shared_learning_goals_each_once(client, board, facilitator):
    _people, cards = played(board, groups=2)
    Community.objects.filter(slug="ours").update(learning_goals="Oplossing 0")
    board = fresh(board)
    client.force_login(facilitator)
    url = reverse("sprint_outcome", args=[board.meeting_id])
    chosen = [cards["oplossing 0"].pk, cards["oplossing 1"].pk]
    response = client.post(url, {"cards": chosen, "to": "goals"}, follow=True)
    assert "1 learning goal added to the shared learning goals." in text(response)
    assert Community.objects.get(slug="ours").learning_goals == "Oplossing 0\nOplossing 1"


def test_chosen_cards_become_topics_from_the_sprint(client, board, facilitator):
    _people, cards = played(board, groups=2)
    client.force_login(facilitator)
    url = reverse("sprint_outcome", args=[board.meeting_id])
    chosen = [cards["valkuil 0"].pk, cards["valkuil 1"].pk]
    response = client.post(url, {"cards": chosen, "to": "topics"}, follow=True)
    assert "2 topics added to the topic list." in text(response)
    assert sorted(Topic.objects.values_list("title", "source", "suggested_by")) == [
        ("Valkuil 0", "sprint", facilitator.pk),
        ("Valkuil 1", "sprint", facilitator.pk),
    ]
    response = client.post(url, {"cards": chosen, "to": "topics"}, follow=True)
    assert "0 topics added to the topic list." in text(response)
    response = client.post(url, {"to": "topics"}, follow=True)
    assert "Choose at least one card." in text(response)
    other = sprint.sprint_create(meeting=MeetingFactory(community=board.meeting.community), by=facilitator)
    assert other.pk != board.pk
    response = client.post(url, {"cards": [cards["werkt 0"].pk + 1000], "to": "topics"}, follow=True)
    assert Topic.objects.count() == 2


# The community page ------------------------------------------------------------------------------


def test_the_facilitator_adopts_the_draft_domain_statement_through_the_edit_form(client, board, facilitator, ours):
    Community.objects.filter(pk=ours.pk).update(
        domain_draft="Samen projecten op koers houden", learning_goals="Plannen\nBegroten"
    )
    intern = members(ours, 1)[0]
    url = reverse("community_detail", args=["ours"])
    client.force_login(intern)
    page = text(client.get(url))
    assert "Shared learning goals Plannen Begroten" in page
    assert "Samen projecten op koers houden" not in page  # the draft is for facilitators
    client.force_login(facilitator)
    page = client.get(url).text
    assert "Draft from the kick-off sprint" in page
    assert 'href="?draft=1#domain-edit"' in page
    form = client.get(url, {"draft": "1"}).text
    assert '<details id="domain-edit" open>' in form
    assert "Samen projecten op koers houden</textarea>" in form
    assert 'name="adopt_draft" value="1"' in form
    before = DomainStatementRevision.objects.count()
    client.post(url + "?draft=1", {"domain_statement": "Samen projecten op koers houden.", "adopt_draft": "1"})
    ours.refresh_from_db()
    assert ours.domain_statement == "Samen projecten op koers houden."
    assert ours.domain_draft == ""
    assert DomainStatementRevision.objects.count() == before + 1
    assert "Draft from the kick-off sprint" not in client.get(url).text
