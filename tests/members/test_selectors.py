import pytest
from django.utils import timezone

from members.models import Role
from members.selectors import roles_for
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_roles_for_orders_roles_highest_first_and_skips_left_and_inactive(django_assert_num_queries):
    user = UserFactory(is_manager=True)
    alpha = CommunityFactory(name="Alpha")
    MembershipFactory(user=user, community=alpha, role=Role.INTERN)
    MembershipFactory(user=user, community=CommunityFactory(name="Beta"), role=Role.FACILITATOR)
    MembershipFactory(user=user, community=CommunityFactory(name="Gamma"), role=Role.MENTOR, left_at=timezone.now())
    MembershipFactory(user=user, community=CommunityFactory(name="Delta", active=False), role=Role.COLLEAGUE)
    MembershipFactory(community=alpha, role=Role.MENTOR)  # someone else's membership

    with django_assert_num_queries(1):
        roles = roles_for(user)
        assert roles.all == ["manager", "facilitator", "intern"]
        assert [m.community.name for m in roles.memberships] == ["Alpha", "Beta"]
    assert roles.primary == "manager"


def test_a_person_without_memberships_or_flags_has_no_roles():
    roles = roles_for(UserFactory())
    assert roles.all == []
    assert roles.primary is None


def test_staff_are_admins():
    assert roles_for(UserFactory(is_staff=True)).all == ["admin"]
