"""Demo surveys: one per past meeting with answers from most who came, a facilitator's own
template and a pulse survey to the interns. Themes are rated differently (communication is well
liked, reading drawings less so), Autotechniek answers more over the year and Bouw & Metselen
less, and at Projectmanagement, the community that fell quiet, one person answered after each of
its last three meetings. A new intern leaves the survey after their first meeting unanswered.
Written directly (no mail, no topics created from answers, new rows in bulk); a survey is found
by its meeting or title, so seeding twice changes nothing."""

from datetime import timedelta
from random import Random

from django.utils import timezone

from cop.demo import QUIET
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
from meetings.models import Attendance, Meeting, MeetingStatus
from members.models import Membership, Role, User

VALUED = [
    "Dat iedereen een voorbeeld uit de eigen praktijk meebracht.",
    "Verschillende perspectieven horen, niet alleen dat van mijn begeleider.",
    "De tips van de collega's met veel ervaring.",
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
# Ratings (1 to 5) given in turn, by theme; other themes get RATED.
RATED = [4, 4, 5, 3, 4, 5, 4]
RATINGS = {
    "Veilig werken: wie let er op wie?": [5, 4, 5, 5, 4],
    "Storingscodes uitlezen en verklaren": [5, 5, 4, 5],
    "Helder schrijven voor klanten": [5, 4, 5, 5, 5, 4],
    "Het verhaal van de organisatie vertellen": [4, 5, 4, 5],
    "Interviewen: doorvragen zonder te sturen": [5, 4, 4, 5],
    "Kennis delen tussen oud en nieuw": [3, 4, 3, 4, 3],
    "Bouwtekeningen lezen zonder fouten": [3, 3, 4, 2, 3],
    "Samenwerken op de steiger": [4, 3, 4, 3],
    "Een planning maken die klopt": [3, 4, 3],
}
# Share of those who came that answered: at the oldest meeting, and at the latest.
ANSWERING = {"autotechniek": (0.7, 0.9), "bouw-metselen": (0.55, 0.38), "communicatie": (0.8, 0.8)}
ANSWERING_QUIET = (0.75, 0.75)
QUIET_LAST = 3  # Projectmanagement's last meetings, after each of which one person answered
MIN_ANSWERED = 3  # enough for the results to show (the anonymity threshold)


def seed(communities: list[Community]) -> None:
    template = default_template()
    now = timezone.now()
    for community in communities:
        held = list(
            Meeting.objects.filter(community=community, status=MeetingStatus.PUBLISHED, ends_at__lt=now)
            .select_related("survey")
            .order_by("starts_at")
        )
        came: dict[int, list[User]] = {meeting.pk: [] for meeting in held}
        for attendance in Attendance.objects.filter(meeting__in=held).select_related("user").order_by("user_id"):
            came[attendance.meeting_id].append(attendance.user)
        seen: set[int] = set()
        invites, answering = [], []
        for number, meeting in enumerate(held):
            attendees = came[meeting.pk]
            # A newcomer leaves the first survey (not at the community's first meeting: all were new).
            first_timers = {person.pk for person in attendees if person.pk not in seen} if number else set()
            seen.update(person.pk for person in attendees)
            if hasattr(meeting, "survey"):
                continue
            survey = survey_create(
                template=template,
                community=community,
                title=meeting.title,
                meeting=meeting,
                opens_at=meeting.ends_at,
                closes_at=meeting.ends_at + timedelta(days=7),
            )
            willing = [person for person in attendees if person.pk not in first_timers]
            count = _answering(community, number, len(held), len(attendees))
            draw = Random(f"{community.slug}:{meeting.starts_at.date()}")  # noqa: S311 (demo data, not security)
            chosen = set(draw.sample(willing, min(count, len(willing))))
            for position, person in enumerate(attendees):
                answered = person in chosen
                # Hours after the meeting, one after the other; after one that just ended, by now.
                after = min(
                    timedelta(hours=2 + position), (now - survey.opens_at) * (position + 1) / (len(attendees) + 1)
                )
                invite = SurveyInvite(
                    survey=survey,
                    user=person,
                    created_at=survey.opens_at,
                    reminders_sent=0 if answered else 2,
                    responded_at=survey.opens_at + after if answered else None,
                )
                invites.append(invite)
                if answered:
                    answering.append((invite, meeting.theme, position + number))
        SurveyInvite.objects.bulk_create(invites)
        _responses(answering)
        _stage_check(community, now)


def _answering(community: Community, number: int, meetings: int, came: int) -> int:
    """How many of those who came answer the survey of the community's `number`th meeting."""
    if community.slug == QUIET and number >= meetings - QUIET_LAST:
        return 1
    first, last = ANSWERING.get(community.slug, ANSWERING_QUIET)
    share = first + (last - first) * number / max(meetings - 1, 1)
    return max(MIN_ANSWERED, round(share * came))


def _responses(answering: list[tuple[SurveyInvite, str, int]]) -> None:
    """The answered invites' responses and their answers, in two inserts."""
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            survey=invite.survey, invite=invite, submitted_at=invite.responded_at, updated_at=invite.responded_at
        )
        for invite, _theme, _pick in answering
    )
    questions: dict[int, list[SurveyQuestion]] = {}
    surveys = {invite.survey_id for invite, _theme, _pick in answering}
    for question in SurveyQuestion.objects.filter(survey_id__in=surveys).order_by("position"):
        questions.setdefault(question.survey_id, []).append(question)
    Answer.objects.bulk_create(
        answer
        for response, (_invite, theme, pick) in zip(responses, answering, strict=True)
        for question in questions[response.survey_id]
        if (answer := _answer(response, question, pick, theme)) is not None
    )


def _answer(response: SurveyResponse, question: SurveyQuestion, pick: int, theme: str = "") -> Answer | None:
    if question.type == QuestionType.RATING:
        ratings = RATINGS.get(theme, RATED)
        return Answer(response=response, question=question, number=ratings[pick % len(ratings)])
    if question.type == QuestionType.SCALE:
        return Answer(response=response, question=question, number=[7, 8, 6, 9, 7, 5][pick % 6])
    if question.type == QuestionType.SINGLE:
        return Answer(response=response, question=question, options=[question.choices[pick % 5 // 2]])
    text = (REQUESTS if question.type == QuestionType.TOPIC else VALUED)[pick % 5]
    return Answer(response=response, question=question, text=text) if text else None


def _stage_check(community: Community, now: timezone.datetime) -> None:
    """The facilitator's own template and a monthly pulse to the interns, sent last week (not
    where nobody facilitates): to those who were interns then, not to one who joined since."""
    facilitator = Membership.objects.current().filter(community=community, role=Role.FACILITATOR).first()
    if facilitator is None:
        return
    template, created = SurveyTemplate.objects.get_or_create(community=community, name="Stage-check")
    if created:
        TemplateQuestion.objects.bulk_create(
            TemplateQuestion(template=template, position=n, type=t, text=text, choices=choices, required=required)
            for n, (t, text, choices, required) in enumerate(STAGE_CHECK)
        )
    if Survey.objects.filter(community=community, kind=SurveyKind.PULSE).exists():
        return
    sent = now - timedelta(days=6)
    interns = Membership.objects.current().filter(community=community, role=Role.INTERN, joined_at__lte=sent)
    people = list(User.objects.filter(pk__in=interns.values("user_id")).order_by("pk"))
    survey = survey_create(
        template=template,
        community=community,
        title="Hoe gaat je stage?",
        kind=SurveyKind.PULSE,
        anonymous=True,
        audience_role=Role.INTERN,
        created_by=facilitator.user,
        opens_at=sent,
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
