import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cop.models import ChatWebhook
from cop.notifications.delivery import notification_deliver
from cop.notifications.services import chat_queue
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


class Hook:
    """A local incoming-webhook endpoint: records JSON bodies, answers with `status`."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.status = 200
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hook.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(hook.status)
                self.end_headers()
                self.wfile.write(b"ok" if hook.status == 200 else b"invalid_token")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"


@pytest.fixture
def hook(settings) -> Iterator[Hook]:
    settings.CHAT_WEBHOOKS_ENABLED = True
    endpoint = Hook()
    thread = threading.Thread(target=endpoint.server.serve_forever, daemon=True)
    thread.start()
    yield endpoint
    endpoint.server.shutdown()


def queue(community) -> int:
    row = chat_queue(community=community, kind="announcement", context={"title": "Kick-off", "body": "Snelkooksprint!"})
    return row.pk


@pytest.mark.parametrize("provider", ["slack", "teams"])
def test_chat_message_is_posted_to_the_communitys_webhook(hook, provider):
    community = CommunityFactory(name="Metselen")
    ChatWebhook.objects.create(community=community, provider=provider, url=hook.url)
    assert notification_deliver(notification_id=queue(community)) == "sent"
    (body,) = hook.bodies
    if provider == "slack":
        assert body["text"] == "*Metselen: Kick-off*\nSnelkooksprint!"
    else:
        assert body["attachments"][0]["content"]["body"][0]["text"] == "*Metselen: Kick-off*\nSnelkooksprint!"


def test_a_5xx_from_the_webhook_is_retried_and_a_4xx_fails_at_once(hook):
    community = CommunityFactory()
    ChatWebhook.objects.create(community=community, provider="slack", url=hook.url)
    hook.status = 503
    pk = queue(community)
    assert notification_deliver(notification_id=pk) == "retry"
    community.notifications.filter(pk=pk).update(next_attempt_at="2000-01-01T00:00:00Z")
    hook.status = 403
    assert notification_deliver(notification_id=pk) == "failed"
    row = community.notifications.get(pk=pk)
    assert (row.status, row.attempts, row.last_error) == ("failed", 2, "HTTP 403: invalid_token")


def test_a_webhook_switched_off_after_queueing_fails_with_the_reason(hook):
    community = CommunityFactory()
    webhook = ChatWebhook.objects.create(community=community, provider="slack", url=hook.url)
    pk = queue(community)
    webhook.enabled = False
    webhook.save()
    assert notification_deliver(notification_id=pk) == "failed"
    assert community.notifications.get(pk=pk).last_error == "No enabled chat webhook for this community."
    assert hook.bodies == []
