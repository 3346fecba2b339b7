from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cop.ratelimit import link_guarded, link_missed
from feedback.models import Survey
from meetings import selectors, topics
from meetings.agenda import agenda_lists, feed_ics
from meetings.calendar import calendar_bytes
from meetings.forms import (
    MeetingForm,
    NotesForm,
    RsvpForm,
    SeriesForm,
    TopicForm,
    community_hosts,
    open_topics,
)
from meetings.models import CalendarFeed, Meeting, MeetingSeries, MeetingStatus, Topic, TopicStatus
from meetings.series import series_generate
from meetings.services import (
    attendance_set,
    calendar_feed_get,
    calendar_feed_revoke,
    checkin,
    checkin_code_show,
    meeting_cancel,
    meeting_notes_save,
    meeting_publish,
    meeting_save,
    rsvp_set,
)
from members.models import User
from members.permissions import Action, Standing, allowed, can_take_attendance, community_for, standing


def _meeting(request: HttpRequest, pk: int) -> tuple[Meeting, Standing]:
    """The meeting, if the person may see it: drafts only to those who plan them."""
    meeting = selectors.meeting_page(meeting_id=pk, user=request.user)
    if meeting is None:
        raise Http404
    viewer = standing(request.user, meeting.community_id)
    if not allowed(viewer, Action.VIEW_MEETINGS):
        raise PermissionDenied
    if meeting.status == MeetingStatus.DRAFT and not allowed(viewer, Action.PLAN_MEETINGS):
        raise Http404
    return meeting, viewer


@login_required
@require_GET
def agenda(request: HttpRequest) -> HttpResponse:
    lists = agenda_lists(user=request.user, now=timezone.now())
    return render(request, "meetings/agenda.html", {"lists": lists})


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, viewer = _meeting(request, pk)
    return render(request, "meetings/detail.html", _detail_context(meeting, viewer, request.user))


def _detail_context(meeting: Meeting, viewer: Standing, user: User) -> dict[str, object]:
    return {
        "meeting": meeting,
        "can_plan": allowed(viewer, Action.PLAN_MEETINGS),
        "can_run_sprint": allowed(viewer, Action.RUN_SPRINT),
        "attendees": selectors.going(meeting=meeting),
        "can_answer": meeting.status == MeetingStatus.PUBLISHED and not meeting.is_past,
        "can_join_sprint": allowed(viewer, Action.JOIN_SPRINT),
        "can_take_attendance": meeting.status == MeetingStatus.PUBLISHED
        and can_take_attendance(viewer, host_id=meeting.host_id, user_id=user.pk),
        "notes_form": NotesForm(initial={"notes": meeting.notes, "takeaways": meeting.takeaways}),
        # After the meeting: a link to its survey's results, for those who may see them.
        "survey_id": meeting.is_past
        and allowed(viewer, Action.VIEW_RESULTS)
        and Survey.objects.filter(meeting=meeting).values_list("pk", flat=True).first(),
    }


