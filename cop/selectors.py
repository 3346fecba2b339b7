from cop.models import DomainStatementRevision
from members.models import Membership, Role


def community_facilitators(*, community_id: int) -> list[Membership]:
    return list(
        Membership.objects.current().filter(community_id=community_id, role=Role.FACILITATOR).select_related("user")
    )


def domain_revisions(*, community_id: int, limit: int = 10) -> list[DomainStatementRevision]:
    """The domain statement's history, newest first, with authors (one query)."""
    return list(
        DomainStatementRevision.objects.filter(community_id=community_id)
        .select_related("author")
        .order_by("-created_at", "-pk")[:limit]
    )
