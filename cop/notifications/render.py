"""Turns an outbox row into what goes over the wire: an e-mail, or a chat message payload."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cop.models import Notification
from cop.models.notification import ChatProvider
from cop.notifications import kinds
from cop.notifications.tokens import unsubscribe_token


def message_id(notification: Notification) -> str:
    """Stable per row: should one message ever go out twice (see delivery), mail systems that
    de-duplicate by Message-ID show it once."""
    domain = urlsplit(settings.SITE_URL).hostname or "gilde.localhost"
    return f"<notification-{notification.pk}@{domain}>"


def unsubscribe_url(notification: Notification) -> str | None:
    kind = kinds.get(notification.kind)
    if kind.mandatory or not notification.recipient_id:
        return None
    token = unsubscribe_token(user_id=notification.recipient_id, category=kind.category)
    return settings.SITE_URL + reverse("notification_unsubscribe", args=[token])


def _language(notification: Notification) -> str:
    return notification.recipient.language if notification.recipient_id else settings.LANGUAGE_CODE


def _template_context(notification: Notification, unsubscribe: str | None) -> dict[str, Any]:
    return {
        **notification.context,
        "kind": notification.kind,
        "recipient": notification.recipient,
        "community": notification.community,
        # A plain string too, so that chat formats can escape it like any other text.
        "community_name": notification.community.name if notification.community_id else "",
        "subject_object": notification.subject_object,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe,
        "preferences_url": settings.SITE_URL + reverse("notification_preferences"),
    }


def render_email(notification: Notification) -> EmailMultiAlternatives:
    kind = kinds.get(notification.kind)
    unsubscribe = unsubscribe_url(notification)
    prerendered = notification.context.get("prerendered")
    if prerendered:
        subject, text, html = prerendered["subject"], prerendered["text"], prerendered.get("html")
    else:
        context = _template_context(notification, unsubscribe)
        with translation.override(_language(notification)):
            subject = render_to_string(f"{kind.template}/subject.txt", context)
            text = render_to_string(f"{kind.template}/body.txt", context)
            html = render_to_string(f"{kind.template}/body.html", context)
    headers = {"Message-ID": message_id(notification)}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line, whatever the template's whitespace
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
        headers=headers,
    )
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in kind.attachments(notification) if kind.attachments else []:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def _slack_escape(value: object) -> object:
    # Slack reads <…> as links and mentions; its docs ask for exactly these three escapes.
    if not isinstance(value, str):
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_chat(notification: Notification, provider: str) -> dict[str, Any]:
    """The JSON body each provider's incoming webhook accepts."""
    kind = kinds.get(notification.kind)
    context = _template_context(notification, None)
    if provider == ChatProvider.SLACK:
        context = {key: _slack_escape(value) for key, value in context.items()}
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"{kind.template}/chat.txt", context).strip()
    if provider == ChatProvider.SLACK:
        # Slack incoming webhooks: `text` in mrkdwn.
        return {"text": text, "unfurl_links": False}
    # Microsoft Teams (Workflows incoming webhook): a message carrying one Adaptive Card.
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [{"type": "TextBlock", "text": text, "wrap": True}],
                },
            }
        ],
    }
