import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from cop import devmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_outbox(settings):
    settings.DEBUG = True
    settings.MAILERS = {"default": {"BACKEND": "cop.devmail.LocalOutboxBackend"}}
    return settings.DEVMAIL_DIR


def send_sample() -> None:
    message = EmailMultiAlternatives(
        subject="Uitnodiging: Hoe geef je constructieve feedback?",
        body="Tot dinsdag!",
        to=["intern@gilde.demo"],
    )
    message.attach_alternative("<p>Tot <strong>dinsdag</strong>!<script>alert(1)</script></p>", "text/html")
    message.attach("bijeenkomst.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.send()


def test_backend_writes_one_eml_file_per_message(local_outbox):
    send_sample()
    send_sample()
    assert len(list(local_outbox.glob("*.eml"))) == 2
    stored = devmail.message_list()
    assert [m.subject for m in stored] == ["Uitnodiging: Hoe geef je constructieve feedback?"] * 2
    assert stored[0].to == "intern@gilde.demo"
    assert stored[0].text.strip() == "Tot dinsdag!"
    assert stored[0].attachments[0].filename == "bijeenkomst.ics"


def test_outbox_pages_show_the_message_as_the_recipient_sees_it(client, local_outbox):
    send_sample()
    (message,) = devmail.message_list()
    listing = client.get(reverse("devmail_list")).text
    assert "Uitnodiging: Hoe geef je constructieve feedback?" in listing
    detail = client.get(reverse("devmail_detail", args=[message.id])).text
    assert 'src="/dev/mail/' in detail
    assert "bijeenkomst.ics" in detail
    html = client.get(reverse("devmail_html", args=[message.id]))
    assert "<strong>dinsdag</strong>" in html.text
    # The e-mail's HTML runs in a sandbox with no script allowed.
    assert "sandbox" in html["Content-Security-Policy"]
    assert "script-src" not in html["Content-Security-Policy"]
    assert "default-src 'none'" in html["Content-Security-Policy"]
    attachment = client.get(reverse("devmail_attachment", args=[message.id, 0]))
    assert attachment["Content-Disposition"] == 'attachment; filename="bijeenkomst.ics"'
    assert attachment.content.splitlines() == [b"BEGIN:VCALENDAR", b"END:VCALENDAR"]


def test_outbox_pages_do_not_exist_without_debug(client, local_outbox, settings):
    send_sample()
    (message,) = devmail.message_list()
    settings.DEBUG = False
    assert client.get(reverse("devmail_list")).status_code == 404
    assert client.get(reverse("devmail_detail", args=[message.id])).status_code == 404
    assert client.get(reverse("devmail_attachment", args=[message.id, 0])).status_code == 404


def test_outbox_rejects_ids_that_are_not_message_names(client, local_outbox):
    (local_outbox / "secret.eml").parent.mkdir(parents=True, exist_ok=True)
    (local_outbox / "secret.eml").write_text("Subject: no\n\nhidden")
    assert client.get("/dev/mail/..%2Fsecret/").status_code == 404
    assert client.get(reverse("devmail_detail", args=["secret"])).status_code == 404
    assert client.get(reverse("devmail_attachment", args=["20260101T000000000000-" + "0" * 32, 0])).status_code == 404
