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

    @staticmethod
    def _verified_email(sociallogin: SocialLogin) -> str | None:
        """The address the provider vouches for. Some (Microsoft across tenants) let a user type any
        address; only a verified one may claim an invitation, or the invitee's seat could be taken."""
        email = (sociallogin.user.email or "").lower()
        verified = {address.email.lower() for address in sociallogin.email_addresses if address.verified}
        return email if email and email in verified else None

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        email = self._verified_email(sociallogin)
        return email is not None and bool(_open_invitations(email))

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: object = None) -> User:
        user = super().save_user(request, sociallogin, form)
        if email := self._verified_email(sociallogin):
            for invitation in _open_invitations(email):
                invitation_accept(token=invitation.token)
        return user
