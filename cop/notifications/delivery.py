"""Delivering outbox rows exactly once, in effect.

How a row moves:

    pending ──claim──▶ sending ──▶ sent
       ▲                  │  ├──▶ failed   (permanent error, or attempts used up)
       │   transient      │  └──▶ pending  (transient error: next_attempt_at = now + backoff)
       └── sweeper ◀──────┘      (stuck in sending longer than NOTIFICATION_SENDING_TIMEOUT)

* **Claim before send.** A worker sends only after `UPDATE … SET status='sending' WHERE id=…
  AND status='pending' AND next_attempt_at <= now` changed one row. A task delivered twice, two
  workers racing for one row, or the sweeper queueing a row that already has a task: all but one
  claim update changes nothing, and those workers return without sending.
* **Record after send.** `sent` is written only by the worker holding the claim
  (`WHERE status='sending' AND claimed_at=<its claim>`).
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
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from cop.models import ChatWebhook, Notification
from cop.models.notification import Channel, Status
from cop.notifications import kinds
from cop.notifications.channels import DeliveryError, PermanentError, post_webhook, send_email
from cop.notifications.render import render_chat, render_email
from cop.notifications.services import email_wanted, enqueue_delivery

logger = logging.getLogger(__name__)

# A task that fires a moment before next_attempt_at (clocks of worker and database differ) may
# still claim its row.
CLOCK_TOLERANCE = timedelta(seconds=2)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base · 2^(attempts-1), capped."""
    seconds = settings.NOTIFICATION_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.NOTIFICATION_BACKOFF_MAX_SECONDS))


def _claim(notification_id: int, now: datetime) -> bool:
    return bool(
        Notification.objects.filter(
            pk=notification_id, status=Status.PENDING, next_attempt_at__lte=now + CLOCK_TOLERANCE
        ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _finish(notification: Notification, **fields: object) -> None:
    # Only the claim holder records the outcome; a row the sweeper has since taken back stays its.
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING, claimed_at=notification.claimed_at).update(
        **fields
    )


def _send(notification: Notification) -> None:
    if notification.channel == Channel.CHAT:
        webhook = ChatWebhook.objects.filter(community_id=notification.community_id, enabled=True).first()
        if webhook is None or not settings.CHAT_WEBHOOKS_ENABLED:
            raise PermanentError("No enabled chat webhook for this community.")
        post_webhook(webhook.url, render_chat(notification, webhook.provider))
    else:
        send_email(render_email(notification))


def notification_deliver(*, notification_id: int) -> str:
    """Sends one outbox row if this call can claim it; returns what happened to the row."""
    now = timezone.now()
    if not _claim(notification_id, now):
        return "not-claimed"
    notification = Notification.objects.select_related("recipient", "community").get(pk=notification_id)
    kind = kinds.get(notification.kind)
    if notification.recipient_id and not email_wanted(user=notification.recipient, category=kind.category):
        # Switched off after it was queued: the choice counts at once.
        _finish(notification, status=Status.SKIPPED, finished_at=timezone.now(), last_error="Switched off.")
        return Status.SKIPPED
    try:
        _send(notification)
    except DeliveryError as exc:
        return _failed(notification, exc)
    _finish(notification, status=Status.SENT, finished_at=timezone.now(), last_error="")
    return Status.SENT


def _failed(notification: Notification, error: DeliveryError) -> str:
    message = str(error)[:2000]
    if error.transient and notification.attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
        wait = backoff(notification.attempts)
        _finish(notification, status=Status.PENDING, next_attempt_at=timezone.now() + wait, last_error=message)
        logger.info("Notification %s: %s; retrying in %s", notification.pk, message, wait)
        enqueue_delivery(notification.pk, countdown=wait.total_seconds())
        return "retry"
    _finish(notification, status=Status.FAILED, finished_at=timezone.now(), last_error=message)
    logger.warning("Notification %s failed: %s", notification.pk, message)
    return Status.FAILED


@dataclass(frozen=True)
class SweepResult:
    reclaimed: int
    queued: int


def notifications_sweep(*, batch: int = 1000) -> SweepResult:
    """Returns rows stuck in `sending` to `pending`, then queues pending rows that are due and
    were not delivered by their own task (written while Redis was down, or their message lost)."""
    now = timezone.now()
    reclaimed = Notification.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT)
    ).update(status=Status.PENDING, next_attempt_at=now, last_error="Worker lost while sending; retried.")
    # The grace period leaves fresh rows to the task queued on commit.
    due = Notification.objects.filter(
        status=Status.PENDING, next_attempt_at__lte=now - timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE)
    )
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:batch])
    if reclaimed:
        ids += list(
            Notification.objects.filter(status=Status.PENDING, next_attempt_at=now).values_list("pk", flat=True)
        )
    queued = sum(enqueue_delivery(pk) for pk in dict.fromkeys(ids))
    return SweepResult(reclaimed=reclaimed, queued=queued)


def notification_retry(*, notification: Notification) -> bool:
    """Gives a failed (or skipped) row a fresh set of attempts and queues it (admin action)."""
    updated = Notification.objects.filter(pk=notification.pk, status__in=[Status.FAILED, Status.SKIPPED]).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), finished_at=None
    )
    if updated:
        enqueue_delivery(notification.pk)
    return bool(updated)
