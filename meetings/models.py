from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    MONTHLY = "monthly", _("monthly meeting")
    WORKSHOP = "workshop", _("workshop")
    COFFEE = "coffee", _("coffee moment")
    KICKOFF = "kickoff", _("kick-off sprint")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    CANCELLED = "cancelled", _("cancelled")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("every month, on the nth weekday")
    WEEKLY = "weekly", _("every week")
    BIWEEKLY = "biweekly", _("every other week")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


class MeetingSeries(models.Model):
    """A recurring meeting ("first Tuesday of the month, 16:00 to 17:30"). Its meetings are generated
    ahead of time; each is then a meeting of its own, moved, cancelled or themed separately."""

    community = models.ForeignKey("cop.Community", on_delete=models.CASCADE, related_name="series")
    title = models.CharField(_("title"), max_length=160)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices, default=Format.MONTHLY)
    frequency = models.CharField(_("repeats"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, default=Weekday.TUESDAY)
    week_of_month = models.SmallIntegerField(
        _("week of the month"), default=1, help_text=_("1 to 4, or -1 for the last; monthly series only.")
    )
    starts_on = models.DateField(_("first date"))
    until = models.DateField(_("last date"), null=True, blank=True)
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="series_ends_after_start",
                violation_error_message=_("The meetings must end after they start."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """A moment where a community meets and learns. `sequence` counts the changes members were
    told about: calendars keep the same UID and take the higher SEQUENCE as the newer version."""

    community = models.ForeignKey(
        "cop.Community",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("community"),
        db_index=False,  # meeting_community_start leads with it
    )
    title = models.CharField(_("title"), max_length=160)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices, default=Format.MONTHLY)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("host"),
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit."))
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("series"),
        db_index=False,  # meeting_series_slot_unique leads with it
    )
    # The series' original date and time for this meeting: moving the meeting keeps its slot, so
    # the series never generates it again.
    series_slot = models.DateTimeField(null=True, blank=True, editable=False)
    # Shown in the room; members who type it on their phone check themselves in.
    checkin_code = models.CharField(_("check-in code"), max_length=8, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    takeaways = models.TextField(_("key takeaways"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["community", "starts_at"], name="meeting_community_start"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_start"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "series_slot"], name="meeting_series_slot_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()


class Response(models.TextChoices):
    GOING = "going", _("going")
    MAYBE = "maybe", _("maybe")
    DECLINED = "declined", _("not going")
    WAITLIST = "waitlist", _("on the waitlist")


class Rsvp(models.Model):
    """A member's answer to a meeting. Someone who wants to go to a full meeting waits in line
    (`waitlist`, oldest first) and moves up when a place frees."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="rsvps",
        db_index=False,  # rsvp_unique leads with it
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps")
    response = models.CharField(_("response"), max_length=10, choices=Response.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="rsvp_unique")]
        indexes = [models.Index(fields=["meeting", "response", "updated_at"], name="rsvp_meeting_response")]

    def __str__(self) -> str:
        return f"{self.user} · {self.meeting} · {self.response}"


class CalendarFeed(models.Model):
    """A person's secret calendar subscription URL. Revoking replaces the token: the old URL stops
    working at once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} · calendar"


class Attendance(models.Model):
    """Who was there: ticked by the facilitator or host, or by the member with the room's code.
    Surveys and dashboards build on these rows."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="attendance",
        db_index=False,  # attendance_unique leads with it
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance")
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.meeting}"


class TopicSource(models.TextChoices):
    MEMBER = "member", _("suggested by a member")
    SURVEY = "survey", _("asked for in a survey")
    SPRINT = "sprint", _("from a sprint board")


class TopicStatus(models.TextChoices):
    OPEN = "open", _("open")
    PLANNED = "planned", _("planned")
    ARCHIVED = "archived", _("archived")


class Topic(models.Model):
    """A subject members want to discuss: the community's backlog. Where it came from is kept, so
    Gilde can show "you asked, we planned it"."""

    community = models.ForeignKey(
        "cop.Community",
        on_delete=models.CASCADE,
        related_name="topics",
        db_index=False,  # topic_backlog leads with it
    )
    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=TopicSource.choices, default=TopicSource.MEMBER)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=8, choices=TopicStatus.choices, default=TopicStatus.OPEN)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="topics")
    created_at = models.DateTimeField(default=timezone.now)
    planned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["community", "status", "created_at"], name="topic_backlog")]

    def __str__(self) -> str:
        return self.title


class TopicVote(models.Model):
    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        related_name="votes",
        db_index=False,  # topic_vote_unique leads with it
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="topic_vote_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.topic}"


# --- Kick-off sprint board ("snelkooksprint") -----------------------------------------------------


class SprintColumn(models.TextChoices):
    WORKS = "works", _("What could work")
    PITFALL = "pitfall", _("Pitfalls and obstacles")
    SOLUTION = "solution", _("Solutions")


class SprintStatus(models.TextChoices):
    SETUP = "setup", _("being prepared")
    RUNNING = "running", _("running")
    CLOSED = "closed", _("closed")


class SprintBoard(models.Model):
    """A live brainstorm attached to a meeting: rounds with a timer, small groups adding cards in
    three columns, a reveal, a dot vote, a summary. `version` goes up with every change, so a
    phone that polls learns in one cheap query whether there is anything new."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="sprint")
    code = models.CharField(_("join code"), max_length=6, unique=True)
    status = models.CharField(_("status"), max_length=8, choices=SprintStatus.choices, default=SprintStatus.SETUP)
    round_number = models.PositiveSmallIntegerField(default=0)  # 0: not started; else the round's position
    round_started_at = models.DateTimeField(null=True, blank=True)
    revealed = models.BooleanField(_("all boards shown to everyone"), default=False)
    dots = models.PositiveSmallIntegerField(_("dots per person"), default=3)
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sprint board")
        verbose_name_plural = _("sprint boards")

    def __str__(self) -> str:
        return f"{self.meeting} ({self.code})"


class SprintRound(models.Model):
    board = models.ForeignKey(
        SprintBoard,
        on_delete=models.CASCADE,
        related_name="rounds",
        db_index=False,  # sprint_round_position leads with it
    )
    position = models.PositiveSmallIntegerField()  # 1, 2, 3…
    title = models.CharField(_("round"), max_length=80)
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=5)
    voting = models.BooleanField(_("vote round"), default=False)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["board", "position"], name="sprint_round_position")]

    def __str__(self) -> str:
        return self.title


