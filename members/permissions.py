"""Who may see and do what, decided here and nowhere else.

Roles are per community (intern, mentor, colleague, facilitator) or organisation-wide (manager,
admin). `ACTIONS` is the matrix; `can()` answers one question for one person and community;
tests walk the whole matrix.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from members.models import Membership, Role, User

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from cop.models import Community


class Action(StrEnum):
    VIEW_COMMUNITY = "view_community"  # the community page, its domain statement
    VIEW_DIRECTORY = "view_directory"  # the member list and profiles
    EDIT_DOMAIN = "edit_domain"  # change the domain statement
    INVITE = "invite"  # invite people, see, resend and revoke invitations
    PAIR_MENTOR = "pair_mentor"  # pair a mentor with an intern
    VIEW_OUTBOX = "view_outbox"  # what went out to the community, and what failed
    VIEW_MEETINGS = "view_meetings"  # the community's meetings, who is going, RSVP
    PLAN_MEETINGS = "plan_meetings"  # create, edit, publish and cancel meetings
    RUN_SURVEYS = "run_surveys"  # templates, pulse surveys, who has not answered, reminders
    VIEW_RESULTS = "view_results"  # survey results and trends: aggregates, above the threshold
    READ_FREE_TEXT = "read_free_text"  # the free-text answers themselves
    VIEW_SUCCESSES = "view_successes"  # the success wall: stories, value cycles, kudos counts
    SHARE_SUCCESS = "share_success"  # share a success, give kudos
    MODERATE_SUCCESSES = "moderate_successes"  # feature, hide and unhide successes; see hidden ones
    VIEW_DASHBOARD = "view_dashboard"  # the success dashboard: aggregates and the health check
    VIEW_ANY_PATH = "view_any_path"  # any member's path on the participation ladder
    VIEW_INTERN_PATHS = "view_intern_paths"  # the interns' paths page (a mentor: their own interns)
    JOIN_SPRINT = "join_sprint"  # join a kick-off sprint board on a phone: cards, dots
    RUN_SPRINT = "run_sprint"  # set up and run a sprint board: rounds, groups, the screen, its outcomes


MEMBER_ROLES = frozenset(Role.values)
MANAGER, ADMIN = "manager", "admin"

# Action → roles allowed. Managers see the community, not its people (they get aggregates).
ACTIONS: dict[Action, frozenset[str]] = {
    Action.VIEW_COMMUNITY: MEMBER_ROLES | {MANAGER, ADMIN},
    Action.VIEW_DIRECTORY: MEMBER_ROLES | {ADMIN},
    Action.EDIT_DOMAIN: frozenset({Role.FACILITATOR, ADMIN}),
    Action.INVITE: frozenset({Role.FACILITATOR, ADMIN}),
    Action.PAIR_MENTOR: frozenset({Role.FACILITATOR, ADMIN}),
    Action.VIEW_OUTBOX: frozenset({Role.FACILITATOR, ADMIN}),
    Action.VIEW_MEETINGS: MEMBER_ROLES | {ADMIN},
    Action.PLAN_MEETINGS: frozenset({Role.FACILITATOR, ADMIN}),
    Action.RUN_SURVEYS: frozenset({Role.FACILITATOR, ADMIN}),
    Action.VIEW_RESULTS: frozenset({Role.FACILITATOR, MANAGER, ADMIN}),
    # What someone wrote is for the community's facilitators only: not managers, not admins.
    Action.READ_FREE_TEXT: frozenset({Role.FACILITATOR}),
    # Management sees the stories (that is what they are for), but kudos come from colleagues.
    Action.VIEW_SUCCESSES: MEMBER_ROLES | {MANAGER, ADMIN},
    Action.SHARE_SUCCESS: MEMBER_ROLES,
    Action.MODERATE_SUCCESSES: frozenset({Role.FACILITATOR, ADMIN}),
    Action.VIEW_DASHBOARD: frozenset({Role.FACILITATOR, MANAGER, ADMIN}),
    # A member sees their own path and a mentor their interns' (can_view_path); facilitators and
    # admins anyone's, as they pair mentors. Managers get aggregates only, never a person's path.
    Action.VIEW_ANY_PATH: frozenset({Role.FACILITATOR, ADMIN}),
    Action.VIEW_INTERN_PATHS: frozenset({Role.MENTOR, Role.FACILITATOR, ADMIN}),
    Action.JOIN_SPRINT: MEMBER_ROLES,
    Action.RUN_SPRINT: frozenset({Role.FACILITATOR, ADMIN}),
}


@dataclass(frozen=True)
class Standing:
    """A person's roles for one community: their community role (if a current member) and their
    organisation-wide ones."""

    role: str | None
    org: frozenset[str]

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else ""

    @property
    def roles(self) -> frozenset[str]:
        return self.org | ({self.role} if self.role else set())


def org_roles(user: User) -> frozenset[str]:
    """Organisation-wide roles: the one place that says who is admin and who is manager."""
    roles = set()
    if user.is_authenticated and user.is_active:
        if user.is_staff or user.is_superuser:
            roles.add(ADMIN)
        if user.is_manager:
            roles.add(MANAGER)
    return frozenset(roles)


def standing(user: User, community_id: int) -> Standing:
    """One query at most."""
    if not user.is_authenticated:
        return Standing(role=None, org=frozenset())
    role = (
        Membership.objects.current().filter(user=user, community_id=community_id).values_list("role", flat=True).first()
    )
    return Standing(role=role, org=org_roles(user))


def allowed(standing: Standing, action: Action) -> bool:
    return bool(standing.roles & ACTIONS[action])


def can(user: User, action: Action, community_id: int) -> bool:
    return allowed(standing(user, community_id), action)


def can_edit_learning_goals(user: User, membership: Membership) -> bool:
    """Interns and mentors edit their own learning goals; facilitators and admins may help."""
    if not user.is_authenticated:
        return False
    if membership.user_id == user.pk:
        return membership.role in {Role.INTERN, Role.MENTOR}
    return allowed(standing(user, membership.community_id), Action.PAIR_MENTOR)


def can_view_path(user: User, viewer: Standing, membership: Membership) -> bool:
    """Whether `user` (standing `viewer` in the membership's community) may see that member's path
    on the ladder: their own, their intern's while both are members, or anyone's (VIEW_ANY_PATH)."""
    if allowed(viewer, Action.VIEW_ANY_PATH):
        return True
    return bool(viewer.role) and user.pk in {membership.user_id, membership.mentor_id}


def community_for(user: User, slug: str, action: Action) -> tuple["Community", Standing]:
    """The active community named by `slug` and the person's standing in it, if they may do
    `action` there: 404 for an unknown community, 403 otherwise (the check every view makes)."""
    from django.shortcuts import get_object_or_404  # noqa: PLC0415 (keep this module light to import)

    from cop.models import Community  # noqa: PLC0415 (cop.models imports members at load)

    community = get_object_or_404(Community, slug=slug, active=True)
    viewer = standing(user, community.pk)
    if not allowed(viewer, action):
        raise PermissionDenied
    return community, viewer


def communities_for(user: User, action: Action) -> "QuerySet[Community]":
    """The active communities where the person may do `action`: all of them for an
    organisation-wide role that may, else those where their community role may."""
    from cop.models import Community  # noqa: PLC0415 (cop.models imports members at load)

    communities = Community.objects.filter(active=True)
    if org_roles(user) & ACTIONS[action]:
        return communities
    if not user.is_authenticated:
        return communities.none()
    roles = [role for role in ACTIONS[action] if role in MEMBER_ROLES]
    return communities.filter(
        pk__in=Membership.objects.current().filter(user=user, role__in=roles).values("community_id")
    )


def community_roles(user: User) -> dict[int, str]:
    """The person's current role per community id: one query, for pages about many communities."""
    if not user.is_authenticated:
        return {}
    return dict(Membership.objects.current().filter(user=user).values_list("community_id", "role"))


def can_take_attendance(viewer: Standing, *, host_id: int | None, user_id: int) -> bool:
    """The facilitator (or admin), or the meeting's host if still a member."""
    return allowed(viewer, Action.PLAN_MEETINGS) or (bool(viewer.role) and host_id == user_id)
