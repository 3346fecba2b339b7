"""Surveys: opening one after a meeting (or as a pulse), inviting through the outbox with a
personal link, and taking answers exactly once per invitee."""

import contextlib
import importlib
import random
import threading
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.models import Community
from feedback.first_answer import first_answer_store
from feedback.models import (
    Answer,
    QuestionType,
    Survey,
    SurveyInvite,
    SurveyKind,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from feedback.reminders import invitations_queue
from meetings.models import Meeting, MeetingStatus, Response, TopicSource
from meetings.topics import topic_suggest
from members.models import Membership, User
from members.selectors import community_users

# Why a submit was refused, for the answer page (feedback.views.answer): each of these it turns
# into a page; any other refusal is a fault and must not be thanked.
SURVEY_CLOSED = "survey_closed"
ALREADY_ANSWERED = "already_answered"


def default_template() -> SurveyTemplate:
    """The organisation's post-meeting template. Made by a migration, and made again from the
    same definition if the table was emptied (a database flush, a restore without it)."""
    template = SurveyTemplate.objects.filter(community__isnull=True).order_by("pk").first()
    if template is None:
        migration = importlib.import_module("feedback.migrations.0002_default_template")
        migration.create_default(django_apps, None)
        template = SurveyTemplate.objects.filter(community__isnull=True).order_by("pk").first()
    return template


def survey_create(*, template: SurveyTemplate, **fields: Any) -> Survey:
    """A survey with a frozen copy of the template's questions: editing the template later
    never changes this survey or its results."""
    survey = Survey.objects.create(**fields)
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, position=question.position, **question.content())
        for question in template.questions.all()
    )
    return survey


def _survey_start(*, template: SurveyTemplate, people: list[User], **fields: Any) -> Survey:
    """Creates the survey (see `survey_create`) and invites each person once."""
    if not template.questions.exists():
        raise ValidationError(_("This template has no questions yet."))
    survey = survey_create(template=template, **fields)
    SurveyInvite.objects.bulk_create([SurveyInvite(survey=survey, user=person) for person in people])
    invitations_queue(survey, list(survey.invites.select_related("user")))
    return survey


@transaction.atomic
def survey_for_meeting_open(*, meeting: Meeting, template: SurveyTemplate | None = None) -> Survey | None:
    """Opens the survey of a meeting that has ended, for those who attended (or, where no
    attendance was taken, who said they were going), each invited once. None if it exists."""
    # The meeting's row lock serialises two jobs opening the same survey at once.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if Survey.objects.filter(meeting=meeting).exists():
        return None
    current = Membership.objects.current().filter(community_id=meeting.community_id).values("user_id")
    attended = User.objects.filter(attendance__meeting=meeting, pk__in=current)
    people = list(attended) or list(
        User.objects.filter(rsvps__meeting=meeting, rsvps__response=Response.GOING, pk__in=current)
    )
    chosen = SurveyTemplate.objects.filter(
        community_id=meeting.community_id, after_meetings=True, questions__isnull=False
    ).first()
    return _survey_start(
        template=template or chosen or default_template(),
        people=people,
        community=meeting.community,
        meeting=meeting,
        kind=SurveyKind.MEETING,
        title=meeting.title,
        closes_at=timezone.now() + timedelta(days=settings.SURVEY_OPEN_DAYS),
    )


@transaction.atomic
def pulse_send(
    *,
    community: Community,
    template: SurveyTemplate,
    title: str,
    by: User,
    role: str = "",
    anonymous: bool = False,
    days: int | None = None,
    form_key: str | None = None,
) -> Survey:
    """A survey to the whole community, or to one role in it, outside any meeting. The same
    `form_key` (a form sent twice, a double click) makes one survey: the first is returned."""
    if form_key and (sent := Survey.objects.filter(form_key=form_key).first()):
        return sent
    people = list(community_users(community_id=community.pk, role=role).filter(is_active=True))
    if not people:
        raise ValidationError(_("Nobody to ask: no current member of this community has that role."))
    try:
        with transaction.atomic():
            return _survey_start(
                template=template,
                people=people,
                community=community,
                kind=SurveyKind.PULSE,
                title=title,
                anonymous=anonymous,
                audience_role=role,
                created_by=by,
                form_key=form_key or None,
                closes_at=timezone.now() + timedelta(days=days or settings.SURVEY_OPEN_DAYS),
            )
    except IntegrityError:
        # The same form at the same moment: the other request made it.
        return Survey.objects.get(form_key=form_key)


