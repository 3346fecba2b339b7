from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def default_language() -> str:
    # A callable, so that changing LANGUAGE_CODE in the environment needs no migration.
    return settings.LANGUAGE_CODE


def default_time_zone() -> str:
    return settings.TIME_ZONE


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        # E-mail addresses are unique regardless of case; log in with any casing.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The e-mail address is the login; roles live on memberships, except the
    organisation-wide ones: manager (`is_manager`) and admin (`is_staff` / `is_superuser`)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=default_language
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    is_manager = models.BooleanField(
        _("manager"), default=False, help_text=_("Sees the dashboards and successes of every community.")
    )
    is_staff = models.BooleanField(_("admin"), default=False, help_text=_("May use the Django admin."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set when the person's data was erased: the row stays so anonymous facts (attendance, answers)
    # keep counting, but nothing in it names anyone.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    INTERN = "intern", _("intern")
    MENTOR = "mentor", _("mentor")
    COLLEAGUE = "colleague", _("colleague")
    FACILITATOR = "facilitator", _("facilitator")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> "MembershipQuerySet":
        """Members now: not left, not alumni (the one definition every query uses)."""
        return self.filter(left_at__isnull=True, alumni_at__isnull=True)


class Membership(models.Model):
    """A person's role in one community. `left_at` set means they left; `alumni_at` set means an
    intern's internship ended. Either way the row stays, for history and dashboards, but the
    person gets no more invitations or reminders from this community."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    community = models.ForeignKey(
        "cop.Community",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("community"),
        db_index=False,  # membership_community_role leads with it
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    alumni_at = models.DateTimeField(_("alumni since"), null=True, blank=True)
    # Interns (and what mentors write about their own practice).
    school = models.CharField(_("school"), max_length=120, blank=True)
    programme = models.CharField(_("programme"), max_length=120, blank=True)
    internship_start = models.DateField(_("internship start"), null=True, blank=True)
    internship_end = models.DateField(_("internship end"), null=True, blank=True)
    learning_goals = models.TextField(_("learning goals"), blank=True)
    mentor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentees",
        verbose_name=_("mentor"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # One current membership per person and community; left and alumni ones stay as history
            # (an alumnus can be invited back: a new current membership beside the old one).
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=models.Q(left_at__isnull=True, alumni_at__isnull=True),
                name="membership_current_unique",
            )
        ]
        indexes = [
            models.Index(fields=["community", "role"], name="membership_community_role"),
            # The daily alumni job: interns whose internship has ended.
            models.Index(
                fields=["internship_end"],
                condition=models.Q(role="intern", alumni_at__isnull=True, left_at__isnull=True),
                name="membership_internship_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.community} · {self.get_role_display()}"


class Invitation(models.Model):
    """A facilitator's invitation to join a community, sent as a personal link. Accepting it
    creates the account (or, for someone already registered, just the membership)."""

    community = models.ForeignKey(
        "cop.Community", on_delete=models.CASCADE, related_name="invitations", verbose_name=_("community")
    )
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    school = models.CharField(_("school"), max_length=120, blank=True)
    programme = models.CharField(_("programme"), max_length=120, blank=True)
    internship_start = models.DateField(_("internship start"), null=True, blank=True)
    internship_end = models.DateField(_("internship end"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    sent_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("accepted by")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per address and community; resending reuses it.
            models.UniqueConstraint(
                Lower("email"),
                "community",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_open_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.community}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class Level(models.TextChoices):
    """The participation ladder, from the periphery to the core (rules: members/ladder.py)."""

    NEWCOMER = "newcomer", _("newcomer")
    OBSERVER = "observer", _("observer")
    PARTICIPANT = "participant", _("participant")
    CONTRIBUTOR = "contributor", _("contributor")
    CORE = "core", _("core")


LEVEL_RANK = {level: rank for rank, level in enumerate(Level.values)}


class ParticipationLevel(models.Model):
    """A member's rung on the ladder in one community for one month: derived by the daily job
    from what they did, never typed in. Stored so dashboards aggregate it in the database."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="levels",
        db_index=False,  # level_once_per_month leads with it
    )
    community = models.ForeignKey(
        "cop.Community",
        on_delete=models.CASCADE,
        related_name="levels",
        db_index=False,  # level_community_month leads with it
    )
    month = models.DateField()  # the first day of the month
    level = models.CharField(max_length=12, choices=Level.choices)
    rank = models.PositiveSmallIntegerField()  # LEVEL_RANK[level]: 0 newcomer … 4 core
    # The evidence the level was derived from, in the three months up to and including `month`.
    attended = models.PositiveSmallIntegerField(default=0)
    answered = models.PositiveSmallIntegerField(default=0)
    contributed = models.PositiveSmallIntegerField(default=0)
    hosted = models.PositiveSmallIntegerField(default=0)
    mentoring = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "community", "month"], name="level_once_per_month")]
        indexes = [models.Index(fields=["community", "month", "rank"], name="level_community_month")]

    def __str__(self) -> str:
        return f"{self.user} · {self.community} · {self.month:%Y-%m}: {self.level}"
