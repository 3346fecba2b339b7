"""The kick-off sprint board, the facilitator's side: attach a board to a meeting, set it up
(rounds, dots, groups), run it from a projector screen, and turn its summary into the
community's draft domain statement, shared learning goals and topic list. The participants'
side (joining by code, the phone board) is meetings/sprint_views.py."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import sprint
from meetings.models import (
    Meeting,
    MeetingStatus,
    SprintBoard,
    SprintColumn,
    SprintParticipant,
    SprintRound,
    SprintStatus,
)
from meetings.sprint_admin_forms import OUTCOMES, DotsForm, GroupsForm, MoveForm, OutcomeForm, RoundFormSet
from members.permissions import Action, Standing, allowed, standing

BARE = "meetings/sprint/admin_bare.html"  # no navigation: the projector and the printout


def _board(request: HttpRequest, pk: int, action: Action = Action.RUN_SPRINT) -> tuple[SprintBoard, Standing]:
    """The meeting's sprint board, if the person may `action` in its community (one query, and
    one for their standing)."""
    board = SprintBoard.objects.select_related("meeting__community").filter(meeting_id=pk).first()
    if board is None:
        raise Http404
    viewer = standing(request.user, board.meeting.community_id)
    if not allowed(viewer, action):
        raise PermissionDenied
    if board.meeting.status == MeetingStatus.DRAFT and not allowed(viewer, Action.PLAN_MEETINGS):
        raise Http404
    return board, viewer


def join_url(board: SprintBoard) -> str:
    """Where a phone joins (the participants' side), absolute for the QR code."""
    return settings.SITE_URL + reverse("sprint_join", args=[board.code])


def qr_svg(url: str, *, label: str) -> SafeString:
    """The URL as a QR code in SVG (segno writes attributes, no style, so the CSP holds)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=2, dark="#000", light="#fff", omitsize=True, svgclass="sprint-qr", lineclass=None, title=label
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 (segno's own markup; the URL is escaped in its title)


@login_required
@require_POST
def sprint_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attaches a sprint board to the meeting (once; a second click finds the first board)."""
    meeting = get_object_or_404(Meeting.objects.select_related("sprint"), pk=pk)
    viewer = standing(request.user, meeting.community_id)
    if not allowed(viewer, Action.RUN_SPRINT):
        raise PermissionDenied
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, _("This meeting is cancelled."))
        return redirect("meeting_detail", pk=pk)
    if not hasattr(meeting, "sprint"):
        sprint.sprint_create(meeting=meeting, by=request.user)
        messages.success(request, _("Sprint board added. Set its rounds, then make the groups."))
    return redirect("sprint_setup", pk=pk)


def _setup_context(board: SprintBoard, *, rounds: list[SprintRound], **forms: object) -> dict[str, object]:
    groups = list(board.groups.all())
    seats = sprint.seats(board)
    for seat in seats:
        seat.form = MoveForm(groups=groups, initial={"group": seat.group_id}, prefix=f"seat-{seat.pk}")
    return {
        "board": board,
        "meeting": board.meeting,
        "rounds": rounds,
        "next_round": next((r for r in rounds if r.position > board.round_number), None),
        "groups": [(group, [seat for seat in seats if seat.group_id == group.pk]) for group in groups],
        "ungrouped": [seat for seat in seats if seat.group_id is None],
        "seat_count": len(seats),
        "join_url": join_url(board),
        "formset": forms.get("formset") or RoundFormSet(initial=_initial(rounds), prefix="rounds"),
        "dots_form": forms.get("dots_form") or DotsForm(initial={"dots": board.dots}),
        "groups_form": forms.get("groups_form") or GroupsForm(),
        "moved": forms.get("moved", ""),
    }


def _initial(rounds: list[SprintRound]) -> list[dict]:
    return [{"title": r.title, "minutes": r.minutes, "voting": r.voting} for r in rounds]


