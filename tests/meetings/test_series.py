from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cop.models import Notification
from meetings.models import Meeting, MeetingSeries, Weekday
from meetings.series import occurrences, series_generate
from members.models import Role
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def series(**fields) -> MeetingSeries:
    defaults = {
        "community": CommunityFactory(),
        "title": "Maandelijkse bijeenkomst",
        "frequency": "monthly",
        "weekday": 1,
        "week_of_month": 1,
        "starts_on": date(2027, 1, 1),
        "start_time": time(16, 0),
        "end_time": time(17, 30),
    }
    return MeetingSeries.objects.create(**{**defaults, **fields})


def test_first_tuesday_of_the_month_at_16_00_local_time_across_daylight_saving():
    slots = occurrences(series(), until=date(2027, 6, 30))
    assert [(slot.date().isoformat(), slot.hour, slot.utcoffset().seconds // 3600) for slot in slots] == [
        ("2027-01-05", 16, 1),
        ("2027-02-02", 16, 1),
        ("2027-03-02", 16, 1),
        ("2027-04-06", 16, 2),
        ("2027-05-04", 16, 2),
        ("2027-06-01", 16, 2),
    ]


def test_every_other_thursday():
    slots = occurrences(series(frequency="biweekly", weekday=3), until=date(2027, 2, 15))
    assert [slot.date().isoformat() for slot in slots] == ["2027-01-07", "2027-01-21", "2027-02-04"]


def test_generating_twice_makes_each_meeting_once_and_a_moved_one_is_not_made_again():
    today = timezone.localdate()
    recurring = series(frequency="weekly", weekday=today.weekday(), starts_on=today + timedelta(days=1))
    MembershipFactory(community=recurring.community, role=Role.INTERN)
    first = series_generate(series=recurring, horizon_days=28)
    assert len(first) == 4
    assert all(meeting.status == "published" for meeting in first)
    moved = first[0]
    moved.starts_at += timedelta(days=1)
    moved.ends_at += timedelta(days=1)
    moved.theme = "Eigen thema"
    moved.save()
    first[1].status = "cancelled"
    first[1].save()
    assert series_generate(series=recurring, horizon_days=28) == []
    assert Meeting.objects.filter(series=recurring).count() == 4
    # The series' first meeting is announced; the others reach members via agenda, feed and reminder.
    assert Notification.objects.filter(kind="meeting.announcement").count() == 1


def test_planning_a_series_in_the_browser_form(client):
    community = CommunityFactory(slug="bouw")
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    # The first working day after today: a series meets Monday to Friday (on a Friday or a
    # Saturday, tomorrow is not a choice).
    start = timezone.localdate() + timedelta(days=1)
    while start.weekday() > Weekday.FRIDAY:
        start += timedelta(days=1)
    response = client.post(
        reverse("series_create", args=[community.slug]),
        {
            "title": "Koffiemoment",
            "format": "coffee",
            "frequency": "biweekly",
            "weekday": start.weekday(),
            "week_of_month": 1,
            "starts_on": start.isoformat(),
            "start_time": "10:00",
            "end_time": "10:30",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(series__community=community).count() in {6, 7}


def test_a_series_that_ends_before_it_starts_is_refused(client):
    community = CommunityFactory(slug="bouw")
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    response = client.post(
        reverse("series_create", args=[community.slug]),
        {
            "title": "x",
            "format": "coffee",
            "frequency": "weekly",
            "weekday": 1,
            "week_of_month": 1,
            "starts_on": "2027-01-01",
            "start_time": "10:00",
            "end_time": "09:00",
        },
    )
    assert response.status_code == 400
    assert "De bijeenkomsten moeten eindigen nadat ze beginnen." in response.text
    assert not MeetingSeries.objects.exists()
