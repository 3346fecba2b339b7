"""The one way to notify. Producers call `notification_queue` / `notifications_queue` (people, by
e-mail) or `chat_queue` (a community's chat channel) inside their own transaction; nothing else
in Gilde calls `send_mail` or `.delay()` for a notification."""

import hashlib
import logging
import uuid
from collections.abc import Iterable
from itertools import batched
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from cop.models import ChatWebhook, Community, Notification, NotificationPreference
from cop.models.notification import Category, Channel, Status
from cop.notifications import kinds
from members.models import User

logger = logging.getLogger(__name__)

# Rows per delivery task: one broker message, and one claiming update, for this many rows.
BATCH = 50


def _key(*parts: object) -> str:
    key = ":".join("" if part is None else str(part) for part in parts)
    # Never truncate: two keys that differ only past the cut would collide and one mail be lost.
    return key if len(key) <= 255 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _row(
    *,
    channel: str,
    addressee: object,
    kind: str,
    subject_object: models.Model | None,
    occasion: str,
    context: dict[str, Any] | None,
    **fields: Any,
) -> Notification:
    """An unsaved outbox row whose key says: this channel, to this addressee, this kind, about
    this object, on this occasion."""
    subject_type = ContentType.objects.get_for_model(subject_object) if subject_object is not None else None
    subject_id = subject_object.pk if subject_object is not None else None
    return Notification(
        key=_key(channel, addressee, kind, subject_type and subject_type.pk, subject_id, occasion),
        channel=channel,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        occasion=occasion,
        context=context or {},
        **fields,
    )


def _switched_off(user_ids: Iterable[int], category: str) -> set[int]:
    """Which of these people switched this category off (one query)."""
    if category == Category.SECURITY:
        return set()
    return set(
        NotificationPreference.objects.filter(user_id__in=list(user_ids), category=category, email=False).values_list(
            "user_id", flat=True
        )
    )


def email_wanted(*, kind: kinds.Kind, user: User, switched_off: bool) -> bool:
    """The one rule for whether a person gets an e-mail of this kind: account and security mail
    always; anything else only to an active account that has not switched its category off."""
    return kind.mandatory or (user.is_active and not switched_off)


def enqueue_delivery(notification_ids: list[int], *, countdown: float | None = None) -> bool:
    """Hands rows to workers, BATCH to a task. Never raises: if the broker is down the rows stay
    pending and the sweeper queues them once the broker is back."""
    from cop.tasks import notifications_deliver  # noqa: PLC0415 (tasks import this module)

    try:
        for chunk in batched(notification_ids, BATCH, strict=False):
            notifications_deliver.apply_async(
                kwargs={"notification_ids": list(chunk)}, countdown=countdown, retry=False
            )
    except Exception:  # broker unreachable, or an eager run failing: the rows say which
        logger.warning(
            "Could not hand %d notification(s) to a worker; the sweeper will.", len(notification_ids), exc_info=True
        )
        return False
    return True


def _queue(rows: list[Notification]) -> list[Notification]:
    """Inserts the rows whose key is new and queues their delivery after commit; returns the
    stored row for every key (existing ones unchanged)."""
    keys = [row.key for row in rows]
    existing = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    # ignore_conflicts: a concurrent producer may insert the same key between our read and write.
    Notification.objects.bulk_create([row for row in rows if row.key not in existing], ignore_conflicts=True)
    stored = {row.key: row for row in Notification.objects.filter(key__in=keys)}
    new_pending = [row.pk for key, row in stored.items() if key not in existing and row.status == Status.PENDING]
    if new_pending:
        transaction.on_commit(lambda: enqueue_delivery(new_pending))
    return [stored[key] for key in keys]


def notifications_queue(
    *,
    recipients: Iterable[User],
    kind: str,
    subject_object: models.Model | None = None,
    occasion: str = "",
    context: dict[str, Any] | None = None,
    community: Community | None = None,
) -> list[Notification]:
    """Queues the same e-mail to each recipient in the caller's transaction; delivered after commit.

    The same (recipient, kind, object, occasion) is queued at most once: a second call returns
    the first row. People who switched this kind's category off get a `skipped` row. `context`
    must be JSON (ids and strings, never model instances). A fixed number of queries, whatever
    the number of recipients.
    """
    return notifications_queue_each(
        messages=((person, context) for person in recipients),
        kind=kind,
        subject_object=subject_object,
        occasion=occasion,
        community=community,
    )


