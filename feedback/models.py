import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QuestionType(models.TextChoices):
    RATING = "rating", _("rating 1 to 5")
    SCALE = "scale", _("scale 0 to 10")
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    SHORT = "short", _("short text")
    LONG = "long", _("long text")
    TOPIC = "topic", _("topic request")


class QuestionFields(models.Model):
    """What a question is; templates hold editable ones, surveys frozen copies."""

    position = models.PositiveSmallIntegerField(default=0)
    type = models.CharField(_("type"), max_length=8, choices=QuestionType.choices)
    text = models.CharField(_("question"), max_length=300)
    # The default template is bilingual; facilitators' own questions are in one language.
    text_en = models.CharField(_("question in English"), max_length=300, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def scale_values(self) -> range:
        return range(1, 6) if self.type == QuestionType.RATING else range(11)

    def content(self) -> dict[str, object]:
        """What a copy of this question takes along (to a survey, or a copied template)."""
        return {
            "type": self.type,
            "text": self.text,
            "text_en": self.text_en,
            "choices": list(self.choices),
            "required": self.required,
        }

    def text_in(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text


class SurveyTemplate(models.Model):
    """A set of questions. `community` empty: the organisation's default post-meeting template."""

    community = models.ForeignKey(
        "cop.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="survey_templates"
    )
    name = models.CharField(_("name"), max_length=120)
    # The community's choice for its post-meeting surveys; none chosen: the default template.
    after_meetings = models.BooleanField(_("used after meetings"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        constraints = [
            models.UniqueConstraint(
                fields=["community"], condition=models.Q(after_meetings=True), name="one_after_meetings_template"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TemplateQuestion(QuestionFields):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")

    class Meta(QuestionFields.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")


class SurveyKind(models.TextChoices):
    MEETING = "meeting", _("after a meeting")
    PULSE = "pulse", _("pulse survey")


class Survey(models.Model):
    """One round of questions to a set of people, with a frozen copy of its questions."""

    community = models.ForeignKey(
        "cop.Community",
        on_delete=models.CASCADE,
        related_name="surveys",
        db_index=False,  # survey_community_recent leads with it
    )
    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="survey"
    )
    kind = models.CharField(max_length=8, choices=SurveyKind.choices, default=SurveyKind.MEETING)
    title = models.CharField(_("title"), max_length=200)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    # A pulse survey may go to one role only; empty: everyone in the community.
    audience_role = models.CharField(_("who is asked"), max_length=12, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The facilitator's one extra reminder to everyone who has not answered yet.
    extra_reminder_at = models.DateTimeField(null=True, blank=True)
    # Anonymous surveys: when their topic requests went to the backlog (at closing, all at once).
    topics_released_at = models.DateTimeField(null=True, blank=True)
    # A pulse form's one-time key: sending the same form twice makes one survey.
    form_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["community", "-opens_at"], name="survey_community_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now() < self.closes_at


class SurveyQuestion(QuestionFields):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")

    class Meta(QuestionFields.Meta):
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")


class SurveyInvite(models.Model):
    """Who was asked, with their personal link and reminders. For an anonymous survey this row
    records *that* someone answered, never *what*: responses carry no link back to it."""

    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="invites",
        db_index=False,  # survey_invite_unique leads with it
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invites")
    created_at = models.DateTimeField(default=timezone.now)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="survey_invite_unique")]
        indexes = [
            models.Index(
                fields=["survey", "reminders_sent"],
                condition=models.Q(responded_at__isnull=True),
                name="invite_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.survey}"


class SurveyResponse(models.Model):
    """One submitted form. `invite` is set for a named survey (one per invitee, enforced by the
    unique key) and empty for an anonymous one (one per invitee enforced by the invite's
    conditional `responded_at` update). Random ids, and no time on anonymous responses, so
    neither their order nor their timestamps can be matched against who responded when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    invite = models.OneToOneField(
        SurveyInvite, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        SurveyResponse,
        on_delete=models.CASCADE,
        related_name="answers",
        db_index=False,  # answer_unique leads with it
    )
    question = models.ForeignKey(
        SurveyQuestion,
        on_delete=models.CASCADE,
        related_name="answers",
        db_index=False,  # answer_question_number leads with it
    )
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    options = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_unique")]
        indexes = [models.Index(fields=["question", "number"], name="answer_question_number")]

    def __str__(self) -> str:
        return f"{self.question}: {self.number if self.number is not None else self.text[:40]}"
