import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cop.models import Notification, NotificationPreference
from cop.models.notification import Category, Status
from cop.notifications.delivery import (
    backoff,
    notification_deliver,
    notification_retry,
    notifications_deliver,
    notifications_sweep,
)
from cop.notifications.services import account_mail_queue, preference_set
from cop.tasks import notifications_deliver as deliver_task
from tests.conftest import free_port
from tests.factories import CommunityFactory, UserFactory, announcement

pytestmark = pytest.mark.django_db


def test_deliver_sends_once_and_marks_the_row_sent(mailoutbox):
    row = announcement(UserFactory(email="intern@example.org"), CommunityFactory())
    assert notification_deliver(notification_id=row.pk) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.finished_at is not None
    assert [m.to for m in mailoutbox] == [["intern@example.org"]]


def test_the_task_run_twice_sends_one_email(mailoutbox):
    row = announcement(UserFactory(), CommunityFactory())
    assert deliver_task.apply(kwargs={"notification_ids": [row.pk]}).get() == {row.pk: "sent"}
    assert deliver_task.apply(kwargs={"notification_ids": [row.pk]}).get() == {row.pk: "not-claimed"}
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_row_send_one_email(mailoutbox):
    row = announcement(UserFactory(), CommunityFactory())
    start = threading.Barrier(4)
    outcomes = []

    def worker() -> None:
        start.wait()
        try:
            outcomes.append(notification_deliver(notification_id=row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["not-claimed", "not-claimed", "not-claimed", "sent"]
    assert len(mailoutbox) == 1


def test_a_transient_smtp_failure_is_retried_with_backoff(smtp):
    smtp.reply = "451 4.3.0 Try again later"
    row = announcement(UserFactory(), CommunityFactory())
    before = timezone.now()
    assert notification_deliver(notification_id=row.pk) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "SMTP 451: 4.3.0 Try again later"
    assert before + timedelta(seconds=29) < row.next_attempt_at < before + timedelta(seconds=32)
    # Not due yet: an early duplicate task cannot claim it.
    assert notification_deliver(notification_id=row.pk) == "not-claimed"
    smtp.reply = None
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert notification_deliver(notification_id=row.pk) == "sent"
    assert len(smtp.messages) == 1


def test_smtp_server_down_is_transient(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    row = announcement(UserFactory(), CommunityFactory())
    assert notification_deliver(notification_id=row.pk) == "retry"
    row.refresh_from_db()
    assert row.status == "pending"
    assert row.last_error.startswith("ConnectionRefusedError")


def test_transient_failures_stop_after_the_attempt_limit(smtp, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    smtp.reply = "421 Service not available"
    row = announcement(UserFactory(), CommunityFactory())
    outcomes = []
    for _ in range(3):
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outcomes.append(notification_deliver(notification_id=row.pk))
    assert outcomes == ["retry", "retry", "failed"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)


def test_a_permanent_failure_fails_at_once_with_the_reason(smtp):
    smtp.reply = "550 5.1.1 No such user here"
    row = announcement(UserFactory(), CommunityFactory())
    assert notification_deliver(notification_id=row.pk) == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "SMTP 550: 5.1.1 No such user here")
    assert smtp.messages == []


def test_switching_off_after_queueing_takes_effect_at_once(mailoutbox):
    person = UserFactory()
    row = announcement(person, CommunityFactory())
    preference_set(user=person, category=Category.ANNOUNCEMENT, email=False)
    assert notification_deliver(notification_id=row.pk) == "skipped"
    assert mailoutbox == []
    assert Notification.objects.get(pk=row.pk).status == "skipped"


def test_backoff_doubles_up_to_the_cap(settings):
    settings.NOTIFICATION_BACKOFF_SECONDS = 30
    settings.NOTIFICATION_BACKOFF_MAX_SECONDS = 3600
    assert [backoff(n).total_seconds() for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_sweeper_reclaims_a_row_whose_worker_died_and_it_is_sent_once(eager, mailoutbox, settings):
    settings.NOTIFICATION_SENDING_TIMEOUT = 600
    row = announcement(UserFactory(), CommunityFactory())
    # A worker claimed it eleven minutes ago and was killed mid-send.
    Notification.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=1, claimed_at=timezone.now() - timedelta(minutes=11)
    )
    fresh = announcement(UserFactory(), CommunityFactory())  # its own task will deliver it
    result = notifications_sweep()
    assert (result.reclaimed, result.queued) == (1, 1)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert Notification.objects.get(pk=fresh.pk).status == "pending"
    assert len(mailoutbox) == 1
    assert notifications_sweep().queued == 0


def test_sweeper_leaves_a_recent_sending_row_alone(eager, mailoutbox):
    row = announcement(UserFactory(), CommunityFactory())
    Notification.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    assert notifications_sweep().reclaimed == 0
    assert mailoutbox == []


def test_sweeper_queues_pending_rows_older_than_the_grace_period(eager, mailoutbox, settings):
    settings.NOTIFICATION_SWEEP_GRACE = 60
    old = announcement(UserFactory(), CommunityFactory(), title="Oud")
    Notification.objects.filter(pk=old.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    announcement(UserFactory(), CommunityFactory(), title="Nieuw")
    assert notifications_sweep().queued == 1
    assert [m.subject.split(": ", 1)[1] for m in mailoutbox] == ["Oud"]


def test_retry_gives_a_failed_row_new_attempts(eager, smtp):
    smtp.reply = "550 mailbox unavailable"
    row = announcement(UserFactory(), CommunityFactory())
    notification_deliver(notification_id=row.pk)
    smtp.reply = None
    assert notification_retry(notification=Notification.objects.get(pk=row.pk)) is True
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert len(smtp.messages) == 1
    assert notification_retry(notification=row) is False  # a sent row is never sent again


def test_a_row_of_an_unknown_kind_fails_without_holding_up_its_batch(mailoutbox):
    community = CommunityFactory()
    good = [announcement(UserFactory(), community, occasion=str(n)) for n in range(2)]
    Notification.objects.filter(pk=good[0].pk).update(kind="gone")
    outcomes = notifications_deliver(notification_ids=[row.pk for row in good])
    assert outcomes == {good[0].pk: "failed", good[1].pk: "sent"}
    assert Notification.objects.get(pk=good[0].pk).last_error == "Unknown notification kind 'gone'."
    assert len(mailoutbox) == 1


def test_a_transient_failure_hands_the_rest_of_the_batch_back_unattempted(smtp):
    smtp.reply = "421 Service not available"
    community = CommunityFactory()
    rows = [announcement(UserFactory(), community, occasion=str(n)) for n in range(3)]
    outcomes = notifications_deliver(notification_ids=[row.pk for row in rows])
    assert outcomes == {rows[0].pk: "retry", rows[1].pk: "released", rows[2].pk: "released"}
    states = list(Notification.objects.order_by("pk").values_list("status", "attempts"))
    assert states == [("pending", 1), ("pending", 0), ("pending", 0)]


def test_the_sweeper_fails_a_row_whose_workers_keep_dying(settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    row = announcement(UserFactory(), CommunityFactory())
    Notification.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=3, claimed_at=timezone.now() - timedelta(hours=1)
    )
    result = notifications_sweep()
    assert (result.failed, result.reclaimed, result.queued) == (1, 0, 0)
    assert Notification.objects.get(pk=row.pk).status == "failed"


def test_a_sent_account_mail_forgets_its_login_code(mailoutbox):
    row = account_mail_queue(email="intern@example.org", subject="Inlogcode", text="ABCD-EFGH", html=None)
    assert notification_deliver(notification_id=row.pk) == "sent"
    assert Notification.objects.get(pk=row.pk).context == {}
    assert "ABCD-EFGH" in mailoutbox[0].body


def test_two_account_mails_to_a_very_long_address_are_both_kept():
    address = "a" * 240 + "@example.org"
    first = account_mail_queue(email=address, subject="1", text="1", html=None)
    second = account_mail_queue(email=address, subject="2", text="2", html=None)
    assert first.pk != second.pk
    assert len(first.key) <= 255


def test_security_mail_cannot_be_switched_off_even_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationPreference.objects.create(user=UserFactory(), category="security", email=False)
