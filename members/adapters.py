from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from cop.notifications.services import account_mail_queue


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Gilde is invitation-only: people join through a facilitator's invitation, never by
        # signing themselves up.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Account mail (verification, login codes, password reset) goes through the outbox like
        every other message; it is rendered now, in the visitor's language."""
        message = self.render_mail(template_prefix, email, {**context, "site_url": settings.SITE_URL})
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), None
        )
        account_mail_queue(email=email, subject=message.subject, text=message.body, html=html)
