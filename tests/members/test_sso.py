from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialLogin
from django.test import RequestFactory
from django.utils import timezone

from members.adapters import SocialAccountAdapter
from members.models import Invitation, User
from tests.cop.test_settings import PRODUCTION, read_settings_code
from tests.factories import CommunityFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("invitation", "verified", "open_for_signup"),
    [
        (None, True, False),
        ("pending", True, True),
        ("pending", False, False),  # an address the provider does not vouch for claims nothing
        ("expired", True, False),
        ("revoked", True, False),
    ],
)
def test_a_new_sso_user_gets_in_only_with_an_open_invitation(invitation, verified, open_for_signup):
    if invitation:
        Invitation.objects.create(
            community=CommunityFactory(),
            email="new@example.org",
            role="intern",
            token="t",
            expires_at=timezone.now() + timedelta(days=-1 if invitation == "expired" else 1),
            revoked_at=timezone.now() if invitation == "revoked" else None,
        )
    login = SocialLogin(
        user=User(email="NEW@example.org"),
        email_addresses=[EmailAddress(email="new@example.org", verified=verified, primary=True)],
    )
    assert SocialAccountAdapter().is_open_for_signup(RequestFactory().get("/"), login) is open_for_signup


def test_sso_is_off_by_default_and_switched_on_by_environment_variables():
    code = (
        "from django.conf import settings; "
        "print(sorted(settings.SOCIALACCOUNT_PROVIDERS), [str(v) for v in settings.SECURE_CSP['form-action']])"
    )
    assert read_settings_code(code, PRODUCTION) == "[] [\"'self'\"]"
    env = {
        **PRODUCTION,
        "SSO_MICROSOFT_CLIENT_ID": "abc",
        "SSO_MICROSOFT_CLIENT_SECRET": "s",
        "SSO_GOOGLE_CLIENT_ID": "g",
    }
    assert read_settings_code(code, env) == (
        "['google', 'microsoft'] [\"'self'\", 'https://login.microsoftonline.com', 'https://accounts.google.com']"
    )
