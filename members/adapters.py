from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.http import HttpRequest

from cop.notifications.services import account_mail_queue
from members.invitations import invitation_accept
from members.models import Invitation, User


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


def _open_invitations(email: str) -> list[Invitation]:
    return [
        invitation
        for invitation in Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        )
        if invitation.state == "pending"
    ]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on never opens the door by itself: someone without an account gets one only
    when an open invitation for their address is waiting, and then joins those communities."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        email = sociallogin.user.email or ""
        return bool(email) and bool(_open_invitations(email))

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: object = None) -> User:
        user = super().save_user(request, sociallogin, form)
        for invitation in _open_invitations(user.email):
            invitation_accept(token=invitation.token)
        return user
