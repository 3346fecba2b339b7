import pytest

from cop.models import ChatWebhook, Notification, NotificationPreference
from cop.models.notification import Category, Status
from cop.notifications.services import chat_queue, notification_queue, preference_set, preferences_for
from tests.factories import CommunityFactory, UserFactory, announcement

pytestmark = pytest.mark.django_db


def test_queue_writes_a_pending_row_and_delivers_after_commit(django_capture_on_commit_callbacks):
    person, community = UserFactory(), CommunityFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        row = announcement(person, community)
    assert len(callbacks) == 1
    assert row.status == Status.PENDING
    assert row.recipient == person
    assert row.subject_object == community
    assert row.context["title"] == "Hoe geef je constructieve feedback?"


def test_the_same_notification_is_queued_once(django_capture_on_commit_callbacks):
    person, community = UserFactory(), CommunityFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        first = announcement(person, community, occasion="2026-12-01")
        again = announcement(person, community, occasion="2026-12-01")
        other_occasion = announcement(person, community, occasion="2027-01-05")
    assert again.pk == first.pk
    assert other_occasion.pk != first.pk
    assert Notification.objects.count() == 2
    assert len(callbacks) == 2


def test_a_switched_off_category_gives_a_skipped_row_that_is_never_sent(django_capture_on_commit_callbacks):
    person = UserFactory()
    preference_set(user=person, category=Category.ANNOUNCEMENT, email=False)
    community = CommunityFactory()  # outside: a new community has commit callbacks of its own
    with django_capture_on_commit_callbacks() as callbacks:
        row = announcement(person, community)
    assert row.status == Status.SKIPPED
    assert callbacks == []


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError, match=r"Unknown notification kind 'meeting\.typo'"):
        notification_queue(recipient=UserFactory(), kind="meeting.typo")
    assert not Notification.objects.exists()


def test_security_mail_cannot_be_switched_off():
    with pytest.raises(ValueError, match="cannot be switched off"):
        preference_set(user=UserFactory(), category=Category.SECURITY, email=False)
    assert not NotificationPreference.objects.exists()


def test_preferences_default_to_on_and_record_changes(django_assert_num_queries):
    person = UserFactory()
    preference_set(user=person, category=Category.REMINDER, email=False)
    preference_set(user=person, category=Category.REMINDER, email=False)
    with django_assert_num_queries(1):
        choices = preferences_for(person)
    assert choices == {"announcement": True, "reminder": False, "survey": True, "digest": True}
    assert NotificationPreference.objects.count() == 1


def test_chat_is_off_unless_enabled_and_configured(settings):
    community = CommunityFactory()
    settings.CHAT_WEBHOOKS_ENABLED = False
    ChatWebhook.objects.create(community=community, provider="slack", url="https://hooks.example.org/x")
    assert chat_queue(community=community, kind="announcement", context={"title": "t", "body": "b"}) is None
    settings.CHAT_WEBHOOKS_ENABLED = True
    assert chat_queue(community=CommunityFactory(), kind="announcement") is None  # no webhook there
    row = chat_queue(community=community, kind="announcement", context={"title": "t", "body": "b"})
    assert (row.channel, row.community, row.recipient) == ("chat", community, None)
    assert chat_queue(community=community, kind="announcement", context={"title": "t", "body": "b"}).pk == row.pk
