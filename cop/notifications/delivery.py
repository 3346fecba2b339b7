"""Delivering outbox rows exactly once, in effect.

How a row moves:

    pending ──claim──▶ sending ──▶ sent
       ▲                  │  ├──▶ failed   (permanent error, or attempts used up)
       │   transient      │  └──▶ pending  (transient error: next_attempt_at = now + backoff)
       └── sweeper ◀──────┘      (stuck in sending longer than NOTIFICATION_SENDING_TIMEOUT)

* **Claim before send.** A worker sends only rows that its own `UPDATE … SET status='sending',
  claim=<new uuid> WHERE id IN (…) AND status='pending' AND next_attempt_at <= now` changed. A
  task delivered twice, two workers racing for one row, or the sweeper queueing a row that
  already has a task: every row is claimed by one update only; the others skip it.
* **Record after send, row by row.** `sent` is written, and committed, right after each message
  by the worker holding the claim (`WHERE status='sending' AND claim=<its uuid>`). A worker
  that dies leaves at most one message in doubt: the one it was sending.
* **Nothing lost.** Rows are found by query, not only by broker messages: the periodic sweeper
  re-queues pending rows that are due (so a row written while Redis was down, or whose message
  was lost, is delivered once Redis is back) and returns rows stuck in `sending` to `pending`.
* **The one ambiguous message.** If a worker dies after the SMTP server accepted a message but
  before it recorded `sent`, nobody can know whether the message went out. After the timeout the
  sweeper returns the row to pending and it is sent again: at most one duplicate, only in that
  window. It carries the same Message-ID both times, so mail systems that de-duplicate by
  Message-ID show it once. We chose this over the alternative (never retrying a row that
  reached `sending`), which would silently lose every message whose worker died before sending.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from cop.models import ChatWebhook, Notification, NotificationPreference
from cop.models.notification import Channel, Status
from cop.notifications import kinds
from cop.notifications.channels import DeliveryError, PermanentError, post_webhook, send_email
from cop.notifications.render import render_chat, render_email
from cop.notifications.services import enqueue_delivery

logger = logging.getLogger(__name__)

# A task that fires a moment before next_attempt_at (clocks of worker and database differ) may
# still claim its row.
CLOCK_TOLERANCE = timedelta(seconds=2)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base · 2^(attempts-1), capped."""
    seconds = settings.NOTIFICATION_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.NOTIFICATION_BACKOFF_MAX_SECONDS))


def _claim(notification_ids: list[int]) -> list[Notification]:
    """Claims those of the rows that are pending and due, and returns them ready to send: each
    with `switched_off`, read now rather than when queued, so that the choice counts at once
    (three queries)."""
    now, claim = timezone.now(), uuid.uuid4()
    Notification.objects.filter(
        pk__in=notification_ids, status=Status.PENDING, next_attempt_at__lte=now + CLOCK_TOLERANCE
    ).update(status=Status.SENDING, claimed_at=now, claim=claim, attempts=F("attempts") + 1)
    rows = list(
        Notification.objects.filter(claim=claim, status=Status.SENDING)
        .select_related("recipient", "community")
        .order_by("pk")
    )
    recipients = [row.recipient_id for row in rows if row.recipient_id]
    off = set(
        NotificationPreference.objects.filter(email=False, user_id__in=recipients).values_list("user_id", "category")
    )
    for row in rows:
        row.switched_off = (row.recipient_id, kinds.get(row.kind).category) in off
    return rows


def _finish(notification: Notification, **fields: object) -> None:
    # Only the claim holder records the outcome; a row the sweeper has since taken back is not ours.
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING, claim=notification.claim).update(**fields)


def _send(notification: Notification) -> None:
    if notification.channel == Channel.CHAT:
        webhook = ChatWebhook.objects.filter(community_id=notification.community_id, enabled=True).first()
        if webhook is None or not settings.CHAT_WEBHOOKS_ENABLED:
            raise PermanentError("No enabled chat webhook for this community.")
        post_webhook(webhook.url, render_chat(notification, webhook.provider))
    else:
        send_email(render_email(notification))


def _deliver(notification: Notification) -> str:
    kind = kinds.get(notification.kind)
    if notification.switched_off or (
        notification.recipient_id and not kind.mandatory and not notification.recipient.is_active
    ):
        _finish(notification, status=Status.SKIPPED, finished_at=timezone.now(), last_error="Switched off.")
        return Status.SKIPPED
    try:
        _send(notification)
    except DeliveryError as exc:
        return _failed(notification, exc)
    _finish(notification, status=Status.SENT, finished_at=timezone.now(), last_error="")
    return Status.SENT


def notifications_deliver(*, notification_ids: list[int]) -> dict[int, str]:
    """Sends each of the rows this call can claim; returns what happened to each row asked for
    ("not-claimed" where another worker has it or it is not due)."""
    outcomes = dict.fromkeys(notification_ids, "not-claimed")
    for notification in _claim(notification_ids):
        outcomes[notification.pk] = _deliver(notification)
    return outcomes


def notification_deliver(*, notification_id: int) -> str:
    """`notifications_deliver` for one row."""
    return notifications_deliver(notification_ids=[notification_id])[notification_id]


def _failed(notification: Notification, error: DeliveryError) -> str:
    message = str(error)[:2000]
    if error.transient and notification.attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
        wait = backoff(notification.attempts)
        _finish(notification, status=Status.PENDING, next_attempt_at=timezone.now() + wait, last_error=message)
        logger.info("Notification %s: %s; retrying in %s", notification.pk, message, wait)
        enqueue_delivery([notification.pk], countdown=wait.total_seconds())
        return "retry"
    _finish(notification, status=Status.FAILED, finished_at=timezone.now(), last_error=message)
    logger.warning("Notification %s failed: %s", notification.pk, message)
    return Status.FAILED


@dataclass(frozen=True)
class SweepResult:
    reclaimed: int
    queued: int


def notifications_sweep(*, limit: int = 5000) -> SweepResult:
    """Returns rows stuck in `sending` to `pending`, then queues pending rows that are due and
    were not delivered by their own task (written while Redis was down, or their message lost)."""
    now = timezone.now()
    grace = timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE)
    # A reclaimed row is due at once, so it is put back as if it had waited out the grace period.
    reclaimed = Notification.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT)
    ).update(status=Status.PENDING, next_attempt_at=now - grace, last_error="Worker lost while sending; retried.")
    # The grace period leaves fresh rows to the task queued on commit.
    due = Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now - grace)
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    enqueue_delivery(ids)
    return SweepResult(reclaimed=reclaimed, queued=len(ids))


def notification_retry(*, notification: Notification) -> bool:
    """Gives a failed (or skipped) row a fresh set of attempts and queues it (admin action)."""
    updated = Notification.objects.filter(pk=notification.pk, status__in=[Status.FAILED, Status.SKIPPED]).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), finished_at=None
    )
    if updated:
        enqueue_delivery([notification.pk])
    return bool(updated)
