"""What people typed, in every kind of e-mail Gilde sends: escaped in the HTML part, as typed in
the text part (a text e-mail shows "&lt;" literally), one line in the subject whatever line breaks
it held, and escaped for Slack in the chat message."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cop.digest import digests_queue
from cop.models import Notification, Success
from cop.models.notification import Channel, ChatProvider
from cop.notifications.render import render_chat, render_email
from cop.successes import success_share
from feedback.services import survey_for_meeting_open
from meetings.models import Attendance, Topic, TopicVote
from meetings.services import meeting_publish
from meetings.topics import topic_plan
from members import invitations as invites
from members.models import Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, announcement
from tests.hostile import SCRIPT

pytestmark = pytest.mark.django_db

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# A subject line that would add a header if it were written as typed.
HEADER = "Remmen\r\nBcc: evil@example.org"


@pytest.fixture
def community():
    return CommunityFactory(slug="autotechniek", name="Autotechniek", domain_statement=SCRIPT)


@pytest.fixture
def people(community):
    """A facilitator and a member, both with a script for a name."""
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR, user__full_name=SCRIPT).user
    member = MembershipFactory(community=community, role=Role.INTERN, user__full_name=SCRIPT, user__language="en").user
    return facilitator, member


def mails(kind: str) -> list:
    rows = Notification.objects.filter(kind=kind, channel=Channel.EMAIL).select_related("recipient", "community")
    assert rows, f"no {kind} queued"
    return [render_email(row) for row in rows]


def assert_safe(message, *, typed: int = 1) -> None:
    html = message.alternatives[0].content
    assert SCRIPT not in html
    assert html.count(ESCAPED) >= typed
    assert SCRIPT in message.body
    assert ESCAPED not in message.body
    assert "\n" not in message.subject
    assert "\r" not in message.subject
    assert message.message()["Bcc"] is None  # no header made from a title


def test_a_meeting_announcement(community, people):
    meeting = MeetingFactory(community=community, status="draft", title=HEADER, theme=SCRIPT, place=SCRIPT)
    meeting_publish(meeting=meeting)
    for message in mails("meeting.announcement"):
        assert_safe(message, typed=2)  # the theme and the place
        assert message.subject.endswith("Remmen Bcc: evil@example.org")


def test_a_shared_success(community, people):
    facilitator, member = people
    success_share(
        community=community,
        author=facilitator,
        title=SCRIPT,
        story=SCRIPT,
        kind="milestone",
        value="applied",
        about=member,
    )
    for message in mails("success.shared"):
        assert_safe(message, typed=4)  # the title twice, the story, the author's name
        assert SCRIPT in message.subject


def test_an_invitation(community, people):
    facilitator, _member = people
    rows = invites.rows_check(
        community=community, rows=invites.rows_from_text(f"{SCRIPT}, nieuw@example.org", role="intern")
    )
    invites.invitations_send(community=community, rows=rows, invited_by=facilitator)
    (message,) = mails("invitation")
    assert_safe(message, typed=2)  # the inviter's name and the domain statement (the name lost its < >)


def test_a_survey_invitation(community, people):
    _facilitator, member = people
    start = timezone.now() - timedelta(hours=3)
    meeting = MeetingFactory(community=community, title=HEADER, starts_at=start, ends_at=start + timedelta(hours=1))
    Attendance.objects.create(meeting=meeting, user=member)
    survey_for_meeting_open(meeting=meeting)
    (message,) = mails("survey.invitation")
    assert message.subject.endswith("Remmen Bcc: evil@example.org")
    assert message.message()["Bcc"] is None
    assert "Remmen\r\nBcc: evil@example.org" in message.body  # the body as typed, below the headers


def test_you_asked_we_planned_it(community, people):
    _facilitator, member = people
    topic = Topic.objects.create(community=community, title=SCRIPT, suggested_by=member)
    TopicVote.objects.create(topic=topic, user=member)
    topic_plan(topic=topic, meeting=MeetingFactory(community=community, title=SCRIPT))
    (message,) = mails("topic.planned")
    assert_safe(message, typed=2)  # the topic, the meeting


def test_the_weekly_digest(community, people):
    Success.objects.create(community=community, kind="milestone", value="applied", title=SCRIPT, story=SCRIPT)
    MeetingFactory(community=community, title=SCRIPT, starts_at=timezone.now() + timedelta(days=3))
    Topic.objects.create(community=community, title=SCRIPT)
    digests_queue(now=timezone.now())
    for message in mails("digest.weekly"):
        assert_safe(message, typed=3)  # the success, the meeting, the topic


def test_an_announcement(community, people):
    _facilitator, member = people
    announcement(member, community, title=HEADER)
    (message,) = mails("announcement")
    assert message.subject.endswith("Remmen Bcc: evil@example.org")
    assert message.message()["Bcc"] is None


@pytest.mark.parametrize("provider", [ChatProvider.SLACK, ChatProvider.TEAMS])
def test_a_chat_message_never_carries_markup_or_a_mention(community, people, provider):
    facilitator, _member = people
    success = success_share(
        community=community,
        author=facilitator,
        title="<!channel> <https://evil.example|klik>",
        story=SCRIPT,
        kind="milestone",
        value="applied",
    )
    # The e-mail's row carries the same context a chat row does.
    row = Notification.objects.filter(kind="success.shared", subject_id=success.pk).first()
    payload = render_chat(row, provider)
    text = (
        payload["text"] if provider == ChatProvider.SLACK else payload["attachments"][0]["content"]["body"][0]["text"]
    )
    if provider == ChatProvider.SLACK:
        assert "<!channel>" not in text
        assert "&lt;!channel&gt; &lt;https://evil.example|klik&gt;" in text
        assert "<script>" not in text
    else:  # an Adaptive Card's TextBlock shows text (and markdown), never HTML
        assert "<!channel> <https://evil.example|klik>" in text
