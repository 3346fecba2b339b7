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
* **Record after send, row by row.** `sent` is written, and committed, right after each
  message by the worker holding the claim (`WHERE status='sending' AND claim=<its uuid>`). The
  sweeper only takes back rows claimed longer ago than NOTIFICATION_SENDING_TIMEOUT, which the
  settings force to exceed the task's hard time limit: a live worker's claim is never taken.
  A worker that dies leaves at most one message in doubt: the one it was sending. Rows of its
  batch it had not started go back to pending at once when it stops in an orderly way (time
  limit, a transient error that will hit the rest too), and via the sweeper otherwise.
* **Bounded.** The sweeper counts a lost worker as an attempt: a row whose worker keeps dying
  ends `failed` after NOTIFICATION_MAX_ATTEMPTS, like any other.
* **Nothing lost.** Rows are found by query, not only by broker messages: the periodic sweeper
  re-queues pending rows that are due (so a row written while Redis was down, or whose message
  was lost, is delivered once Redis is back) and returns rows stuck in `sending` to `pending`.
* **A database that restarts.** If the write of `sent` finds the database unreachable (a
  restart or failover cut the connection), the worker reconnects and tries again for up to
  RECORD_RETRY_SECONDS before it gives up and leaves the row in `sending`: a restart takes
  seconds, and a write lost here would be a message sent twice (below). The other writes need no
  such care: a lost claim, release or failure leaves the row to the sweeper and sends nothing.
* **The one ambiguous message.** If a worker dies after the SMTP server accepted a message but
  before it recorded `sent`, nobody can know whether the message went out. After the timeout the
  sweeper returns the row to pending and it is sent again: at most one duplicate, only in that
  window. It carries the same Message-ID both times, so mail systems that de-duplicate by
  Message-ID show it once. We chose this over the alternative (never retrying a row that
  reached `sending`), which would silently lose every message whose worker died before sending.
"""

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.db.models import F
from django.utils import timezone

from cop.models import ChatWebhook, Notification, NotificationPreference
from cop.models.notification import Channel, Status
from cop.notifications import kinds
from cop.notifications.channels import DeliveryError, PermanentError, post_webhook, send_email
from cop.notifications.render import render_chat, render_email
from cop.notifications.services import email_wanted, enqueue_delivery

logger = logging.getLogger(__name__)

# A task that fires a moment before next_attempt_at (clocks of worker and database differ) may
# still claim its row.
CLOCK_TOLERANCE = timedelta(seconds=2)
# How long a worker keeps trying to record a message it sent while the database is unreachable.
# Well under the task's soft time limit (60 s), which the batch also needs for the rest.
RECORD_RETRY_SECONDS = 20


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base · 2^(attempts-1), capped."""
    seconds = settings.NOTIFICATION_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.NOTIFICATION_BACKOFF_MAX_SECONDS))


@dataclass
class Claimed:
    """A row this worker holds, with what delivery needs, read in bulk when claiming."""

    row: Notification
    kind: kinds.Kind | None  # None: a kind no longer registered
    switched_off: bool
    webhook: ChatWebhook | None


def _claim(notification_ids: list[int]) -> list[Claimed]:
    """Claims those of the rows that are pending and due and loads them ready to send, whatever
    their number: rows with recipients and subjects, the recipients' switched-off categories
    (read now, not when queued, so a choice counts at once) and the communities' webhooks."""
    now, claim = timezone.now(), uuid.uuid4()
    Notification.objects.filter(
        pk__in=notification_ids, status=Status.PENDING, next_attempt_at__lte=now + CLOCK_TOLERANCE
    ).update(status=Status.SENDING, claimed_at=now, claim=claim, attempts=F("attempts") + 1)
    rows = list(
        Notification.objects.filter(claim=claim, status=Status.SENDING)
        .select_related("recipient", "community")
        .prefetch_related("subject_object")
        .order_by("pk")
    )
    if not rows:
        return []
    off = set(
        NotificationPreference.objects.filter(
            email=False, user_id__in={row.recipient_id for row in rows if row.recipient_id}
        ).values_list("user_id", "category")
    )
    chat_communities = {row.community_id for row in rows if row.channel == Channel.CHAT}
    webhooks = (
        {hook.community_id: hook for hook in ChatWebhook.objects.filter(community__in=chat_communities, enabled=True)}
        if chat_communities and settings.CHAT_WEBHOOKS_ENABLED
        else {}
    )
    claimed = []
    for row in rows:
        kind = kinds.find(row.kind)
        claimed.append(
            Claimed(
                row=row,
                kind=kind,
                switched_off=kind is not None and (row.recipient_id, kind.category) in off,
                webhook=webhooks.get(row.community_id),
            )
        )
    return claimed


def _finish(notification: Notification, **fields: object) -> bool:
    """Records an outcome if this worker still holds the claim; a row the sweeper has since
    taken back is not ours. Finished account mail forgets its text (login codes, reset links)."""
    if fields.get("status") in {Status.SENT, Status.FAILED, Status.SKIPPED} and "prerendered" in notification.context:
        fields["context"] = {}
    return bool(
        Notification.objects.filter(pk=notification.pk, status=Status.SENDING, claim=notification.claim).update(
            **fields
        )
    )


