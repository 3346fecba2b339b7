"""Personal links cannot be tried by the million: unknown ones are counted per address."""

import pytest
from django.urls import reverse

from feedback.links import invite_link
from tests.feedback.helpers import path

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict(settings):
    settings.LINK_MISSES_ALLOWED = 3
    settings.LINK_MISSES_SECONDS = 60


@pytest.mark.parametrize(("name", "unknown"), [("survey_answer", 404), ("invitation_accept", 410)])
def test_after_too_many_unknown_links_an_address_waits(client, strict, name, unknown):
    def url(n: int) -> str:
        return reverse(name, args=[f"forged-{n}"])

    assert [client.get(url(n)).status_code for n in range(3)] == [unknown] * 3
    blocked = client.get(url(9))
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "60"
    assert "Te veel pogingen" in blocked.text
    assert "Wacht een minuut en gebruik dan de link uit je e-mail." in blocked.text  # as long as Retry-After
    # Another address is not affected.
    assert client.get(url(10), REMOTE_ADDR="198.51.100.20").status_code != 429


def test_the_wait_is_said_in_minutes_as_configured(client, settings):
    settings.LINK_MISSES_ALLOWED = 1
    settings.LINK_MISSES_SECONDS = 15 * 60
    client.get(reverse("survey_answer", args=["forged-1"]))
    blocked = client.get(reverse("survey_answer", args=["forged-2"]), HTTP_ACCEPT_LANGUAGE="en")
    assert blocked.status_code == 429
    assert "Wait 15 minutes, then use the link from your e-mail." in blocked.text


def test_real_links_from_one_address_are_never_slowed(client, strict, settings):
    from feedback.services import survey_for_meeting_open  # noqa: PLC0415
    from meetings.models import Attendance  # noqa: PLC0415
    from tests.feedback.helpers import ended_meeting, member  # noqa: PLC0415

    meeting = ended_meeting()
    for _ in range(5):
        Attendance.objects.create(meeting=meeting, user=member(meeting.community))
    survey = survey_for_meeting_open(meeting=meeting)
    statuses = [client.get(path(invite_link(invite))).status_code for invite in survey.invites.all()]
    assert statuses == [200] * 5  # five colleagues behind one office address: more than 3, all fine


def test_a_blocked_address_keeps_its_real_survey_links_but_not_its_guesses_at_invitations(client, strict):
    """A signed link cannot be guessed, so only failures are checked; a random token is refused
    before it is looked up, so a guess can never succeed once the address is blocked."""
    from feedback.services import survey_for_meeting_open  # noqa: PLC0415
    from meetings.models import Attendance  # noqa: PLC0415
    from members.models import Invitation  # noqa: PLC0415
    from tests.feedback.helpers import ended_meeting, member  # noqa: PLC0415

    meeting = ended_meeting()
    Attendance.objects.create(meeting=meeting, user=member(meeting.community))
    invite = survey_for_meeting_open(meeting=meeting).invites.get()
    invitation = Invitation.objects.create(
        community=meeting.community,
        email="new@example.org",
        role="intern",
        token="real-token",
        expires_at=invite.survey.closes_at,
    )
    for n in range(4):
        client.get(reverse("survey_answer", args=[f"forged-{n}"]))
        client.get(reverse("invitation_accept", args=[f"forged-{n}"]))
    assert client.get(reverse("survey_answer", args=["forged-9"])).status_code == 429
    assert client.get(path(invite_link(invite))).status_code == 200
    assert client.get(reverse("invitation_accept", args=[invitation.token])).status_code == 429
