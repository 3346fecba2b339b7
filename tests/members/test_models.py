import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone, translation

from members.models import Membership, Role, User
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_user_uses_the_email_as_login_lowercased():
    user = User.objects.create_user("Fenna.de.Vries@Example.ORG", "s3cret-pass", full_name="Fenna de Vries")
    assert user.email == "fenna.de.vries@example.org"
    assert user.get_username() == "fenna.de.vries@example.org"
    assert user.check_password("s3cret-pass")
    assert user.language == "nl"
    assert user.time_zone == "Europe/Amsterdam"
    assert not user.is_staff
    assert not user.is_manager


def test_emails_are_unique_regardless_of_case():
    User.objects.create_user("intern@example.org")
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="INTERN@example.org")])


def test_natural_key_lookup_ignores_case():
    user = UserFactory(email="mentor@example.org")
    assert User.objects.get_by_natural_key("Mentor@Example.org") == user


def test_create_user_rejects_an_unknown_time_zone():
    with translation.override("en"), pytest.raises(ValidationError, match="is not a known time zone"):
        User.objects.create_user("tz@example.org", time_zone="Mars/Olympus")
    assert not User.objects.filter(email="tz@example.org").exists()


def test_create_superuser_is_admin():
    user = User.objects.create_superuser("admin@example.org", "pw-for-admin-1")
    assert user.is_staff
    assert user.is_superuser


def test_one_current_membership_per_person_and_community_but_history_is_kept():
    membership = MembershipFactory(role=Role.INTERN)
    membership.left_at = timezone.now()
    membership.save()
    again = Membership.objects.create(user=membership.user, community=membership.community, role=Role.COLLEAGUE)
    assert again.pk != membership.pk
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=membership.user, community=membership.community, role=Role.MENTOR)


def test_a_person_can_hold_different_roles_in_different_communities():
    user = UserFactory()
    MembershipFactory(user=user, community=CommunityFactory(), role=Role.INTERN)
    MembershipFactory(user=user, community=CommunityFactory(), role=Role.COLLEAGUE)
    assert sorted(user.memberships.values_list("role", flat=True)) == ["colleague", "intern"]
