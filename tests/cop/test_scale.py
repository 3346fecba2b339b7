import re

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from cop.models import Community
from cop.scale import dataset_counts, seed_scale
from cop.scale.people import BENCH_MANAGER
from cop.scale.plan import apportion, apportion_capped, plan_for
from feedback.models import Survey, SurveyKind, SurveyResponse
from members.models import Membership, Role, User
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

# The headline counts are met exactly at any factor: (count in dataset_counts, field of the plan).
EXACT = [
    ("communities", "communities"),
    ("past meetings", "past_meetings"),
    ("planned meetings", "planned_meetings"),
    ("RSVPs", "rsvps"),
    ("attendance", "attendance"),
    ("surveys", "surveys"),
    ("successes", "successes"),
    ("topics", "topics"),
    ("outbox rows", "notifications"),
]


def test_apportion_hands_out_the_exact_total_by_weight():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(7, [0, 2, 5]) == [0, 2, 5]
    assert apportion_capped(10, [1, 1, 1], [2, 10, 10]) == [2, 4, 4]
    assert apportion_capped(10, [1, 1], [2, 3]) == [2, 3]  # every part full: less than asked


@pytest.mark.parametrize("factor", [0.02, 0.04])
def test_seed_scale_counts_scale_with_the_factor(factor):
    plan = plan_for(factor)
    report = seed_scale(factor=factor, manager_password="bench-secret")
    counts = dataset_counts()
    for name, field in EXACT:
        assert counts[name] == getattr(plan, field), name
    assert counts["users"] == plan.members + plan.managers
    assert (plan.communities, plan.past_meetings, plan.rsvps) == (
        max(2, round(20 * factor)),
        round(2_000 * factor),
        round(60_000 * factor),
    )
    # Answers reach the plan, or every optional question is answered and the shortfall reported:
    # at a small factor a community has too few members for F times 150,000 answers.
    assert counts["answers"] == plan.answers or report.shortfall["answers"] == (counts["answers"], plan.answers)
    assert counts["survey responses"] > 0
    # The ladder is the real one, for this month and the twelve before it.
    assert len(report.ladder_months) == 13
    assert counts["participation levels"] > 0


def test_the_organisation_has_every_role_one_unhealthy_community_and_anonymous_and_named_surveys():
    seed_scale(factor=0.02, manager_password="bench-secret")
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert Membership.objects.filter(role=Role.INTERN, mentor__isnull=False, alumni_at__isnull=False).exists()
    quiet = Community.objects.order_by("pk").last()
    assert not Membership.objects.current().filter(community=quiet, role=Role.FACILITATOR).exists()
    assert Survey.objects.filter(kind=SurveyKind.MEETING, anonymous=False).exists()
    assert Survey.objects.filter(kind=SurveyKind.PULSE, anonymous=True).exists()
    # Anonymous responses carry no invite and no time of their own.
    anonymous = SurveyResponse.objects.filter(survey__anonymous=True)
    assert anonymous.exists()
    assert not anonymous.filter(invite__isnull=False).exists()


def test_only_the_bench_manager_can_log_in_with_the_printed_password(capsys):
    call_command("seed_scale", factor=0.02)
    output = capsys.readouterr().out
    password = re.search(rf"Bench manager: {re.escape(BENCH_MANAGER)} / (\S+)", output).group(1)
    manager = User.objects.get(email=BENCH_MANAGER)
    assert manager.is_manager
    assert check_password(password, manager.password)
    assert not User.objects.exclude(pk=manager.pk).filter(password__startswith="md5$").exists()
    assert all(not user.has_usable_password() for user in User.objects.exclude(pk=manager.pk)[:50])
    assert "RSVPs" in output
    assert "answers: " in output  # the shortfall at this factor is said


def test_seed_scale_refuses_a_database_with_communities():
    CommunityFactory(name="Ons eigen")
    with pytest.raises(CommandError, match="already has communities"):
        call_command("seed_scale", factor=0.02)
    assert list(Community.objects.values_list("name", flat=True)) == ["Ons eigen"]


@pytest.fixture
def flushed():
    yield
    # flush recreated the content types inside the test's transaction, which is rolled back:
    # forget the ids it cached.
    ContentType.objects.clear_cache()


def test_force_empties_the_database_first(flushed):
    CommunityFactory(name="Ons eigen")
    call_command("seed_scale", factor=0.02, force=True)
    assert not Community.objects.filter(name="Ons eigen").exists()
    assert Community.objects.count() == plan_for(0.02).communities


def test_force_will_not_empty_a_database_that_may_be_production(monkeypatch, settings):
    from django.core.management.base import CommandError  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    CommunityFactory(name="Ons eigen")
    settings.DEBUG = False
    monkeypatch.setitem(connection.settings_dict, "NAME", "gilde")
    with pytest.raises(CommandError, match="only a \\*_bench or \\*_test database"):
        call_command("seed_scale", factor=0.02, force=True)
    assert Community.objects.filter(name="Ons eigen").exists()


def test_the_dashboard_costs_the_same_queries_on_scale_data(client, django_assert_num_queries):
    seed_scale(factor=0.04, manager_password="bench-secret")
    client.force_login(User.objects.get(email=BENCH_MANAGER))
    client.get("/dashboard/")
    # The same literals as tests/cop/test_dashboard.py on three hand-built communities.
    with django_assert_num_queries(22):
        response = client.get("/dashboard/", {"months": 12})
    assert response.status_code == 200
    assert len(response.context["board"].communities) == plan_for(0.04).communities
    one = Community.objects.order_by("pk").first()
    with django_assert_num_queries(25):
        response = client.get("/dashboard/", {"community": one.slug})
    assert response.status_code == 200
