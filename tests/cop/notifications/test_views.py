import pytest
from django.test import Client
from django.urls import reverse

from cop.models import NotificationPreference
from cop.models.notification import Status
from cop.notifications.tokens import unsubscribe_token
from members.models import Role
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, announcement

pytestmark = pytest.mark.django_db


def unsubscribe_url(user, category="reminder") -> str:
    return reverse("notification_unsubscribe", args=[unsubscribe_token(user_id=user.pk, category=category)])


def test_unsubscribe_link_asks_first_and_changes_nothing_on_get(client):
    person = UserFactory(email="intern@example.org")
    page = client.get(unsubscribe_url(person), HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    assert "Geen e-mails meer van de soort “herinneringen” naar intern@example.org?" in page.text
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_works_without_login_and_takes_effect_at_once():
    person = UserFactory()
    # One-click unsubscribe (RFC 8058): a bare POST from the mail client, without a CSRF token.
    client = Client(enforce_csrf_checks=True)
    response = client.post(unsubscribe_url(person), {"List-Unsubscribe": "One-Click"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "You will get no more e-mails of the kind “reminders”." in response.text
    assert list(NotificationPreference.objects.values_list("user", "category", "email")) == [
        (person.pk, "reminder", False)
    ]


@pytest.mark.parametrize("token", ["nonsense", "a" * 80])
def test_a_forged_or_damaged_unsubscribe_link_is_refused_clearly(client, token):
    response = client.post(reverse("notification_unsubscribe", args=[token]), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 404
    assert "Deze afmeldlink is niet geldig" in response.text
    assert not NotificationPreference.objects.exists()


def test_an_unsubscribe_link_for_security_mail_is_refused(client):
    person = UserFactory()
    response = client.post(unsubscribe_url(person, category="security"))
    assert response.status_code == 404
    assert not NotificationPreference.objects.exists()


def test_preferences_need_a_login(client):
    response = client.get(reverse("notification_preferences"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_preferences_page_saves_the_choices(client, django_assert_num_queries):
    person = UserFactory()
    client.force_login(person)
    with django_assert_num_queries(2):  # user, preferences
        page = client.get(reverse("notification_preferences"), HTTP_ACCEPT_LANGUAGE="nl")
    assert "Uitnodigingen voor enquêtes" in page.text
    response = client.post(reverse("notification_preferences"), {"announcement": "on", "survey": "on"})
    assert response.status_code == 302
    choices = dict(NotificationPreference.objects.filter(user=person).values_list("category", "email"))
    assert choices == {"reminder": False, "digest": False}


def outbox_url(community) -> str:
    return reverse("community_outbox", args=[community.slug])


@pytest.fixture
def two_communities():
    ours, theirs = CommunityFactory(name="Autotechniek"), CommunityFactory(name="Communicatie")
    announcement(UserFactory(email="ours@example.org"), ours, title="Onze melding")
    announcement(UserFactory(email="theirs@example.org"), theirs, title="Hun melding")
    return ours, theirs


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        (Role.INTERN, 403),
        (Role.MENTOR, 403),
        (Role.COLLEAGUE, 403),
        ("facilitator elsewhere", 403),
        ("manager", 403),
        (Role.FACILITATOR, 200),
        ("admin", 200),
    ],
)
def test_only_the_communitys_facilitators_and_admins_see_its_outbox(client, two_communities, who, status):
    ours, theirs = two_communities
    if who == "admin":
        client.force_login(UserFactory(is_staff=True))
    elif who == "manager":
        client.force_login(UserFactory(is_manager=True))
    elif who == "facilitator elsewhere":
        client.force_login(MembershipFactory(community=theirs, role=Role.FACILITATOR).user)
    elif who != "anonymous":
        client.force_login(MembershipFactory(community=ours, role=who).user)
    response = client.get(outbox_url(ours))
    assert response.status_code == status
    if status == 200:
        assert "ours@example.org" in response.text
        assert "theirs@example.org" not in response.text


@pytest.mark.parametrize("rows", [1, 6])
def test_outbox_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, rows):
    community = CommunityFactory()
    for n in range(rows):
        announcement(UserFactory(), community, occasion=str(n))
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    # user, community, permission, counts, rows with recipients
    with django_assert_num_queries(5):
        response = client.get(outbox_url(community))
    assert response.text.count('class="status status--pending"') == rows


def test_outbox_filters_by_status(client):
    community = CommunityFactory()
    failed = announcement(UserFactory(email="failed@example.org"), community, occasion="1")
    failed.status, failed.last_error = Status.FAILED, "SMTP 550: No such user"
    failed.save()
    announcement(UserFactory(email="pending@example.org"), community, occasion="2")
    client.force_login(UserFactory(is_staff=True))
    page = client.get(outbox_url(community), {"status": "failed"}, HTTP_ACCEPT_LANGUAGE="nl").text
    assert "failed@example.org" in page
    assert "SMTP 550: No such user" in page
    assert "pending@example.org" not in page
