"""The one way to notify. Producers call `notification_queue` (a person, by e-mail) or
`chat_queue` (a community's chat channel) inside their own transaction; nothing else in Gilde
calls `send_mail` or `.delay()` for a notification."""

import logging
import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from cop.models import ChatWebhook, Community, Notification, NotificationPreference
from cop.models.notification import Category, Channel, Status
from cop.notifications import kinds
from members.models import User

logger = logging.getLogger(__name__)


def _key(*parts: object) -> str:
    return ":".join("" if part is None else str(part) for part in parts)[:255]


def _subject(subject_object: models.Model | None) -> tuple[ContentType | None, int | None]:
    if subject_object is None:
        return None, None
    return ContentType.objects.get_for_model(subject_object), subject_object.pk


def email_wanted(*, user: User, category: str) -> bool:
    """Whether `user` gets e-mail of this category now (security mail always)."""
    if category == Category.SECURITY:
        return True
    if not user.is_active:
        return False
    return not NotificationPreference.objects.filter(user=user, category=category, email=False).exists()


def enqueue_delivery(notification_id: int, *, countdown: float | None = None) -> bool:
    """Hands the row to a worker. Never raises: if the broker is down the row stays pending and
    the sweeper queues it once the broker is back."""
    from cop.tasks import notification_deliver  # noqa: PLC0415 (tasks import this module)

    try:
        notification_deliver.apply_async(kwargs={"notification_id": notification_id}, countdown=countdown, retry=False)
    except Exception:  # broker unreachable, or an eager run failing: the row says which
        logger.warning("Could not hand notification %s to a worker; the sweeper will.", notification_id, exc_info=True)
        return False
    return True


def _queue(*, key: str, defaults: dict[str, Any]) -> Notification:
    notification, created = Notification.objects.get_or_create(key=key, defaults=defaults)
    if created and notification.status == Status.PENDING:
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


def notification_queue(
    *,
    recipient: User,
    kind: str,
    subject_object: models.Model | None = None,
    occasion: str = "",
    context: dict[str, Any] | None = None,
    community: Community | None = None,
) -> Notification:
    """Queues an e-mail to `recipient` in the caller's transaction and delivers it after commit.

    The same (recipient, kind, object, occasion) is queued at most once: a second call returns
    the first row. A person who switched this kind's category off gets a `skipped` row.
    `context` must be JSON: ids and strings, never model instances.
    """
    definition = kinds.get(kind)
    subject_type, subject_id = _subject(subject_object)
    wanted = email_wanted(user=recipient, category=definition.category)
    return _queue(
        key=_key(Channel.EMAIL, recipient.pk, kind, subject_type and subject_type.pk, subject_id, occasion),
        defaults={
            "channel": Channel.EMAIL,
            "kind": kind,
            "recipient": recipient,
            "community": community,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "occasion": occasion,
            "context": context or {},
            "status": Status.PENDING if wanted else Status.SKIPPED,
            "last_error": "" if wanted else "The recipient switched this kind of e-mail off.",
        },
    )


def account_mail_queue(*, email: str, subject: str, text: str, html: str | None) -> Notification:
    """Queues one of allauth's account mails (already rendered in the visitor's language).
    Each one is distinct: two login-code requests are two messages."""
    recipient = User.objects.filter(email__iexact=email).first()
    return _queue(
        key=_key(Channel.EMAIL, recipient.pk if recipient else email.lower(), kinds.ACCOUNT.name, uuid.uuid4().hex),
        defaults={
            "channel": Channel.EMAIL,
            "kind": kinds.ACCOUNT.name,
            "recipient": recipient,
            "to_email": "" if recipient else email,
            "occasion": "",
            "context": {"prerendered": {"subject": subject, "text": text, "html": html}},
        },
    )


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
    subject_type, subject_id = _subject(subject_object)
    return _queue(
        key=_key(Channel.CHAT, f"c{community.pk}", kind, subject_type and subject_type.pk, subject_id, occasion),
        defaults={
            "channel": Channel.CHAT,
            "kind": kind,
            "community": community,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "occasion": occasion,
            "context": context or {},
        },
    )


def preference_set(*, user: User, category: str, email: bool) -> None:
    """Switches one category of e-mail on or off for `user`; security mail cannot be switched off."""
    if category == Category.SECURITY or category not in Category.values:
        raise ValueError(f"Category {category!r} cannot be switched off.")
    NotificationPreference.objects.update_or_create(user=user, category=category, defaults={"email": email})


def preferences_for(user: User) -> dict[str, bool]:
    """Every switchable category with whether e-mail is on (one query)."""
    off = set(NotificationPreference.objects.filter(user=user, email=False).values_list("category", flat=True))
    return {category: category not in off for category in Category.values if category != Category.SECURITY}
