"""Personal data: what a person can download, what erasure removes and keeps, and the daily jobs
that turn finished internships into alumni and erase alumni after the retention period."""

from datetime import date, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cop import success_privacy
from cop.audit import audit_forget, audit_record
from cop.models import AuditAction, Notification, NotificationPreference
from members.models import Invitation, Membership, ParticipationLevel, Role, User


def user_export(*, user: User) -> dict[str, Any]:
    """Everything Gilde holds about the person, as JSON-ready data."""
    memberships = Membership.objects.filter(user=user).select_related("community", "mentor")
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "time_zone": user.time_zone,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "memberships": [
            {
                "community": membership.community.name,
                "role": membership.role,
                "joined_at": membership.joined_at.isoformat(),
                "left_at": membership.left_at.isoformat() if membership.left_at else None,
                "alumni_at": membership.alumni_at.isoformat() if membership.alumni_at else None,
                "school": membership.school,
                "programme": membership.programme,
                "internship_start": membership.internship_start.isoformat() if membership.internship_start else None,
                "internship_end": membership.internship_end.isoformat() if membership.internship_end else None,
                "learning_goals": membership.learning_goals,
                "mentor": membership.mentor.full_name if membership.mentor else None,
            }
            for membership in memberships
        ],
        "email_choices": {
            preference.category: preference.email for preference in NotificationPreference.objects.filter(user=user)
        },
        "surveys": _feedback().surveys_export(user),
        "successes": success_privacy.successes_export(user),
        # Derived from what they did; kept on erasure, when nothing ties it to a name any more.
        "participation_ladder": [
            {
                "community": level.community.name,
                "month": level.month.isoformat(),
                "level": level.level,
                "attended": level.attended,
                "answered": level.answered,
                "contributed": level.contributed,
                "hosted": level.hosted,
                "mentoring": level.mentoring,
            }
            for level in ParticipationLevel.objects.filter(user=user)
            .select_related("community")
            .order_by("community__name", "month")
        ],
        "messages_sent_to_you": [
            {"kind": row.kind, "status": row.status, "created_at": row.created_at.isoformat()}
            for row in Notification.objects.filter(recipient=user).order_by("created_at")
        ],
    }


def _feedback():
    # Survey data lives in the feedback app, which builds on members: imported when needed.
    from feedback import privacy  # noqa: PLC0415

    return privacy


@transaction.atomic
def user_erase(*, user: User, actor: User | None = None, reason: str = "") -> None:
    """Removes the person's personal data. Kept, without anything that names them: the user row
    (so counts of attendance and anonymous answers stay right), their memberships' roles and
    dates (so dashboards of past years stay right) and the audit trail of what they did, under
    "erased member #<id>" (cop/audit.py). The erasure itself is recorded there: by `actor`
    (themselves, an admin, or None for a system job) and why (`reason`: "retention" from the
    alumni job; left out, "self", "admin" or "system" by who the actor is)."""
    now = timezone.now()
    audit_forget(user=user)  # before the address and name it looks for are blanked
    _feedback().surveys_erase(user)
    success_privacy.successes_erase(user)  # what goes and what stays: cop/success_privacy.py
    Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user)).delete()
    user.socialaccount_set.all().delete()
    Notification.objects.filter(Q(recipient=user) | Q(to_email__iexact=user.email)).delete()
    NotificationPreference.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Membership.objects.filter(mentor=user).update(mentor=None)
    Membership.objects.filter(user=user).update(school="", programme="", learning_goals="", mentor=None)
    # Past leaving dates are facts to keep; current memberships end now.
    Membership.objects.filter(user=user, left_at__isnull=True).update(left_at=now)
    user.email = f"erased-{user.pk}@erased.invalid"
    user.full_name = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = user.is_manager = False
    user.erased_at = now
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    audit_record(
        actor=actor,
        action=AuditAction.MEMBER_ERASED,
        target=user,
        details={"reason": reason or ("self" if actor == user else "admin" if actor else "system")},
    )
    # Open sessions end by themselves: the unusable password changes the session hash Django
    # checks on every request.


def internships_end(*, today: date | None = None) -> int:
    """Interns whose internship ended become alumni: kept in history and dashboards, no more
    invitations or reminders. Returns how many."""
    today = today or timezone.localdate()
    return Membership.objects.filter(
        role=Role.INTERN, alumni_at__isnull=True, left_at__isnull=True, internship_end__lt=today
    ).update(alumni_at=timezone.now())


def alumni_erase(*, now: timezone.datetime | None = None) -> int:
    """Erases people who are only alumni (no current membership, no organisation role) and became
    alumni longer than ALUMNI_RETENTION_DAYS ago. Returns how many."""
    if not settings.ALUMNI_RETENTION_DAYS:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=settings.ALUMNI_RETENTION_DAYS)
    current = Membership.objects.current().filter(user=OuterRef("pk"))
    recent = Membership.objects.filter(user=OuterRef("pk"), alumni_at__gte=cutoff)
    people = (
        User.objects.filter(
            erased_at__isnull=True,
            is_staff=False,
            is_superuser=False,
            is_manager=False,
            memberships__alumni_at__lt=cutoff,
        )
        .filter(~Exists(current), ~Exists(recent))
        .distinct()
    )
    erased = 0
    for person in people:
        user_erase(user=person, reason="retention")
        erased += 1
    return erased
