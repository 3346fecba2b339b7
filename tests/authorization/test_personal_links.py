"""Personal links, which work without a login: the survey answer link (s/<token>/), the
invitation (invitations/<token>/), the unsubscribe link and the calendar feed. Each is bound to its
person: whoever opens it, signed in as someone else or not at all, acts for that person and sees
only what is theirs. Forged, damaged, expired, withdrawn or replaced links say so, and change nothing.
"""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from cop.models import NotificationPreference
from cop.notifications.tokens import unsubscribe_token
from feedback.links import LINK_SALT
from feedback.models import Survey, SurveyInvite, SurveyResponse
from meetings.models import CalendarFeed
from meetings.services import calendar_feed_revoke
from members.models import Invitation, Membership, User
from tests.authorization.world import MARKER, World, sign_in, writes, written

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}  # a visitor's language is the browser's
INVALID_SURVEY = "This survey link is not valid"
CLOSED_SURVEY = "This survey is closed"
INVALID_UNSUBSCRIBE = "This unsubscribe link is not valid"


def person(world: World, side: str, role: str) -> User:
    return User.objects.get(pk=world.side(side).people[role])


def survey_link(token: str) -> str:
    return reverse("survey_answer", args=[token])


def answers(invite: SurveyInvite) -> dict[str, str]:
    """A complete, valid set of answers to the invite's survey."""
    data = {}
    for question in invite.survey.questions.all():
        if question.type in {"rating", "scale"}:
            data[f"q{question.pk}"] = "4"
        elif question.type in {"single", "multiple"}:
            data[f"q{question.pk}"] = question.choices[0]
        else:
            data[f"q{question.pk}"] = "Duidelijk"
    return data


# --- The survey answer link ------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps([1, 1, 1], salt="another.salt", compress=True),  # signed, but for something else
        "x" * 5000,
    ],
    ids=["forged", "another salt", "very long"],
)
def test_a_forged_survey_link_is_not_valid_and_changes_nothing(client, world, token):
    before = writes()
    response = client.post(survey_link(token), {"q1": "5"}, headers=EN)
    assert response.status_code == 404
    assert INVALID_SURVEY in response.text
    assert not written(before, writes())


def test_a_survey_link_made_over_for_someone_else_is_not_valid(client, world):
    """The token names invite, survey and person together: put another person's id in and it is
    no link of theirs (a real signature is needed for that, so this is the strongest forgery)."""
    invite = SurveyInvite.objects.get(pk=world.ours.invite)
    other = world.visitors["colleague"]
    token = signing.dumps([invite.pk, invite.survey_id, other], salt=LINK_SALT, compress=True)
    response = client.get(survey_link(token), headers=EN)
    assert response.status_code == 404
    assert INVALID_SURVEY in response.text


def test_someone_elses_survey_link_opened_while_signed_in_shows_their_survey_and_answers_as_them(client, world):
    """The link is bound to its person: the other community's facilitator, signed in, opening our
    intern's link gets our intern's form, and what they send is our intern's answer; nothing of
    the signed-in person is shown or recorded."""
    invite = SurveyInvite.objects.select_related("survey").get(pk=world.ours.invite)
    signed_in = person(world, "theirs", "facilitator")
    sign_in(client, world, "other facilitator")
    page = client.get(survey_link(world.ours.tokens["survey"]))
    assert page.status_code == 200
    assert invite.survey.title in page.text
    assert signed_in.full_name not in page.text
    assert MARKER not in page.text
    response = client.post(survey_link(world.ours.tokens["survey"]), answers(invite))
    assert response.status_code == 200
    invite.refresh_from_db()
    assert invite.responded_at is not None
    assert SurveyResponse.objects.filter(invite=invite).count() == 1
    assert not SurveyInvite.objects.filter(user=signed_in, responded_at__isnull=False).exists()


