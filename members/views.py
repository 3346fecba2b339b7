from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cop.audit import audit_record
from cop.models import AuditAction, Community
from cop.ratelimit import link_guarded, link_missed
from members import invitations as invites
from members import privacy, selectors
from members.forms import AcceptForm, DirectoryFilterForm, EraseForm, InviteForm, LearningGoalsForm, MentorForm
from members.models import Invitation, Membership, Role, User
from members.permissions import Action, allowed, can_edit_learning_goals, can_view_path, community_for, standing
from members.services import learning_goals_set, mentor_pair

PREVIEW_SALT = "gilde.invitations.preview"


@login_required
@require_GET
def directory(request: HttpRequest, slug: str) -> HttpResponse:
    """The member list, a page at a time, filtered by role and a search; htmx swaps just the list."""
    community = community_for(request.user, slug, Action.VIEW_DIRECTORY)[0]
    filters = DirectoryFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    page = selectors.community_members(
        community_id=community.pk, role=data.get("role", ""), query=data.get("q", ""), page=request.GET.get("page", 1)
    )
    template = "members/directory.html"
    # Going back to a page htmx no longer has, it asks for the whole page again.
    if request.htmx and not request.htmx.history_restore_request:
        template += "#member-list"
    return render(request, template, {"community": community, "filters": filters, "page": page})


