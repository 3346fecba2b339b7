from django.db import transaction
from django.utils import timezone

from cop.models import Community, DomainStatementRevision, Heartbeat
from members.models import User


def heartbeat_record(*, name: str) -> Heartbeat:
    """Sets the heartbeat `name` to now."""
    beat, _ = Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})
    return beat


@transaction.atomic
def community_save_with_domain(*, community: Community, author: User | None) -> Community:
    """Saves the community and records its domain statement as a new revision."""
    community.save()
    DomainStatementRevision.objects.create(community=community, text=community.domain_statement, author=author)
    return community


@transaction.atomic
def domain_statement_update(
    *, community: Community, text: str, author: User, adopt_draft: bool = False
) -> DomainStatementRevision | None:
    """Changes the community's domain statement and keeps the old one in its history; None when
    the text did not change (saving it again is not revisiting the domain). With `adopt_draft`
    the text began as the draft a kick-off sprint proposed, and that draft is cleared."""
    if adopt_draft and community.domain_draft:
        community.domain_draft = ""
        community.save(update_fields=["domain_draft"])
    text = text.strip()
    if text == community.domain_statement.strip():
        return None
    community.domain_statement = text
    community.save(update_fields=["domain_statement"])
    return DomainStatementRevision.objects.create(community=community, text=text, author=author)
