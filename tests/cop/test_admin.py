"""The Django admin for successes and kudos: filters, search, the hide actions through the
service, and changelists that run a fixed number of queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cop.models import Kudos, Notification, Success
from cop.models.notification import Status
from cop.successes import success_share
from members.models import Role
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, language="en"))
    return client


def successes(count: int, *, community=None) -> list[Success]:
    """`count` successes by different people, each about someone and with kudos from two others."""
    community = community or CommunityFactory(name="Autotechniek")
    people = [MembershipFactory(community=community, role=Role.COLLEAGUE).user for _ in range(3)]
    shared = []
    for number in range(count):
        author = MembershipFactory(community=community, role=Role.INTERN).user
        success = success_share(
            community=community,
            author=author,
            about=people[0],
            title=f"Succes {number}",
            story="Zelf gedaan.",
            kind="milestone",
            value="applied" if number % 2 else "realised",
        )
        Kudos.objects.bulk_create([Kudos(success=success, user=people[1]), Kudos(success=success, user=people[2])])
        shared.append(success)
    return shared


@pytest.mark.parametrize("rows", [3, 10])
def test_the_success_changelist_runs_a_fixed_number_of_queries(admin_client, django_assert_num_queries, rows):
    successes(rows)
    # user, the community filter's choices, the filtered and the total count, the page
    # of successes with community, author, about and kudos counted, the date hierarchy's range and days
    with django_assert_num_queries(7):
        response = admin_client.get(reverse("admin:cop_success_changelist"))
    assert response.status_code == 200
    assert response.text.count('class="field-kudos"') == rows
    assert response.text.count('<td class="field-kudos">2</td>') == rows


@pytest.mark.parametrize("rows", [3, 10])
def test_the_kudos_changelist_runs_a_fixed_number_of_queries(admin_client, django_assert_num_queries, rows):
    successes(rows)
    # user, the community filter's choices, the filtered and the total count, the page
    # of kudos with success, community and person, the date hierarchy's range and days
    with django_assert_num_queries(7):
        response = admin_client.get(reverse("admin:cop_kudos_changelist"))
    assert response.status_code == 200
    assert response.text.count('class="field-community"') == rows * 2


def test_the_success_changelist_filters_by_community_value_featured_and_hidden(admin_client):
    auto, bouw = CommunityFactory(name="Autotechniek"), CommunityFactory(name="Bouw")
    first, second, third = successes(3, community=auto)
    other = successes(1, community=bouw)[0]
    Success.objects.filter(pk=second.pk).update(featured=True)
    Success.objects.filter(pk=third.pk).update(hidden_at=timezone.now())
    url = reverse("admin:cop_success_changelist")

    def titles(**query) -> set[str]:
        page = admin_client.get(url, query).context["cl"].result_list
        return {success.title for success in page}

    assert titles(community__id__exact=bouw.pk) == {other.title}
    assert titles(community__id__exact=auto.pk, value__exact="applied") == {second.title}
    assert titles(featured__exact=1) == {second.title}
    assert titles(hidden="yes") == {third.title}
    assert titles(community__id__exact=auto.pk, hidden="no") == {first.title, second.title}
    assert titles(q=first.author.full_name) == {first.title}


def test_hiding_from_the_admin_stops_unsent_announcements(admin_client):
    success = successes(1)[0]
    assert Notification.objects.filter(kind="success.shared", status=Status.PENDING).count() == 3
    response = admin_client.post(
        reverse("admin:cop_success_changelist"), {"action": "hide", "_selected_action": [success.pk]}
    )
    assert response.status_code == 302
    success.refresh_from_db()
    assert success.hidden_at is not None
    assert not Notification.objects.filter(kind="success.shared", status=Status.PENDING).exists()
    admin_client.post(reverse("admin:cop_success_changelist"), {"action": "unhide", "_selected_action": [success.pk]})
    success.refresh_from_db()
    assert success.hidden_at is None


def test_the_success_form_opens_with_autocomplete_for_people(admin_client):
    success = successes(1)[0]
    page = admin_client.get(reverse("admin:cop_success_change", args=[success.pk])).text
    assert 'data-model-name="user"' in page or "admin-autocomplete" in page
    assert admin_client.get(reverse("admin:cop_kudos_add")).status_code == 200
