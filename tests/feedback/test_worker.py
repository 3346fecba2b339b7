"""Survey invitations and reminders with the real parts: a Celery worker process on Redis, the
outbox and a local SMTP server. Jobs run several times at once; each mail arrives once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cop.celery import app as celery_app
from cop.models import Notification
from feedback.models import Survey, SurveyInvite
from feedback.reminders import reminders_send_due
from feedback.services import surveys_open_due
from meetings.models import Attendance
from tests.cop.notifications.test_worker import wait_for
from tests.feedback.helpers import ended_meeting, member

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def in_parallel(task: str, job) -> None:
    """The periodic task twice on the worker and its job in this process, at the same time."""
    celery_app.send_task(task)
    celery_app.send_task(task)

    def here() -> None:
        try:
            job()
        finally:
            connection.close()

    thread = threading.Thread(target=here)
    thread.start()
    thread.join()


def delivered(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind, status="sent").values_list("recipient__email", flat=True))


def test_invitations_and_reminders_arrive_once_each(celery_worker, smtp_sink):
    smtp_sink.reset()
    meeting = ended_meeting()
    people = [member(meeting.community) for _ in range(3)]
    for person in people:
        Attendance.objects.create(meeting=meeting, user=person)
    addresses = sorted(person.email for person in people)

    in_parallel("feedback.open_surveys", surveys_open_due)
    wait_for(lambda: len(smtp_sink.messages) == 3, seconds=20)
    assert Survey.objects.count() == 1
    assert delivered("survey.invitation") == addresses

    SurveyInvite.objects.update(created_at=timezone.now() - timedelta(days=2, minutes=1))
    in_parallel("feedback.reminders", reminders_send_due)
    wait_for(lambda: len(smtp_sink.messages) == 6, seconds=20)
    assert delivered("survey.reminder") == addresses
    subjects = sorted(message["Subject"] for message in smtp_sink.parsed())
    assert subjects.count(f"Herinnering: korte enquête: {meeting.title}") == 3
    wait_for(lambda: not Notification.objects.exclude(status="sent").exists())
    assert Notification.objects.count() == 6
    assert set(SurveyInvite.objects.values_list("reminders_sent", flat=True)) == {1}
