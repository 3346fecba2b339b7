"""The audit log of sensitive actions: roles and organisation-wide access changed, memberships
added and ended, people erased, personal data and CSV tables exported, invitations sent and
withdrawn, and every add, change and delete in the Django admin. Admins read it in the admin
(*Audit log*); nobody can change or delete it there, superusers included.

Every row is written by `audit_record`, inside the transaction of the change it records, so a
change is never recorded that did not happen, nor the other way round.

Who did it is kept twice: `actor`, a link to the account (null for system jobs such as the
alumni retention), and `actor_label`, their e-mail address at the time. The address rather than
the name, because it is the least that tells one account from another (names repeat or are
blank), and because the row must stay readable without the account: someone deleted outright in
the admin leaves their label (an admin's actions stay attributable; that deletion is in the log
too). Erasure is different: `members.privacy.user_erase` calls `audit_forget`, which replaces the
label with "erased member #<id>" on every row they did. What they did, and that they were
erased, stays; who they were goes, as everywhere else in Gilde. The id names nobody once the
account is erased. `target` and `details` hold models, ids, roles, flags and field names, never
what people typed, so they need no erasing.

Client (IP) addresses are not recorded. Every action here is done by a signed-in account or a
system job, which the log already names; an address would add personal data about every
member who downloads their own data, for little gain in an organisation's own installation. The
web server's access log, with its own retention, is where to look for addresses if an account
was misused.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db import models
from django.db.models import Value
from django.db.models.functions import Replace

from cop.models import AuditAction, AuditEvent, Community
from members.models import Membership, User

# A person's organisation-wide roles and what opens the door at all: changing one is an access change.
ACCESS_FIELDS = ("is_manager", "is_staff", "is_superuser", "is_active", "groups", "user_permissions")


def erased_label(user_id: int) -> str:
    return f"erased member #{user_id}"


def actor_label(actor: User | None) -> str:
    if actor is None:
        return ""
    return erased_label(actor.pk) if actor.erased_at else actor.email


def audit_target(obj: models.Model) -> str:
    """An object as the log names it: its model and id ("members.membership #12")."""
    return f"{obj._meta.label_lower} #{obj.pk}"


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    community: Community | int | None = None,
    target: models.Model | str = "",
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Writes one row of the audit log. Call it in the transaction of the change it records.
    `actor` is None for system jobs; `community` a community or its id; `target` an object (named
    by model and id) or a short fixed name such as "organisation"."""
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        community_id=community.pk if isinstance(community, Community) else community,
        target=audit_target(target) if isinstance(target, models.Model) else target,
        details=dict(details or {}),
    )


def audit_forget(*, user: User) -> None:
    """Drops the person's identity from the audit trail before they are erased: the rows they did
    keep "erased member #<id>" as their label. Django's own admin history (LogEntry) names objects
    by their text, which for a person, their memberships and invitations is their name or e-mail:
    those texts are replaced by the same label. Call it before the account is blanked."""
    label = erased_label(user.pk)
    AuditEvent.objects.filter(actor=user).update(actor_label=label)
    for text in {user.email, user.full_name}:
        if len(text) < 3:  # a blank or two-letter name would also match inside other people's entries
            continue
        # The change message is JSON, whose strings escape what is not ASCII ("Loïs" as "Lo\u00efs").
        escaped = json.dumps(text)[1:-1]
        LogEntry.objects.filter(object_repr__contains=text).update(
            object_repr=Replace("object_repr", Value(text), Value(label))
        )
        LogEntry.objects.filter(change_message__contains=escaped).update(
            change_message=Replace("change_message", Value(escaped), Value(label))
        )


def _community_id(obj: models.Model) -> int | None:
    if isinstance(obj, Community):
        return obj.pk
    value = getattr(obj, "community_id", None)
    return value if isinstance(value, int) else None


def _plain(value: object) -> object:
    """A form value as JSON: objects by id, several sorted."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Iterable) and not isinstance(value, str):
        return sorted(_plain(item) for item in value)
    return value


def _was_ended(before: Mapping[str, Any], obj: Membership, changed: list[str]) -> bool:
    return any(name in changed and before.get(name) is None and getattr(obj, name) for name in ("left_at", "alumni_at"))


def _saved_as(
    obj: models.Model, *, before: Mapping[str, Any], after: Mapping[str, Any], changed: list[str], added: bool
) -> tuple[AuditAction, dict[str, Any]]:
    """The most specific action an admin's save of `obj` is, and its details."""
    if isinstance(obj, Membership):
        if added:
            return AuditAction.MEMBERSHIP_ADDED, {"source": "admin", "user": obj.user_id, "role": obj.role}
        if "role" in changed:
            return AuditAction.ROLE_CHANGED, {
                "user": obj.user_id,
                "role": [before.get("role"), obj.role],
                "fields": changed,
            }
        if _was_ended(before, obj, changed):
            return AuditAction.MEMBERSHIP_ENDED, {"user": obj.user_id, "role": obj.role, "fields": changed}
    if isinstance(obj, User) and not added and (access := [name for name in ACCESS_FIELDS if name in changed]):
        # From the form, not the object: many-to-many values (groups) are saved after it.
        details = {name: [_plain(before.get(name)), _plain(after.get(name))] for name in access}
        return AuditAction.ACCESS_CHANGED, details | {"fields": changed}
    if added:
        return AuditAction.ADMIN_ADDED, {}
    return AuditAction.ADMIN_CHANGED, {"fields": changed}


def audit_admin_saved(
    *,
    actor: User,
    obj: models.Model,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    changed: list[str],
    added: bool,
) -> AuditEvent | None:
    """Records an admin's add or change of `obj` (nothing when no field changed). `before` is the
    form's initial data, `after` its cleaned data, `changed` the names of the fields it changed."""
    if not added and not changed:
        return None
    action, details = _saved_as(obj, before=before, after=after, changed=changed, added=added)
    return audit_record(actor=actor, action=action, community=_community_id(obj), target=obj, details=details)


def audit_admin_deleted(*, actor: User, obj: models.Model) -> AuditEvent:
    """Records an admin's deletion of `obj`; call it before the object is deleted."""
    details = {"user": obj.user_id, "role": obj.role} if isinstance(obj, Membership) else {}
    return audit_record(
        actor=actor, action=AuditAction.ADMIN_DELETED, community=_community_id(obj), target=obj, details=details
    )
