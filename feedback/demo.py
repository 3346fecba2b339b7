"""Demo surveys: one per past meeting with answers from most who came, a facilitator's own
template and a pulse survey to the interns. Written directly (no mail, no topics created from
answers); a survey is found by its meeting or title, so seeding twice changes nothing."""

from datetime import timedelta

from django.utils import timezone

from cop.models import Community
from feedback.models import (
    Answer,
    QuestionType,
    Survey,
    SurveyInvite,
    SurveyKind,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
    TemplateQuestion,
)
from feedback.services import default_template, survey_create
from meetings.models import Meeting, MeetingStatus
from members.models import Membership, Role, User

VALUED = [
    "Dat iedereen een voorbeeld uit de eigen praktijk meebracht.",
    "Verschillende perspectieven horen, niet alleen dat van mijn begeleider.",
    "De tips van de monteurs met veel ervaring.",
    "Samen oefenen in kleine groepjes.",
    "Dat fouten maken mocht: we leerden ervan.",
    "",
]
REQUESTS = [
    "Werken met de diagnosecomputer",
    "Hoe plan je je eigen werk?",
    "Elektrisch rijden: veilig werken aan hoogvolt",
    "",
    "",
]
STAGE_CHECK = [
    (QuestionType.SCALE, "Hoe gaat je stage op dit moment?", [], True),
    (QuestionType.SINGLE, "Krijg je genoeg begeleiding?", ["Ja", "Soms", "Nee"], True),
    (QuestionType.LONG, "Waar loop je tegenaan?", [], False),
]


def seed(communities: list[Community]) -> None:
    template = default_template()
    now = timezone.now()
    for community in communities:
        meetings = Meeting.objects.filter(
            community=community, status=MeetingStatus.PUBLISHED, ends_at__lt=now, survey__isnull=True
        ).order_by("starts_at")
        for number, meeting in enumerate(meetings):
            attendees = list(User.objects.filter(attendance__meeting=meeting).order_by("pk"))
            survey = survey_create(
                template=template,
                community=community,
                title=meeting.title,
                meeting=meeting,
                opens_at=meeting.ends_at,
                closes_at=meeting.ends_at + timedelta(days=7),
            )
            # Seven or eight in ten answer; ratings mostly 4, some 3 and 5.
            _answers(survey, attendees, seed=number, share=7 + number % 2)
        _stage_check(community, now)


def _answers(survey: Survey, people: list[User], *, seed: int, share: int) -> None:
    questions = list(survey.questions.all())
    for position, person in enumerate(people):
        answered = (position + seed) % 10 < share
        invite = SurveyInvite.objects.create(
            survey=survey,
            user=person,
            created_at=survey.opens_at,
            reminders_sent=0 if answered else 2,
            responded_at=survey.opens_at + timedelta(hours=2 + position) if answered else None,
        )
        if not answered:
            continue
        response = SurveyResponse.objects.create(
            survey=survey, invite=invite, submitted_at=invite.responded_at, updated_at=invite.responded_at
        )
        Answer.objects.bulk_create(
            answer for q in questions if (answer := _answer(response, q, position + seed)) is not None
        )


def _answer(response: SurveyResponse, question: SurveyQuestion, pick: int) -> Answer | None:
    if question.type == QuestionType.RATING:
        return Answer(response=response, question=question, number=[4, 4, 5, 3, 4, 5, 4][pick % 7])
    if question.type == QuestionType.SCALE:
        return Answer(response=response, question=question, number=[7, 8, 6, 9, 7, 5][pick % 6])
    if question.type == QuestionType.SINGLE:
        return Answer(response=response, question=question, options=[question.choices[pick % 5 // 2]])
    text = (REQUESTS if question.type == QuestionType.TOPIC else VALUED)[pick % 5]
    return Answer(response=response, question=question, text=text) if text else None


def _stage_check(community: Community, now: timezone.datetime) -> None:
    """The facilitator's own template and a monthly pulse to the interns, sent last week."""
    template, created = SurveyTemplate.objects.get_or_create(community=community, name="Stage-check")
    if created:
        TemplateQuestion.objects.bulk_create(
            TemplateQuestion(template=template, position=n, type=t, text=text, choices=choices, required=required)
            for n, (t, text, choices, required) in enumerate(STAGE_CHECK)
        )
    if Survey.objects.filter(community=community, kind=SurveyKind.PULSE).exists():
        return
    interns = Membership.objects.current().filter(community=community, role=Role.INTERN)
    people = list(User.objects.filter(pk__in=interns.values("user_id")).order_by("pk"))
    facilitator = Membership.objects.current().filter(community=community, role=Role.FACILITATOR).first()
    survey = survey_create(
        template=template,
        community=community,
        title="Hoe gaat je stage?",
        kind=SurveyKind.PULSE,
        anonymous=True,
        audience_role=Role.INTERN,
        created_by=facilitator.user if facilitator else None,
        opens_at=now - timedelta(days=6),
        closes_at=now + timedelta(days=8),
    )
    questions = list(survey.questions.all())
    for position, person in enumerate(people):
        answered = position % 4 != 3
        SurveyInvite.objects.create(
            survey=survey,
            user=person,
            created_at=survey.opens_at,
            reminders_sent=1 if not answered else 0,
            responded_at=now - timedelta(days=5) if answered else None,
        )
        if answered:
            # Anonymous: no link to the invite and no time of its own.
            response = SurveyResponse.objects.create(
                survey=survey, submitted_at=survey.opens_at, updated_at=survey.opens_at
            )
            Answer.objects.bulk_create(a for q in questions if (a := _answer(response, q, position)) is not None)
