"""The registry of notification kinds: what each one is called, which preference category it
falls under, where its templates live and what it attaches. Apps register their kinds in
`AppConfig.ready()`; queueing an unregistered kind is a programming error."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cop.models.notification import Category

if TYPE_CHECKING:
    from cop.models import Notification


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    category: Category
    # Folder under templates/ holding subject.txt, body.txt, body.html (e-mail) and chat.txt (chat).
    # None for kinds whose message is rendered when queued (allauth's account mails).
    template: str | None = None
    attachments: Callable[["Notification"], list[Attachment]] | None = None

    @property
    def mandatory(self) -> bool:
        return self.category == Category.SECURITY


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    existing = _registry.get(kind.name)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {kind.name!r} is registered twice, differently.")
    _registry[kind.name] = kind
    return kind


def find(name: str) -> Kind | None:
    """The kind, or None for one no longer registered (old rows may name one)."""
    return _registry.get(name)


def label(name: str) -> str | Promise:
    """The kind's name for people; the stored name for a kind no longer registered."""
    kind = find(name)
    return kind.label if kind else name


def get(name: str) -> Kind:
    try:
        return _registry[name]
    except KeyError:
        raise ValueError(f"Unknown notification kind {name!r}; register it in AppConfig.ready().") from None


# Account and security mail from django-allauth: rendered when queued, never switched off.
ACCOUNT = register(Kind("account", _("Account mail"), Category.SECURITY))
# A facilitator's invitation to join a community (a personal link): never switched off.
INVITATION = register(Kind("invitation", _("Invitation"), Category.SECURITY, template="notifications/invitation"))
# A message from a community's facilitators to its members (also posted to the chat webhook).
ANNOUNCEMENT = register(
    Kind("announcement", _("Announcement"), Category.ANNOUNCEMENT, template="notifications/announcement")
)
