"""Sending over the network, and sorting failures into transient (retry later) and permanent
(give up now, keep the reason)."""

import json
import smtplib
import threading
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

WEBHOOK_TIMEOUT = 10


class DeliveryError(Exception):
    transient = True


class TransientError(DeliveryError):
    transient = True


class PermanentError(DeliveryError):
    transient = False


def _smtp_error(code: int, detail: str) -> DeliveryError:
    # 5xx: the server will never take this message (bad address, policy); 4xx: try again later.
    return (PermanentError if 500 <= code < 600 else TransientError)(f"SMTP {code}: {detail}")


_connections = threading.local()


def _mail_connection() -> BaseEmailBackend:
    """One open mail connection per worker thread, reused from message to message: a new SMTP
    session per message (connect, EHLO, QUIT) would cost more than the message itself."""
    config = repr(settings.MAILERS["default"])
    if getattr(_connections, "config", None) != config:
        _connections.backend, _connections.config = mail.mailers.default, config
    return _connections.backend


def _send(message: EmailMultiAlternatives) -> int:
    connection = _mail_connection()
    smtp = getattr(connection, "connection", None)
    if smtp is not None:
        # A reused connection may have been closed by the server while idle: find out before
        # sending, never by sending (a resend after a failed DATA could deliver twice).
        try:
            smtp.noop()
        except (smtplib.SMTPException, OSError):
            connection.close()
    try:
        connection.open()
        return connection.send_messages([message])
    except BaseException:
        connection.close()
        raise


def send_email(message: EmailMultiAlternatives) -> None:
    try:
        sent = _send(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, detail = next(iter(exc.recipients.values()))
        raise _smtp_error(code, detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)) from exc
    except smtplib.SMTPResponseException as exc:
        detail = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise _smtp_error(exc.smtp_code, detail) from exc
    except (ValueError, UnicodeError) as exc:  # bad address or header
        raise PermanentError(f"Invalid message: {exc}") from exc
    except (smtplib.SMTPException, OSError) as exc:  # refused, reset, timed out, DNS
        raise TransientError(f"{type(exc).__name__}: {exc}") from exc
    if sent != 1:
        raise TransientError("The mail backend accepted nothing.")


def post_webhook(url: str, payload: dict[str, Any]) -> None:
    request = urllib.request.Request(  # noqa: S310 (URL set by an admin, http(s) only by URLField)
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read(500).decode(errors="replace")
        error = TransientError if exc.code >= 500 or exc.code == 429 else PermanentError
        raise error(f"HTTP {exc.code}: {body}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise TransientError(f"{type(exc).__name__}: {exc}") from exc