def _send(item: Claimed) -> None:
    if item.kind is None:
        raise PermanentError(f"Unknown notification kind {item.row.kind!r}.")
    if item.row.channel == Channel.CHAT:
        if item.webhook is None:
            raise PermanentError("No enabled chat webhook for this community.")
        post_webhook(item.webhook.url, render_chat(item.row, item.webhook.provider))
    else:
        send_email(render_email(item.row))


def _deliver(item: Claimed) -> str:
    row = item.row
    if (
        row.recipient_id
        and item.kind
        and not email_wanted(kind=item.kind, user=row.recipient, switched_off=item.switched_off)
    ):
        _finish(row, status=Status.SKIPPED, finished_at=timezone.now(), last_error="Switched off.")
        return Status.SKIPPED
    try:
        _send(item)
    except DeliveryError as exc:
        return _failed(row, exc)
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # a bug or bad data in this row must not hold up the others
        logger.exception("Notification %s could not be rendered or sent", row.pk)
        return _failed(row, PermanentError(f"{type(exc).__name__}: {exc}"))
    _sent(row)
    return Status.SENT


def _sent(notification: Notification) -> None:
    """Records that the message went out; see "A database that restarts" above."""
    deadline = time.monotonic() + RECORD_RETRY_SECONDS
    while True:
        try:
            _finish(notification, status=Status.SENT, finished_at=timezone.now(), last_error="")
        except (OperationalError, InterfaceError):
            if time.monotonic() > deadline:
                raise
            logger.warning("Notification %s was sent; waiting for the database to record it", notification.pk)
            connection.close()  # the next query connects afresh
            time.sleep(1)
        else:
            return


def _release(items: list[Claimed], *, wait: timedelta = timedelta(0)) -> None:
    """Gives claimed rows this worker never started back to pending, their attempt not counted."""
    for item in items:
        _finish(item.row, status=Status.PENDING, attempts=F("attempts") - 1, next_attempt_at=timezone.now() + wait)
    if items and wait:
        enqueue_delivery([item.row.pk for item in items], countdown=wait.total_seconds())


def notifications_deliver(*, notification_ids: list[int]) -> dict[int, str]:
    """Sends each of the rows this call can claim; returns what happened to each row asked for
    ("not-claimed" where another worker has it or it is not due, "released" where it was handed
    back unsent)."""
    outcomes = dict.fromkeys(notification_ids, "not-claimed")
    claimed = _claim(notification_ids)
    # Leave room under the task's soft time limit for one more message at the SMTP timeout.
    deadline = time.monotonic() + max(settings.CELERY_TASK_SOFT_TIME_LIMIT - 15, 5)
    started = 0
    try:
        for started, item in enumerate(claimed, start=1):
            outcomes[item.row.pk] = outcome = _deliver(item)
            if outcome == "retry" or time.monotonic() > deadline:
                # A transient failure (server down, timeouts) would hit the rest of the batch too.
                rest = claimed[started:]
                _release(rest, wait=backoff(item.row.attempts) if outcome == "retry" else timedelta(0))
                if outcome != "retry":
                    enqueue_delivery([each.row.pk for each in rest])
                outcomes.update(dict.fromkeys((each.row.pk for each in rest), "released"))
                break
    except SoftTimeLimitExceeded:
        # The row being sent stays in doubt (the sweeper has it); the ones after it go back now.
        _release(claimed[started:])
        raise
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
    failed: int = 0


def notifications_sweep(*, limit: int = 5000) -> SweepResult:
    """Takes back rows stuck in `sending` (their worker is gone): `failed` once their attempts
    are used up, otherwise `pending`. Then queues pending rows that are due and were not
    delivered by their own task (written while Redis was down, or their message lost)."""
    now = timezone.now()
    grace = timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE)
    stuck = Notification.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT)
    )
    failed = stuck.filter(attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS).update(
        status=Status.FAILED, finished_at=now, last_error="Worker lost while sending, attempts used up."
    )
    # A reclaimed row is due at once, so it is put back as if it had waited out the grace period.
    reclaimed = stuck.update(
        status=Status.PENDING, next_attempt_at=now - grace, last_error="Worker lost while sending; retried."
    )
    # The grace period leaves fresh rows to the task queued on commit.
    due = Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now - grace)
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    enqueue_delivery(ids)
    return SweepResult(reclaimed=reclaimed, queued=len(ids), failed=failed)


def notification_retry(*, notification: Notification) -> bool:
    """Gives a failed (or skipped) row a fresh set of attempts and queues it (admin action)."""
    updated = Notification.objects.filter(pk=notification.pk, status__in=[Status.FAILED, Status.SKIPPED]).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), finished_at=None
    )
    if updated:
        enqueue_delivery([notification.pk])
    return bool(updated)
