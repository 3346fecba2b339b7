from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SuccessKind(models.TextChoices):
    MILESTONE = "milestone", _("intern milestone")
    EXAMPLE = "example", _("inspiring example")
    IMPROVEMENT = "improvement", _("process improvement")


class ValueCycle(models.TextChoices):
    """The value-creation cycles of Wenger, Trayner and de Laat (2011)."""

    IMMEDIATE = "immediate", _("immediate value")
    POTENTIAL = "potential", _("potential value")
    APPLIED = "applied", _("applied value")
    REALISED = "realised", _("realised value")
    REFRAMING = "reframing", _("reframing value")


# One line each, shown on the form beside the choice.
VALUE_EXPLAINED = {
    ValueCycle.IMMEDIATE: _("An activity was useful or enjoyable in itself."),
    ValueCycle.POTENTIAL: _("Someone gained a skill, an insight or a contact to use later."),
    ValueCycle.APPLIED: _("It changed how someone does their work."),
    ValueCycle.REALISED: _("It brought a result the organisation can see."),
    ValueCycle.REFRAMING: _("It changed what we count as success."),
}


class Success(models.Model):
    """A short story of something that went well, tagged with the value it shows."""

    community = models.ForeignKey(
        "cop.Community",
        on_delete=models.CASCADE,
        related_name="successes",
        verbose_name=_("community"),
        db_index=False,  # success_community_recent leads with it
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="successes_written",
        verbose_name=_("shared by"),
    )
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successes_about",
        verbose_name=_("about"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=SuccessKind.choices)
    value = models.CharField(_("value"), max_length=10, choices=ValueCycle.choices)
    title = models.CharField(_("title"), max_length=140)
    story = models.TextField(_("story"), max_length=2000)
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="successes"
    )
    topic = models.ForeignKey(
        "meetings.Topic", on_delete=models.SET_NULL, null=True, blank=True, related_name="successes"
    )
    featured = models.BooleanField(_("featured"), default=False)
    hidden_at = models.DateTimeField(_("hidden since"), null=True, blank=True)
    created_at = models.DateTimeField(_("shared"), default=timezone.now)

    class Meta:
        verbose_name = _("success")
        verbose_name_plural = _("successes")
        indexes = [models.Index(fields=["community", "-created_at"], name="success_community_recent")]

    def __str__(self) -> str:
        return self.title


class Kudos(models.Model):
    success = models.ForeignKey(
        Success,
        on_delete=models.CASCADE,
        related_name="kudos",
        verbose_name=_("success"),
        db_index=False,  # kudos_once leads with it
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_given", verbose_name=_("given by")
    )
    created_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        constraints = [models.UniqueConstraint(fields=["success", "user"], name="kudos_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.success}"
