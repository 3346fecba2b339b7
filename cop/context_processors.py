from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from members.selectors import roles_for

# The pages of the header's menu (templates/base.html), by URL name: the one being shown is marked.
MENU = frozenset({"home", "agenda", "dashboard", "account_email"})


def language_next(request: HttpRequest) -> str:
    """Where the language switch returns to: this page. A page that answers a post (a refused
    form, an error page) has an address that takes only posts: the page the form was on instead,
    or the start page."""
    return (request.META.get("HTTP_REFERER") or "/") if request.method == "POST" else request.get_full_path()


def menu_current(request: HttpRequest) -> str:
    """The URL name of the page shown if the header's menu has it, else "" (also for visitors,
    who see no menu): the header is kept (cop/templatetags/kept.py) per menu entry, not per
    address."""
    user, match = getattr(request, "user", None), getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated or match is None:
        return ""
    return match.url_name if match.url_name in MENU else ""


def navigation(request: HttpRequest) -> dict[str, object]:
    """`roles`: what the signed-in person is (queried only if a template uses it);
    `devmail_enabled`: whether the local outbox page exists (DEBUG with no mail server);
    `language_next`: where the language switch returns to; `menu_current`: which menu entry is the
    page shown."""
    devmail_enabled = settings.DEBUG and settings.MAILERS["default"]["BACKEND"] == "cop.devmail.LocalOutboxBackend"
    found = {
        "roles": None,
        "devmail_enabled": devmail_enabled,
        "language_next": language_next(request),
        "menu_current": menu_current(request),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        found["roles"] = SimpleLazyObject(lambda: roles_for(user))
    return found
