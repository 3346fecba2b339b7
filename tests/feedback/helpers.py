"""Building surveys with answers for feedback tests."""

from datetime import timedelta

from django.utils import timezone

from feedback.models import Answer, Survey, SurveyInvite, SurveyQuestion, SurveyResponse
from feedback.services import default_template, response_submit
from members.models import Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory


def ended_meeting(community=None, *, hours_ago: int = 3, **fields):
    community = community or CommunityFactory(name="Autotechniek")
    start = timezone.now() - timedelta(hours=hours_ago)
    return MeetingFactory(community=community, starts_at=start, ends_at=start + timedelta(hours=1), **fields)


def member(community, role=Role.INTERN, **fields):
    return MembershipFactory(community=community, role=role, **fields).user


def path(link: str) -> str:
    return link.split("127.0.0.1:8000", 1)[-1]


def survey_with(community, *, meeting=None, anonymous=False, questions=None, **fields) -> Survey:
    """A survey with the default questions (or the given (type, text, choices) ones), no invites."""
    survey = Survey.objects.create(
        community=community,
        meeting=meeting,
        title=meeting.title if meeting else "Hoe gaat je stage?",
        anonymous=anonymous,
        closes_at=timezone.now() + timedelta(days=7),
        **fields,
    )
    specs = questions or [(q.type, q.text, q.choices) for q in default_template().questions.all()]
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, position=index, type=kind, text=text, choices=choices)
        for index, (kind, text, choices) in enumerate(specs)
    )
    return survey


def answer(survey, person, values: dict[int, dict]):
    """Invites `person` (if needed) and stores their answers through the service."""
    invite, _created = SurveyInvite.objects.get_or_create(survey=survey, user=person)
    return response_submit(invite=invite, answers=values)


def bulk_answers(survey, count: int, *, number: int = 4, text: str = "Goed") -> None:
    """`count` invitees who all answered: fast, for query-count tests with many rows."""
    community = survey.community
    people = [member(community) for _ in range(count)]
    invites = SurveyInvite.objects.bulk_create(
        SurveyInvite(survey=survey, user=person, responded_at=timezone.now()) for person in people
    )
    responses = SurveyResponse.objects.bulk_create(SurveyResponse(survey=survey, invite=invite) for invite in invites)
    questions = list(survey.questions.all())
    rows = []
    for response in responses:
        for question in questions:
            if question.type in {"rating", "scale"}:
                rows.append(Answer(response=response, question=question, number=number))
            elif question.type in {"single", "multiple"}:
                rows.append(Answer(response=response, question=question, options=question.choices[:1]))
            else:
                rows.append(Answer(response=response, question=question, text=text))
    Answer.objects.bulk_create(rows)