def surveys_open_due(*, now: timezone.datetime | None = None) -> int:
    """Periodic: a survey for every published meeting that ended recently and has none yet."""
    now = now or timezone.now()
    ended = Meeting.objects.filter(
        status=MeetingStatus.PUBLISHED,
        # A little after the end: attendance ticked at the close of the meeting still counts.
        ends_at__lte=now - timedelta(minutes=settings.SURVEY_OPEN_AFTER_MINUTES),
        ends_at__gte=now - timedelta(days=settings.SURVEY_OPEN_DAYS),
        survey__isnull=True,
    ).select_related("community")
    return sum(1 for meeting in ended if survey_for_meeting_open(meeting=meeting))


def _clean(question: SurveyQuestion, raw: Any) -> dict[str, Any] | None:
    """The stored form of one answer, or None when left empty; ValidationError when wrong."""
    if question.type in {QuestionType.RATING, QuestionType.SCALE}:
        if raw in (None, ""):
            return None
        low, high = (1, 5) if question.type == QuestionType.RATING else (0, 10)
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high:
            raise ValidationError(_("Choose a number from %(low)d to %(high)d.") % {"low": low, "high": high})
        return {"number": number}
    if question.type == QuestionType.SINGLE:
        if not raw:
            return None
        if raw not in question.choices:
            raise ValidationError(_("Choose one of the options."))
        return {"options": [raw]}
    if question.type == QuestionType.MULTIPLE:
        picked = list(dict.fromkeys(item for item in (raw or []) if item))  # each option once
        if any(item not in question.choices for item in picked):
            raise ValidationError(_("Choose from the options."))
        return {"options": picked} if picked else None
    text = "".join(char for char in str(raw or "") if char.isprintable() or char in "\n\t").strip()
    limit = 200 if question.type in {QuestionType.SHORT, QuestionType.TOPIC} else 4000
    if len(text) > limit:
        raise ValidationError(_("At most %(limit)d characters.") % {"limit": limit})
    return {"text": text} if text else None


# The questions of open surveys, kept per process. They are frozen copies, written once with the
# survey and never changed (nothing edits a survey's questions), so a process may keep them until
# the survey closes: the form and every submit then read them without a query or a cache round
# trip. Keyed by the survey's id and opening time (a database restored or re-seeded under a
# running process reuses ids, never both); at most KEPT_SURVEYS, the most recently asked for.
KEPT_SURVEYS = 256
_kept: OrderedDict[tuple[int, datetime], tuple[datetime, list[SurveyQuestion]]] = OrderedDict()
_kept_lock = threading.Lock()


def survey_questions(survey: Survey) -> list[SurveyQuestion]:
    """The survey's questions in order (see KEPT_SURVEYS)."""
    key, now = (survey.pk, survey.opens_at), timezone.now()
    with _kept_lock:
        found = _kept.get(key)
        if found is not None and found[0] > now:
            _kept.move_to_end(key)
            return list(found[1])
    questions = list(survey.questions.all())
    if survey.closes_at > now:
        with _kept_lock:
            _kept[key] = (survey.closes_at, questions)
            while len(_kept) > KEPT_SURVEYS:
                _kept.popitem(last=False)
    return list(questions)


def answers_validate(
    *, survey: Survey, data: dict[int, Any], only: list[SurveyQuestion] | None = None
) -> tuple[dict[int, dict], dict[int, str]]:
    """Cleans every answer (or `only` those questions); returns (answers by question id, errors
    by question id)."""
    cleaned, errors = {}, {}
    for question in survey_questions(survey) if only is None else only:
        try:
            value = _clean(question, data.get(question.pk))
        except ValidationError as error:
            errors[question.pk] = " ".join(error.messages)
            continue
        if value is None and question.required:
            errors[question.pk] = _("This question needs an answer.")
        elif value is not None:
            cleaned[question.pk] = value
    return cleaned, errors


def response_submit(
    *, invite: SurveyInvite, answers: dict[int, dict], questions: list[SurveyQuestion] | None = None
) -> SurveyResponse:
    """Stores one invitee's answers: one response per invitee, whatever the double clicks. A
    named survey's answers can be changed until it closes; an anonymous survey's response is
    stored without anything that ties it to the person, so it cannot be changed afterwards.
    `questions`: the survey's questions when the caller has them already (saves a query)."""
    survey = invite.survey
    if not survey.is_open:
        raise ValidationError(_("This survey is closed."), code=SURVEY_CLOSED)
    now = timezone.now()
    # An anonymous survey's topics wait for its closing (topics_release_due): appearing in the
    # backlog the moment someone answers would tell who asked.
    lines = [] if survey.anonymous else _topic_lines(_topic_answers(survey, answers, questions))
    # An invite loaded as answered stays answered (`responded_at` is never cleared): no claim to
    # try. Otherwise the first answer, in one statement where the database allows it (its own
    # transaction, unless topics are suggested with it).
    if invite.responded_at is None and connection.vendor == "postgresql":
        with transaction.atomic() if lines else contextlib.nullcontext():
            # No time of its own for an anonymous response: it would match the invite's `responded_at`.
            submitted = survey.opens_at if survey.anonymous else now
            response = first_answer_store(invite=invite, survey=survey, answers=answers, at=now, submitted=submitted)
            if response is not None:
                _suggest(survey, lines, by=invite.user)
                return response
    with transaction.atomic():
        return _response_store(invite=invite, survey=survey, answers=answers, lines=lines, now=now)


