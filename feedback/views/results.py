"""Survey results for facilitators (everything above the threshold, free text included, who
has not answered) and managers (aggregates only); pulse surveys; the extra reminder."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cop.audit import audit_record
from cop.charts import bars, columns
from cop.csv_export import csv_response
from cop.dashboard.metrics import scope_for
from cop.models import AuditAction
from feedback import reminders, results
from feedback.forms import PeriodForm, PulseForm
from feedback.models import Survey
from feedback.services import pulse_send
from members.permissions import Action, allowed, community_for


def _survey(request: HttpRequest, slug: str, pk: int, action: Action) -> tuple[Survey, object]:
    community, viewer = community_for(request.user, slug, action)
    survey = get_object_or_404(Survey.objects.select_related("community", "meeting"), pk=pk, community=community)
    return survey, viewer


@login_required
@require_GET
def survey_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's surveys, newest first, with their response rates; the pulse form."""
    community, viewer = community_for(request.user, slug, Action.VIEW_RESULTS)
    surveys = (
        Survey.objects.filter(community=community)
        .annotate(invited=Count("invites"), responded=Count("invites", filter=Q(invites__responded_at__isnull=False)))
        .select_related("meeting")
        .order_by("-opens_at")
    )
    can_run = allowed(viewer, Action.RUN_SURVEYS)
    context = {
        "community": community,
        "surveys": surveys,
        "can_run": can_run,
        "form": PulseForm(community=community) if can_run else None,
    }
    return render(request, "feedback/surveys.html", context)


@login_required
@require_POST
def pulse_create(request: HttpRequest, slug: str) -> HttpResponse:
    community, _viewer = community_for(request.user, slug, Action.RUN_SURVEYS)
    form = PulseForm(request.POST, community=community)
    if form.is_valid():
        data = form.cleaned_data
        try:
            survey = pulse_send(
                community=community,
                template=data["template"],
                title=data["title"],
                by=request.user,
                role=data["role"],
                anonymous=data["anonymous"],
                days=data["days"],
                form_key=data["form_key"],
            )
        except ValidationError as error:
            form.add_error("role", error)
        else:
            count = survey.invites.count()
            messages.success(
                request, ngettext("Sent to %(count)d person.", "Sent to %(count)d people.", count) % {"count": count}
            )
            return redirect("survey_results", slug=slug, pk=survey.pk)
    surveys = Survey.objects.none()
    context = {"community": community, "surveys": surveys, "can_run": True, "form": form, "form_only": True}
    return render(request, "feedback/surveys.html", context, status=400)


def _charts(outcome: results.SurveyResults, language: str) -> list[dict]:
    rows = []
    for index, result in enumerate(outcome.questions):
        chart = None
        text = result.question.text_in(language)
        if result.buckets:
            chart = bars(
                text,
                [(bucket.label, bucket.count, f"{bucket.count} · {bucket.percent}%") for bucket in result.buckets],
                maximum=max([bucket.count for bucket in result.buckets] + [1]),
            )
        rows.append({"result": result, "chart": chart, "id": f"q{index}", "text": text})
    return rows


@login_required
@require_GET
def survey_results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey, viewer = _survey(request, slug, pk, Action.VIEW_RESULTS)
    facilitator = allowed(viewer, Action.RUN_SURVEYS)
    outcome = results.survey_results(survey, with_texts=allowed(viewer, Action.READ_FREE_TEXT))
    waiting = list(reminders.waiting(survey).select_related("user").order_by("user__full_name")) if facilitator else []
    context = {
        "community": survey.community,
        "survey": survey,
        "outcome": outcome,
        "rows": _charts(outcome, request.LANGUAGE_CODE),
        "facilitator": facilitator,
        "waiting": waiting,
        "can_remind": facilitator and survey.is_open and survey.extra_reminder_at is None and bool(waiting),
    }
    return render(request, "feedback/results.html", context)