@login_required
@require_POST
def rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: going, maybe or not going. htmx swaps the panel; without JS the page reloads."""
    meeting, viewer = _meeting(request, pk)
    form = RsvpForm(request.POST)
    if form.is_valid():
        try:
            rsvp_set(meeting=meeting, user=request.user, response=form.cleaned_data["response"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    if not request.htmx:
        return redirect("meeting_detail", pk=pk)
    meeting = selectors.meeting_page(meeting_id=pk, user=request.user)
    return render(request, "meetings/detail.html#rsvp-panel", _detail_context(meeting, viewer, request.user))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_for(request.user, slug, Action.PLAN_MEETINGS)[0]
    form = MeetingForm(
        request.POST or None,
        instance=Meeting(community=community),
        hosts=community_hosts(community.pk),
        topics=open_topics(community.pk),
        initial={"from_topic": request.GET.get("topic")},
    )
    if request.method == "POST" and form.is_valid():
        meeting = meeting_save(meeting=form.instance, created_by=request.user)
        if topic := form.cleaned_data.get("from_topic"):
            topics.topic_plan(topic=topic, meeting=meeting)
        messages.success(request, _("Draft saved. Publish it when it is ready."))
        return redirect("meeting_detail", pk=meeting.pk)
    return render(
        request, "meetings/form.html", {"form": form, "community": community}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, viewer = _meeting(request, pk)
    if not allowed(viewer, Action.PLAN_MEETINGS) or meeting.status == MeetingStatus.CANCELLED:
        raise PermissionDenied
    form = MeetingForm(request.POST or None, instance=meeting, hosts=community_hosts(meeting.community_id))
    if request.method == "POST" and form.is_valid():
        try:
            meeting_save(
                meeting=form.instance, fields=[name for name in form.fields if name in MeetingForm.Meta.fields]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Meeting saved."))
        return redirect("meeting_detail", pk=pk)
    context = {"form": form, "community": meeting.community, "meeting": meeting}
    return render(request, "meetings/form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish or cancel: each change a clear action of its own."""
    meeting, viewer = _meeting(request, pk)
    if not allowed(viewer, Action.PLAN_MEETINGS):
        raise PermissionDenied
    try:
        if action == "publish":
            meeting_publish(meeting=meeting)
            messages.success(request, _("Published: members are invited."))
        elif action == "cancel":
            meeting_cancel(meeting=meeting)
            messages.success(request, _("Cancelled: members are told."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("meeting_detail", pk=pk)


@login_required
@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _viewer = _meeting(request, pk)
    response = HttpResponse(calendar_bytes([meeting]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bijeenkomst-{meeting.pk}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def calendar_subscription(request: HttpRequest) -> HttpResponse:
    """The personal calendar URL to paste into Outlook, Google or Apple Calendar; POST replaces it."""
    if request.method == "POST":
        calendar_feed_revoke(user=request.user)
        messages.success(request, _("A new calendar link was made; the old one no longer works."))
        return redirect("calendar_subscription")
    feed = calendar_feed_get(user=request.user)
    url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
    return render(request, "meetings/calendar.html", {"url": url})


@require_GET
@link_guarded("calendar")
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscription itself: no login (calendar apps cannot log in), the secret token instead."""
    # A NUL (which PostgreSQL refuses) or any other unprintable character is no token of ours.
    feeds = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True)
    feed = feeds.first() if token.isprintable() else None
    if feed is None:
        link_missed(request, "calendar")
        raise Http404
    ics = feed_ics(user=feed.user, now=timezone.now())
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


def _attendance_meeting(request: HttpRequest, pk: int) -> Meeting:
    """The facilitator, or the meeting's host, takes attendance."""
    meeting, viewer = _meeting(request, pk)
    if not can_take_attendance(viewer, host_id=meeting.host_id, user_id=request.user.pk):
        raise PermissionDenied
    return meeting


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """A phone-sized list to tick who is there: in a large community those expected first, the
    rest a search (htmx) or a page away; walk-ins are members too. One form holds the list; each
    button posts whom it ticks present or absent, so a double tap changes nothing."""
    meeting = _attendance_meeting(request, pk)
    if request.method == "POST":
        return _attendance_mark(request, meeting)
    # Control characters never belong in a name or address (and PostgreSQL refuses a NUL).
    query = "".join(char for char in request.GET.get("q", "") if char.isprintable())[:100]
    everyone = request.GET.get("everyone") == "1"
    context = {
        "meeting": meeting,
        "attendance": selectors.attendance_list(
            meeting=meeting, query=query, everyone=everyone, page=request.GET.get("page", 1)
        ),
        "query": query,
        "everyone": everyone,
        "code": checkin_code_show(meeting=meeting) if meeting.status == MeetingStatus.PUBLISHED else "",
    }
    template = "meetings/attendance.html" + ("#attendance-list" if request.htmx else "")
    return render(request, template, context)


def _attendance_mark(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    present = "present" in request.POST
    user_id = request.POST.get("present" if present else "absent", "")
    if not (user_id.isdecimal() and user_id.isascii() and len(user_id) <= 9):
        raise BadRequest
    person = get_object_or_404(User, pk=user_id)
    try:
        attendance_set(meeting=meeting, user=person, present=present, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if not request.htmx:
        return redirect(request.get_full_path())  # the same search and page
    membership = selectors.attendance_row(meeting=meeting, user_id=person.pk)
    if membership is None:
        raise Http404
    return render(request, "meetings/attendance.html#attendance-row", {"meeting": meeting, "membership": membership})


@login_required
@require_POST
def self_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _viewer = _meeting(request, pk)
    try:
        checkin(meeting=meeting, user=request.user, code=request.POST.get("code", "")[:20])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You are checked in. Welcome!"))
    return redirect("meeting_detail", pk=pk)


@login_required
@require_POST
def meeting_notes(request: HttpRequest, pk: int) -> HttpResponse:
    """After the meeting, the facilitator or host writes notes and takeaways."""
    meeting = _attendance_meeting(request, pk)
    form = NotesForm(request.POST)
    if not form.is_valid():
        # The meeting page again, with the form as typed and why it was not saved.
        context = _detail_context(meeting, standing(request.user, meeting.community_id), request.user)
        return render(request, "meetings/detail.html", context | {"notes_form": form}, status=400)
    try:
        meeting_notes_save(meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Notes saved."))
    # A fragment of its own, or the browser keeps the form's and scrolls past the message.
    return redirect(reverse("meeting_detail", args=[pk]) + "#main")


@login_required
@require_http_methods(["GET", "POST"])
def topic_backlog(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's topic backlog: suggest, vote; facilitators plan, merge and archive."""
    community, viewer = community_for(request.user, slug, Action.VIEW_MEETINGS)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _topic, created = topics.topic_suggest(community=community, by=request.user, **form.cleaned_data)
        messages.success(
            request, _("Topic added.") if created else _("That topic was already there: your vote is counted.")
        )
        return redirect("topic_backlog", slug=slug)
    page, planned = topics.backlog(community=community, user=request.user, page=request.GET.get("page", 1))
    can_plan = allowed(viewer, Action.PLAN_MEETINGS)
    upcoming = topics.plan_choices(community=community, now=timezone.now()) if can_plan else []
    context = {
        "community": community,
        "form": form,
        "page": page,
        "page_number": page.number,
        "planned": planned,
        "can_plan": can_plan,
        "upcoming": upcoming,
    }
    return render(request, "meetings/topics.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def topic_vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, _viewer = community_for(request.user, slug, Action.VIEW_MEETINGS)
    topic = get_object_or_404(Topic, pk=pk, community=community)
    try:
        topics.topic_vote_toggle(topic=topic, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    page_number = _backlog_page(request)
    if not request.htmx:
        return _to_backlog(slug, page_number)
    topic = topics.backlog_topic(community=community, user=request.user, pk=pk)
    if topic is None:
        raise Http404
    context = {"community": community, "topic": topic, "page_number": page_number}
    return render(request, "meetings/topics.html#topic-vote", context)


def _backlog_page(request: HttpRequest) -> int:
    """The backlog page a form was sent from (1 when it says none, or nonsense)."""
    page = request.POST.get("page", "") or request.GET.get("page", "")
    # isdecimal and isascii: "²" is a digit to isdigit() but not to int().
    return int(page) if page.isdecimal() and page.isascii() and 0 < len(page) <= 4 and int(page) > 0 else 1


def _posted_pk(request: HttpRequest, name: str) -> int:
    """The id a form's choice sent; 404 for anything that is not one ("abc", "²", nothing), as
    for an id nobody has."""
    value = request.POST.get(name, "")
    if not (value.isdecimal() and value.isascii() and len(value) <= 18):
        raise Http404
    return int(value)


def _to_backlog(slug: str, page_number: int) -> HttpResponse:
    url = reverse("topic_backlog", args=[slug])
    return redirect(f"{url}?page={page_number}" if page_number > 1 else url)


@login_required
@require_http_methods(["GET", "POST"])
def topic_manage(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    """Facilitators: plan into a meeting, merge into another topic, or archive. Merging asks which
    topic on a page of its own (GET): a choice of every open topic beside each one of the backlog
    would grow with the square of its length."""
    community, _viewer = community_for(request.user, slug, Action.PLAN_MEETINGS)
    topic = get_object_or_404(Topic, pk=pk, community=community)
    page_number = _backlog_page(request)
    if request.method == "GET":
        if action != "merge" or topic.status != TopicStatus.OPEN:
            raise Http404
        context = {"community": community, "topic": topic, "targets": topics.merge_targets(topic=topic)}
        return render(request, "meetings/topic_merge.html", {**context, "page_number": page_number})
    try:
        if action == "plan":
            meeting = get_object_or_404(Meeting, pk=_posted_pk(request, "meeting"), community=community)
            topics.topic_plan(topic=topic, meeting=meeting)
            messages.success(request, _("Planned: those who asked for it are told."))
        elif action == "merge":
            into = get_object_or_404(Topic, pk=_posted_pk(request, "into"), community=community)
            topics.topic_merge(topic=topic, into=into)
            messages.success(request, _("Merged; the votes moved along."))
        elif action == "archive":
            topics.topic_archive(topic=topic)
            messages.success(request, _("Archived."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _to_backlog(slug, page_number)


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A recurring series; its meetings are generated (and announced) up to the horizon."""
    community = community_for(request.user, slug, Action.PLAN_MEETINGS)[0]
    form = SeriesForm(request.POST or None, instance=MeetingSeries(community=community, created_by=request.user))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            series = form.save()
            meetings = series_generate(series=series)
        messages.success(
            request,
            ngettext("%(count)d meeting planned.", "%(count)d meetings planned.", len(meetings))
            % {"count": len(meetings)},
        )
        return redirect("agenda")
    return render(
        request, "meetings/series_form.html", {"form": form, "community": community}, status=400 if form.errors else 200
    )
