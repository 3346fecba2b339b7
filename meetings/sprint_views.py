"""The kick-off sprint board, the participant's side: join by the meeting page or a short code,
then a phone-sized board of one's group with three columns, cards and dots. The facilitator's
side is meetings/sprint_admin_views.py.

The board polls (htmx, every two seconds) for its live parts: the round, the card lists and the
other groups' boards. The add forms stay out of what a poll replaces, so nothing being typed is
ever wiped; the one part of a form that changes with the board (which pitfall a solution
answers) is sent along with each poll and comes back chosen. Every action is a plain form too.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from meetings import sprint
from meetings.models import MeetingStatus, SprintBoard, SprintCard, SprintColumn
from meetings.sprint_selectors import BoardView, board_for, board_view, clock
from members.permissions import Action, allowed, standing

PAGE = "meetings/sprint/board.html"
LIVE = PAGE + "#sprint-update"
TEXT_LIMIT = 2000  # more than a card holds, so the service says so instead of a silent cut


@dataclass
class Draft:
    """An add form as it is shown again: after an error with what was typed, or empty."""

    column: str
    text: str = ""
    answers: int | None = None
    errors: list[str] = field(default_factory=list)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _board(request: HttpRequest, pk: int) -> SprintBoard:
    """The meeting's board, if the person may take part (one query): 404 without a board or on
    a draft meeting they cannot plan, 403 for anyone but the community's members."""
    board = board_for(meeting_id=pk, user=request.user)
    if board is None:
        raise Http404
    if not allowed(board.viewer, Action.JOIN_SPRINT):
        raise PermissionDenied
    if board.meeting.status == MeetingStatus.DRAFT and not allowed(board.viewer, Action.PLAN_MEETINGS):
        raise Http404
    return board


def _context(board: SprintBoard, view: BoardView, request: HttpRequest, **extra: object) -> dict[str, object]:
    return {
        "board": board,
        "meeting": board.meeting,
        "view": view,
        "selected": _int(request.POST.get("answers") or request.GET.get("answers")),
        "draft": None,
        "error": "",
        "answers_changed": True,
        **extra,
    }


def _board_url(board: SprintBoard, anchor: str = "") -> str:
    return reverse("sprint_board", args=[board.meeting_id]) + anchor


@login_required
@require_GET
def sprint_code(request: HttpRequest) -> HttpResponse:
    """Join by the short code on the screen: any case, spaces allowed."""
    code = request.GET.get("code")
    error = ""
    if code is not None:
        board = sprint.board_for_code(code[:40])
        if board is not None:
            return redirect("sprint_join", code=board.code)
        error = _unknown(code)
    return render(request, "meetings/sprint/join.html", {"code": (code or "")[:40], "error": error})


def _unknown(code: str) -> str:
    shown = "".join(code.split()).upper()[:12]
    if not shown:
        return _("Type the code shown on the screen.")
    return _("No sprint has the code %(code)s. Check the code on the screen and try again.") % {"code": shown}


@login_required
@require_http_methods(["GET", "POST"])
def sprint_join(request: HttpRequest, code: str) -> HttpResponse:
    """The link behind the code and the QR code: takes a seat (once) and opens the board."""
    board = sprint.board_for_code(code)
    if board is None:
        return render(request, "meetings/sprint/join.html", {"code": code[:40], "error": _unknown(code)}, status=404)
    viewer = standing(request.user, board.meeting.community_id)
    if not allowed(viewer, Action.JOIN_SPRINT):
        raise PermissionDenied
    if board.meeting.status == MeetingStatus.DRAFT and not allowed(viewer, Action.PLAN_MEETINGS):
        raise Http404
    sprint.participant_join(board=board, user=request.user)
    return redirect("sprint_board", pk=board.meeting_id)


@login_required
@require_GET
def sprint_board(request: HttpRequest, pk: int) -> HttpResponse:
    board = _board(request, pk)
    view = board_view(board, user=request.user)
    return render(request, PAGE, _context(board, view, request))


