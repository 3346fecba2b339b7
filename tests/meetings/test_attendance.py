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
    # session, user, meeting with counts, standing, members with presence and answers
    with django_assert_num_queries(5):
        page = client.get(reverse("meeting_attendance", args=[meeting.pk])).text
    assert page.count('<li id="attendance-') == count + 1
    if count > 1:  # the one who said "going" comes first
        assert page.index(f"Lid {count - 1:02}") < page.index("Lid 00")
    assert meeting.checkin_code in page


def test_toggling_with_htmx_returns_the_row_and_records_who_ticked(client, meeting):
    facilitator = MembershipFactory(community=meeting.community, role=Role.FACILITATOR).user
    walk_in = MembershipFactory(community=meeting.community, role=Role.COLLEAGUE).user
    client.force_login(facilitator)
    url = reverse("meeting_attendance_toggle", args=[meeting.pk, walk_in.pk])
    row = client.post(url, {"present": "1"}, headers={"HX-Request": "true"}).text
    assert row.lstrip().startswith(f'<li id="attendance-{walk_in.pk}" class="attendance-row attendance-row--present"')
    assert Attendance.objects.get().checked_in_by == facilitator
    client.post(url, {"present": "1"})  # twice: still one row
    assert Attendance.objects.count() == 1
    client.post(url, {"present": "0"})
    assert not Attendance.objects.exists()


def test_the_host_may_take_attendance_other_members_may_not(client, meeting):
    host = MembershipFactory(community=meeting.community, role=Role.INTERN).user
    meeting.host = host
    meeting.save()
    other = MembershipFactory(community=meeting.community, role=Role.INTERN).user
    client.force_login(other)
    assert client.get(reverse("meeting_attendance", args=[meeting.pk])).status_code == 403
    assert (
        client.post(reverse("meeting_attendance_toggle", args=[meeting.pk, other.pk]), {"present": "1"}).status_code
        == 403
    )
    client.force_login(host)
    assert client.get(reverse("meeting_attendance", args=[meeting.pk])).status_code == 200


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
    client.post(url, {"notes": "Goed gesprek.", "takeaways": "Vraag door."})
    client.post(url, {"notes": "Goed gesprek, aangevuld.", "takeaways": "Vraag door."})
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.takeaways) == ("Goed gesprek, aangevuld.", "Vraag door.")
    assert list(Notification.objects.filter(kind="meeting.notes").values_list("recipient", flat=True)) == [came.pk]
    assert stayed_home.pk not in Notification.objects.values_list("recipient", flat=True)