def _response_store(
    *, invite: SurveyInvite, survey: Survey, answers: dict[int, dict], lines: list[str], now: datetime
) -> SurveyResponse:
    """`response_submit` through the ORM: the first answer where one statement cannot store it,
    a change of answers, an anonymous survey answered again (refused)."""
    if survey.anonymous:
        claimed = SurveyInvite.objects.filter(pk=invite.pk, responded_at__isnull=True).update(responded_at=now)
        if not claimed:
            raise ValidationError(_("You already answered this anonymous survey."), code=ALREADY_ANSWERED)
        # No time of its own: it would match the invite's `responded_at`.
        opened = survey.opens_at
        response = SurveyResponse.objects.create(survey=survey, invite=None, submitted_at=opened, updated_at=opened)
    elif (
        # An invite loaded as answered stays answered (`responded_at` is never cleared): no claim
        # to try, one round trip less on every change of answers.
        invite.responded_at is None
        and SurveyInvite.objects.filter(pk=invite.pk, responded_at__isnull=True).update(responded_at=now)
    ):
        # The first answer. The update holds the invite's row lock until commit, so a second
        # submit at the same moment waits for it, then finds it answered and takes the branch
        # below: one response, never two. (A response is only ever written with `responded_at`.)
        response = SurveyResponse.objects.create(survey=survey, invite=invite, submitted_at=now, updated_at=now)
    else:
        # Changing the answers: the row lock makes two changes at once take turns.
        SurveyInvite.objects.select_for_update().filter(pk=invite.pk).values_list("pk").get()
        response, created = SurveyResponse.objects.get_or_create(
            survey=survey, invite=invite, defaults={"submitted_at": now, "updated_at": now}
        )
        if not created:
            response.updated_at = now
            response.save(update_fields=["updated_at"])
            if lines:  # topics asked before were suggested then: only new lines are suggested again
                asked = set(_topic_lines(response.answers.filter(question__type=QuestionType.TOPIC)))
                lines = [line for line in lines if line not in asked]
            response.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(response=response, question_id=question_id, **value) for question_id, value in answers.items()
    )
    _suggest(survey, lines, by=invite.user)
    return response


def _topic_answers(survey: Survey, answers: dict[int, dict], questions: list[SurveyQuestion] | None) -> list[dict]:
    """The cleaned answers to the survey's topic-request questions."""
    if questions is None:
        questions = survey_questions(survey)
    return [answers[q.pk] for q in questions if q.type == QuestionType.TOPIC and q.pk in answers]


def _topic_lines(answers: Any) -> list[str]:
    """The topics in topic-request answers (stored rows or cleaned values): one per line."""
    lines = []
    for answer in answers:
        text = answer["text"] if isinstance(answer, dict) else answer.text
        # Whitespace of every kind (tabs, no-break spaces pasted from a list) as one space, then
        # the list's bullets and zero-width characters off: a line of only those is no topic,
        # where topic_suggest would refuse its empty title and, with it, the whole submit.
        cleaned = (" ".join(line.split()).strip(" -•*\u200b\ufeff") for line in text.splitlines())
        lines.extend(line for line in cleaned if line)
    return lines


def _suggest(survey: Survey, lines: list[str], *, by: User | None) -> None:
    """Backlog suggestions (source: survey), deduplicated against open topics."""
    for line in lines:
        topic_suggest(community=survey.community, title=line, by=by, source=TopicSource.SURVEY)


def topics_release_due(*, now: timezone.datetime | None = None) -> int:
    """Periodic: the topic requests of anonymous surveys that closed go to the backlog, all at
    once, in random order and without an asker."""
    now = now or timezone.now()
    released = 0
    for survey in Survey.objects.filter(anonymous=True, closes_at__lte=now, topics_released_at__isnull=True):
        with transaction.atomic():
            if not Survey.objects.filter(pk=survey.pk, topics_released_at__isnull=True).update(topics_released_at=now):
                continue
            lines = _topic_lines(Answer.objects.filter(question__survey=survey, question__type=QuestionType.TOPIC))
            random.shuffle(lines)
            _suggest(survey, lines, by=None)
            released += len(lines)
    return released