def test_a_closed_surveys_link_says_so_and_takes_no_answer(client, world):
    invite = SurveyInvite.objects.get(pk=world.ours.invite)
    Survey.objects.filter(pk=invite.survey_id).update(closes_at=timezone.now() - timedelta(minutes=1))
    link = survey_link(world.ours.tokens["survey"])
    assert client.get(link).status_code == 410
    response = client.post(link, answers(invite))
    assert response.status_code == 410
    assert CLOSED_SURVEY in response.text
    invite.refresh_from_db()
    assert invite.responded_at is None


def test_the_survey_link_of_a_person_no_longer_active_is_not_valid(client, world):
    User.objects.filter(pk=world.ours.people["intern"]).update(is_active=False)
    response = client.get(survey_link(world.ours.tokens["survey"]), headers=EN)
    assert response.status_code == 404
    assert INVALID_SURVEY in response.text


# --- The invitation -------------------------------------------------------------------------


def invitation_link(world: World, side: str = "ours") -> str:
    return reverse("invitation_accept", args=[world.side(side).tokens["invitation"]])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"token": "invitation-other"}, "This invitation link is not valid."),  # a token nobody was sent
        ({"revoked_at": timezone.now()}, "This invitation was withdrawn."),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "This invitation has expired."),
        ({"accepted_at": timezone.now()}, "This invitation has already been used."),
    ],
    ids=["unknown", "withdrawn", "expired", "used"],
)
def test_an_invitation_that_cannot_be_used_says_why_and_makes_nobody(client, world, change, message):
    Invitation.objects.filter(pk=world.ours.invitation).update(**change)
    form = {"full_name": "Iemand Anders", "password1": "een-lang-wachtwoord", "password2": "een-lang-wachtwoord"}
    before = writes()
    response = client.post(invitation_link(world), form, headers={"accept-language": "en"})
    assert response.status_code == 410
    assert message in response.text
    assert not written(before, writes())
    assert not User.objects.filter(email="nieuw-ours@example.org").exists()


def test_someone_elses_invitation_opened_while_signed_in_is_the_invitees_never_the_signed_in_persons(client, world):
    """Signed in as our facilitator, the invitation of the other community shows the invitee's
    address and form; accepting it makes the invitee's account and membership and signs the
    browser in as the invitee (the link proves the address): the facilitator gains nothing."""
    facilitator = person(world, "ours", "facilitator")
    sign_in(client, world, "facilitator")
    page = client.get(invitation_link(world, "theirs"))
    assert page.status_code == 200
    assert "nieuw-theirs@example.org" in page.text
    assert facilitator.email not in page.text
    form = {"full_name": "Nieuwe Stagiair", "password1": "een-lang-wachtwoord", "password2": "een-lang-wachtwoord"}
    response = client.post(invitation_link(world, "theirs"), form)
    assert (response.status_code, response["Location"]) == (302, "/")
    invitee = User.objects.get(email="nieuw-theirs@example.org")
    assert int(client.session["_auth_user_id"]) == invitee.pk
    assert Membership.objects.current().filter(user=invitee, community_id=world.theirs.community).exists()
    assert not Membership.objects.filter(user=facilitator, community_id=world.theirs.community).exists()


def test_an_invitation_for_an_existing_account_opened_by_someone_else_does_not_sign_them_in(client, world):
    """The invitee already has an account: accepting adds the membership to it, and whoever
    clicked stays who they were: to be the invitee they log in the usual way (the link is no
    password)."""
    invitee = person(world, "theirs", "intern")
    Invitation.objects.filter(pk=world.ours.invitation).update(email=invitee.email)
    sign_in(client, world, "mentor")
    response = client.post(invitation_link(world))
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert int(client.session["_auth_user_id"]) == world.visitors["mentor"]
    assert Membership.objects.current().filter(user=invitee, community_id=world.ours.community).exists()


# --- The unsubscribe link -------------------------------------------------------------------


def unsubscribe_link(token: str) -> str:
    return reverse("notification_unsubscribe", args=[token])