def notifications_queue_each(
    *,
    messages: Iterable[tuple[User, dict[str, Any]]],
    kind: str,
    subject_object: models.Model | None = None,
    occasion: str = "",
    community: Community | None = None,
) -> list[Notification]:
    """`notifications_queue` with a context of its own for each recipient (a digest, say): the
    same key, the same `skipped` rows for those who switched the category off, and the same
    fixed number of queries whatever the number of recipients."""
    definition = kinds.get(kind)
    messages = list(messages)
    off = _switched_off((person.pk for person, _context in messages), definition.category)
    rows = []
    for person, context in messages:
        wanted = email_wanted(kind=definition, user=person, switched_off=person.pk in off)
        rows.append(
            _row(
                channel=Channel.EMAIL,
                addressee=person.pk,
                kind=kind,
                subject_object=subject_object,
                occasion=occasion,
                context=context,
                recipient=person,
                community=community,
                status=Status.PENDING if wanted else Status.SKIPPED,
                last_error="" if wanted else "The recipient switched this kind of e-mail off.",
            )
        )
    return _queue(rows)


def notification_queue(*, recipient: User, **kwargs: Any) -> Notification:
    """`notifications_queue` for one person; returns their row."""
    return notifications_queue(recipients=[recipient], **kwargs)[0]


def address_queue(
    *,
    email: str,
    kind: str,
    subject_object: models.Model | None = None,
    occasion: str = "",
    context: dict[str, Any] | None = None,
    community: Community | None = None,
) -> Notification:
    """Queues a mandatory e-mail (e.g. an invitation) to an address that may not have an account
    yet; if one exists, it goes to that person, in their language."""
    definition = kinds.get(kind)
    if not definition.mandatory:
        raise ValueError(f"Kind {kind!r} can be switched off: queue it to a person, not an address.")
    recipient = User.objects.filter(email__iexact=email).first()
    (row,) = _queue(
        [
            _row(
                channel=Channel.EMAIL,
                addressee=recipient.pk if recipient else email.lower(),
                kind=kind,
                subject_object=subject_object,
                occasion=occasion,
                context=context,
                recipient=recipient,
                to_email="" if recipient else email,
                community=community,
            )
        ]
    )
    return row


def account_mail_queue(*, email: str, subject: str, text: str, html: str | None) -> Notification:
    """Queues one of allauth's account mails (already rendered in the visitor's language).
    Each one is distinct: two login-code requests are two messages."""
    recipient = User.objects.filter(email__iexact=email).first()
    (row,) = _queue(
        [
            _row(
                channel=Channel.EMAIL,
                addressee=recipient.pk if recipient else email.lower(),
                kind=kinds.ACCOUNT.name,
                subject_object=None,
                occasion=uuid.uuid4().hex,
                context={"prerendered": {"subject": subject, "text": text, "html": html}},
                recipient=recipient,
                to_email="" if recipient else email,
            )
        ]
    )
    return row


def chat_queue(
    *,
    community: Community,
    kind: str,
    subject_object: models.Model | None = None,
    occasion: str = "",
    context: dict[str, Any] | None = None,
) -> Notification | None:
    """Queues a message for the community's chat webhook; None when chat is off or the community
    has no enabled webhook."""
    kinds.get(kind)
    if not settings.CHAT_WEBHOOKS_ENABLED or not ChatWebhook.objects.filter(community=community, enabled=True).exists():
        return None
    (row,) = _queue(
        [
            _row(
                channel=Channel.CHAT,
                addressee=f"c{community.pk}",
                kind=kind,
                subject_object=subject_object,
                occasion=occasion,
                context=context,
                community=community,
            )
        ]
    )
    return row


def preference_set(*, user: User, category: str, email: bool) -> None:
    """Switches one category of e-mail on or off for `user`; security mail cannot be switched off."""
    if category == Category.SECURITY or category not in Category.values:
        raise ValueError(f"Category {category!r} cannot be switched off.")
    NotificationPreference.objects.update_or_create(user=user, category=category, defaults={"email": email})


def preferences_for(user: User) -> dict[str, bool]:
    """Every switchable category with whether e-mail is on (one query)."""
    off = set(NotificationPreference.objects.filter(user=user, email=False).values_list("category", flat=True))
    return {category: category not in off for category in Category.values if category != Category.SECURITY}
