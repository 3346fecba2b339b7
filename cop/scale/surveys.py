"""Surveys: one after each meeting held (questions copied from the organisation's default
template, as `feedback.services.survey_create` does), to those who came; the rest of the plan's
surveys are weekly pulse surveys from each community's own templates, to its interns
(anonymous) or to its mentors and colleagues (named).

Each community answers at its own rate (30 to 90%); a survey still open has had less time. An
anonymous response has no invite and no time of its own, as `response_submit` stores it. Every
response answers the required questions; optional ones are filled in until the plan's number of
answers is reached (or every optional question is answered, when there are too few people).
"""

from datetime import timedelta

from django.conf import settings

from cop.scale.activity import GENERIC_THEMES, TOPIC_ANGLES
from cop.scale.people import BATCH, themes_of
from cop.scale.plan import World, apportion
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
from feedback.services import default_template
from meetings.models import MeetingStatus, Response
from members.models import Role

CHOICES = ["Ja", "Soms", "Nee"]
LEARN = ["Vaktechniek", "Plannen", "Samenwerken", "Communicatie", "Veiligheid"]
INTERN_CHECK = [
    (QuestionType.SCALE, "Hoe gaat je stage op dit moment?", [], True),
    (QuestionType.SINGLE, "Krijg je genoeg begeleiding?", CHOICES, True),
    (QuestionType.MULTIPLE, "Waar wil je de komende tijd meer over leren?", LEARN, False),
    (QuestionType.LONG, "Waar loop je tegenaan?", [], False),
]
STAFF_CHECK = [
    (QuestionType.RATING, "Hoe tevreden ben je over de begeleiding van stagiairs in je team?", [], True),
    (QuestionType.SINGLE, "Heb je genoeg tijd om te begeleiden?", CHOICES, True),
    (QuestionType.SHORT, "Wat heb je nodig?", [], False),
    (QuestionType.TOPIC, "Welk onderwerp wil je bespreken?", [], False),
]
WRITTEN = [
    "Dat iedereen een voorbeeld uit de eigen praktijk meebracht.",
    "Verschillende perspectieven horen, niet alleen dat van mijn begeleider.",
    "De tips van collega's met veel ervaring.",
    "Samen oefenen in kleine groepjes.",
    "Dat fouten maken mocht: we leerden ervan.",
    "Meer tijd om vragen te stellen.",
]
# Who a pulse survey goes to, by turn, and whether it is anonymous.
AUDIENCES = [(Role.INTERN, True), (Role.COLLEAGUE, False), (Role.INTERN, True), (Role.MENTOR, False)]


def _templates(world: World) -> dict[tuple[int, str], SurveyTemplate]:
    """Each community's two pulse templates: one for interns, one for staff."""
    rows, specs = [], []
    for community in world.communities:
        for audience, name, questions in (
            ("intern", "Stage-check", INTERN_CHECK),
            ("staff", "Begeleiding", STAFF_CHECK),
        ):
            rows.append(SurveyTemplate(community=community, name=name, created_at=world.days_ago(400)))
            specs.append((community.pk, audience, questions))
    templates = SurveyTemplate.objects.bulk_create(rows)
    TemplateQuestion.objects.bulk_create(
        TemplateQuestion(template=template, position=n, type=kind, text=text, choices=choices, required=required)
        for template, (_pk, _audience, questions) in zip(templates, specs, strict=True)
        for n, (kind, text, choices, required) in enumerate(questions)
    )
    return {(pk, audience): template for template, (pk, audience, _questions) in zip(templates, specs, strict=True)}


def surveys_build(world: World) -> None:
    rng = world.rng
    default = default_template()
    post = [
        meeting
        for meeting in world.meetings
        if meeting.status == MeetingStatus.PUBLISHED
        and meeting.ends_at <= world.now - timedelta(minutes=settings.SURVEY_OPEN_AFTER_MINUTES)
    ][-world.plan.surveys :]
    pulses = apportion(
        world.plan.surveys - len(post),
        [p.size * p.activity if p.state == "healthy" else 0.2 * p.size for p in world.profiles],
    )
    own = _templates(world)
    questions = {
        template.pk: list(template.questions.order_by("position", "pk")) for template in [default, *own.values()]
    }
    surveys, audiences = [], []
    for meeting in post:
        facilitators = world.current(world.index[meeting.community_id], meeting.ends_at, Role.FACILITATOR)
        opens = meeting.ends_at + timedelta(minutes=settings.SURVEY_OPEN_AFTER_MINUTES)
        surveys.append(
            (
                Survey(
                    community_id=meeting.community_id,
                    meeting=meeting,
                    kind=SurveyKind.MEETING,
                    title=meeting.title,
                    created_by_id=facilitators[0].user_id if facilitators else None,
                    opens_at=opens,
                    closes_at=opens + timedelta(days=settings.SURVEY_OPEN_DAYS),
                    created_at=opens,
                ),
                default,
            )
        )
        came = world.came.get(meeting.pk)
        if came is None:  # attendance not taken: those who said they would come
            came = [user for user, answer in world.rsvps[meeting.pk].items() if answer == Response.GOING]
        audiences.append(came)
    for position, community in enumerate(world.communities):
        quiet = world.profiles[position].state == "quiet"
        days = sorted((rng.uniform(125 if quiet else 0, 365) for _ in range(pulses[position])), reverse=True)
        for number, day in enumerate(days):
            role, anonymous = AUDIENCES[number % len(AUDIENCES)]
            opens = world.days_ago(day)
            people = list(dict.fromkeys(m.user_id for m in world.current(position, opens, role)))
            facilitators = world.current(position, opens, Role.FACILITATOR)
            template = own[(community.pk, "intern" if role == Role.INTERN else "staff")]
            closes = opens + timedelta(days=settings.SURVEY_OPEN_DAYS)
            surveys.append(
                (
                    Survey(
                        community=community,
                        kind=SurveyKind.PULSE,
                        title=f"{template.name} week {opens.astimezone(world.zone):%V}",
                        anonymous=anonymous,
                        audience_role=role,
                        created_by_id=facilitators[0].user_id if facilitators else None,
                        topics_released_at=closes if anonymous and closes <= world.now else None,
                        opens_at=opens,
                        closes_at=closes,
                        created_at=opens,
                    ),
                    template,
                )
            )
            audiences.append(people)
    world.surveys = Survey.objects.bulk_create([survey for survey, _template in surveys], batch_size=BATCH)
    copies = [
        SurveyQuestion(survey=survey, position=question.position, **question.content())
        for survey, (_survey, template) in zip(world.surveys, surveys, strict=True)
        for question in questions[template.pk]
    ]
    frozen: dict[int, list[SurveyQuestion]] = {}
    for question in SurveyQuestion.objects.bulk_create(copies, batch_size=BATCH):
        frozen.setdefault(question.survey_id, []).append(question)
    responses = _invites(world, audiences)
    _answers(world, responses, frozen)


