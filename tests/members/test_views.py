import re

import pytest
from django.urls import reverse

from cop.models import DomainStatementRevision
from members.models import Membership, Role
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(slug="metselen", name="Bouw & Metselen", domain_statement="Vakmanschap op de bouwplaats.")


@pytest.mark.parametrize("extra", [1, 60])
def test_directory_runs_a_fixed_number_of_queries(client, community, django_assert_num_queries, extra):
    viewer = MembershipFactory(community=community, role=Role.COLLEAGUE).user
    mentor = MembershipFactory(community=community, role=Role.MENTOR).user
    many_members(community, extra, mentor=mentor)
    client.force_login(viewer)
    # user, community, the viewer's standing, how many members, a page of them, their mentors
    with django_assert_num_queries(6):
        response = client.get(reverse("directory", args=[community.slug]))
    assert response.text.count('class="badge"') == min(extra + 2, 50)
    assert f"{extra + 2} leden" in response.text


def many_members(community, count, *, mentor=None, name="Lid"):
    """`count` interns named "Lid 01", "Lid 02", … (in the directory's order), made in two queries."""
    people = UserFactory._meta.model.objects.bulk_create(
        UserFactory.build(full_name=f"{name} {n:02}", email=f"{name.lower()}{n}@example.org")
        for n in range(1, count + 1)
    )
    Membership.objects.bulk_create(
        Membership(community=community, user=person, role=Role.INTERN, mentor=mentor) for person in people
    )
    return people


def names_on(page):
    return re.findall(r'<a href="/communities/[^"]+/members/\d+/">([^<]+)</a>', page)


def test_directory_shows_fifty_members_a_page_and_the_rest_on_the_next(client, community):
    many_members(community, 55)
    viewer = MembershipFactory(community=community, role=Role.MENTOR, user=UserFactory(full_name="Zeger Zwart")).user
    client.force_login(viewer)
    url = reverse("directory", args=[community.slug])
    first = client.get(url).text
    assert names_on(first) == [f"Lid {n:02}" for n in range(1, 51)]
    assert "56 leden" in first
    assert '<nav class="pager" aria-label="Pagina\'s met leden">' in first
    assert "Pagina 1 van 2" in first
    assert 'rel="prev"' not in first
    assert 'href="?page=2"' in first
    second = client.get(url, {"page": "2"}).text
    assert names_on(second) == [*(f"Lid {n:02}" for n in range(51, 56)), "Zeger Zwart"]
    assert "Pagina 2 van 2" in second
    assert 'rel="next"' not in second
    assert 'rel="prev" href="?"' in second


def test_directory_pages_keep_the_search_and_the_role_and_htmx_swaps_the_list(client, community):
    many_members(community, 60)
    many_members(community, 3, name="Ander")
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    url = reverse("directory", args=[community.slug])
    second = client.get(url, {"q": "lid", "role": "intern", "page": "2"}).text
    assert names_on(second) == [f"Lid {n:02}" for n in range(51, 61)]
    assert 'rel="prev" href="?q=lid&amp;role=intern"' in second
    first = client.get(url, {"q": "lid", "role": "intern"}, headers={"HX-Request": "true"}).text
    assert first.lstrip().startswith('<div id="member-list"')
    assert (
        '<a class="button button--secondary" rel="next" href="?q=lid&amp;role=intern&amp;page=2"'
        ' hx-get="?q=lid&amp;role=intern&amp;page=2" hx-target="#member-list"'
        ' hx-swap="outerHTML show:#member-list:top" hx-push-url="true">'
    ) in first


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("", 1), ("0", 2), ("-1", 2), ("99", 2), ("2.5", 1)])
def test_directory_page_that_is_no_page_shows_the_first_or_the_last(client, community, asked, shown):
    many_members(community, 55)
    client.force_login(MembershipFactory(community=community, role=Role.INTERN).user)
    response = client.get(reverse("directory", args=[community.slug]), {"page": asked})
    assert response.status_code == 200
    assert f"Pagina {shown} van 2" in response.text


def test_going_back_to_a_page_htmx_forgot_gets_the_whole_page(client, community):
    client.force_login(MembershipFactory(community=community, role=Role.INTERN).user)
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get(reverse("directory", args=[community.slug]), {"page": "1"}, headers=headers)
    assert "<html" in response.text


def test_directory_filters_by_role_and_search_and_htmx_gets_only_the_list(client, community):
    MembershipFactory(community=community, role=Role.INTERN, user=UserFactory(full_name="Milan Koster"))
    MembershipFactory(community=community, role=Role.INTERN, user=UserFactory(full_name="Fleur Prins"))
    MembershipFactory(community=community, role=Role.MENTOR, user=UserFactory(full_name="Karin Postma"))
    MembershipFactory(role=Role.INTERN, user=UserFactory(full_name="Elders Lid"))  # another community
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    url = reverse("directory", args=[community.slug])
    page = client.get(url, {"role": "intern"}).text
    assert "Milan Koster" in page
    assert "Fleur Prins" in page
    assert "Karin Postma" not in page
    assert "Elders Lid" not in page
    partial = client.get(url, {"q": "mila"}, headers={"HX-Request": "true"}).text
    assert partial.lstrip().startswith('<div id="member-list"')
    assert "Milan Koster" in partial
    assert "Fleur Prins" not in partial
    assert "<html" not in partial


