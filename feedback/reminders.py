"""Survey invitations and reminders, each through the outbox exactly once.

Who is reminded is decided by a conditional update on the invite (`reminders_sent`), in the
same transaction as the outbox row, whose unique key (person, kind, survey, occasion) is the
second lock: two workers running the job at once, or a retried task, never send one twice.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cop.notifications.services import notifications_queue_each
from feedback.links import invite_link
from feedback.models import Survey, SurveyInvite
from members.models import Membership

# Invites handled per run of the periodic job; the rest wait for the next run.
BATCH = 500


def invitations_queue(survey: Survey, invites: list[SurveyInvite], *, occasion: str = "invitation") -> None:
    """One outbox row per person: each message carries that person's own link. A fixed number of
    queries however many are invited: the reminder job holds these invites' row locks meanwhile,
    and an invitee who submits waits for them (one query per person made 250 reminders take
    seconds under load, and the submits behind them)."""
    context = {
        "title": survey.title,
        "anonymous": survey.anonymous,
        "meeting": survey.meeting_id is not None,
        "questions": survey.questions.count(),
        "closes_at": survey.closes_at.isoformat(),
    }
    notifications_queue_each(
        messages=((invite.user, {**context, "link": invite_link(invite)}) for invite in invites),
        kind="survey.invitation" if occasion == "invitation" else "survey.reminder",
        subject_object=survey,
        occasion=occasion,
        community=survey.community,
    )


def _still_member() -> Exists:
    """The invitee is still a current member of the survey's community: no reminders to those
    who left."""
    return Exists(
        Membership.objects.current().filter(user_id=OuterRef("user_id"), community_id=OuterRef("survey__community_id"))
    )


def waiting(survey: Survey) -> QuerySet[SurveyInvite]:
    """Invitees who have not answered yet (and can still be reminded)."""
    return survey.invites.filter(_still_member(), responded_at__isnull=True, user__is_active=True)


def reminders_send_due(*, now: timezone.datetime | None = None) -> int:
    """Periodic: reminds invitees of open surveys who have not answered, at most
    len(SURVEY_REMINDER_DAYS) times, the n-th once the invitation is that many days old.

    Steps are taken from the last one down, so a job that was stopped for days sends one
    reminder and skips the steps it missed, rather than several at once."""
    now = now or timezone.now()
    days = settings.SURVEY_REMINDER_DAYS
    sent = 0
    for step in reversed(range(len(days))):
        with transaction.atomic():
            due = list(
                SurveyInvite.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    _still_member(),
                    responded_at__isnull=True,
                    reminders_sent__lt=step + 1,
                    created_at__lte=now - timedelta(days=days[step]),
                    survey__opens_at__lte=now,
                    survey__closes_at__gt=now,
                    user__is_active=True,
                )
                .select_related("user", "survey__community")
                .order_by("pk")[:BATCH]
            )
            if not due:
                continue
            SurveyInvite.objects.filter(pk__in=[invite.pk for invite in due]).update(reminders_sent=step + 1)
            by_survey: dict[int, list[SurveyInvite]] = {}
            for invite in due:
                by_survey.setdefault(invite.survey_id, []).append(invite)
            for invites in by_survey.values():
                invitations_queue(invites[0].survey, invites, occasion=f"reminder-{step + 1}")
            sent += len(due)
    return sent


def extra_reminder_send(*, survey: Survey) -> int:
    """The facilitator's one extra reminder to everyone still waiting, while the survey is open.
    Returns how many were reminded; 0 when it was already sent or the survey is closed."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Survey.objects.filter(
            pk=survey.pk, extra_reminder_at__isnull=True, opens_at__lte=now, closes_at__gt=now
        ).update(extra_reminder_at=now)
        if not claimed:
            return 0
        invites = list(waiting(survey).select_related("user"))
        invitations_queue(survey, invites, occasion="reminder-extra")
    survey.extra_reminder_at = now
    return len(invites)
