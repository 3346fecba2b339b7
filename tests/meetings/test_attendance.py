import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, Rsvp
from meetings.services import attendance_set, checkin, checkin_code_show
from members.models import Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory(community=CommunityFactory(slug="metselen"), starts_at=timezone.now() - timedelta(minutes=10))


@pytest.mark.parametrize("count", [1, 8])
def test_attendance_list_runs_a_fixed_number_of_queries_going_first(client, meeting, django_assert_num_queries, count):
    facilitator = MembershipFactory(community=meeting.community, role=Role.FACILITATOR).user
    people = [
        MembershipFactory(community=meeting.community, user=UserFactory(full_name=f"Lid {n:02}")).user
        for n in range(count)
    ]
    Rsvp.objects.create(meeting=meeting, user=people[-1], response="going")
    Attendance.objects.create(meeting=meeting, user=people[0])
    client.force_login(facilitator)
    checkin_code_show(meeting=meeting)
    # user, meeting with counts, standing, the list's counts, its page
    with django_assert_num_queries(5):
        page = client.get(reverse("meeting_attendance", args=[meeting.pk])).text
    assert page.count('<li id="attendance-') == count + 1  # a small community: everyone
    if count > 1:  # the one who said "going" comes first
        assert page.index(f"Lid {count - 1:02}") < page.index("Lid 00")
    assert meeting.checkin_code in page
    assert "?everyone=1" not in page


@pytest.fixture
def large(meeting, monkeypatch):
    """A community larger than a page of the list (four rows a page here): the facilitator, two
    who said they would come, one who might, one who declined, a walk-in already ticked, and
    others who did not answer."""
    monkeypatch.setattr("meetings.selectors.ATTENDANCE_PAGE", 4)
    community = meeting.community
    people = {
        name: MembershipFactory(community=community, user=UserFactory(full_name=name)).user
        for name in ("Bas", "Cor", "Dirk", "Eva", "Fien", "Gijs", "Hanna", "Ilse")
    }
    for name, response in (("Eva", "going"), ("Cor", "going"), ("Gijs", "maybe"), ("Dirk", "declined")):
        Rsvp.objects.create(meeting=meeting, user=people[name], response=response)
    Attendance.objects.create(meeting=meeting, user=people["Ilse"])
    people["Facilitator"] = MembershipFactory(
        community=community, role=Role.FACILITATOR, user=UserFactory(full_name="Zoë", language="en")
    ).user
    checkin_code_show(meeting=meeting)
    return people


def _names(page: str) -> list[str]:
    return re.findall(r'<span class="attendance-row__name">([^<]+?)\s*(?:<|</span>)', page)


@pytest.mark.parametrize(
    ("query", "names", "note"),
    [
        # Those expected, going first, then by name; the walk-in who is ticked is there too.
        ("", ["Cor", "Eva", "Gijs", "Ilse"], "Search above for any of the 5 other members."),
        ("?everyone=1", ["Cor", "Eva", "Gijs", "Bas"], "Show only those expected"),
        ("?everyone=1&page=2", ["Dirk", "Fien", "Hanna", "Ilse"], "Page 2 of 3"),
        ("?everyone=1&page=3", ["Zoë"], "Page 3 of 3"),
        ("?everyone=1&page=x", ["Cor", "Eva", "Gijs", "Bas"], "Page 1 of 3"),
        ("?q=fie", ["Fien"], ""),  # a search looks through everyone
        ("?q=nobody", [], "Nobody matches."),
    ],
)
def test_a_large_communitys_list_shows_those_expected_and_the_rest_behind_search_or_pages(
    client, meeting, large, django_assert_num_queries, query, names, note
):
    client.force_login(large["Facilitator"])
    with django_assert_num_queries(5):  # as in a small community
        page = client.get(reverse("meeting_attendance", args=[meeting.pk]) + query).text
    assert _names(page) == names
    assert note in page
    assert ("Show all 9 members" in page) == (query == "")


def test_the_list_is_one_form_and_each_button_says_whom_it_ticks(client, meeting, large):
    client.force_login(large["Facilitator"])
    url = reverse("meeting_attendance", args=[meeting.pk])
    part = client.get(url + "?q=i", headers={"HX-Request": "true"}).text
    assert part.lstrip().startswith(f'<form id="attendance-list" class="attendance" method="post" action="{url}?q=i">')
    assert part.count("<form") == 1
    assert part.count('name="csrfmiddlewaretoken"') == 1
    ilse, fien = large["Ilse"], large["Fien"]
    assert f'<button name="absent" value="{ilse.pk}" hx-post="{url}"' in part
    assert f'<button name="present" value="{fien.pk}" hx-post="{url}"' in part


