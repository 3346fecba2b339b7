"""The cop app's permission questions, answered by members.permissions (the one matrix)."""

from cop.models import Community
from members.models import User
from members.permissions import Action, can


def can_see_outbox(user: User, community: Community) -> bool:
    """What went out to a community, and what failed: its facilitators and admins."""
    return user.is_authenticated and can(user, Action.VIEW_OUTBOX, community.pk)
