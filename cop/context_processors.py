from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from members.selectors import roles_for


def navigation(request: HttpRequest) -> dict[str, object]:
    """`roles`: what the signed-in person is (queried only if a template uses it);
    `devmail_enabled`: whether the local outbox page exists (DEBUG with no mail server)."""
    devmail_enabled = settings.DEBUG and settings.MAILERS["default"]["BACKEND"] == "cop.devmail.LocalOutboxBackend"
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": None, "devmail_enabled": devmail_enabled}
    return {"roles": SimpleLazyObject(lambda: roles_for(user)), "devmail_enabled": devmail_enabled}
