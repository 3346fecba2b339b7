import pytest

from cop.models import Notification
from cop.notifications.render import message_id, render_chat, render_email
from cop.notifications.services import account_mail_queue
from cop.notifications.tokens import unsubscribe_token_read
from tests.factories import CommunityFactory, UserFactory, announcement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "greeting", "footer", "button"),
    [
        ("nl", "Hallo Ilias,", "Wil je deze e-mails niet meer? Afmelden:", "Openen in Gilde"),
        ("en", "Hello Ilias,", "Don't want these e-mails? Unsubscribe:", "Open in Gilde"),
    ],
)
def test_email_is_rendered_in_the_recipients_language(language, greeting, footer, button, settings):
    settings.SITE_URL = "https://gilde.example.org"
    person = UserFactory(full_name="Ilias Bakker", language=language)
    row = announcement(person, CommunityFactory(name="Autotechniek"))
    message = render_email(row)
    assert message.subject == "Autotechniek: Hoe geef je constructieve feedback?"
    assert message.to == [person.email]
    assert message.body.startswith(f"{greeting}\n\nHoe geef je constructieve feedback?\n\nDinsdag 16:00")
    assert footer in message.body
    html = message.alternatives[0].content
    assert greeting in html
    assert button in html
    assert f'lang="{language}"' in html


def test_email_has_a_working_one_click_unsubscribe_and_a_stable_message_id(settings):
    settings.SITE_URL = "https://gilde.example.org"
    person = UserFactory()
    row = announcement(person, CommunityFactory())
    message = render_email(row)
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://gilde.example.org/notifications/unsubscribe/")
    assert unsubscribe_token_read(link.rstrip("/").rsplit("/", 1)[1]) == (person.pk, "announcement")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    assert link in message.alternatives[0].content
    assert message.extra_headers["Message-ID"] == f"<notification-{row.pk}@gilde.example.org>"
    assert message_id(Notification.objects.get(pk=row.pk)) == message.extra_headers["Message-ID"]


def test_user_text_is_escaped_in_html_mail():
    row = announcement(UserFactory(), CommunityFactory(), title="<script>alert('x')</script>")
    html = render_email(row).alternatives[0].content
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_account_mail_keeps_its_prerendered_text_and_has_no_unsubscribe():
    person = UserFactory(email="intern@example.org")
    row = account_mail_queue(email="INTERN@example.org", subject="Gilde: inlogcode", text="ABCD-EFGH", html=None)
    assert row.recipient == person
    message = render_email(row)
    assert (message.subject, message.body, message.to) == ("Gilde: inlogcode", "ABCD-EFGH", ["intern@example.org"])
    assert "List-Unsubscribe" not in message.extra_headers
    assert message.alternatives == []


def test_account_mail_to_an_unknown_address_goes_to_that_address():
    row = account_mail_queue(email="stranger@example.org", subject="s", text="t", html=None)
    assert (row.recipient, row.to_email) == (None, "stranger@example.org")
    assert render_email(row).to == ["stranger@example.org"]


def test_chat_payloads_in_each_providers_format():
    community = CommunityFactory(name="Bouw & Metselen")
    row = Notification.objects.create(
        key="chat-test",
        channel="chat",
        kind="announcement",
        community=community,
        context={"title": "Workshop <voegen>", "body": "Donderdag 15:00"},
    )
    slack = render_chat(row, "slack")
    assert slack == {"text": "*Bouw &amp; Metselen: Workshop &lt;voegen&gt;*\nDonderdag 15:00", "unfurl_links": False}
    teams = render_chat(row, "teams")
    card = teams["attachments"][0]
    assert teams["type"] == "message"
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    assert card["content"]["body"][0]["text"] == "*Bouw & Metselen: Workshop <voegen>*\nDonderdag 15:00"


@pytest.fixture
def invite_kind():
    from cop.models.notification import Category  # noqa: PLC0415
    from cop.notifications import kinds  # noqa: PLC0415

    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Gilde//NL\r\nEND:VCALENDAR\r\n"
    kind = kinds.register(
        kinds.Kind(
            "test.invite",
            "Invitation",
            Category.ANNOUNCEMENT,
            template="notifications/announcement",
            attachments=lambda notification: [kinds.Attachment("bijeenkomst.ics", ics, "text/calendar")],
        )
    )
    yield kind
    kinds._registry.pop(kind.name)


def test_a_kind_can_attach_a_calendar_invite(invite_kind, settings):
    from cop import devmail  # noqa: PLC0415
    from cop.notifications.delivery import notification_deliver  # noqa: PLC0415
    from cop.notifications.services import notification_queue  # noqa: PLC0415

    settings.MAILERS = {"default": {"BACKEND": "cop.devmail.LocalOutboxBackend"}}
    community = CommunityFactory()
    row = notification_queue(
        recipient=UserFactory(), kind="test.invite", community=community, context={"title": "Workshop", "body": "b"}
    )
    message = render_email(row)
    assert [(name, mimetype) for name, _, mimetype in message.attachments] == [("bijeenkomst.ics", "text/calendar")]
    assert notification_deliver(notification_id=row.pk) == "sent"
    (stored,) = devmail.message_list()
    assert [(a.filename, a.content_type) for a in stored.attachments] == [("bijeenkomst.ics", "text/calendar")]