@login_required
@require_GET
def profile(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    community = community_for(request.user, slug, Action.VIEW_DIRECTORY)[0]
    membership = selectors.member_profile(community_id=community.pk, user_id=user_id)
    if membership is None:
        raise Http404
    return render(request, "members/profile.html", _profile_context(request, community, membership))


def _profile_context(
    request: HttpRequest, community: Community, membership: Membership, goals_form: LearningGoalsForm | None = None
) -> dict[str, object]:
    viewer = standing(request.user, community.pk)
    return {
        "community": community,
        "membership": membership,
        "person": membership.user,
        "mentees": (
            selectors.mentees(mentor=membership.user, community_id=community.pk)
            if membership.role == Role.MENTOR
            else []
        ),
        "can_edit_goals": can_edit_learning_goals(request.user, membership),
        "can_pair": allowed(viewer, Action.PAIR_MENTOR) and membership.role == Role.INTERN,
        "can_see_path": can_view_path(request.user, viewer, membership),
        "goals_form": goals_form or LearningGoalsForm(instance=membership),
        "mentor_form": MentorForm(
            initial={"mentor": membership.mentor_id}, mentors=selectors.community_mentors(community_id=community.pk)
        ),
    }


@login_required
@require_POST
def learning_goals_edit(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    community = community_for(request.user, slug, Action.VIEW_DIRECTORY)[0]
    membership = selectors.member_profile(community_id=community.pk, user_id=user_id)
    if membership is None:
        raise Http404
    if not can_edit_learning_goals(request.user, membership):
        raise PermissionDenied
    form = LearningGoalsForm(request.POST, instance=membership)
    if not form.is_valid():
        # The profile again, with the goals as typed and why they were not saved.
        context = _profile_context(request, community, membership, goals_form=form)
        return render(request, "members/profile.html", context, status=400)
    learning_goals_set(membership=membership, text=form.cleaned_data["learning_goals"])
    messages.success(request, _("Learning goals saved."))
    # A fragment of its own, or the browser keeps the form's and scrolls past the message.
    return redirect(reverse("member_profile", args=[slug, user_id]) + "#main")


@login_required
@require_POST
def mentor_edit(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    community = community_for(request.user, slug, Action.PAIR_MENTOR)[0]
    membership = selectors.member_profile(community_id=community.pk, user_id=user_id)
    if membership is None or membership.role != Role.INTERN:
        raise Http404
    form = MentorForm(request.POST, mentors=selectors.community_mentors(community_id=community.pk))
    if form.is_valid():
        mentor_pair(membership=membership, mentor=form.cleaned_data["mentor"])
        messages.success(request, _("Mentor saved."))
    else:
        messages.error(request, _("Choose a mentor of this community."))
    return redirect("member_profile", slug=slug, user_id=user_id)


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite people (a pasted list or a CSV), preview each row's problems, then send."""
    community = community_for(request.user, slug, Action.INVITE)[0]
    form = InviteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "confirm" in request.POST:
        return _invitations_send(request, community)
    if request.method == "POST" and form.is_valid():
        try:
            rows = _rows(form)
        except invites.InviteInputError as error:
            # Beside the field it is about (and linked to it): the file, or the pasted list.
            form.add_error("file" if form.cleaned_data.get("file") else "addresses", str(error))
        else:
            rows = invites.rows_check(community=community, rows=rows)
            payload = signing.dumps([row.as_data() for row in rows if row.ok], salt=PREVIEW_SALT, compress=True)
            return render(
                request,
                "members/invitation_preview.html",
                {"community": community, "rows": rows, "good": sum(row.ok for row in rows), "payload": payload},
            )
    context = {
        "community": community,
        "form": form,
        "open_invitations": selectors.open_invitations(community_id=community.pk),
    }
    return render(request, "members/invitations.html", context, status=400 if form.errors else 200)


def _rows(form: InviteForm) -> list[invites.InviteRow]:
    role = form.cleaned_data["role"]
    if upload := form.cleaned_data.get("file"):
        return invites.rows_from_csv(upload.read(invites.MAX_CSV_BYTES + 1), role=role)
    return invites.rows_from_text(form.cleaned_data["addresses"], role=role)


def _invitations_send(request: HttpRequest, community: Community) -> HttpResponse:
    try:
        data = signing.loads(request.POST.get("payload", ""), salt=PREVIEW_SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, _("The preview expired. Please check the list again."))
        return redirect("invitations", slug=community.slug)
    sent = invites.invitations_send(
        community=community, rows=[invites.InviteRow.from_data(row) for row in data], invited_by=request.user
    )
    messages.success(
        request, ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", len(sent)) % {"count": len(sent)}
    )
    return redirect("invitations", slug=community.slug)


def _open_invitation(request: HttpRequest, slug: str, pk: int) -> Invitation:
    community = community_for(request.user, slug, Action.INVITE)[0]
    return get_object_or_404(Invitation, pk=pk, community=community)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = _open_invitation(request, slug, pk)
    try:
        invites.invitation_resend(invitation=invitation, actor=request.user)
    except ValueError:
        messages.error(request, _("This invitation can no longer be sent."))
    else:
        messages.success(request, _("Invitation sent again to %(email)s.") % {"email": invitation.email})
    return redirect("invitations", slug=slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = _open_invitation(request, slug, pk)
    invites.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("invitations", slug=slug)


@require_http_methods(["GET", "POST"])
@link_guarded("invitation")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link from the e-mail. New people set a name and password; people who already
    have an account just join the community."""
    # A NUL (which PostgreSQL refuses) or any other unprintable character is no token of ours.
    invitations = Invitation.objects.select_related("community", "invited_by").filter(token=token)
    invitation = invitations.first() if token.isprintable() else None
    if invitation is None:
        link_missed(request, "invitation")
    if problem := invites.invitation_problem(invitation):
        return render(request, "members/invitation_invalid.html", {"problem": problem}, status=410)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    form = (
        None
        if existing
        else AcceptForm(request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name})
    )
    if request.method == "POST" and (existing or form.is_valid()):
        try:
            user, created = invites.invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else None,
            )
        except ValueError as error:
            return render(request, "members/invitation_invalid.html", {"problem": str(error)}, status=410)
        if not created and request.user != user:
            # The link proves the address, not the password: someone whose account already existed
            # (perhaps created a moment ago in another tab) logs in the usual way.
            messages.success(
                request, _("You joined %(name)s. Log in to continue.") % {"name": invitation.community.name}
            )
            return redirect("account_login")
        login(request, user, backend="members.backends.ModelBackend")
        messages.success(request, _("Welcome to %(name)s!") % {"name": invitation.community.name})
        return redirect("home")
    return render(
        request, "members/invitation_accept.html", {"invitation": invitation, "form": form, "existing": existing}
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """Download everything Gilde holds about you, or erase your account."""
    form = EraseForm(request.POST or None, email=request.user.email)
    if request.method == "POST" and form.is_valid():
        privacy.user_erase(user=request.user, actor=request.user)
        logout(request)
        return render(request, "members/erased.html")
    return render(request, "members/my_data.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def my_data_export(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(
        privacy.user_export(user=request.user), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    audit_record(actor=request.user, action=AuditAction.DATA_EXPORTED, target=request.user)
    response["Content-Disposition"] = 'attachment; filename="gilde-mijn-gegevens.json"'
    return response