class SprintGroup(models.Model):
    board = models.ForeignKey(
        SprintBoard,
        on_delete=models.CASCADE,
        related_name="groups",
        db_index=False,  # sprint_group_number leads with it
    )
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["board", "number"], name="sprint_group_number")]

    def __str__(self) -> str:
        return str(_("Group %(number)d") % {"number": self.number})


class SprintParticipant(models.Model):
    board = models.ForeignKey(
        SprintBoard,
        on_delete=models.CASCADE,
        related_name="participants",
        db_index=False,  # sprint_participant_once leads with it
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sprint_seats")
    group = models.ForeignKey(
        SprintGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="participants"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["board", "user"], name="sprint_participant_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.board}"


class SprintCard(models.Model):
    board = models.ForeignKey(
        SprintBoard,
        on_delete=models.CASCADE,
        related_name="cards",
        db_index=False,  # sprint_card_board_group leads with it
    )
    group = models.ForeignKey(SprintGroup, on_delete=models.CASCADE, related_name="cards")
    column = models.CharField(_("column"), max_length=8, choices=SprintColumn.choices)
    text = models.CharField(_("card"), max_length=280)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="sprint_cards"
    )
    # A solution answers a pitfall (of its own group, or any once the boards are revealed).
    answers = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="solutions", verbose_name=_("answers")
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sprint card")
        verbose_name_plural = _("sprint cards")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["board", "group"], name="sprint_card_board_group")]

    def __str__(self) -> str:
        return self.text


class SprintDot(models.Model):
    card = models.ForeignKey(
        SprintCard,
        on_delete=models.CASCADE,
        related_name="dots",
        db_index=False,  # sprint_dot_once leads with it
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["card", "user"], name="sprint_dot_once")]

    def __str__(self) -> str:
        return f"{self.user} • {self.card}"