def _invites(world: World, audiences: list[list[int]]) -> list[tuple[Survey, SurveyResponse]]:
    """Invites, who answered and when, and the responses (not yet saved)."""
    rng = world.rng
    rows, answered = [], []
    for survey, people in zip(world.surveys, audiences, strict=True):
        profile = world.profiles[world.index[survey.community_id]]
        rate = rng.gauss(profile.response - (0.05 if survey.kind == SurveyKind.PULSE else 0), 0.08)
        # Still open: the answers are still coming in.
        elapsed = (world.now - survey.opens_at) / (survey.closes_at - survey.opens_at)
        rate = min(0.97, max(0.05, rate)) * min(1.0, 0.4 + elapsed)
        answering = set(rng.sample(people, round(len(people) * rate)))
        last = min(survey.closes_at, world.now)
        for user_id in people:
            responded = None
            if user_id in answering:
                responded = min(last, survey.opens_at + timedelta(hours=rng.expovariate(1 / 20)))
            reminders = sum(
                1
                for day in settings.SURVEY_REMINDER_DAYS
                if survey.opens_at + timedelta(days=day) < (responded or last)
            )
            rows.append(
                SurveyInvite(
                    survey=survey,
                    user_id=user_id,
                    created_at=survey.opens_at,
                    reminders_sent=reminders,
                    responded_at=responded,
                )
            )
            answered.append(responded is not None)
    invites = SurveyInvite.objects.bulk_create(rows, batch_size=BATCH)
    responses = []
    for invite, yes in zip(invites, answered, strict=True):
        world.invites.setdefault(invite.survey_id, []).append(invite)
        if not yes:
            continue
        survey = invite.survey
        if survey.anonymous:  # no link to the invite, and no time of its own
            response = SurveyResponse(id=world.uuid(), survey=survey, submitted_at=survey.opens_at)
            response.updated_at = survey.opens_at
        else:
            response = SurveyResponse(id=world.uuid(), survey=survey, invite=invite, submitted_at=invite.responded_at)
            response.updated_at = invite.responded_at
        responses.append((survey, response))
    SurveyResponse.objects.bulk_create([response for _survey, response in responses], batch_size=BATCH)
    return responses


def _answers(world: World, responses: list, frozen: dict[int, list[SurveyQuestion]]) -> None:
    rng = world.rng
    required, optional = [], []
    for survey, response in responses:
        for question in frozen[survey.pk]:
            (required if question.required else optional).append((survey, response, question))
    wanted = world.plan.answers - len(required)
    if wanted > len(optional):
        world.shortfall["answers"] = (len(required) + len(optional), world.plan.answers)
    chosen = [optional[i] for i in sorted(rng.sample(range(len(optional)), max(0, min(wanted, len(optional)))))]
    theme = {meeting.pk: meeting.theme for meeting in world.meetings}
    rows = []
    for survey, response, question in required + chosen:
        position = world.index[survey.community_id]
        mean = world.profiles[position].rating + world.theme_bonus.get(theme.get(survey.meeting_id, ""), 0)
        rows.append(
            Answer(id=world.uuid(), response=response, question=question, **_value(world, question, mean, position))
        )
    Answer.objects.bulk_create(rows, batch_size=BATCH)


def _value(world: World, question: SurveyQuestion, mean: float, position: int) -> dict:
    rng = world.rng
    if question.type == QuestionType.RATING:
        return {"number": min(5, max(1, round(rng.gauss(mean, 0.8))))}
    if question.type == QuestionType.SCALE:
        return {"number": min(10, max(0, round(rng.gauss(mean * 2 - 1, 1.5))))}
    if question.type == QuestionType.SINGLE:
        return {"options": rng.choices(question.choices, [60, 30, 10][: len(question.choices)])}
    if question.type == QuestionType.MULTIPLE:
        return {"options": rng.sample(question.choices, rng.randint(1, 2))}
    if question.type == QuestionType.TOPIC:
        subject = rng.choice(themes_of(position) + GENERIC_THEMES)
        return {"text": f"{subject}: {rng.choice(TOPIC_ANGLES)}"}
    return {"text": rng.choice(WRITTEN)}
