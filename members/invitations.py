"""Invitations: reading a pasted list or a CSV into rows, checking each row before anything is
sent, sending, resending, revoking and accepting. Every write is here."""

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cop.audit import audit_record
from cop.models import AuditAction, Community
from cop.notifications.services import address_queue
from members.models import Invitation, Membership, Role, User

MAX_ROWS = 500
MAX_CSV_BYTES = 1_000_000
# CSV headers, in English or Dutch, and the field each one fills.
CSV_COLUMNS = {
    "name": "name",
    "naam": "name",
    "email": "email",
    "e-mail": "email",
    "role": "role",
    "rol": "role",
    "school": "school",
    "programme": "programme",
    "opleiding": "programme",
    "start": "start",
    "begin": "start",
    "end": "end",
    "eind": "end",
}
ROLE_WORDS = {
    **{role: role for role in Role.values},
    "stagiair": Role.INTERN,
    "begeleider": Role.MENTOR,
    "ervaren medewerker": Role.COLLEAGUE,
    "medewerker": Role.COLLEAGUE,
}
NAME_AND_ADDRESS = re.compile(r"^\s*(?P<name>.*?)\s*<(?P<email>[^>]+)>\s*$")


@dataclass
class InviteRow:
    email: str
    name: str = ""
    role: str = ""
    school: str = ""
    programme: str = ""
    start: date | None = None
    end: date | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_data(self) -> dict[str, str]:
        return {
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "school": self.school,
            "programme": self.programme,
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
        }

    @classmethod
    def from_data(cls, data: dict[str, str]) -> "InviteRow":
        return cls(
            email=data["email"],
            name=data["name"],
            role=data["role"],
            school=data["school"],
            programme=data["programme"],
            start=date.fromisoformat(data["start"]) if data["start"] else None,
            end=date.fromisoformat(data["end"]) if data["end"] else None,
        )


class InviteInputError(ValueError):
    """The list or file as a whole cannot be read (the message says why, for the person)."""


def _clean(value: str, limit: int) -> str:
    # Control characters never belong in a name or address.
    return "".join(char for char in value if char.isprintable()).strip()[:limit]


def rows_from_text(text: str, *, role: str) -> list[InviteRow]:
    """One person per line: `address`, `Name <address>` or `Name, address`."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if match := NAME_AND_ADDRESS.match(line):
            name, email = match["name"], match["email"]
        elif "," in line or ";" in line:
            name, _sep, email = line.replace(";", ",").rpartition(",")
        else:
            name, email = "", line
        rows.append(InviteRow(email=_clean(email, 254), name=_clean(name.strip(' "'), 150), role=role))
    if len(rows) > MAX_ROWS:
        raise InviteInputError(_("At most %(max)d people at once.") % {"max": MAX_ROWS})
    return rows


def _date(value: str, row: InviteRow, label: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for parse in (date.fromisoformat, lambda v: datetime.strptime(v, "%d-%m-%Y").date()):  # noqa: DTZ007 (a date)
        try:
            return parse(value)
        except ValueError:
            continue
    row.problems.append(
        _("%(field)s “%(value)s” is not a date (use 2026-09-01 or 01-09-2026).") % {"field": label, "value": value[:20]}
    )
    return None


def rows_from_csv(data: bytes, *, role: str) -> list[InviteRow]:
    """Columns name, email, role, school, programme, start, end (Dutch headers too); a missing
    role column means `role` for everyone."""
    if len(data) > MAX_CSV_BYTES:
        raise InviteInputError(_("The file is larger than 1 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InviteInputError(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from None
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": the csv module finds the line ends itself, so a file saved with carriage returns
    # only (Excel's "CSV (Macintosh)") is read like any other instead of refused.
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    rows = []
    try:
        columns = {header: CSV_COLUMNS.get((header or "").strip().lower()) for header in reader.fieldnames or []}
        if "email" not in columns.values():
            raise InviteInputError(_("The file needs a column “email” (or “e-mail”)."))
        for record in reader:
            values = {columns[key]: (value or "") for key, value in record.items() if columns.get(key)}
            row = InviteRow(
                email=_clean(values.get("email", ""), 254),
                name=_clean(values.get("name", ""), 150),
                role=_clean(values.get("role", ""), 40).lower() or role,
                school=_clean(values.get("school", ""), 120),
                programme=_clean(values.get("programme", ""), 120),
            )
            row.start = _date(values.get("start", ""), row, _("Start"))
            row.end = _date(values.get("end", ""), row, _("End"))
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise InviteInputError(_("At most %(max)d people at once.") % {"max": MAX_ROWS})
    except csv.Error:
        # In practice a quotation mark left open, which makes the rest of the file one field. The
        # csv module's own message is English and technical, so it is not shown.
        raise InviteInputError(
            _('The file could not be read as CSV: check that every quotation mark (") is closed.')
        ) from None
    return rows


def rows_check(*, community: Community, rows: list[InviteRow]) -> list[InviteRow]:
    """Notes each row's problems (two queries, whatever the number of rows)."""
    addresses = {row.email.lower() for row in rows}
    members = set(
        Membership.objects.current()
        .filter(community=community)
        .annotate(address=Lower("user__email"))
        .filter(address__in=addresses)
        .values_list("address", flat=True)
    )
    invited = set(
        Invitation.objects.filter(community=community, accepted_at__isnull=True, revoked_at__isnull=True)
        .annotate(address=Lower("email"))
        .filter(address__in=addresses)
        .values_list("address", flat=True)
    )
    seen = set()
    for row in rows:
        address = row.email.lower()
        try:
            validate_email(row.email)
        except ValidationError:
            row.problems.append(_("“%(value)s” is not an e-mail address.") % {"value": row.email[:60]})
        row.role = ROLE_WORDS.get(row.role.strip().lower(), row.role)
        if row.role not in Role.values:
            row.problems.append(_("Unknown role “%(value)s”.") % {"value": row.role[:40]})
        if row.start and row.end and row.end < row.start:
            row.problems.append(_("The internship ends before it starts."))
        if address in members:
            row.problems.append(_("Already a member of this community."))
        elif address in invited:
            row.problems.append(_("Already invited: resend from the list of open invitations."))
        if address in seen:
            row.problems.append(_("This address is in the list twice."))
        seen.add(address)
    return rows


