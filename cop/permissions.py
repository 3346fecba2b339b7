"""Who may see what in the cop app, decided here and nowhere else."""

from cop.models import Community
from members.models import Membership, Role, User


def is_facilitator(user: User, community: Community) -> bool:
    return Membership.objects.filter(
        user=user, community=community, role=Role.FACILITATOR, left_at__isnull=True
    ).exists()


def can_see_outbox(user: User, community: Community) -> bool:
    """What went out to a community, and what failed: its facilitators and admins."""
    return user.is_authenticated and (user.is_staff or is_facilitator(user, community))
