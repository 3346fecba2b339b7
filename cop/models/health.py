from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HealthSnapshot(models.Model):
    """The lights of a community's health check as the weekly digest saw them ({point key:
    light}), so that the next digest can tell what changed.

    One per community and ISO week (`week` is its Monday). The first run of a week writes it and
    a later run that week leaves it alone: every digest of a week compares with the same earlier
    snapshot, and a change is never absorbed by a rerun before anyone was told about it.
    """

    community = models.ForeignKey(
        "cop.Community",
        on_delete=models.CASCADE,
        related_name="health_snapshots",
        verbose_name=_("community"),
        db_index=False,  # health_snapshot_once_a_week leads with it
    )
    week = models.DateField(_("week"))
    lights = models.JSONField(_("lights"), default=dict)
    taken_at = models.DateTimeField(_("taken"), default=timezone.now)

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
        constraints = [models.UniqueConstraint(fields=["community", "week"], name="health_snapshot_once_a_week")]

    def __str__(self) -> str:
        return f"{self.community} · {self.week:%G-W%V}"
