from datetime import timedelta

import pytest
from django.utils import timezone

from cop.models import Notification
from feedback.models import Survey, SurveyInvite
from feedback.reminders import extra_reminder_send, reminders_send_due
from feedback.services import default_template, pulse_send, survey_for_meeting_open
from meetings.models import Attendance
from members.models import Role
from tests.feedback.helpers import answer, ended_meeting, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    meeting = ended_meeting()
    for _ in range(3):
        Attendance.objects.create(meeting=meeting, user=member(meeting.community))
    return survey_for_meeting_open(meeting=meeting)


def age(survey, days: float) -> None:
    """Makes the invitations `days` old."""
    SurveyInvite.objects.filter(survey=survey).update(created_at=timezone.now() - timedelta(days=days))


def reminders():
    return list(
        Notification.objects.filter(kind="survey.reminder")
        .order_by("recipient", "occasion")
        .values_list("recipient", "occasion")
    )


def test_two_reminders_after_two_and_five_days_never_a_third(survey):
    first, second, third = (invite.user_id for invite in survey.invites.order_by("user"))
    age(survey, 1)
    assert reminders_send_due() == 0
    age(survey, 2.1)
    assert reminders_send_due() == 3
    assert reminders_send_due() == 0
    answer(survey, survey.invites.get(user=first).user, {})
    age(survey, 5.1)
    assert reminders_send_due() == 2
    age(survey, 6.9)
    assert reminders_send_due() == 0
    assert reminders() == [
        (first, "reminder-1"),
        (second, "reminder-1"),
        (second, "reminder-2"),
        (third, "reminder-1"),
        (third, "reminder-2"),
    ]


def test_a_job_that_missed_days_sends_one_reminder_not_two(survey):
    age(survey, 6)
    assert reminders_send_due() == 3
    assert reminders_send_due() == 0
    assert {occasion for _recipient, occasion in reminders()} == {"reminder-2"}
    assert set(SurveyInvite.objects.values_list("reminders_sent", flat=True)) == {2}


def test_no_reminder_once_the_survey_closed(survey):
    age(survey, 3)
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert reminders_send_due() == 0
    assert reminders() == []


def test_the_reminder_carries_the_personal_link_and_says_it_is_one(survey):
    age(survey, 3)
    reminders_send_due()
    row = Notification.objects.filter(kind="survey.reminder").first()
    invitation = Notification.objects.get(kind="survey.invitation", recipient=row.recipient)
    assert row.context["link"] == invitation.context["link"]
    assert row.context["questions"] == 3


def test_the_extra_reminder_goes_once_and_only_to_those_waiting(survey):
    done = survey.invites.order_by("user").first().user
    answer(survey, done, {})
    assert extra_reminder_send(survey=survey) == 2
    assert extra_reminder_send(survey=survey) == 0
    assert sorted(Notification.objects.filter(occasion="reminder-extra").values_list("recipient", flat=True)) == sorted(
        survey.invites.exclude(user=done).values_list("user", flat=True)
    )


def test_no_extra_reminder_for_a_closed_survey(survey):
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    survey.refresh_from_db()
    assert extra_reminder_send(survey=survey) == 0
    assert not Notification.objects.filter(occasion="reminder-extra").exists()


def test_a_pulse_survey_to_one_role_or_the_whole_community():
    meeting = ended_meeting()
    community = meeting.community
    interns = {member(community).pk for _ in range(2)}
    mentor = member(community, role=Role.MENTOR)
    member(community, left_at=timezone.now())  # no longer a member: not asked
    facilitator = member(community, role=Role.FACILITATOR)
    pulse = pulse_send(
        community=community, template=default_template(), title="Hoe gaat je stage?", by=facilitator, role=Role.INTERN
    )
    assert set(pulse.invites.values_list("user", flat=True)) == interns
    assert pulse.kind == "pulse"
    assert pulse.meeting is None
    assert Notification.objects.filter(kind="survey.invitation", subject_id=pulse.pk).count() == 2
    everyone = pulse_send(community=community, template=default_template(), title="Rondje", by=facilitator)
    assert set(everyone.invites.values_list("user", flat=True)) == interns | {mentor.pk, facilitator.pk}


def test_no_reminder_to_someone_who_left_the_community(survey):
    leaver = survey.invites.order_by("user").first().user
    leaver.memberships.update(left_at=timezone.now())
    age(survey, 3)
    assert reminders_send_due() == 2
    assert extra_reminder_send(survey=survey) == 2
    assert not Notification.objects.filter(kind="survey.reminder", recipient=leaver).exists()


def test_the_same_pulse_form_sent_twice_makes_one_survey():
    meeting = ended_meeting()
    facilitator = member(meeting.community, role=Role.FACILITATOR)
    first, second = (
        pulse_send(
            community=meeting.community, template=default_template(), title="Rondje", by=facilitator, form_key="k1"
        )
        for _ in range(2)
    )
    assert first == second
    assert Survey.objects.filter(kind="pulse").count() == 1
    assert Notification.objects.filter(kind="survey.invitation").count() == 1


@pytest.mark.parametrize("waiting", [1, 4])
def test_the_reminder_job_runs_a_fixed_number_of_queries_however_many_wait(django_assert_num_queries, waiting):
    # It holds the invites' row locks while it queues: an invitee submitting meanwhile waits.
    meeting = ended_meeting()
    for _ in range(waiting):
        Attendance.objects.create(meeting=meeting, user=member(meeting.community))
    survey = survey_for_meeting_open(meeting=meeting)
    age(survey, 2.1)
    with django_assert_num_queries(12):
        assert reminders_send_due() == waiting
    assert len(reminders()) == waiting
