"""Successes: sharing one (announced to the community by e-mail and in its chat), kudos, and the
facilitator's feature and hide; and the wall that reads them."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cop.digest import digests_forget
from cop.models import Community, Kudos, Notification, Success, SuccessKind, ValueCycle
from cop.models.notification import Status
from cop.notifications.services import chat_queue, notifications_queue
from meetings.models import Meeting, MeetingStatus, Topic
from members.models import User
from members.selectors import community_users

KIND = "success.shared"
TITLE_MAX = Success._meta.get_field("title").max_length
STORY_MAX = Success._meta.get_field("story").max_length
# Successes per page of the wall, and their order: featured first, then newest.
WALL_PAGE = 24
WALL_ORDER = ("-featured", "-created_at", "-pk")
# The chat message carries the start of the story; the link leads to the rest.
CHAT_EXCERPT = 280


def current_members(community: Community) -> QuerySet[User]:
    return community_users(community_id=community.pk)


def title_clean(title: str) -> str:
    """The title as stored (spaces tidied); ValidationError when empty or too long."""
    title = " ".join(title.split())
    if not title:
        raise ValidationError(_("Give the success a title."))
    if len(title) > TITLE_MAX:
        raise ValidationError(
            _("Keep the title to %(limit)d characters (it has %(count)d).") % {"limit": TITLE_MAX, "count": len(title)}
        )
    return title


def story_clean(story: str) -> str:
    """The story as stored; ValidationError when empty or too long."""
    story = story.strip()
    if not story:
        raise ValidationError(_("Tell the story in a few sentences."))
    if len(story) > STORY_MAX:
        raise ValidationError(
            _("Keep the story to %(limit)d characters (it has %(count)d).") % {"limit": STORY_MAX, "count": len(story)}
        )
    return story


def _validate(
    *,
    community: Community,
    author: User,
    title: str,
    story: str,
    kind: str,
    value: str,
    about: User | None,
    meeting: Meeting | None,
    topic: Topic | None,
) -> None:
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field, clean, text in (("title", title_clean, title), ("story", story_clean, story)):
        try:
            clean(text)
        except ValidationError as error:
            fail(field, error.messages[0])
    if kind not in SuccessKind.values:
        fail("kind", _("Choose what kind of success this is."))
    if value not in ValueCycle.values:
        fail("value", _("Choose the value this success shows."))
    people = {author.pk} | ({about.pk} if about else set())
    members = set(current_members(community).filter(pk__in=people).values_list("pk", flat=True))
    if author.pk not in members:
        fail(NON_FIELD_ERRORS, _("Only members of this community can share a success here."))
    if about is not None and about.pk not in members:
        fail("about", _("Choose someone who is a member of this community."))
    if meeting is not None and (meeting.community_id != community.pk or meeting.status != MeetingStatus.PUBLISHED):
        fail("meeting", _("Choose a meeting of this community."))
    if topic is not None and topic.community_id != community.pk:
        fail("topic", _("Choose a topic of this community."))
    if errors:
        raise ValidationError(errors)


def _announcement(success: Success) -> dict[str, Any]:
    """JSON for the outbox: strings only, so the message reads the same if the success changes."""
    url = reverse("success_wall", args=[success.community.slug])
    return {
        "title": success.title,
        "story": success.story,
        "excerpt": Truncator(success.story).chars(CHAT_EXCERPT),
        "author": str(success.author) if success.author else "",
        "about": str(success.about) if success.about else "",
        "value": success.value,
        "url": f"{settings.SITE_URL}{url}#success-{success.pk}",
    }


@transaction.atomic
def success_share(
    *,
    community: Community,
    author: User,
    title: str,
    story: str,
    kind: str,
    value: str,
    about: User | None = None,
    meeting: Meeting | None = None,
    topic: Topic | None = None,
) -> Success:
    """Stores a success and, in the same transaction, queues its announcement: an e-mail to every
    current member but the author, and a message to the community's chat webhook if it has one.
    Raises ValidationError (per field) when something does not fit."""
    _validate(
        community=community,
        author=author,
        title=title,
        story=story,
        kind=kind,
        value=value,
        about=about,
        meeting=meeting,
        topic=topic,
    )
    success = Success.objects.create(
        community=community,
        author=author,
        about=about,
        kind=kind,
        value=value,
        title=title_clean(title),
        story=story_clean(story),
        meeting=meeting,
        topic=topic,
    )
    context = _announcement(success)
    notifications_queue(
        recipients=current_members(community).exclude(pk=author.pk),
        kind=KIND,
        subject_object=success,
        occasion="shared",
        community=community,
        context=context,
    )
    chat_queue(community=community, kind=KIND, subject_object=success, occasion="shared", context=context)
    return success


def kudos_toggle(*, success: Success, user: User, give: bool) -> bool:
    """Gives (or withdraws) the person's kudos; returns whether they now give kudos.

    The caller says which it wants, rather than flipping: a double click or a form sent twice
    leaves one kudos, not none. Kudos come from colleagues, so not on one's own success, and not
    on a hidden one. Whether `user` may give kudos in this community is the view's question."""
    if success.hidden_at is not None:
        raise ValidationError(_("This success is hidden: it takes no kudos."))
    if success.author_id == user.pk:
        raise ValidationError(_("Kudos are for colleagues: you cannot give them to your own success."))
    if not give:
        Kudos.objects.filter(success=success, user=user).delete()
        return False
    # ON CONFLICT DO NOTHING: the same person's other request may have inserted it a moment ago.
    Kudos.objects.bulk_create([Kudos(success=success, user=user)], ignore_conflicts=True)
    return True


