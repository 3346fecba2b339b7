from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from cop.models import Community
from cop.models.notification import Category, Status
from cop.notifications import selectors
from cop.notifications.forms import PreferencesForm
from cop.notifications.services import preference_set, preferences_for
from cop.notifications.tokens import unsubscribe_token_read
from cop.permissions import can_see_outbox
from cop.ratelimit import link_missed
from members.models import User


# Mail clients send RFC 8058 one-click unsubscribes as a bare POST without our CSRF token; the
# signed token in the URL is what authorises the change.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = unsubscribe_token_read(token)
    user = User.objects.filter(pk=found[0], is_active=True).first() if found else None
    if user is None:  # signed: only a link that fails is counted (cop.ratelimit)
        return link_missed(request, "unsubscribe") or render(
            request, "notifications/unsubscribe_invalid.html", status=404
        )
    category = Category(found[1])
    if request.method == "POST":
        preference_set(user=user, category=category, email=False)
        return render(request, "notifications/unsubscribe_done.html", {"category": category, "person": user})
    return render(request, "notifications/unsubscribe_confirm.html", {"category": category, "person": user})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = preferences_for(request.user)
    form = PreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        for category, wanted in form.cleaned_data.items():
            if wanted != current[category]:
                preference_set(user=request.user, category=category, email=wanted)
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
@require_GET
def community_outbox(request: HttpRequest, slug: str) -> HttpResponse:
    # Like every page of a community (members.permissions.community_for): one switched off is gone.
    community = get_object_or_404(Community, slug=slug, active=True)
    if not can_see_outbox(request.user, community):
        raise PermissionDenied
    status = request.GET.get("status")
    status = status if status in Status.values else None
    counts = selectors.community_outbox_counts(community=community)
    context = {
        "community": community,
        "status": status,
        "statuses": [(value, label, counts[value]) for value, label in Status.choices],
        "rows": selectors.community_outbox(community=community, status=status),
    }
    return render(request, "notifications/community_outbox.html", context)
