from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What was done. An admin edit is recorded as the most specific action that fits it: a
    membership's new role as ROLE_CHANGED, a person's new manager flag as ACCESS_CHANGED, any
    other edit as ADMIN_CHANGED."""

    ROLE_CHANGED = "role_changed", _("role changed")
    MEMBERSHIP_ADDED = "membership_added", _("membership added")
    MEMBERSHIP_ENDED = "membership_ended", _("membership ended")
    ACCESS_CHANGED = "access_changed", _("manager, admin or account access changed")
    PASSWORD_SET = "password_set", _("password set by an admin")
    MEMBER_ERASED = "member_erased", _("member erased")
    DATA_EXPORTED = "data_exported", _("personal data exported")
    CSV_EXPORTED = "csv_exported", _("CSV exported")
    INVITATIONS_SENT = "invitations_sent", _("invitations sent")
    INVITATION_RESENT = "invitation_resent", _("invitation sent again")
    INVITATION_REVOKED = "invitation_revoked", _("invitation withdrawn")
    ADMIN_ADDED = "admin_added", _("added in the admin")
    ADMIN_CHANGED = "admin_changed", _("changed in the admin")
    ADMIN_DELETED = "admin_deleted", _("deleted in the admin")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def delete(self) -> NoReturn:
        raise TypeError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One sensitive action: who did what, when, in which community, to which object.

    Append-only: rows are written by `cop.audit.audit_record` and never changed or deleted by
    Gilde, with one exception that erasure needs: `audit_forget` replaces an erased person's
    `actor_label` (see cop/audit.py for what is kept and why). `target` and `details` hold
    models, ids, roles and flags, never text people typed.
    """

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # SET_NULL: a person deleted outright leaves their actions in the log. Null for system jobs.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("by"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    community = models.ForeignKey(
        "cop.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    target = models.CharField(_("what"), max_length=120, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        # In local time, as the admin shows the row's own "when" (it named the hour in UTC).
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} · {self.get_action_display()} · {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The audit log is append-only.")
