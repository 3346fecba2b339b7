from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cop.models import VALUE_EXPLAINED, Success, ValueCycle
from cop.success_forms import SuccessForm
from cop.successes import (
    kudos_toggle,
    success_feature,
    success_hide,
    success_on_wall,
    success_share,
    success_unhide,
    success_wall,
    success_wall_page,
)
from members.permissions import Action, allowed, community_for

TEMPLATE = "cop/successes/wall.html"


def _value(cycle: str) -> str:
    """A value cycle to filter the wall by, or "" for all of them."""
    return cycle if cycle in ValueCycle.values else ""


def _on_wall(slug: str, success: Success, *, moderator: bool, value: str = "") -> str:
    """The page of the wall that shows `success` now (featuring moves it), scrolled to it; in the
    value cycle the wall was filtered by, if the success shows that one."""
    value = value if value == success.value else ""
    number = success_wall_page(success=success, moderator=moderator, value=value)
    query = urlencode([(key, item) for key, item in (("value", value), ("page", number)) if item and item != 1])
    return f"{reverse('success_wall', args=[slug])}{'?' if query else ''}{query}#success-{success.pk}"


@login_required
@require_GET
def wall(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's successes, featured first, a page at a time; members give kudos here."""
    community, viewer = community_for(request.user, slug, Action.VIEW_SUCCESSES)
    can_moderate = allowed(viewer, Action.MODERATE_SUCCESSES)
    value = _value(request.GET.get("value", ""))
    page = success_wall(
        community=community, user=request.user, moderator=can_moderate, value=value, page=request.GET.get("page", 1)
    )
    context = {
        "community": community,
        "page": page,
        "value": value,
        "values": [(cycle, VALUE_EXPLAINED[cycle]) for cycle in ValueCycle],
        "can_share": allowed(viewer, Action.SHARE_SUCCESS),
        "can_moderate": can_moderate,
        "can_see_meetings": allowed(viewer, Action.VIEW_MEETINGS),
    }
    return render(request, TEMPLATE, context)


@login_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, slug: str) -> HttpResponse:
    """Members share a success on a page of its own: its form offers every member, recent
    meeting and open or planned topic, too many to carry along on every view of the wall."""
    community, viewer = community_for(request.user, slug, Action.SHARE_SUCCESS)
    form = SuccessForm(request.POST or None, community=community)
    if form.is_bound and form.is_valid():
        try:
            success = success_share(community=community, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you for sharing! Your community hears about it."))
            moderator = allowed(viewer, Action.MODERATE_SUCCESSES)
            return redirect(_on_wall(slug, success, moderator=moderator))
    context = {"community": community, "form": form}
    return render(request, "cop/successes/share.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def kudos(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Gives or withdraws kudos (the button says which); htmx gets the button back."""
    community, viewer = community_for(request.user, slug, Action.SHARE_SUCCESS)
    # A hidden success is not there for those who cannot moderate.
    can_moderate = allowed(viewer, Action.MODERATE_SUCCESSES)
    success = success_on_wall(community=community, user=request.user, moderator=can_moderate, pk=pk)
    try:
        kudos_toggle(success=success, user=request.user, give=request.POST.get("give") != "0")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    value = _value(request.POST.get("value", ""))
    if not request.htmx:
        return redirect(_on_wall(slug, success, moderator=can_moderate, value=value))
    success = success_on_wall(community=community, user=request.user, moderator=can_moderate, pk=pk)
    context = {"community": community, "success": success, "can_share": True, "value": value}
    return render(request, f"{TEMPLATE}#kudos", context)


@login_required
@require_POST
def moderate(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    """Facilitators: feature, unfeature, hide or unhide a success."""
    community, _viewer = community_for(request.user, slug, Action.MODERATE_SUCCESSES)
    success = get_object_or_404(Success, pk=pk, community=community)
    try:
        if action == "feature":
            success_feature(success=success)
            messages.success(request, _("Featured: it now leads the wall."))
        elif action == "unfeature":
            success_feature(success=success, featured=False)
            messages.success(request, _("No longer featured."))
        elif action == "hide":
            success_hide(success=success)
            messages.success(request, _("Hidden: only facilitators see it now."))
        elif action == "unhide":
            success_unhide(success=success)
            messages.success(request, _("Shown on the wall again."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_on_wall(slug, success, moderator=True, value=_value(request.POST.get("value", ""))))