def test_ticking_with_htmx_returns_the_row_and_records_who_ticked(client, meeting, django_assert_num_queries):
    facilitator = MembershipFactory(community=meeting.community, role=Role.FACILITATOR).user
    walk_in = MembershipFactory(community=meeting.community, role=Role.COLLEAGUE).user
    client.force_login(facilitator)
    url = reverse("meeting_attendance", args=[meeting.pk])
    # user, meeting, standing, person, membership check, existing tick, savepoint and insert, the row
    with django_assert_num_queries(10):
        row = client.post(url, {"present": walk_in.pk}, headers={"HX-Request": "true"}).text
    assert row.lstrip().startswith(f'<li id="attendance-{walk_in.pk}" class="attendance-row attendance-row--present"')
    assert f'<button name="absent" value="{walk_in.pk}"' in row
    assert Attendance.objects.get().checked_in_by == facilitator
    client.post(url, {"present": walk_in.pk}, headers={"HX-Request": "true"})  # a double tap: still one row
    assert Attendance.objects.count() == 1
    row = client.post(url, {"absent": walk_in.pk}, headers={"HX-Request": "true"}).text
    assert f'<button name="present" value="{walk_in.pk}"' in row
    assert not Attendance.objects.exists()


def test_without_javascript_ticking_returns_to_the_same_search_and_page(client, meeting):
    facilitator = MembershipFactory(community=meeting.community, role=Role.FACILITATOR, user__language="en").user
    walk_in = MembershipFactory(community=meeting.community, user=UserFactory(full_name="Wout")).user
    client.force_login(facilitator)
    url = reverse("meeting_attendance", args=[meeting.pk]) + "?q=wou&page=1"
    response = client.post(url, {"present": walk_in.pk})
    assert response.status_code == 302
    assert response["Location"] == url
    assert Attendance.objects.get().user == walk_in
    assert 'aria-pressed="true">Present' in client.get(response["Location"]).text


@pytest.mark.parametrize("data", [{}, {"present": ""}, {"absent": "x"}, {"present": "²"}, {"present": "9" * 5000}])
def test_a_tick_without_a_person_is_a_bad_request(client, meeting, data):
    client.force_login(MembershipFactory(community=meeting.community, role=Role.FACILITATOR).user)
    assert client.post(reverse("meeting_attendance", args=[meeting.pk]), data).status_code == 400
    assert not Attendance.objects.exists()


def test_the_host_may_take_attendance_other_members_may_not(client, meeting):
    host = MembershipFactory(community=meeting.community, role=Role.INTERN).user
    meeting.host = host
    meeting.save()
    other = MembershipFactory(community=meeting.community, role=Role.INTERN).user
    client.force_login(other)
    url = reverse("meeting_attendance", args=[meeting.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"present": other.pk}).status_code == 403
    assert not Attendance.objects.exists()
    client.force_login(host)
    assert client.get(url).status_code == 200


def test_only_members_of_the_community_can_be_ticked(meeting):
    with pytest.raises(ValidationError, match="Only members of this community"):
        attendance_set(meeting=meeting, user=UserFactory(), present=True, by=UserFactory())
    assert not Attendance.objects.exists()


def test_members_check_in_with_the_rooms_code_around_the_meeting_only(meeting):
    person = MembershipFactory(community=meeting.community).user
    code = checkin_code_show(meeting=meeting)
    with pytest.raises(ValidationError, match="not the code"):
        checkin(meeting=meeting, user=person, code="WRONG1")
    checkin(meeting=meeting, user=person, code=code.lower())
    assert Attendance.objects.get().user == person
    later = MeetingFactory(community=meeting.community)
    with pytest.raises(ValidationError, match="around the time"):
        checkin(meeting=later, user=person, code=checkin_code_show(meeting=later))


def test_notes_after_the_meeting_tell_those_who_came_once(client, meeting):
    from cop.models import Notification  # noqa: PLC0415

    meeting.ends_at = timezone.now() - timedelta(minutes=1)
    meeting.save()
    came, stayed_home = (MembershipFactory(community=meeting.community).user for _ in range(2))
    Attendance.objects.create(meeting=meeting, user=came)
    client.force_login(MembershipFactory(community=meeting.community, role=Role.FACILITATOR).user)
    url = reverse("meeting_notes", args=[meeting.pk])
    # Refused notes come back on the meeting page at their form; saved ones at the message on top.
    assert f'action="{url}#write-notes-heading"' in client.get(reverse("meeting_detail", args=[meeting.pk])).text
    saved = client.post(url, {"notes": "Goed gesprek.", "takeaways": "Vraag door."})
    assert saved["Location"] == reverse("meeting_detail", args=[meeting.pk]) + "#main"
    client.post(url, {"notes": "Goed gesprek, aangevuld.", "takeaways": "Vraag door."})
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.takeaways) == ("Goed gesprek, aangevuld.", "Vraag door.")
    assert list(Notification.objects.filter(kind="meeting.notes").values_list("recipient", flat=True)) == [came.pk]
    assert stayed_home.pk not in Notification.objects.values_list("recipient", flat=True)
