"""The personal survey link: works without a password, signed and bound to one person and one
survey; it stops working when the survey closes (checked on the page) or the account ends."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from cop.compiled import Compiled
from feedback.models import SurveyInvite

LINK_SALT = "gilde.feedback.invite"

# Compiled once (cop.compiled): the query every survey link asks first, the link's own invitation
# with what the page shows of it.
_invite = Compiled(lambda pk: SurveyInvite.objects.select_related("survey__community", "user").filter(pk=pk))


def invite_link(invite: SurveyInvite) -> str:
    token = signing.dumps([invite.pk, invite.survey_id, invite.user_id], salt=LINK_SALT, compress=True)
    return settings.SITE_URL + reverse("survey_answer", args=[token])


def invite_from_link(token: str) -> SurveyInvite | None:
    try:
        invite_id, survey_id, user_id = signing.loads(token, salt=LINK_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(invite_id, int):
        return None
    found = _invite.instances(invite_id)
    if not found:
        return None
    invite = found[0]
    # The link names its survey and person too: a link of an invitation since made for someone
    # else (never, but a signed value says so) does not open it, nor one of an account ended.
    return invite if (invite.survey_id, invite.user_id, invite.user.is_active) == (survey_id, user_id, True) else None
