from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from cop.kept_pages import render_kept
from cop.ratelimit import link_missed
from feedback.links import invite_from_link
from feedback.models import Answer, QuestionType
from feedback.services import (
    ALREADY_ANSWERED,
    SURVEY_CLOSED,
    answers_validate,
    response_submit,
    survey_questions,
)


def _posted(request: HttpRequest, questions: list) -> dict[int, object]:
    data = {}
    for question in questions:
        key = f"q{question.pk}"
        data[question.pk] = (
            request.POST.getlist(key) if question.type == QuestionType.MULTIPLE else request.POST.get(key)
        )
    return data


def _stored(invite: object, questions: list) -> dict[int, object]:
    """A named survey's earlier answers, to change them (one query, answered or not); nothing for
    an anonymous one."""
    if invite.survey.anonymous or invite.responded_at is None:
        return {}  # nothing to change (or nothing that may be shown again): no query
    values = {}
    kinds = {question.pk: question.type for question in questions}
    for answer in Answer.objects.filter(response__invite=invite):
        if answer.number is not None:
            values[answer.question_id] = answer.number
        elif kinds.get(answer.question_id) == QuestionType.SINGLE:
            values[answer.question_id] = answer.options[0] if answer.options else None
        else:
            values[answer.question_id] = answer.options or answer.text
    return values


def _row(question: object, language: str, value: object, error: str | None) -> dict[str, object]:
    return {"question": question, "text": question.text_in(language), "value": value, "error": error}


def _question_checked(request: HttpRequest, invite: object, questions: list) -> HttpResponse:
    """htmx: one question checked as soon as it changes; nothing is stored."""
    question = next((q for q in questions if str(q.pk) == request.POST["validate"]), None)
    if question is None:
        return HttpResponse(status=400)
    values = _posted(request, [question])
    _answers, errors = answers_validate(survey=invite.survey, data=values, only=[question])
    row = _row(question, translation.get_language(), values.get(question.pk), errors.get(question.pk))
    return render(request, "feedback/answer.html#question", {"row": row})


def _language(request: HttpRequest, invite: object) -> str:
    """The language the middleware chose where someone chose one (a signed-in person's saved
    language, or the language switch's cookie on this browser); else the invitee's, known from
    the link, rather than the browser's Accept-Language guess."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if request.user.is_authenticated or (cookie and translation.check_for_language(cookie)):
        return translation.get_language()
    return invite.user.language


@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link from the e-mail: works on a phone without a password."""
    invite = invite_from_link(token)
    if invite is None:  # signed: only a link that fails is counted (cop.ratelimit)
        return link_missed(request, "survey") or render(request, "feedback/invalid.html", status=404)
    survey = invite.survey
    language = _language(request, invite)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    if not survey.is_open:
        return render(request, "feedback/closed.html", {"survey": survey}, status=410)
    questions = survey_questions(survey)
    already_anonymous = survey.anonymous and invite.responded_at is not None
    # Whether the field is there, not what it holds: `validate=` (empty) is a check of no known
    # question (400), never a submit that stores.
    if request.method == "POST" and request.htmx and "validate" in request.POST:
        return _question_checked(request, invite, questions)
    errors = {}
    if request.method == "POST" and not already_anonymous:
        values = _posted(request, questions)
        answers, errors = answers_validate(survey=survey, data=values, only=questions)
        if not errors:
            try:
                response_submit(invite=invite, answers=answers, questions=questions)
            except ValidationError as refused:
                # A second click on an anonymous survey, or the survey closed meanwhile: the
                # first answer stands; say what happened rather than fail. Anything else was not
                # stored, and a thank-you would hide that.
                if getattr(refused, "code", None) not in {SURVEY_CLOSED, ALREADY_ANSWERED}:
                    raise
                survey.refresh_from_db()
                if not survey.is_open:
                    return render(request, "feedback/closed.html", {"survey": survey}, status=410)
            # The same page for every invitee of the survey in a language (cop.kept_pages).
            key = (survey.pk, survey.title, survey.anonymous)
            return render_kept(request, "feedback/thanks.html", {"survey": survey}, key)
    else:
        values = _stored(invite, questions)
    rows = [_row(q, language, values.get(q.pk), errors.get(q.pk)) for q in questions]
    context = {"survey": survey, "rows": rows, "invite": invite, "already_anonymous": already_anonymous}
    return render(request, "feedback/answer.html", context, status=400 if errors else 200)
