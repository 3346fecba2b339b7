from dataclasses import dataclass, field

from members.models import Membership, Role, User

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
        Membership.objects.filter(user=user, left_at__isnull=True, community__active=True)
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
