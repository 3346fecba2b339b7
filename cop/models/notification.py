from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a person can switch off, per channel; SECURITY never can."""

    SECURITY = "security", _("Account and security")
    ANNOUNCEMENT = "announcement", _("Announcements")
    REMINDER = "reminder", _("Reminders")
    SURVEY = "survey", _("Survey invitations")
    DIGEST = "digest", _("Digests")


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    CHAT = "chat", _("chat webhook")


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped")


class Notification(models.Model):
    """One message to deliver once: a row of the transactional outbox.

    Written in the producer's transaction; `key` (channel, recipient, kind, object, occasion)
    makes queueing the same notification twice a no-op. See `cop.notifications.delivery` for
    how a row moves from pending to sent exactly once.
    """

    key = models.CharField(max_length=255, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(_("kind"), max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # For e-mail to an address without an account (allauth's "unknown account" mail).
    to_email = models.EmailField(_("to"), blank=True)
    community = models.ForeignKey(
        "cop.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("community"),
        db_index=False,  # notification_community_recent leads with it
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_object = GenericForeignKey("subject_type", "subject_id")
    occasion = models.CharField(_("occasion"), max_length=64, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)

    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    # Set by the claiming update: only the holder of this claim records the outcome.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The sweeper's two queries: due pending rows, and rows stuck in sending.
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="notification_due"),
            models.Index(fields=["claimed_at"], condition=models.Q(status="sending"), name="notification_stuck"),
            models.Index(fields=["community", "-created_at"], name="notification_community_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient or self.to_email or self.community} ({self.status})"

    @property
    def kind_label(self) -> str:
        from cop.notifications.kinds import label  # noqa: PLC0415 (kinds imports this module)

        return label(self.kind)

    @property
    def address(self) -> str:
        return self.recipient.email if self.recipient_id else self.to_email


class NotificationPreference(models.Model):
    """A person's choice for one category; no row means the default: e-mail on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        db_index=False,  # preference_unique leads with it
    )
    category = models.CharField(max_length=16, choices=Category.choices)
    email = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="preference_unique"),
            # Account and security mail (login codes, password resets) can never be switched off.
            models.CheckConstraint(condition=~models.Q(category="security"), name="preference_not_security"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.category}: {'on' if self.email else 'off'}"


class ChatProvider(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class ChatWebhook(models.Model):
    """A community's incoming-webhook URL in Slack or Microsoft Teams (used only when
    CHAT_WEBHOOKS_ENABLED is on)."""

    community = models.OneToOneField(
        "cop.Community", on_delete=models.CASCADE, related_name="chat_webhook", verbose_name=_("community")
    )
    provider = models.CharField(_("provider"), max_length=8, choices=ChatProvider.choices)
    url = models.URLField(_("incoming webhook URL"), max_length=500)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("chat webhook")
        verbose_name_plural = _("chat webhooks")

    def __str__(self) -> str:
        return f"{self.community} · {self.get_provider_display()}"