def _accept_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("invitation_accept", args=[invitation.token])


def _queue_mail(invitation: Invitation) -> None:
    community = invitation.community
    address_queue(
        email=invitation.email,
        kind="invitation",
        subject_object=invitation,
        occasion=f"send-{invitation.sent_count}",
        community=community,
        context={
            "name": invitation.full_name,
            "inviter": str(invitation.invited_by or _("A facilitator")),
            "role": str(Role(invitation.role).label),
            "domain": community.domain_statement,
            "accept_url": _accept_url(invitation),
            "expires": formats.date_format(timezone.localtime(invitation.expires_at), "j F Y"),
        },
    )


@transaction.atomic
def invitations_send(*, community: Community, rows: list[InviteRow], invited_by: User) -> list[Invitation]:
    """Creates an invitation for every row without problems and e-mails each its personal link
    (through the outbox). Rows are checked again: the list may have changed since the preview."""
    # One sender at a time per community: two clicks on "send" must not both pass the check.
    Community.objects.select_for_update().filter(pk=community.pk).first()
    good = [row for row in rows_check(community=community, rows=rows) if row.ok]
    expires = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    made = [
        Invitation(
            community=community,
            email=row.email,
            full_name=row.name,
            role=row.role,
            school=row.school,
            programme=row.programme,
            internship_start=row.start,
            internship_end=row.end,
            token=secrets.token_urlsafe(32),
            invited_by=invited_by,
            expires_at=expires,
        )
        for row in good
    ]
    # ON CONFLICT DO NOTHING: two addresses the check took for different can be one to the
    # database, whose lower() is not Python's ("İ" is "i" to PostgreSQL, "i̇" to Python); the
    # second is skipped instead of failing the whole list. Read back by token: those sent.
    Invitation.objects.bulk_create(made, ignore_conflicts=True)
    invitations = list(
        Invitation.objects.filter(token__in=[invitation.token for invitation in made])
        .select_related("community", "invited_by")
        .order_by("pk")
    )
    for invitation in invitations:
        _queue_mail(invitation)
    if invitations:
        audit_record(
            actor=invited_by,
            action=AuditAction.INVITATIONS_SENT,
            community=community,
            target=community,
            details={
                "invitations": [invitation.pk for invitation in invitations],
                "roles": sorted({invitation.role for invitation in invitations}),
            },
        )
    return invitations


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """Sends the link again, valid for another INVITATION_VALID_DAYS."""
    if invitation.state not in {"pending", "expired"}:
        raise ValueError("Only open invitations can be resent.")
    invitation.sent_count += 1
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save(update_fields=["sent_count", "expires_at"])
    _queue_mail(invitation)
    audit_record(
        actor=actor,
        action=AuditAction.INVITATION_RESENT,
        community=invitation.community_id,
        target=invitation,
        details={"role": invitation.role, "times_sent": invitation.sent_count},
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> bool:
    """The link stops working at once. Returns whether it was open (an accepted or withdrawn one
    stays as it is)."""
    revoked = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit_record(
            actor=actor,
            action=AuditAction.INVITATION_REVOKED,
            community=invitation.community_id,
            target=invitation,
            details={"role": invitation.role},
        )
    return bool(revoked)


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why this link cannot be used, in words for the person holding it; None when it can."""
    if invitation is None:
        return str(gettext_lazy("This invitation link is not valid. Check that you copied the whole link."))
    return {
        "accepted": _("This invitation has already been used. Log in with your e-mail address."),
        "revoked": _("This invitation was withdrawn. Ask the facilitator for a new one."),
        "expired": _("This invitation has expired. Ask the facilitator to send it again."),
    }.get(invitation.state)


@transaction.atomic
def invitation_accept(*, token: str, full_name: str = "", password: str | None = None) -> tuple[User, bool]:
    """Accepts the invitation: creates the account (its e-mail counts as verified: the link
    proves it) unless one exists, and the membership. Returns the person and whether the account
    was created now. Raises ValueError if the link cannot be used (already used, revoked,
    expired), even when two tabs accept at once."""
    invitation = Invitation.objects.select_for_update().select_related("community").filter(token=token).first()
    if problem := invitation_problem(invitation):
        raise ValueError(problem)
    user = User.objects.filter(email__iexact=invitation.email).first()
    created = user is None
    if created:
        user = User.objects.create_user(invitation.email, password, full_name=full_name or invitation.full_name)
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=invitation.email, defaults={"email": user.email, "verified": True, "primary": True}
    )
    membership, joined = Membership.objects.get_or_create(
        user=user,
        community=invitation.community,
        left_at=None,
        alumni_at=None,
        defaults={
            "role": invitation.role,
            "school": invitation.school,
            "programme": invitation.programme,
            "internship_start": invitation.internship_start,
            "internship_end": invitation.internship_end,
        },
    )
    if joined:
        audit_record(
            actor=user,
            action=AuditAction.MEMBERSHIP_ADDED,
            community=invitation.community,
            target=membership,
            details={
                "source": "invitation",
                "invitation": invitation.pk,
                "invited_by": invitation.invited_by_id,
                "user": user.pk,
                "role": membership.role,
            },
        )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user, created
