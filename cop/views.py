from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.csp import CSP
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from cop import devmail
from cop.health import database_check, health_report
from members.services import user_set_language


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "cop/home.html")


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    ok, report = health_report()
    return JsonResponse(report, status=200 if ok else 503)


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
