"""Paths on the participation ladder: a member's own, one member's (for themselves, their mentor,
facilitators and admins), and a mentor's interns side by side. Managers get the aggregates on the
dashboard, never a person's path."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from members import selectors
from members.paths import interns_followed, paths, rungs
from members.permissions import Action, allowed, can_view_path, community_for


@login_required
@require_GET
def my_path(request: HttpRequest) -> HttpResponse:
    """The person's own rung per month in each of their communities."""
    memberships = selectors.current_memberships(request.user)
    found = paths(pairs=[(request.user.pk, membership.community_id) for membership in memberships])
    context = {
        "rows": [(membership, found[request.user.pk, membership.community_id]) for membership in memberships],
        "rungs": rungs(),
    }
    return render(request, "members/path_mine.html", context)


@login_required
@require_GET
def member_path(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """One member's path in one community, for those who may see it (can_view_path)."""
    community, viewer = community_for(request.user, slug, Action.VIEW_COMMUNITY)
    membership = selectors.member_profile(community_id=community.pk, user_id=user_id)
    if membership is None or not can_view_path(request.user, viewer, membership):
        # Whether someone is a member is only told to those who could see their path.
        raise Http404 if membership is None and allowed(viewer, Action.VIEW_ANY_PATH) else PermissionDenied
    context = {
        "community": community,
        "membership": membership,
        "person": membership.user,
        "path": paths(pairs=[(membership.user_id, community.pk)])[membership.user_id, community.pk],
        "own": membership.user_id == request.user.pk,
        "rungs": rungs(),
    }
    return render(request, "members/path_member.html", context)


@login_required
@require_GET
def intern_paths(request: HttpRequest, slug: str) -> HttpResponse:
    """A mentor's interns (facilitators and admins: every intern) with their paths, compact."""
    community, viewer = community_for(request.user, slug, Action.VIEW_INTERN_PATHS)
    everyone = allowed(viewer, Action.VIEW_ANY_PATH)
    interns = interns_followed(community_id=community.pk, mentor_id=None if everyone else request.user.pk)
    found = paths(pairs=[(intern.user_id, community.pk) for intern in interns])
    context = {
        "community": community,
        "rows": [(intern, found[intern.user_id, community.pk]) for intern in interns],
        "everyone": everyone,
        "rungs": rungs(),
    }
    return render(request, "members/path_interns.html", context)