@login_required
@require_http_methods(["GET", "POST"])
def sprint_setup(request: HttpRequest, pk: int) -> HttpResponse:
    """Rounds, dots and groups. Two forms post here: `step=rounds` (with the dots) and
    `step=groups`; an invalid one comes back with its errors."""
    board, _viewer = _board(request, pk)
    rounds = list(board.rounds.all())
    forms: dict[str, object] = {}
    step = request.POST.get("step")
    if step == "rounds":
        formset = RoundFormSet(request.POST, initial=_initial(rounds), prefix="rounds")
        dots_form = DotsForm(request.POST)
        if formset.is_valid() and dots_form.is_valid():
            try:
                with transaction.atomic():
                    sprint.rounds_set(board=board, rounds=formset.rounds())
                    sprint.dots_set(board=board, dots=dots_form.cleaned_data["dots"])
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)  # shown above the rounds
            else:
                messages.success(request, _("Rounds saved."))
                return redirect("sprint_setup", pk=pk)
        forms = {"formset": formset, "dots_form": dots_form}
    elif step == "groups":
        groups_form = GroupsForm(request.POST)
        if groups_form.is_valid():
            try:
                made = sprint.groups_make(board=board, size=groups_form.cleaned_data["size"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    ngettext("Everyone is in %(count)d group.", "Everyone is in one of %(count)d groups.", len(made))
                    % {"count": len(made)},
                )
            return redirect(reverse("sprint_setup", args=[pk]) + "#groups")
        forms = {"groups_form": groups_form}
    elif request.method == "POST":
        raise Http404
    context = _setup_context(board, rounds=rounds, **forms)
    return render(request, "meetings/sprint/admin_setup.html", context, status=400 if forms else 200)


@login_required
@require_POST
def sprint_seat_move(request: HttpRequest, pk: int, seat_id: int) -> HttpResponse:
    """Puts one participant in another group (or none) by hand; htmx swaps the groups."""
    board, _viewer = _board(request, pk)
    seat = get_object_or_404(SprintParticipant.objects.select_related("user"), board=board, pk=seat_id)
    form = MoveForm(request.POST, groups=list(board.groups.all()), prefix=f"seat-{seat.pk}")
    moved = ""
    if form.is_valid():
        group = form.cleaned_data["group"]
        try:
            sprint.participant_move(board=board, seat=seat, group=group)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            moved = (
                _("%(person)s is now in %(group)s.") % {"person": seat.user, "group": group}
                if group
                else _("%(person)s is in no group now.") % {"person": seat.user}
            )
    if not request.htmx:
        if moved:
            messages.success(request, moved)
        return redirect(reverse("sprint_setup", args=[pk]) + "#groups")
    context = _setup_context(board, rounds=list(board.rounds.all()), moved=moved)
    return render(request, "meetings/sprint/admin_setup.html#sprint-groups", context)


@login_required
@require_POST
def sprint_control(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The facilitator's buttons: next round (the first starts the sprint), reveal or hide all
    boards, close the sprint."""
    board, _viewer = _board(request, pk)
    back = "sprint_setup" if request.POST.get("back") == "setup" else "sprint_screen"
    try:
        if action == "next":
            shown = request.POST.get("round", "")
            after = int(shown) if shown.isdecimal() and shown.isascii() and len(shown) <= 4 else None
            started = sprint.round_next(board=board, after=after)
            if started is None:
                messages.info(request, _("That was the last round: close the sprint for its summary."))
        elif action in {"reveal", "hide"}:
            sprint.reveal(board=board, shown=action == "reveal")
        elif action == "close":
            sprint.sprint_close(board=board)
            messages.success(request, _("The sprint is closed. Here is what it brought."))
            return redirect("sprint_summary", pk=pk)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(back, pk=pk)


def _screen_context(board: SprintBoard, rounds: list[SprintRound]) -> dict[str, object]:
    """What the projector shows, in a fixed number of queries: progress and, once the boards
    are revealed, every card with its dots."""
    current = next((r for r in rounds if r.position == board.round_number), None)
    left = sprint.seconds_left(board, current.minutes if current else None)
    return {
        "board": board,
        "meeting": board.meeting,
        "rounds": rounds,
        "current": current,
        "next_round": next((r for r in rounds if r.position > board.round_number), None),
        "left": left,
        "timer": "" if left is None else f"{left // 60}:{left % 60:02d}",
        "progress": sprint.progress(board),
        "cards": sprint.group_cards(board, group_id=None) if board.revealed else [],
        "columns": SprintColumn.choices,
        "closed": board.status == SprintStatus.CLOSED,
    }


@login_required
@require_GET
def sprint_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The projector: join code and QR, the round and its time, each group's progress, the
    revealed boards. Its live region polls every two seconds with the board's version and the
    seconds it shows; when nothing changed and no clock runs (no round, or its time is up), the
    answer is 204 and nothing is redrawn."""
    board, _viewer = _board(request, pk)
    rounds = list(board.rounds.all())
    if request.htmx:
        current = next((r for r in rounds if r.position == board.round_number), None)
        left = sprint.seconds_left(board, current.minutes if current else None)
        still = left in {None, 0} and request.GET.get("left", "") == ("" if left is None else "0")
        if still and request.GET.get("v") == str(board.version):
            return HttpResponse(status=204)
        return render(request, "meetings/sprint/admin_screen.html#sprint-live", _screen_context(board, rounds))
    context = _screen_context(board, rounds) | {
        "join_url": join_url(board),
        "qr": qr_svg(join_url(board), label=_("QR code to join the sprint")),
    }
    return render(request, "meetings/sprint/admin_screen.html", context)


@login_required
@require_GET
def sprint_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The top cards per column with their dots and the pitfall → solution pairs; for every
    member once the sprint is closed, for its facilitators with the actions. `?print=1` gives
    a page without navigation for printing."""
    board, viewer = _board(request, pk, Action.VIEW_MEETINGS)
    can_run = allowed(viewer, Action.RUN_SPRINT)
    if board.status != SprintStatus.CLOSED and not can_run:
        raise Http404
    printable = request.GET.get("print") == "1"
    result = sprint.summary(board)
    context = {
        "board": board,
        "meeting": board.meeting,
        "summary": result,
        "top": [(column, label, result.top[column]) for column, label in SprintColumn.choices],
        "outcomes": OUTCOMES,
        "can_run": can_run and not printable,
        "printable": printable,
        "layout": BARE if printable else "base.html",
    }
    return render(request, "meetings/sprint/admin_summary.html", context)


@login_required
@require_POST
def sprint_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """The chosen cards become the draft domain statement, shared learning goals or topics."""
    board, _viewer = _board(request, pk)
    form = OutcomeForm(request.POST, board=board)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect("sprint_summary", pk=pk)
    ids, to = form.card_ids(), form.cleaned_data["to"]
    community = board.meeting.community
    if to == "domain":
        sprint.to_domain_draft(board=board, card_ids=ids)
        text = ngettext(
            "The draft domain statement holds %(count)d card: adopt it on the community page.",
            "The draft domain statement holds %(count)d cards: adopt it on the community page.",
            len(ids),
        )
        count = len(ids)
    elif to == "goals":
        before = len([line for line in community.learning_goals.splitlines() if line.strip()])
        after = sprint.to_learning_goals(board=board, card_ids=ids).learning_goals
        count = len([line for line in after.splitlines() if line.strip()]) - before
        text = ngettext(
            "%(count)d learning goal added to the shared learning goals.",
            "%(count)d learning goals added to the shared learning goals.",
            count,
        )
    else:
        count = sprint.to_topics(board=board, card_ids=ids, by=request.user)
        text = ngettext("%(count)d topic added to the topic list.", "%(count)d topics added to the topic list.", count)
    messages.success(request, text % {"count": count})
    return redirect("sprint_summary", pk=pk)