def switched_off(user_id: int) -> set[str]:
    return set(NotificationPreference.objects.filter(user_id=user_id, email=False).values_list("category", flat=True))


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps([1, "reminder"], salt="gilde.feedback.invite", compress=True),  # another link's signature
        unsubscribe_token(user_id=1, category="security"),  # account mail cannot be switched off
        unsubscribe_token(user_id=1, category="no-such-kind"),
    ],
    ids=["forged", "another salt", "security", "unknown kind"],
)
def test_a_forged_or_unswitchable_unsubscribe_link_is_not_valid_and_changes_nothing(client, world, token):
    before = writes()
    response = client.post(unsubscribe_link(token), headers=EN)
    assert response.status_code == 404
    assert INVALID_UNSUBSCRIBE in response.text
    assert not written(before, writes())


def test_an_unsubscribe_link_switches_off_its_own_person_and_kind_only_whoever_is_signed_in(client, world):
    """Our intern's reminder link, posted by the signed-in facilitator: the intern's reminders
    stop; their other mail and the facilitator's are untouched."""
    intern, facilitator = world.ours.people["intern"], world.ours.people["facilitator"]
    sign_in(client, world, "facilitator")
    page = client.get(unsubscribe_link(world.ours.tokens["unsubscribe"]))
    assert person(world, "ours", "intern").email in page.text
    assert person(world, "ours", "facilitator").email not in page.text
    response = client.post(unsubscribe_link(world.ours.tokens["unsubscribe"]))
    assert response.status_code == 200
    assert switched_off(intern) == {"reminder"}
    assert switched_off(facilitator) == set()


def test_the_unsubscribe_link_of_a_person_no_longer_active_is_not_valid(client, world):
    User.objects.filter(pk=world.ours.people["intern"]).update(is_active=False)
    response = client.post(unsubscribe_link(world.ours.tokens["unsubscribe"]))
    assert response.status_code == 404
    assert switched_off(world.ours.people["intern"]) == set()


# --- The calendar feed ----------------------------------------------------------------------


def feed_link(token: str) -> str:
    return reverse("calendar_feed", args=[token])


def test_a_replaced_calendar_link_stops_at_once_and_the_new_one_works(client, world):
    old = world.ours.tokens["calendar"]
    new = calendar_feed_revoke(user=person(world, "ours", "intern")).token
    assert new != old
    assert client.get(feed_link(old)).status_code == 404
    response = client.get(feed_link(new))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_replacing_the_calendar_link_in_the_browser_gives_a_new_one(client, world):
    sign_in(client, world, "intern")
    old = world.ours.tokens["calendar"]
    assert client.post(reverse("calendar_subscription")).status_code == 302
    new = CalendarFeed.objects.get(user_id=world.ours.people["intern"]).token
    assert new != old
    assert client.get(feed_link(old)).status_code == 404
    assert client.get(feed_link(new)).status_code == 200


@pytest.mark.parametrize("token", ["not-a-token", "x" * 5000, "tok\x00en"], ids=["forged", "very long", "NUL"])
def test_a_forged_calendar_link_is_not_found(client, world, token):
    assert client.get(feed_link(token)).status_code == 404


def test_the_calendar_link_of_a_person_no_longer_active_is_not_found(client, world):
    User.objects.filter(pk=world.ours.people["intern"]).update(is_active=False)
    assert client.get(feed_link(world.ours.tokens["calendar"])).status_code == 404


def test_someone_elses_calendar_link_is_their_calendar_never_the_signed_in_persons(client, world):
    """The other community's member, signed in, opening our intern's feed gets our intern's
    meetings: not their own (the marker of theirs), whoever is signed in."""
    sign_in(client, world, "other member")
    response = client.get(feed_link(world.ours.tokens["calendar"]))
    assert response.status_code == 200
    assert "Maandbijeenkomst" in response.text
    assert MARKER not in response.text
    theirs = client.get(feed_link(world.theirs.tokens["calendar"]))
    assert MARKER in theirs.text
