"""A person's survey data for their export and erasure (called from members.privacy)."""

from typing import Any

from django.db.models import OuterRef, Subquery

from feedback.models import Answer, Survey, SurveyInvite, SurveyResponse
from members.models import User


def surveys_export(user: User) -> list[dict[str, Any]]:
    """The surveys the person was asked; their answers on named ones. Anonymous answers cannot
    be exported: nothing ties them to the person."""
    invites = SurveyInvite.objects.filter(user=user).select_related("survey", "response").order_by("created_at")
    answers: dict[object, list[Answer]] = {}
    for answer in Answer.objects.filter(response__invite__user=user).select_related("question"):
        answers.setdefault(answer.response_id, []).append(answer)
    rows = []
    for invite in invites:
        response = getattr(invite, "response", None)
        rows.append(
            {
                "survey": invite.survey.title,
                "anonymous": invite.survey.anonymous,
                "asked_at": invite.created_at.isoformat(),
                "answered_at": invite.responded_at.isoformat() if invite.responded_at else None,
                "answers": [
                    {"question": a.question.text, "number": a.number, "options": a.options, "text": a.text}
                    for a in sorted(answers.get(response.pk, []), key=lambda a: a.question.position)
                ]
                if response
                else [],
            }
        )
    return rows


def surveys_erase(user: User) -> None:
    """Written answers go; ratings and choices stay in the results, with nothing left that ties
    them to the person: no link to the invite and no time of their own."""
    responses = SurveyResponse.objects.filter(invite__user=user)
    Answer.objects.filter(response__in=responses).exclude(text="").delete()
    opened = Subquery(Survey.objects.filter(pk=OuterRef("survey_id")).values("opens_at")[:1])
    responses.update(invite=None, submitted_at=opened, updated_at=opened)
