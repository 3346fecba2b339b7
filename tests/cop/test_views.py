from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from members.models import Role
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_sends_visitors_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_home_for_an_htmx_request_without_a_session_asks_for_a_full_page_redirect(client):
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/"


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        (Role.FACILITATOR, "Als facilitator"),
        (Role.MENTOR, "Als begeleider"),
        (Role.COLLEAGUE, "Als ervaren medewerker"),
        (Role.INTERN, "Als stagiair"),
    ],
)
def test_home_shows_what_is_coming_for_the_persons_role_only(client, role, heading):
    membership = MembershipFactory(role=role, community=CommunityFactory(name="Metselen"))
    other = CommunityFactory(name="Geheime community")
    MembershipFactory(community=other, role=Role.FACILITATOR)
    client.force_login(membership.user)
    page = client.get(reverse("home")).text
    assert heading in page
    assert "Metselen" in page
    assert "Geheime community" not in page
    all_headings = {"Als facilitator", "Als begeleider", "Als ervaren medewerker", "Als stagiair", "Als manager"}
    assert [h for h in all_headings if h in page] == [heading]


def test_home_for_a_manager_and_the_admin_link_only_for_admins(client):
    manager = UserFactory(is_manager=True)
    client.force_login(manager)
    page = client.get(reverse("home")).text
    assert "Als manager" in page
    assert reverse("admin:index") not in page

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("home")).text
    assert "Als beheerder" in page
    assert f'href="{reverse("admin:index")}"' in page


def test_home_without_memberships_says_an_invitation_will_come(client):
    client.force_login(UserFactory())
    page = client.get(reverse("home")).text
    assert "Je bent nog geen lid van een community." in page


@pytest.mark.parametrize("communities", [1, 4])
def test_home_query_count_does_not_grow_with_communities(client, django_assert_num_queries, communities):
    user = UserFactory()
    for _ in range(communities):
        MembershipFactory(user=user, role=Role.INTERN)
    client.force_login(user)
    # user, memberships with their communities
    with django_assert_num_queries(2):
        response = client.get(reverse("home"))
    assert response.text.count('class="badge"') == communities


def test_home_uses_the_persons_language_over_the_browsers(client):
    client.force_login(UserFactory(language="en"))
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl").text
    assert '<html lang="en">' in page
    assert "Welcome," in page


def test_language_switch_saves_the_preference_and_returns_to_the_page(client):
    user = UserFactory(language="nl")
    client.force_login(user)
    response = client.post(reverse("language_set"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    user.refresh_from_db()
    assert user.language == "en"
    assert "Welcome," in client.get("/").text


def test_language_switch_for_a_visitor_sets_the_cookie_and_ignores_offsite_next(client):
    response = client.post(reverse("language_set"), {"language": "en", "next": "https://evil.example.com/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "en"
    assert "Log in to Gilde" in client.get(reverse("account_login")).text


def test_the_language_switch_on_a_refused_form_goes_back_to_the_page_the_form_was_on(client):
    # The refused form's page has the address it was posted to, which takes only posts: the switch
    # went there and got a blank 405.
    community = CommunityFactory()
    intern = MembershipFactory(community=community, role=Role.INTERN)
    client.force_login(intern.user)
    profile = "http://testserver" + reverse("member_profile", args=[community.slug, intern.user_id])
    goals = reverse("learning_goals_edit", args=[community.slug, intern.user_id])
    refused = client.post(goals, {"learning_goals": "Voegen\x00"}, HTTP_REFERER=profile)
    assert refused.status_code == 400
    assert f'<input type="hidden" name="next" value="{profile}">' in refused.text
    switched = client.post(reverse("language_set"), {"language": "en", "next": profile})
    assert (switched.status_code, switched["Location"]) == (302, profile)
    without_referer = client.post(goals, {"learning_goals": "Voegen\x00"})
    assert '<input type="hidden" name="next" value="/">' in without_referer.text


def test_language_switch_rejects_an_unknown_language_and_get(client):
    user = UserFactory(language="nl")
    client.force_login(user)
    client.post(reverse("language_set"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "nl"
    assert client.get(reverse("language_set")).status_code == 405


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client):
    user = MembershipFactory(role=Role.FACILITATOR).user
    client.force_login(user)
    for url in [reverse("home"), reverse("account_email")]:
        page = client.get(url).text
        assert "<script>" not in page
        assert "<style" not in page
        assert " style=" not in page
        assert " onclick=" not in page


def test_the_benchmarks_hello_view_adds_the_round_trips_asked_for(client, settings, django_assert_num_queries):
    settings.BENCHMARK = True
    with (
        django_assert_num_queries(0),
        mock.patch("cop.views.cache", wraps=cache) as redis,
    ):
        assert client.get("/bench/hello/").text == "hello"
    assert redis.method_calls == []
    with (
        django_assert_num_queries(2),
        mock.patch("cop.views.cache", wraps=cache) as redis,
    ):
        assert client.get("/bench/hello/?queries=2&reads=3").text == "hello"
    assert [name for name, _args, _kwargs in redis.method_calls] == ["get"] * 3


@pytest.mark.parametrize("query", ["queries=11", "reads=-1", "queries=x", "reads=1.5"])
def test_the_benchmarks_hello_view_refuses_other_counts(client, settings, django_assert_num_queries, query):
    settings.BENCHMARK = True
    with django_assert_num_queries(0):
        response = client.get(f"/bench/hello/?{query}")
    assert response.status_code == 400
    assert response.text == "queries and reads: whole numbers from 0 to 10"


def test_the_benchmarks_hello_view_is_not_there_in_production(client):
    assert client.get("/bench/hello/?queries=1").status_code == 404
