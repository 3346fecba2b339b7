"""The personal survey link: works without a password, signed and bound to one person and one
survey; it stops working when the survey closes (checked on the page) or the account ends."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from feedback.models import SurveyInvite

LINK_SALT = "gilde.feedback.invite"


def invite_link(invite: SurveyInvite) -> str:
    token = signing.dumps([invite.pk, invite.survey_id, invite.user_id], salt=LINK_SALT, compress=True)
    return settings.SITE_URL + reverse("survey_answer", args=[token])


def invite_from_link(token: str) -> SurveyInvite | None:
    try:
        invite_id, survey_id, user_id = signing.loads(token, salt=LINK_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    try:
        # get(), not first(): no ORDER BY to build for a primary key (a third of this query's
        # Python time, on the page every survey link opens).
        return SurveyInvite.objects.select_related("survey__community", "user").get(
            pk=invite_id, survey_id=survey_id, user_id=user_id, user__is_active=True
        )
    except SurveyInvite.DoesNotExist:
        return None
