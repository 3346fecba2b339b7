"""The embedded mail outbox: with no SMTP server configured, every message is written to
`settings.DEVMAIL_DIR` as one `.eml` file, and /dev/mail/ (DEBUG only) shows it as the recipient
would see it. Nothing here is used when EMAIL_HOST is set."""

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage as ParsedMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

MESSAGE_ID = re.compile(r"^\d{8}T\d{6}\d{6}-[0-9a-f]{32}$")


class LocalOutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(settings.DEVMAIL_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex}"
            # Write then rename, so a reader never sees half a message.
            tmp = folder / f".{name}.tmp"
            tmp.write_bytes(message.message().as_bytes())
            tmp.rename(folder / f"{name}.eml")
        return len(email_messages)


@dataclass(frozen=True)
class Attachment:
    index: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class StoredMessage:
    id: str
    subject: str
    sender: str
    to: str
    date: datetime | None
    headers: list[tuple[str, str]]
    text: str
    html: str | None
    attachments: list[Attachment]


def _parse(path: Path) -> ParsedMessage:
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def _attachments(parsed: ParsedMessage) -> list[ParsedMessage]:
    return list(parsed.iter_attachments())


def _stored(message_id: str, parsed: ParsedMessage) -> StoredMessage:
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    try:
        date = parsedate_to_datetime(parsed["Date"]) if parsed["Date"] else None
    except ValueError:
        date = None
    return StoredMessage(
        id=message_id,
        subject=str(parsed["Subject"] or ""),
        sender=str(parsed["From"] or ""),
        to=str(parsed["To"] or ""),
        date=date,
        headers=[(key, str(value)) for key, value in parsed.items()],
        text=text_part.get_content() if text_part else "",
        html=html_part.get_content() if html_part else None,
        attachments=[
            Attachment(
                index=index,
                filename=part.get_filename() or f"attachment-{index}",
                content_type=part.get_content_type(),
                size=len(part.get_payload(decode=True) or b""),
            )
            for index, part in enumerate(_attachments(parsed))
        ],
    )


def _path(message_id: str) -> Path | None:
    if not MESSAGE_ID.match(message_id):
        return None
    path = Path(settings.DEVMAIL_DIR) / f"{message_id}.eml"
    return path if path.is_file() else None


def message_list(limit: int = 200) -> list[StoredMessage]:
    """The newest messages first."""
    folder = Path(settings.DEVMAIL_DIR)
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.eml"), reverse=True)[:limit]
    return [_stored(path.stem, _parse(path)) for path in paths]


def message_get(message_id: str) -> StoredMessage | None:
    path = _path(message_id)
    return _stored(message_id, _parse(path)) if path else None


def attachment_get(message_id: str, index: int) -> tuple[str, str, bytes] | None:
    """(filename, content type, bytes) of one attachment, or None."""
    path = _path(message_id)
    if path is None:
        return None
    parts = _attachments(_parse(path))
    if not 0 <= index < len(parts):
        return None
    part = parts[index]
    return part.get_filename() or f"attachment-{index}", part.get_content_type(), part.get_payload(decode=True) or b""
