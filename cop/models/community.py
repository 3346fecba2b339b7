from django.db import models
from django.utils.translation import gettext_lazy as _


class Community(models.Model):
    """A Community of Practice: people who share a domain and learn by taking part in it."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    domain_statement = models.TextField(
        _("domain statement"),
        blank=True,
        help_text=_("What the community is about and why it matters to every member."),
    )
    description = models.TextField(_("description"), blank=True)
    # What a kick-off sprint proposed, for the facilitator to adopt or leave (meetings.sprint).
    domain_draft = models.TextField(_("draft domain statement"), blank=True)
    learning_goals = models.TextField(
        _("shared learning goals"), blank=True, help_text=_("What the members want to learn together, one per line.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Heartbeat(models.Model):
    """When a periodic job last ran, per job name: proof that the scheduler is alive."""

    name = models.CharField(max_length=64, unique=True)
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class DomainStatementRevision(models.Model):
    """Every version of a community's domain statement, so the health check can tell when the
    domain was last revisited."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="domain_revisions",
        db_index=False,  # domain_revision_recent leads with it
    )
    text = models.TextField(_("domain statement"))
    author = models.ForeignKey(
        "members.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("domain statement revision")
        verbose_name_plural = _("domain statement revisions")
        indexes = [models.Index(fields=["community", "-created_at"], name="domain_revision_recent")]

    def __str__(self) -> str:
        return f"{self.community} @ {self.created_at:%Y-%m-%d}"
