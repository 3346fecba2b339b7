from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Gilde is invitation-only: people join through a facilitator's invitation, never by
        # signing themselves up.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # The mail footer names Gilde and its address, not the request's host name.
        super().send_mail(template_prefix, email, {**context, "site_url": settings.SITE_URL})
