from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from members.models import Invitation, Membership, Role, User

# Highest first: the order in which a person's home page shows their roles.
ROLE_ORDER = ("admin", "manager", Role.FACILITATOR, Role.MENTOR, Role.COLLEAGUE, Role.INTERN)


@dataclass(frozen=True)
class Roles:
    """What a person is across the organisation, for navigation and the home page."""

    org: frozenset[str] = frozenset()
    memberships: list[Membership] = field(default_factory=list)

    @property
    def all(self) -> list[str]:
        present = self.org | {membership.role for membership in self.memberships}
        return [role for role in ROLE_ORDER if role in present]

    @property
    def primary(self) -> str | None:
        return self.all[0] if self.all else None


def current_memberships(user: User) -> list[Membership]:
    """The person's memberships in active communities that they have not left, by community name."""
    return list(
        Membership.objects.filter(user=user, left_at__isnull=True, alumni_at__isnull=True, community__active=True)
        .select_related("community")
        .order_by("community__name")
    )


def roles_for(user: User) -> Roles:
    """Organisation-wide roles from the user's flags plus community roles (one query)."""
    org = set()
    if user.is_staff or user.is_superuser:
        org.add("admin")
    if user.is_manager:
        org.add("manager")
    return Roles(org=frozenset(org), memberships=current_memberships(user))


def community_members(*, community_id: int, role: str = "", query: str = "") -> list[Membership]:
    """The community's current members with their people and mentors, by name (one query)."""
    memberships = Membership.objects.filter(
        community_id=community_id, left_at__isnull=True, alumni_at__isnull=True
    ).select_related("user", "mentor")
    if role in Role.values:
        memberships = memberships.filter(role=role)
    if query := query.strip():
        memberships = memberships.filter(Q(user__full_name__icontains=query) | Q(user__email__icontains=query))
    return list(memberships.order_by("user__full_name", "user__email"))


def member_profile(*, community_id: int, user_id: int) -> Membership | None:
    """One current member of the community, with their person, mentor and community (one query)."""
    return (
        Membership.objects.filter(community_id=community_id, user_id=user_id, left_at__isnull=True)
        .select_related("user", "mentor", "community")
        .first()
    )


def mentees(*, mentor: User) -> list[Membership]:
    """The interns this person mentors, in every community (one query)."""
    return list(
        Membership.objects.filter(mentor=mentor, left_at__isnull=True, alumni_at__isnull=True)
        .select_related("user", "community")
        .order_by("user__full_name")
    )


def open_invitations(*, community_id: int) -> list[Invitation]:
    """Invitations not accepted or revoked (expired ones too: they can be resent), newest first."""
    return list(
        Invitation.objects.filter(community_id=community_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def community_mentors(*, community_id: int) -> QuerySet[User]:
    return User.objects.filter(
        memberships__community_id=community_id,
        memberships__role=Role.MENTOR,
        memberships__left_at__isnull=True,
    ).order_by("full_name")
