"""A person's successes and kudos for their export and erasure (called from members.privacy).

What erasure does, and why:
- Successes they wrote are deleted, with the kudos they got. Title and story are their own words
  and often name them, so there is nothing to keep without them. The announcements that carried
  the story (the e-mail rows to colleagues, the chat message) are deleted too: a pending one is
  never sent, a sent one no longer holds the text. The weekly digests that listed their titles
  lose those items (`cop.digest.digests_forget`): a pending one goes out without them, or not at
  all if nothing else was in it, a sent one no longer holds the titles. The ladder levels already
  stored keep their counts (numbers, no text).
- Kudos they gave are deleted: a kudos is only who liked what.
- A success about them that someone else wrote stays (it is the author's story and the
  community's), but no longer points to them, and the announcements' copy of their name is
  blanked. The story's own text may still name them; that is the author's to change, and a
  facilitator can hide it.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from cop.digest import digests_forget
from cop.models import Kudos, Notification, Success
from members.models import User


def _announcements(success_ids: QuerySet) -> QuerySet[Notification]:
    return Notification.objects.filter(
        subject_type=ContentType.objects.get_for_model(Success), subject_id__in=success_ids
    )


def successes_export(user: User) -> dict[str, list[dict[str, Any]]]:
    """The successes the person wrote, the kudos they gave and the successes about them (three
    queries)."""
    written = Success.objects.filter(author=user).select_related("community").order_by("created_at", "pk")
    kudos = Kudos.objects.filter(user=user).select_related("success__community").order_by("created_at", "pk")
    about = (
        Success.objects.filter(about=user).exclude(author=user).select_related("community").order_by("created_at", "pk")
    )
    return {
        "written": [
            {
                "title": success.title,
                "story": success.story,
                "kind": success.kind,
                "value": success.value,
                "community": success.community.name,
                "created_at": success.created_at.isoformat(),
            }
            for success in written
        ],
        "kudos_given": [
            {
                "success": given.success.title,
                "community": given.success.community.name,
                "given_at": given.created_at.isoformat(),
            }
            for given in kudos
        ],
        "about_you": [
            {
                "title": success.title,
                "story": success.story,
                "community": success.community.name,
                "created_at": success.created_at.isoformat(),
            }
            for success in about
        ],
    }


def successes_erase(user: User) -> None:
    """Deletes the successes the person wrote (their kudos, announcements and lines in weekly
    digests with them) and the kudos they gave; unties the successes others wrote about them. The
    caller holds the transaction."""
    written = Success.objects.filter(author=user).values("pk")
    _announcements(written).delete()
    digests_forget(
        written.values_list("pk", flat=True),
        reason="Nothing left to tell: its successes were erased with their author.",
    )
    Success.objects.filter(pk__in=written).delete()
    Kudos.objects.filter(user=user).delete()
    about = Success.objects.filter(about=user).values("pk")
    announced = list(_announcements(about).filter(context__has_key="about"))
    for row in announced:
        row.context = row.context | {"about": ""}
    Notification.objects.bulk_update(announced, ["context"])
    Success.objects.filter(about=user).update(about=None)
