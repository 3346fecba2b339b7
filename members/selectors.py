from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from members.models import Invitation, Membership, Role, User

# Highest first: the order in which a person's home page shows their roles.
ROLE_ORDER = ("admin", "manager", Role.FACILITATOR, Role.MENTOR, Role.COLLEAGUE, Role.INTERN)
# Members per page of the directory: a screenful of names to scan, not the whole organisation.
DIRECTORY_PAGE = 50


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
        Membership.objects.current()
        .filter(user=user, community__active=True)
        .select_related("community")
        .order_by("community__name")
    )


def roles_for(user: User) -> Roles:
    """Organisation-wide roles plus community roles (one query)."""
    from members.permissions import org_roles  # noqa: PLC0415 (permissions imports models only; avoid a cycle)

    return Roles(org=org_roles(user), memberships=current_memberships(user))


def community_members(*, community_id: int, role: str = "", query: str = "", page: str | int = 1) -> Page:
    """One page of the community's current members with their people and mentors, by name. Three
    queries (how many match, the page, its mentors), whatever the size of the community; a page
    number that is not one, or past the end, gives the first or the last page."""
    memberships = Membership.objects.current().filter(community_id=community_id)
    if role in Role.values:
        memberships = memberships.filter(role=role)
    if query := query.strip():
        memberships = memberships.filter(Q(user__full_name__icontains=query) | Q(user__email__icontains=query))
    # The people are joined to sort by name; the mentors are fetched for the page's members only.
    memberships = (
        memberships.select_related("user").prefetch_related("mentor").order_by("user__full_name", "user__email")
    )
    return Paginator(memberships, DIRECTORY_PAGE).get_page(page)


def member_profile(*, community_id: int, user_id: int) -> Membership | None:
    """One current member of the community, with their person, mentor and community (one query)."""
    return (
        Membership.objects.current()
        .filter(community_id=community_id, user_id=user_id)
        .select_related("user", "mentor", "community")
        .first()
    )


def mentees(*, mentor: User, community_id: int | None = None) -> list[Membership]:
    """The interns this person mentors: in one community, or (for their own home page) in all
    (one query)."""
    memberships = Membership.objects.current().filter(mentor=mentor)
    if community_id is not None:
        memberships = memberships.filter(community_id=community_id)
    return list(memberships.select_related("user", "community").order_by("user__full_name"))


def open_invitations(*, community_id: int) -> list[Invitation]:
    """Invitations not accepted or revoked (expired ones too: they can be resent), newest first."""
    return list(
        Invitation.objects.filter(community_id=community_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def community_users(*, community_id: int, role: str = "") -> QuerySet[User]:
    """The people who are current members of the community (in `role`, if given)."""
    members = Membership.objects.current().filter(community_id=community_id)
    if role:
        members = members.filter(role=role)
    return User.objects.filter(pk__in=members.values("user_id"))


def community_mentors(*, community_id: int) -> QuerySet[User]:
    return community_users(community_id=community_id, role=Role.MENTOR).order_by("full_name")