def success_feature(*, success: Success, featured: bool = True) -> Success:
    """Features the success at the top of the wall (or stops featuring it)."""
    if featured and success.hidden_at is not None:
        raise ValidationError(_("Unhide the success before featuring it."))
    success.featured = featured
    success.save(update_fields=["featured"])
    return success


@transaction.atomic
def success_hide(*, success: Success) -> Success:
    """Hides the success from everyone but the moderators, and stops featuring it. Announcements
    not sent yet are not sent; weekly digests, pending or sent, no longer list it (a pending one
    with nothing else to say is not sent)."""
    if success.hidden_at is None:
        success.hidden_at = timezone.now()
    success.featured = False
    success.save(update_fields=["hidden_at", "featured"])
    # A conditional update: a row a worker already claimed (sending) goes out; pending ones stop.
    Notification.objects.filter(
        subject_type=ContentType.objects.get_for_model(Success), subject_id=success.pk, status=Status.PENDING
    ).update(status=Status.SKIPPED, last_error="The success was hidden before this was sent.")
    digests_forget([success.pk], reason="Nothing left to tell: its only success was hidden.")
    return success


def success_unhide(*, success: Success) -> Success:
    """Shows a hidden success on the wall again (not announced again)."""
    success.hidden_at = None
    success.save(update_fields=["hidden_at"])
    return success


def _visible(*, community: Community | int, moderator: bool, value: str = "") -> QuerySet[Success]:
    successes = Success.objects.filter(community=community)
    if not moderator:
        successes = successes.filter(hidden_at__isnull=True)
    if value:
        successes = successes.filter(value=value)
    return successes


def _as_shown(successes: QuerySet[Success], *, user: User) -> QuerySet[Success]:
    """With their people, meeting and topic, the number of kudos (counted per success through
    the kudos index, not by joining and grouping every kudos) and whether `user` gave one."""
    kudos = Kudos.objects.filter(success=OuterRef("pk")).order_by().values("success").annotate(n=Count("pk"))
    return successes.select_related("author", "about", "meeting", "topic").annotate(
        kudos_count=Coalesce(Subquery(kudos.values("n")), 0),
        kudos_given=Exists(Kudos.objects.filter(success=OuterRef("pk"), user_id=user.pk)),
    )


def success_wall(*, community: Community, user: User, moderator: bool, value: str = "", page: str | int = 1) -> Page:
    """One page of the community's wall: featured first, then newest, each with its kudos count
    and whether `user` gave kudos; hidden ones only for moderators; optionally one value cycle.
    Two queries (the count and the page), whatever the number of successes or kudos; a page
    number that is not one, or past the end, gives the first or the last page."""
    successes = _visible(community=community, moderator=moderator, value=value).order_by(*WALL_ORDER)
    page = Paginator(successes, WALL_PAGE).get_page(page)
    # The page is cut first and only its successes are joined and counted: joined before the
    # cut, every success of the community was, against the whole people, meeting and topic tables.
    shown = Success.objects.filter(pk__in=page.object_list.values("pk"))
    page.object_list = _as_shown(shown, user=user).order_by(*WALL_ORDER)
    return page


def success_wall_page(*, success: Success, moderator: bool, value: str = "") -> int:
    """The number of the wall's page that shows `success` (one query: how many come before it)."""
    before = Q(featured__gt=success.featured) | Q(featured=success.featured, created_at__gt=success.created_at)
    before |= Q(featured=success.featured, created_at=success.created_at, pk__gt=success.pk)
    earlier = _visible(community=success.community_id, moderator=moderator, value=value).filter(before).count()
    return earlier // WALL_PAGE + 1


def success_on_wall(*, community: Community, user: User, moderator: bool, pk: int) -> Success:
    """One success as the wall shows it to `user` (one query); 404 if they may not see it."""
    try:
        return _as_shown(_visible(community=community, moderator=moderator), user=user).get(pk=pk)
    except Success.DoesNotExist:
        raise Http404 from None