@login_required
@require_GET
def survey_results_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Aggregates only: per question and answer, how many; free text is not exported."""
    survey, _viewer = _survey(request, slug, pk, Action.VIEW_RESULTS)
    outcome = results.survey_results(survey, with_texts=False)
    header = [_("Question"), _("Answer"), _("Count"), _("Percent of responses")]
    rows = []
    if outcome.shown:
        for result in outcome.questions:
            rows.extend([result.question.text, b.label, b.count, b.percent] for b in result.buckets)
            if result.is_text:
                rows.append([result.question.text, _("(free text)"), result.answered, None])
    rows.append([_("Responses"), f"{outcome.responded} / {outcome.invited}", outcome.responded, outcome.rate])
    response = csv_response(f"survey-{survey.pk}.csv", header, rows)
    audit_record(
        actor=request.user,
        action=AuditAction.CSV_EXPORTED,
        community=survey.community,
        target=survey,
        details={"export": "survey results"},
    )
    return response


@login_required
@require_POST
def survey_remind(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey, _viewer = _survey(request, slug, pk, Action.RUN_SURVEYS)
    count = reminders.extra_reminder_send(survey=survey)
    if count:
        messages.success(
            request,
            ngettext("Reminder sent to %(count)d person.", "Reminder sent to %(count)d people.", count)
            % {"count": count},
        )
    else:
        messages.error(request, _("The extra reminder was already sent, or the survey is closed."))
    return redirect("survey_results", slug=slug, pk=pk)


# Meetings per page of the trend's table (the charts and the CSV hold them all).
TREND_PAGE = 20


def _trend(request: HttpRequest, slug: str) -> tuple[object, PeriodForm, results.TrendFigures]:
    """The period in whole calendar months, as on the dashboard, which links here."""
    community, _viewer = community_for(request.user, slug, Action.VIEW_RESULTS)
    # Bound only when a period is chosen: a page link alone shows the default period as chosen.
    period = PeriodForm(request.GET if "months" in request.GET else None)
    scope = scope_for([community.pk], months=period.months_or_default(), now=timezone.now())
    return community, period, results.trend_figures(community, since=scope.since, months=scope.months)


@login_required
@require_GET
def survey_trend(request: HttpRequest, slug: str) -> HttpResponse:
    """Rating and response rate per month, per theme, and per meeting (newest first, a page at a
    time), over a chosen period: a month's column stays readable however many meetings it had."""
    community, period, figures = _trend(request, slug)
    labels = [date_format(row.month, "M") for row in figures.months]
    rating_chart = columns(
        _("Mean rating per month (1 to 5)"),
        [(label, row.rating, _rating_text(row)) for label, row in zip(labels, figures.months, strict=True)],
        maximum=5,
        labelled=True,
    )
    rate_chart = columns(
        _("Response rate per month"),
        [
            (label, row.rate, f"{row.rate}%" if row.rate is not None else _("nobody asked"))
            for label, row in zip(labels, figures.months, strict=True)
        ],
        maximum=100,
        labelled=True,
    )
    meetings = Paginator(figures.meetings, TREND_PAGE).get_page(request.GET.get("page"))
    context = {
        "community": community,
        "period": period,
        "months": figures.months,
        "meetings": meetings,
        "themes": figures.themes,
        "rating_chart": rating_chart,
        "rate_chart": rate_chart,
        "threshold": results.threshold(),
    }
    return render(request, "feedback/trend.html", context)


def _rating_text(row: results.MonthRow) -> str:
    if row.rating is not None:
        return floatformat(row.rating, 1)  # rounded as in the table (number_format would cut off)
    return _("too few answers") if row.invited else _("nobody asked")


@login_required
@require_GET
def survey_trend_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Every meeting of the period, oldest first, then the themes."""
    community, period, figures = _trend(request, slug)
    meetings = reversed(figures.meetings)
    header = [_("Date"), _("Meeting"), _("Theme"), _("Invited"), _("Responded"), _("Response rate %"), _("Rating")]
    rows = [
        [
            timezone.localdate(row.when).isoformat(),
            row.title,
            row.theme,
            row.invited,
            row.responded,
            row.rate,
            _rounded(row.rating),
        ]
        for row in meetings
    ]
    rows += [
        [None, _("All meetings with theme"), row.theme, row.invited, row.responded, row.rate, _rounded(row.rating)]
        for row in figures.themes
    ]
    response = csv_response(f"{community.slug}-survey-trend.csv", header, rows)
    audit_record(
        actor=request.user,
        action=AuditAction.CSV_EXPORTED,
        community=community,
        target=community,
        details={"export": "survey trend", "months": period.months_or_default()},
    )
    return response


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None
