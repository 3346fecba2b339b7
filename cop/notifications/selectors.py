from django.db.models import Count, QuerySet

from cop.models import Community, Notification
from cop.models.notification import Status


def community_outbox(*, community: Community, status: str | None = None, limit: int = 100) -> list[Notification]:
    """The community's newest notifications, with their recipients (one query)."""
    rows: QuerySet[Notification] = Notification.objects.filter(community=community).select_related("recipient")
    if status in Status.values:
        rows = rows.filter(status=status)
    return list(rows.order_by("-created_at", "-pk")[:limit])


def community_outbox_counts(*, community: Community) -> dict[str, int]:
    """How many of the community's notifications are in each status (one query)."""
    counts = dict.fromkeys(Status.values, 0)
    for row in Notification.objects.filter(community=community).values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts
