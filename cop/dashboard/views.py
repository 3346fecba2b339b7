"""The success dashboard: organisation-wide for managers and admins, their own communities for
facilitators; one community at a time through the filter. Aggregates only: no individual's
answers, and ratings below the anonymity threshold are left out (cop.dashboard.metrics)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cop.audit import audit_record
from cop.checklist import POINTS
from cop.csv_export import csv_response
from cop.dashboard import metrics
from cop.dashboard.board import Dashboard
from cop.dashboard.forms import DashboardForm
from cop.models import AuditAction, Community
from feedback.results import threshold
from members.models import Level
from members.permissions import ACTIONS, Action, communities_for, community_roles, org_roles


def _dashboard(request: HttpRequest) -> tuple[DashboardForm, Dashboard | None]:
    visible = list(communities_for(request.user, Action.VIEW_DASHBOARD).order_by("name"))
    org = org_roles(request.user)
    # A manager sees an empty dashboard before the first community; a member without the role, none.
    if not visible and not org & ACTIONS[Action.VIEW_DASHBOARD]:
        raise PermissionDenied
    slug = request.GET.get("community", "")
    if slug and slug not in {community.slug for community in visible}:
        # Someone else's community: forbidden; one that does not exist (or is no slug at all): not found.
        exists = slug_re.fullmatch(slug) and Community.objects.filter(slug=slug, active=True).exists()
        raise PermissionDenied if exists else Http404
    form = DashboardForm(request.GET or {}, communities=visible)
    if not form.is_valid():
        return form, None
    chosen = form.cleaned_data["community"]
    communities = [chosen] if chosen else visible
    scope = metrics.scope_for([c.pk for c in communities], months=form.cleaned_data["months"], now=timezone.now())
    board = Dashboard(communities=communities, scope=scope, org=org, roles=community_roles(request.user))
    return form, board


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, board = _dashboard(request)
    context = {"form": form, "board": board}
    if board is not None:
        context |= {
            "tables": {key: board.table(key) for key in board.TABLES},
            "charts": board.charts(),
            "points": POINTS,
            "levels": Level.choices,
            "threshold": threshold(),
            "cache_minutes": -(-settings.DASHBOARD_CACHE_SECONDS // 60),
        }
    return render(request, "cop/dashboard/dashboard.html", context, status=200 if board else 400)


@login_required
@require_GET
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    form, board = _dashboard(request)
    if board is None or table not in Dashboard.TABLES:
        raise Http404
    data = board.table(table)
    name = board.single.slug if board.single else "organisation"
    response = csv_response(f"{name}-{table}.csv", data.header, ([cell.value for cell in row] for row in data.rows))
    audit_record(
        actor=request.user,
        action=AuditAction.CSV_EXPORTED,
        community=board.single,
        target=board.single or "organisation",
        details={"export": "dashboard", "table": table, "months": form.cleaned_data["months"]},
    )
    return response