def test_profile_shows_internship_details_and_the_mentor(client, community):
    mentor = MembershipFactory(community=community, role=Role.MENTOR, user=UserFactory(full_name="Karin Postma")).user
    intern = MembershipFactory(
        community=community,
        role=Role.INTERN,
        school="Bouwmensen",
        programme="Metselaar",
        mentor=mentor,
        learning_goals="Een halfsteens muur metselen.",
    )
    client.force_login(mentor)
    page = client.get(reverse("member_profile", args=[community.slug, intern.user_id]), HTTP_ACCEPT_LANGUAGE="nl").text
    for text in ("Bouwmensen", "Metselaar", "Karin Postma", "Een halfsteens muur metselen."):
        assert text in page
    assert 'name="learning_goals"' not in page  # a mentor reads the intern's goals; the intern edits them


def test_an_intern_edits_their_own_learning_goals(client, community):
    intern = MembershipFactory(community=community, role=Role.INTERN)
    client.force_login(intern.user)
    url = reverse("learning_goals_edit", args=[community.slug, intern.user_id])
    profile = reverse("member_profile", args=[community.slug, intern.user_id])
    # Refused goals come back on the profile at their form; saved ones at the message on top.
    assert f'action="{url}#goals-heading"' in client.get(profile).text
    assert client.post(url, {"learning_goals": "  Leren voegen.  "})["Location"] == f"{profile}#main"
    intern.refresh_from_db()
    assert intern.learning_goals == "Leren voegen."


def test_a_facilitator_pairs_a_mentor_of_the_same_community_only(client, community):
    intern = MembershipFactory(community=community, role=Role.INTERN)
    mentor = MembershipFactory(community=community, role=Role.MENTOR).user
    elsewhere = MembershipFactory(role=Role.MENTOR).user
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    url = reverse("mentor_edit", args=[community.slug, intern.user_id])
    client.post(url, {"mentor": elsewhere.pk})
    assert Membership.objects.get(pk=intern.pk).mentor is None
    client.post(url, {"mentor": mentor.pk})
    assert Membership.objects.get(pk=intern.pk).mentor == mentor


def test_a_mentor_sees_their_interns_on_the_home_page(client, community):
    mentor = MembershipFactory(community=community, role=Role.MENTOR).user
    MembershipFactory(community=community, role=Role.INTERN, mentor=mentor, user=UserFactory(full_name="Milan Koster"))
    MembershipFactory(community=community, role=Role.INTERN, user=UserFactory(full_name="Niet Mijn Stagiair"))
    client.force_login(mentor)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl").text
    assert "Jouw stagiairs" in page
    assert "Milan Koster" in page
    assert "Niet Mijn Stagiair" not in page


def test_a_facilitator_edits_the_domain_statement_and_its_history_is_kept(client, community):
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    client.force_login(facilitator)
    url = reverse("community_detail", args=[community.slug])
    client.post(url, {"domain_statement": "Vakmanschap én veiligheid op de bouwplaats."})
    client.post(url, {"domain_statement": "Vakmanschap én veiligheid op de bouwplaats."})  # unchanged: no revision
    community.refresh_from_db()
    assert community.domain_statement == "Vakmanschap én veiligheid op de bouwplaats."
    assert list(DomainStatementRevision.objects.values_list("text", "author")) == [
        ("Vakmanschap én veiligheid op de bouwplaats.", facilitator.pk)
    ]
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").text
    assert "Eerdere versies" in page


def test_an_empty_domain_statement_is_refused_and_nothing_changes(client, community):
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    response = client.post(reverse("community_detail", args=[community.slug]), {"domain_statement": "  "})
    assert response.status_code == 200
    community.refresh_from_db()
    assert community.domain_statement == "Vakmanschap op de bouwplaats."
    assert not DomainStatementRevision.objects.exists()


def test_a_mentors_profile_lists_only_this_communitys_interns(client, community):
    mentor = MembershipFactory(community=community, role=Role.MENTOR).user
    elsewhere = CommunityFactory()
    MembershipFactory(community=elsewhere, role=Role.MENTOR, user=mentor)
    MembershipFactory(community=community, role=Role.INTERN, mentor=mentor, user=UserFactory(full_name="Hier Stagiair"))
    MembershipFactory(community=elsewhere, role=Role.INTERN, mentor=mentor, user=UserFactory(full_name="Daar Stagiair"))
    client.force_login(MembershipFactory(community=community, role=Role.COLLEAGUE).user)
    page = client.get(reverse("member_profile", args=[community.slug, mentor.pk])).text
    assert "Hier Stagiair" in page
    assert "Daar Stagiair" not in page


def test_an_alumnus_profile_is_no_longer_shown(client, community):
    from django.utils import timezone  # noqa: PLC0415

    alumnus = MembershipFactory(community=community, role=Role.INTERN, alumni_at=timezone.now())
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    assert client.get(reverse("member_profile", args=[community.slug, alumnus.user_id])).status_code == 404
