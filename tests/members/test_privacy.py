import json
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from cop.models import Notification, NotificationPreference
from cop.notifications.services import preference_set
from members.models import Invitation, Membership, Role, User
from members.privacy import alumni_erase, internships_end, user_erase, user_export
from members.tasks import daily
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, announcement

pytestmark = pytest.mark.django_db


@pytest.fixture
def intern():
    community = CommunityFactory(name="Autotechniek")
    mentor = MembershipFactory(community=community, role=Role.MENTOR, user=UserFactory(full_name="Marco Jansen")).user
    membership = MembershipFactory(
        community=community,
        role=Role.INTERN,
        user=UserFactory(email="ilias@example.org", full_name="Ilias Bakker"),
        school="ROC Mondriaan",
        learning_goals="Diagnose stellen.",
        mentor=mentor,
        internship_end=date(2026, 6, 30),
    )
    preference_set(user=membership.user, category="reminder", email=False)
    announcement(membership.user, community)
    Invitation.objects.create(
        community=CommunityFactory(), email="ilias@example.org", role="intern", token="x", expires_at=timezone.now()
    )
    return membership


def test_a_member_downloads_all_their_data(client, intern):
    client.force_login(intern.user)
    response = client.get(reverse("my_data_export"))
    assert response["Content-Disposition"] == 'attachment; filename="gilde-mijn-gegevens.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == "ilias@example.org"
    assert data["memberships"][0] | {"joined_at": None} == {
        "community": "Autotechniek",
        "role": "intern",
        "joined_at": None,
        "left_at": None,
        "alumni_at": None,
        "school": "ROC Mondriaan",
        "programme": "",
        "internship_start": None,
        "internship_end": "2026-06-30",
        "learning_goals": "Diagnose stellen.",
        "mentor": "Marco Jansen",
    }
    assert data["email_choices"] == {"reminder": False}
    assert [message["kind"] for message in data["messages_sent_to_you"]] == ["announcement"]


def test_erasure_removes_personal_data_and_keeps_anonymous_facts(intern):
    person = intern.user
    user_erase(user=person)
    person.refresh_from_db()
    assert person.email == f"erased-{person.pk}@erased.invalid"
    assert (person.full_name, person.is_active, person.has_usable_password()) == ("", False, False)
    assert person.erased_at is not None
    # Gone: everything that names or reaches the person.
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not NotificationPreference.objects.filter(user=person).exists()
    assert not Notification.objects.filter(recipient=person).exists()
    assert not Invitation.objects.filter(email__iexact="ilias@example.org").exists()
    assert not User.objects.filter(email__iexact="ilias@example.org").exists()
    # Kept: that someone was an intern in this community, from when to when.
    membership = Membership.objects.get(pk=intern.pk)
    assert (membership.role, membership.community.name) == ("intern", "Autotechniek")
    assert (membership.school, membership.learning_goals, membership.mentor) == ("", "", None)
    assert membership.joined_at == intern.joined_at
    assert membership.left_at is not None


def test_a_member_erases_their_own_account_after_confirming(client, intern):
    client.force_login(intern.user)
    refused = client.post(reverse("my_data"), {"confirm_email": "someone@example.org"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert refused.status_code == 400
    assert "Dat is niet het adres van dit account." in refused.text
    assert User.objects.get(pk=intern.user_id).erased_at is None
    response = client.post(reverse("my_data"), {"confirm_email": "ILIAS@example.org"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert User.objects.get(pk=intern.user_id).erased_at is not None


def test_an_erased_person_cannot_log_in(client, intern):
    user_erase(user=intern.user)
    response = client.post(reverse("account_login"), {"login": "ilias@example.org", "password": "a-long-test-password"})
    assert SESSION_KEY not in client.session
    assert response.status_code == 200


def test_finished_internships_become_alumni_and_stop_counting_as_members(intern):
    MembershipFactory(role=Role.INTERN, internship_end=date(2026, 12, 31))
    assert internships_end(today=date(2026, 7, 1)) == 1
    assert Membership.objects.get(pk=intern.pk).alumni_at is not None
    assert internships_end(today=date(2026, 7, 1)) == 0


def test_alumni_are_erased_after_the_retention_period_only(intern, settings):
    settings.ALUMNI_RETENTION_DAYS = 365
    Membership.objects.filter(pk=intern.pk).update(alumni_at=timezone.now() - timedelta(days=366))
    recent = MembershipFactory(role=Role.INTERN, alumni_at=timezone.now() - timedelta(days=30))
    both = MembershipFactory(role=Role.INTERN, alumni_at=timezone.now() - timedelta(days=400))
    MembershipFactory(user=both.user, role=Role.COLLEAGUE)  # still a colleague elsewhere
    assert alumni_erase() == 1
    assert User.objects.get(pk=intern.user_id).erased_at is not None
    assert User.objects.get(pk=recent.user_id).erased_at is None
    assert User.objects.get(pk=both.user_id).erased_at is None


def test_the_daily_job_runs_both(intern, settings):
    settings.ALUMNI_RETENTION_DAYS = 0
    assert daily.apply().get() == {"alumni": 1, "erased": 0, "levels": 2}


def test_erasure_keeps_past_leaving_dates_and_removes_invitations_under_an_old_address(intern):
    person = intern.user
    left = MembershipFactory(user=person, role=Role.COLLEAGUE, left_at=timezone.now() - timedelta(days=400))
    Invitation.objects.create(
        community=left.community,
        email="old-address@example.org",
        full_name="Ilias B.",
        role="colleague",
        token="old",
        expires_at=timezone.now(),
        accepted_at=timezone.now(),
        accepted_by=person,
    )
    user_erase(user=person)
    assert Membership.objects.get(pk=left.pk).left_at == left.left_at
    assert not Invitation.objects.filter(accepted_by=person).exists()


def test_survey_answers_are_exported_and_erasure_unties_them(intern):
    from feedback.models import Answer, SurveyResponse  # noqa: PLC0415
    from tests.feedback.helpers import answer, survey_with  # noqa: PLC0415

    survey = survey_with(intern.community)
    rating, valuable, _topics = survey.questions.all()
    answer(survey, intern.user, {rating.pk: {"number": 4}, valuable.pk: {"text": "Mijn begeleider Marco"}})
    exported = user_export(user=intern.user)["surveys"]
    assert [(row["survey"], [(a["number"], a["text"]) for a in row["answers"]]) for row in exported] == [
        ("Hoe gaat je stage?", [(4, ""), (None, "Mijn begeleider Marco")])
    ]
    user_erase(user=intern.user)
    response = SurveyResponse.objects.get()
    assert (response.invite, response.submitted_at, response.updated_at) == (None, survey.opens_at, survey.opens_at)
    assert list(Answer.objects.values_list("number", "text")) == [(4, "")]
