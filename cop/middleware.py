from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone, translation
from django_htmx.http import HttpResponseClientRedirect


class UserPreferencesMiddleware:
    """Signed-in people see Gilde in their own language and time zone.

    Runs after LocaleMiddleware, so a person's saved language wins over the browser's; visitors
    keep what LocaleMiddleware chose from the language cookie or Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
            timezone.activate(ZoneInfo(user.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session expired would swap the login page into a fragment of the
    current page; tell htmx to load the login page as a whole page instead (HX-Redirect)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response
