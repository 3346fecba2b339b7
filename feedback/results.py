"""Survey results and trends, aggregated in the database.

Nothing below the anonymity threshold (SURVEY_ANONYMITY_THRESHOLD answers) is shown to anyone:
a survey's distributions and free text, a meeting's rating in a trend, a theme's figures. Who
may see free text (facilitators) or who has not answered is decided by the views.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from cop.models import Community
from feedback.models import Answer, QuestionType, Survey, SurveyInvite, SurveyQuestion

TEXT_TYPES = frozenset({QuestionType.SHORT, QuestionType.LONG, QuestionType.TOPIC})
NUMBER_TYPES = frozenset({QuestionType.RATING, QuestionType.SCALE})


def threshold() -> int:
    return settings.SURVEY_ANONYMITY_THRESHOLD


def rate(part: int, whole: int) -> int | None:
    """A whole percentage, or None when nobody was asked."""
    return round(100 * part / whole) if whole else None


@dataclass
class Bucket:
    label: str
    count: int
    percent: int


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    buckets: list[Bucket] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)
    hidden: bool = False  # answered by fewer than the threshold

    @property
    def is_text(self) -> bool:
        return self.question.type in TEXT_TYPES


class _Rated:
    """Rows with `invited` and `responded`: their response rate in whole percent."""

    invited: int
    responded: int

    @property
    def rate(self) -> int | None:
        return rate(self.responded, self.invited)


@dataclass
class SurveyResults(_Rated):
    survey: Survey
    invited: int
    responded: int  # invitees who answered: the response rate
    responses: int  # stored responses (a departed member's stays): the threshold
    shown: bool  # False while fewer than the threshold answered, or an anonymous survey is open
    questions: list[QuestionResult]

    @property
    def waits_for_closing(self) -> bool:
        """An anonymous survey shows results once closed: while it is open, each new answer
        would change the figures just as a name drops off the "not answered yet" list."""
        return self.survey.anonymous and self.survey.is_open

    @property
    def threshold(self) -> int:
        return threshold()


def _choice_counts(survey: Survey) -> dict[tuple[int, str], int]:
    """Counts per (question, option) of single and multiple choice answers: the options are a
    JSON list per answer, unnested by the database (PostgreSQL and the embedded SQLite)."""
    unnest = "jsonb_array_elements_text(a.options)" if connection.vendor == "postgresql" else "json_each(a.options)"
    value = "opt" if connection.vendor == "postgresql" else "opt.value"
    sql = (
        f"SELECT a.question_id, {value}, COUNT(*) FROM feedback_answer a "  # noqa: S608 (no user input in the text)
        f"JOIN feedback_surveyquestion q ON q.id = a.question_id CROSS JOIN {unnest} AS opt "
        "WHERE q.survey_id = %s AND q.type IN ('single', 'multiple') GROUP BY a.question_id, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk])
        return {(question_id, option): count for question_id, option, count in cursor.fetchall()}


def survey_results(survey: Survey, *, with_texts: bool) -> SurveyResults:
    """Response rate and, above the threshold, every question's distribution (and the free
    text, when `with_texts`). Six queries at most, whatever the number of responses. A
    question answered by fewer than the threshold stays hidden too (empty responses count
    towards the survey's total, not towards a question's)."""
    counts = SurveyInvite.objects.filter(survey=survey).aggregate(
        invited=Count("pk"), responded=Count("pk", filter=Q(responded_at__isnull=False))
    )
    responses = survey.responses.count()
    questions = list(survey.questions.all())
    shown = responses >= threshold() and not (survey.anonymous and survey.is_open)
    results = [QuestionResult(question=question) for question in questions]
    if shown and questions:
        _fill(survey, results, responded=responses, with_texts=with_texts)
    return SurveyResults(
        survey=survey,
        invited=counts["invited"],
        responded=counts["responded"],
        responses=responses,
        shown=shown,
        questions=results,
    )


def _fill(survey: Survey, results: list[QuestionResult], *, responded: int, with_texts: bool) -> None:
    answers = Answer.objects.filter(question__survey=survey)
    # One grouping gives both each scale's distribution and how many answered each question
    # (the rows without a number, text and choices, grouped under None).
    numbers: dict[tuple[int, int], int] = {}
    answered: dict[int, int] = {}
    for question_id, number, n in answers.values_list("question_id", "number").annotate(n=Count("pk")):
        answered[question_id] = answered.get(question_id, 0) + n
        if number is not None:
            numbers[question_id, number] = n
    choices = _choice_counts(survey)
    texts: dict[int, list[str]] = {}
    if with_texts:
        rows = answers.filter(question__type__in=TEXT_TYPES).exclude(text="").order_by("question_id", "text")
        for question_id, text in rows.values_list("question_id", "text"):
            texts.setdefault(question_id, []).append(text)
    for result in results:
        question = result.question
        result.answered = answered.get(question.pk, 0)
        if result.answered < threshold():
            result.hidden = True
            continue
        if question.type in NUMBER_TYPES:
            pairs = [(str(n), numbers.get((question.pk, n), 0)) for n in question.scale_values]
            total = sum(count for _label, count in pairs)
            result.mean = sum(int(label) * count for label, count in pairs) / total if total else None
        elif question.type in {QuestionType.SINGLE, QuestionType.MULTIPLE}:
            pairs = [(choice, choices.get((question.pk, choice), 0)) for choice in question.choices]
        else:
            result.texts = texts.get(question.pk, [])
            continue
        # Percentages of those who responded (several options per person add up to more than 100).
        result.buckets = [Bucket(label, count, rate(count, responded) or 0) for label, count in pairs]


def _count(queryset: QuerySet) -> Subquery:
    return Coalesce(Subquery(queryset.values("survey").annotate(n=Count("pk")).values("n")[:1]), 0)


@dataclass
class TrendRow(_Rated):
    survey_id: int
    meeting_id: int
    title: str
    theme: str
    when: datetime
    invited: int
    responded: int
    rating: float | None  # None below the threshold


@dataclass
class ThemeRow(_Rated):
    theme: str
    meetings: int
    invited: int
    responded: int
    rating: float | None


@dataclass
class MonthRow(_Rated):
    month: date  # its first day
    meetings: int
    invited: int
    responded: int
    rating: float | None


@dataclass
class TrendFigures:
    meetings: list[TrendRow]  # newest first
    months: list[MonthRow]  # oldest first
    themes: list[ThemeRow]  # best rated first


def _meeting_surveys(community: Community, since: datetime) -> QuerySet[Survey]:
    # The meeting's community is the survey's: said of both, the database finds the period's
    # meetings in their (community, start) index rather than reading every meeting.
    return Survey.objects.filter(community=community, meeting__community=community, meeting__starts_at__gte=since)


def meeting_trend(community: Community, *, since: datetime) -> list[TrendRow]:
    """Per post-meeting survey since `since`, oldest first: invited, responded, mean rating (1 to 5
    questions, those that may be shown). One query, whatever the number of meetings."""
    invites = SurveyInvite.objects.filter(survey=OuterRef("pk"))
    surveys = _meeting_surveys(community, since)
    ratings = (
        shown_rating_answers(surveys)
        .filter(question__survey=OuterRef("pk"))
        .values("question__survey")
        .annotate(mean=Avg("number"))
        .values("mean")[:1]
    )
    rows = (
        surveys.annotate(
            invited=_count(invites),
            responded=_count(invites.filter(responded_at__isnull=False)),
            rating=Subquery(ratings),
        )
        .order_by("meeting__starts_at")
        .values("pk", "meeting_id", "title", "meeting__theme", "meeting__starts_at", "invited", "responded", "rating")
    )
    return [
        TrendRow(
            survey_id=row["pk"],
            meeting_id=row["meeting_id"],
            title=row["title"],
            theme=row["meeting__theme"],
            when=row["meeting__starts_at"],
            invited=row["invited"],
            responded=row["responded"],
            rating=row["rating"],
        )
        for row in rows
    ]


def _ratings(surveys: QuerySet[Survey]) -> QuerySet[Answer]:
    return Answer.objects.filter(
        question__survey__in=surveys.exclude(anonymous=True, closes_at__gt=Now()).values("pk"),
        question__type=QuestionType.RATING,
        number__isnull=False,
    )


def shown_rating_answers(surveys: QuerySet[Survey]) -> QuerySet[Answer]:
    """The 1-to-5 ratings, of `surveys`, that may be shown and pooled: those of rating questions
    answered by at least the threshold (as the results page shows each question on its own), in
    surveys that are not anonymous and still open. A month's, a theme's or a meeting's mean pools
    only these; pooling a hidden question's ratings with shown ones would let anyone subtract
    them out again."""
    shown = _ratings(surveys).values("question_id").annotate(n=Count("pk")).filter(n__gte=threshold())
    return Answer.objects.filter(question__in=shown.values("question_id"), number__isnull=False)


def shown_rating_sums(surveys: QuerySet[Survey], *fields: str) -> QuerySet[Answer]:
    """The same ratings, summed per question in one pass: rows of `fields` (of the answer's
    question, survey, meeting…) with `total` and `count`, only for questions at the threshold.
    For pages that add many surveys up (the dashboard), cheaper than pooling answer by answer."""
    return (
        _ratings(surveys)
        .values("question_id", *fields)
        # Counting the numbers rather than the rows lets the database read (question, number)
        # from its index alone.
        .annotate(total=Sum("number"), count=Count("number"))
        .filter(count__gte=threshold())
    )


def trend_figures(community: Community, *, since: datetime, months: Sequence[date] = ()) -> TrendFigures:
    """The post-meeting surveys since `since`, each with invited, responded and mean rating (as
    meeting_trend), added up per month of the meeting (`months`: their first days, oldest first,
    in the organisation's time zone, as on the dashboard) and per meeting theme. Two grouped
    queries, whatever the number of meetings or answers: the invitations counted per survey, and
    the ratings that may be shown summed per question (shown_rating_sums), so that a month's or a
    theme's mean pools exactly the ratings its meetings show."""
    surveys = _meeting_surveys(community, since)
    sums: dict[int, tuple[int, int]] = {}  # per survey: (sum of ratings, number of ratings)
    for survey_id, total, count in shown_rating_sums(surveys, "question__survey_id").values_list(
        "question__survey_id", "total", "count"
    ):
        before = sums.get(survey_id, (0, 0))
        sums[survey_id] = (before[0] + total, before[1] + count)
    rows = (
        surveys.annotate(
            invited=Count("invites"), responded=Count("invites", filter=Q(invites__responded_at__isnull=False))
        )
        .order_by("-meeting__starts_at", "-pk")
        .values_list("pk", "meeting_id", "title", "meeting__theme", "meeting__starts_at", "invited", "responded")
    )
    zone = ZoneInfo(settings.TIME_ZONE)
    meetings = []
    # [meetings, invited, responded, sum of ratings, number of ratings] per month and per theme
    by_month: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    by_theme: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for survey_id, meeting_id, title, theme, when, invited, responded in rows:
        total, count = sums.get(survey_id, (0, 0))
        meetings.append(TrendRow(survey_id, meeting_id, title, theme, when, invited, responded, _mean(total, count)))
        month = timezone.localtime(when, zone).date().replace(day=1)
        for figures in (by_month[month], by_theme[theme]):
            figures[:] = [a + b for a, b in zip(figures, (1, invited, responded, total, count), strict=True)]
    themes = [ThemeRow(theme, *figures[:3], _mean(*figures[3:])) for theme, figures in by_theme.items()]
    return TrendFigures(
        meetings=meetings,
        months=[MonthRow(month, *by_month[month][:3], _mean(*by_month[month][3:])) for month in months],
        themes=sorted(themes, key=lambda row: (row.rating is None, -(row.rating or 0), row.theme)),
    )


def theme_trend(community: Community, *, since: datetime) -> list[ThemeRow]:
    """Per meeting theme since `since`: meetings, invited, responded, mean rating; best rated
    first (trend_figures: two queries)."""
    return trend_figures(community, since=since).themes


def _mean(total: int, count: int) -> float | None:
    return total / count if count else None