@login_required
@require_GET
def sprint_board_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The poll: 204 while nothing changed (the board's version and the minute on the clock, one
    query); else the live parts. If the page itself must change (put in a group, the sprint
    closed), htmx reloads it."""
    board = _board(request, pk)
    if not request.htmx:
        return redirect("sprint_board", pk=pk)
    if request.GET.get("v") == str(board.version) and request.GET.get("m", "") == clock(board):
        return HttpResponse(status=204)
    view = board_view(board, user=request.user)
    if request.GET.get("l") != view.layout:
        return HttpResponseClientRefresh()
    changed = request.GET.get("p") != view.pitfall_key
    return render(request, LIVE, _context(board, view, request, answers_changed=changed))


def _after(request: HttpRequest, board: SprintBoard, *, anchor: str = "", error: str = "") -> HttpResponse:
    """After a dot or a delete: htmx gets the live parts, a plain form the board page again."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(_board_url(board, anchor))
    board = _board(request, board.meeting_id)  # its version moved on
    view = board_view(board, user=request.user)
    if view.closed:  # the page itself changed: reload it, with the message
        if error:
            messages.error(request, error)
        return HttpResponseClientRefresh()
    return render(request, LIVE, _context(board, view, request, error=error))


@login_required
@require_POST
def sprint_card_add(request: HttpRequest, pk: int) -> HttpResponse:
    board = _board(request, pk)
    column = request.POST.get("column", "")
    if column not in SprintColumn.values:
        return HttpResponseBadRequest()
    text, answers = request.POST.get("text", "")[:TEXT_LIMIT], _int(request.POST.get("answers"))
    draft = Draft(column=column, text=text, answers=answers)
    try:
        sprint.card_add(board=board, user=request.user, column=column, text=draft.text, answers_id=draft.answers)
    except ValidationError as error:
        draft.errors = error.messages
    else:
        if not request.htmx:
            return redirect(_board_url(board, f"#column-{column}"))
        draft = Draft(column=column)
    if request.htmx:
        board = _board(request, pk)
        view = board_view(board, user=request.user)
        if view.closed or not view.in_group:  # the page itself changed: reload it, with the message
            if draft.errors:
                messages.error(request, " ".join(draft.errors))
            return HttpResponseClientRefresh()
        extra = {"draft": draft}
        if column == SprintColumn.SOLUTION and not draft.errors:
            extra["selected"] = None
        return render(request, LIVE, _context(board, view, request, **extra))
    view = board_view(board, user=request.user)
    if view.closed or not view.in_group:  # no form to show the message by
        messages.error(request, " ".join(draft.errors))
        return redirect(_board_url(board))
    return render(request, PAGE, _context(board, view, request, draft=draft), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def sprint_card_edit(request: HttpRequest, pk: int, card_id: int) -> HttpResponse:
    """One's own card on a page of its own (the board around it keeps changing). If it was
    changed meanwhile (a second phone), the newer text stays and is shown, with what was typed
    here beside it."""
    board = _board(request, pk)
    card = SprintCard.objects.filter(board=board, pk=card_id).first()
    if card is None:
        messages.error(request, _("That card is gone."))
        return redirect(_board_url(board))
    if card.author_id != request.user.pk:
        raise PermissionDenied
    text, seen, errors, typed = card.text, card.updated_at.isoformat(), [], ""
    if request.method == "POST":
        text, seen = request.POST.get("text", "")[:TEXT_LIMIT], request.POST.get("seen", "")[:64]
        try:
            sprint.card_edit(board=board, user=request.user, card_id=card.pk, text=text, seen=seen)
        except ValidationError as error:
            errors = error.messages
            card = SprintCard.objects.filter(board=board, pk=card_id).first()
            if card is None:
                messages.error(request, " ".join(errors))
                return redirect(_board_url(board))
            if seen and seen != card.updated_at.isoformat():
                typed, text, seen = text, card.text, card.updated_at.isoformat()
        else:
            return redirect(_board_url(board, f"#card-{card_id}"))
    context = {"board": board, "meeting": board.meeting, "card": card, "text": text, "seen": seen}
    context |= {"errors": errors, "typed": typed}
    return render(request, "meetings/sprint/card_edit.html", context, status=400 if errors else 200)


@login_required
@require_POST
def sprint_card_delete(request: HttpRequest, pk: int, card_id: int) -> HttpResponse:
    board = _board(request, pk)
    error = ""
    try:
        sprint.card_delete(board=board, user=request.user, card_id=card_id)
    except ValidationError as problem:
        error = " ".join(problem.messages)
    return _after(request, board, error=error)


@login_required
@require_POST
def sprint_dot(request: HttpRequest, pk: int, card_id: int) -> HttpResponse:
    """Puts one's dot on the card, or takes it back."""
    board = _board(request, pk)
    error = ""
    try:
        wanted = request.POST.get("on", "")
        sprint.dot_toggle(board=board, user=request.user, card_id=card_id, on={"1": True, "0": False}.get(wanted))
    except ValidationError as problem:
        error = " ".join(problem.messages)
    return _after(request, board, anchor=f"#card-{card_id}", error=error)
