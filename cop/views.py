import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.csp import CSP
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from cop import devmail
from cop.context_processors import language_next
from cop.forms import DomainForm
from cop.health import database_check, health_report
from cop.selectors import community_facilitators, domain_revisions
from cop.services import domain_statement_update
from members import selectors as selectors_members
from members.models import Role
from members.permissions import Action, allowed, community_for
from members.selectors import roles_for
from members.services import user_set_language


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    mentees = selectors_members.mentees(mentor=request.user) if Role.MENTOR in roles.all else []
    return render(request, "cop/home.html", {"roles": roles, "mentees": mentees})


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    ok, report = health_report()
    return JsonResponse(report, status=200 if ok else 503)


BENCH_ROUND_TRIPS = 10  # at most, of each kind, on the hello view


def bench_hello(request: HttpRequest) -> HttpResponse:
    """The benchmark's floor: the whole middleware stack and nothing else, no query. Only when
    settings.BENCHMARK is on (`make bench`); a 404 otherwise.

    `?queries=N` and `?reads=N` (0 to BENCH_ROUND_TRIPS) add N trivial queries to PostgreSQL and
    N cache reads from Redis: what one round trip costs on the same stack, in the floor's units
    (the first query of a request also pays Django's connection health check)."""
    if not settings.BENCHMARK:
        raise Http404
    try:
        queries, reads = (int(request.GET.get(name, "0")) for name in ("queries", "reads"))
    except ValueError:
        queries = reads = -1
    if not (0 <= queries <= BENCH_ROUND_TRIPS and 0 <= reads <= BENCH_ROUND_TRIPS):
        return HttpResponseBadRequest(
            f"queries and reads: whole numbers from 0 to {BENCH_ROUND_TRIPS}", content_type="text/plain"
        )
    if queries:
        with connection.cursor() as cursor:
            for _ in range(queries):
                cursor.execute("SELECT 1")
    for _ in range(reads):
        cache.get("bench:hello")
    return HttpResponse("hello", content_type="text/plain")


@require_GET
@never_cache
def health_live(request: HttpRequest) -> JsonResponse:
    """For a load balancer: this web process and its database. Workers and Redis being down must
    not take the website out of rotation (the outbox waits for them); /health/ reports those."""
    database = database_check()
    return JsonResponse(
        {"status": "ok" if database["ok"] else "fail", "database": database}, status=200 if database["ok"] else 503
    )


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, safe `next`), and for a signed-in person their saved preference."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A database that cannot be reached (a restart, a failover) answers 503 with
    Retry-After, which browsers show as "back in a moment" and load balancers retry; anything else
    is a 500. Both pages render without a request context: they must not need the database. The
    language switch gets what it needs (the form's token from the cookie, the page to come back to),
    without which it answered "the form has expired"."""
    context = {"request": request, "csrf_token": get_token(request), "language_next": language_next(request)}
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(loader.get_template("500.html").render(context), status=500)


def _debug_only() -> None:
    if not settings.DEBUG:
        raise Http404


@require_GET
def devmail_list(request: HttpRequest) -> HttpResponse:
    _debug_only()
    return render(request, "cop/devmail_list.html", {"messages_out": devmail.message_list()})


@require_GET
def devmail_detail(request: HttpRequest, message_id: str) -> HttpResponse:
    _debug_only()
    message = devmail.message_get(message_id)
    if message is None:
        raise Http404
    return render(request, "cop/devmail_detail.html", {"message": message})


@require_GET
@xframe_options_sameorigin
@csp_override(
    {
        # The e-mail's own HTML, shown in a sandboxed frame: its styles, never its scripts.
        "default-src": [CSP.NONE],
        "img-src": [CSP.SELF, "data:"],
        "style-src": [CSP.UNSAFE_INLINE],
        "frame-ancestors": [CSP.SELF],
        "sandbox": True,
    }
)
def devmail_html(request: HttpRequest, message_id: str) -> HttpResponse:
    _debug_only()
    message = devmail.message_get(message_id)
    if message is None or message.html is None:
        raise Http404
    return HttpResponse(message.html)


@require_GET
def devmail_attachment(request: HttpRequest, message_id: str, index: int) -> HttpResponse:
    _debug_only()
    found = devmail.attachment_get(message_id, index)
    if found is None:
        raise Http404
    filename, content_type, payload = found
    response = HttpResponse(payload, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def community_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's page: its domain, facilitators and, for facilitators, the tools to run it.
    Facilitators edit the domain statement here; its history is kept."""
    community, viewer = community_for(request.user, slug, Action.VIEW_COMMUNITY)
    can_edit = allowed(viewer, Action.EDIT_DOMAIN)
    # "Put it in the edit form": the kick-off sprint's draft fills the form, to adapt and save.
    adopting = can_edit and bool(community.domain_draft) and request.GET.get("draft") == "1"
    initial = community.domain_draft if adopting else community.domain_statement
    form = DomainForm(request.POST or None, initial={"domain_statement": initial})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            domain_statement_update(
                community=community,
                text=form.cleaned_data["domain_statement"],
                author=request.user,
                adopt_draft=request.POST.get("adopt_draft") == "1",
            )
            messages.success(request, _("Domain statement saved."))
            return redirect("community_detail", slug=slug)
    context = {
        "community": community,
        "viewer": viewer,
        "can_edit": can_edit,
        "can_invite": allowed(viewer, Action.INVITE),
        "can_see_members": allowed(viewer, Action.VIEW_DIRECTORY),
        "can_see_results": allowed(viewer, Action.VIEW_RESULTS),
        "can_see_successes": allowed(viewer, Action.VIEW_SUCCESSES),
        "can_see_dashboard": allowed(viewer, Action.VIEW_DASHBOARD),
        "form": form,
        "facilitators": community_facilitators(community_id=community.pk),
        "revisions": domain_revisions(community_id=community.pk) if can_edit else [],
        "draft": community.domain_draft if can_edit else "",
        "adopting": adopting,
        "learning_goals": [line for line in community.learning_goals.splitlines() if line.strip()],
    }
    return render(request, "cop/community.html", context)
