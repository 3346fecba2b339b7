"""The audit log (cop/audit.py): every sensitive action writes exactly one row with who, what,
where and the details; a refused one writes none; admins read it in the admin and nobody can
change it; erasing a person keeps what they did and drops who they were."""

from datetime import UTC, datetime, timedelta

import pytest
from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from cop.audit import audit_record
from cop.models import AuditAction, AuditEvent, Community
from members import invitations as invites
from members.models import Invitation, Membership, Role, User
from members.privacy import alumni_erase, user_erase
from tests.factories import CommunityFactory, MembershipFactory, UserFactory
from tests.feedback.helpers import survey_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(name="Autotechniek", slug="auto")


@pytest.fixture
def admin_user():
    return UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True, language="en")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def facilitator(community):
    return MembershipFactory(community=community, role=Role.FACILITATOR, user__language="en").user


def rows() -> list[tuple]:
    return list(
        AuditEvent.objects.order_by("pk").values_list(
            "actor_id", "actor_label", "action", "community_id", "target", "details"
        )
    )


# --- Admin forms as a browser submits them ---------------------------------------------------


def _submitted(widget: forms.Widget, name: str, value: object) -> dict[str, object]:
    while hasattr(widget, "widget"):  # the admin's related-object wrapper
        widget = widget.widget
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        data = {}
        for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
            data |= _submitted(sub, name + suffix, part)
        return data
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if widget.check_test(value) else {}
    if isinstance(widget, forms.SelectMultiple):
        return {name: [str(item) for item in value or []]}
    formatted = widget.format_value(value)
    if isinstance(formatted, list):
        formatted = formatted[0] if formatted else ""
    return {name: "" if formatted is None else formatted}


def form_data(page) -> dict[str, object]:
    """The admin page's form and inlines filled in as shown, ready to change and post back."""
    page_forms = [page.context["adminform"].form]
    for inline in page.context.get("inline_admin_formsets", []):
        page_forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, object] = {}
    for form in page_forms:
        for bound in form:
            if bound.field.disabled:
                continue
            data |= _submitted(bound.field.widget, bound.html_name, bound.value())
            if bound.field.show_hidden_initial:
                data |= _submitted(bound.field.hidden_widget(), bound.html_initial_name, bound.value())
    return data


def change(admin_client, obj, **changes):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_data(admin_client.get(url)) | changes
    return admin_client.post(url, data)


# --- Admin edits ------------------------------------------------------------------------------


def test_a_role_changed_in_the_membership_admin_records_the_old_and_the_new_role(admin_client, admin_user, community):
    membership = MembershipFactory(community=community, role=Role.INTERN)
    response = change(admin_client, membership, role=Role.FACILITATOR)
    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).role == Role.FACILITATOR
    assert rows() == [
        (
            admin_user.pk,
            "beheer@example.org",
            AuditAction.ROLE_CHANGED,
            community.pk,
            f"members.membership #{membership.pk}",
            {"user": membership.user_id, "role": ["intern", "facilitator"], "fields": ["role"]},
        )
    ]


def test_a_person_made_manager_and_their_role_changed_in_the_user_admin_are_two_rows(
    admin_client, admin_user, community
):
    membership = MembershipFactory(community=community, role=Role.COLLEAGUE)
    person = membership.user
    response = change(admin_client, person, is_manager="on", **{"memberships-0-role": Role.MENTOR})
    assert response.status_code == 302
    assert rows() == [
        (
            admin_user.pk,
            "beheer@example.org",
            AuditAction.ACCESS_CHANGED,
            None,
            f"members.user #{person.pk}",
            {"is_manager": [False, True], "fields": ["is_manager"]},
        ),
        (
            admin_user.pk,
            "beheer@example.org",
            AuditAction.ROLE_CHANGED,
            community.pk,
            f"members.membership #{membership.pk}",
            {"user": person.pk, "role": ["colleague", "mentor"], "fields": ["role"]},
        ),
    ]


def test_admin_and_group_rights_given_in_the_user_admin_are_an_access_change(admin_client, admin_user):
    person = UserFactory()
    editors = Group.objects.create(name="Redactie")
    change(admin_client, person, is_staff="on", groups=[str(editors.pk)])
    assert rows() == [
        (
            admin_user.pk,
            "beheer@example.org",
            AuditAction.ACCESS_CHANGED,
            None,
            f"members.user #{person.pk}",
            {"is_staff": [False, True], "groups": [[], [editors.pk]], "fields": ["is_staff", "groups"]},
        )
    ]


def test_a_community_added_with_its_facilitator_records_both(admin_client, admin_user):
    facilitator = UserFactory()
    url = reverse("admin:cop_community_add")
    data = form_data(admin_client.get(url)) | {
        "name": "Metselen",
        "slug": "metselen",
        "memberships-0-user": str(facilitator.pk),
        "memberships-0-role": Role.FACILITATOR,
    }
    assert admin_client.post(url, data).status_code == 302
    created = Community.objects.get(slug="metselen")
    membership = Membership.objects.get(community=created)
    assert rows() == [
        (admin_user.pk, "beheer@example.org", AuditAction.ADMIN_ADDED, created.pk, f"cop.community #{created.pk}", {}),
        (
            admin_user.pk,
            "beheer@example.org",
            AuditAction.MEMBERSHIP_ADDED,
            created.pk,
            f"members.membership #{membership.pk}",
            {"source": "admin", "user": facilitator.pk, "role": "facilitator"},
        ),
    ]


def test_a_membership_ended_in_the_admin_is_recorded_as_ended(admin_client, admin_user, community):
    membership = MembershipFactory(community=community, role=Role.COLLEAGUE)
    today = timezone.localtime()
    change(admin_client, membership, left_at_0=today.strftime("%Y-%m-%d"), left_at_1="12:00:00")
    assert rows() == [
        (
            admin_user.pk,
            "beheer@example.org",
            AuditAction.MEMBERSHIP_ENDED,
            community.pk,
            f"members.membership #{membership.pk}",
            {"user": membership.user_id, "role": "colleague", "fields": ["left_at"]},
        )
    ]


def test_any_other_admin_change_names_the_fields_never_their_text(admin_client, admin_user, community):
    change(admin_client, community, domain_statement="Elektrisch rijden, veilig werken.")
    assert rows() == [
        (
            admin_user.pk,
            "beheer@example.org",
            AuditAction.ADMIN_CHANGED,
            community.pk,
            f"cop.community #{community.pk}",
            {"fields": ["domain_statement"]},
        )
    ]


def test_saving_an_admin_form_unchanged_records_nothing(admin_client, community):
    assert change(admin_client, community).status_code == 302
    assert rows() == []


def test_models_of_other_apps_are_audited_too(admin_client, admin_user):
    url = reverse("admin:auth_group_add")
    assert admin_client.post(url, {"name": "Redactie"}).status_code == 302
    group = Group.objects.get()
    assert rows() == [
        (admin_user.pk, "beheer@example.org", AuditAction.ADMIN_ADDED, None, f"auth.group #{group.pk}", {})
    ]


def test_a_membership_deleted_in_the_admin_keeps_whose_and_which_role(admin_client, admin_user, community):
    membership = MembershipFactory(community=community, role=Role.MENTOR)
    url = reverse("admin:members_membership_delete", args=[membership.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert rows() == [
        (
            admin_user.pk,
            "beheer@example.org",
            AuditAction.ADMIN_DELETED,
            community.pk,
            f"members.membership #{membership.pk}",
            {"user": membership.user_id, "role": "mentor"},
        )
    ]


def test_the_bulk_delete_action_records_one_row_per_object(admin_client, admin_user, community):
    first, second = (
        Invitation.objects.create(
            community=community, email=f"{n}@example.org", role="intern", token=n, expires_at=timezone.now()
        )
        for n in ("a", "b")
    )
    data = {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"}
    assert admin_client.post(reverse("admin:members_invitation_changelist"), data).status_code == 302
    assert not Invitation.objects.exists()
    assert {(row[2], row[3], row[4]) for row in rows()} == {
        (AuditAction.ADMIN_DELETED, community.pk, f"members.invitation #{first.pk}"),
        (AuditAction.ADMIN_DELETED, community.pk, f"members.invitation #{second.pk}"),
    }
    assert len(rows()) == 2


def test_a_password_set_by_an_admin_is_recorded(admin_client, admin_user):
    person = UserFactory()
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    data = {
        "password1": "een-nieuw-wachtwoord-42",
        "password2": "een-nieuw-wachtwoord-42",
        "set_usable_password": "true",
    }
    assert admin_client.post(url, data).status_code == 302
    assert rows() == [
        (
            admin_user.pk,
            "beheer@example.org",
            AuditAction.PASSWORD_SET,
            None,
            f"members.user #{person.pk}",
            {"usable": True},
        )
    ]


def test_a_refused_admin_edit_records_nothing(client, admin_client, community):
    membership = MembershipFactory(community=community, role=Role.INTERN)
    response = change(admin_client, membership, role="boss")
    assert response.status_code == 200  # the form again, with its error
    assert Membership.objects.get(pk=membership.pk).role == Role.INTERN
    # Staff without the permission to change memberships.
    client.force_login(UserFactory(is_staff=True, language="en"))
    url = reverse("admin:members_membership_change", args=[membership.pk])
    assert client.post(url, {"role": Role.FACILITATOR}).status_code == 403
    assert rows() == []


# --- Services and views -----------------------------------------------------------------------


def test_downloading_your_own_data_is_recorded(client):
    person = UserFactory(email="sanne@example.org")
    client.force_login(person)
    assert client.get(reverse("my_data_export")).status_code == 200
    assert rows() == [
        (person.pk, "sanne@example.org", AuditAction.DATA_EXPORTED, None, f"members.user #{person.pk}", {})
    ]


def test_a_dashboard_table_downloaded_records_which_table_and_community(client, community):
    CommunityFactory()  # two communities: the organisation's dashboard is not one community's
    manager = UserFactory(email="manager@example.org", is_manager=True)
    client.force_login(manager)
    assert client.get(reverse("dashboard_csv", args=["members"]), {"months": 12}).status_code == 200
    assert client.get(reverse("dashboard_csv", args=["topics"]), {"community": "auto"}).status_code == 200
    assert rows() == [
        (
            manager.pk,
            "manager@example.org",
            AuditAction.CSV_EXPORTED,
            None,
            "organisation",
            {"export": "dashboard", "table": "members", "months": 12},
        ),
        (
            manager.pk,
            "manager@example.org",
            AuditAction.CSV_EXPORTED,
            community.pk,
            f"cop.community #{community.pk}",
            {"export": "dashboard", "table": "topics", "months": 3},  # the default period
        ),
    ]


def test_survey_results_and_the_trend_downloaded_are_recorded(client, community, facilitator):
    survey = survey_with(community)
    client.force_login(facilitator)
    assert client.get(reverse("survey_results_csv", args=["auto", survey.pk])).status_code == 200
    assert client.get(reverse("survey_trend_csv", args=["auto"]), {"months": 6}).status_code == 200
    assert rows() == [
        (
            facilitator.pk,
            facilitator.email,
            AuditAction.CSV_EXPORTED,
            community.pk,
            f"feedback.survey #{survey.pk}",
            {"export": "survey results"},
        ),
        (
            facilitator.pk,
            facilitator.email,
            AuditAction.CSV_EXPORTED,
            community.pk,
            f"cop.community #{community.pk}",
            {"export": "survey trend", "months": 6},
        ),
    ]


def test_a_refused_download_records_nothing(client, community):
    survey = survey_with(community)
    intern = MembershipFactory(community=community, role=Role.INTERN).user
    client.force_login(intern)
    assert client.get(reverse("dashboard_csv", args=["members"])).status_code == 403
    assert client.get(reverse("survey_results_csv", args=["auto", survey.pk])).status_code == 403
    assert client.get(reverse("survey_trend_csv", args=["auto"])).status_code == 403
    client.force_login(UserFactory(is_manager=True))
    assert client.get(reverse("dashboard_csv", args=["secrets"])).status_code == 404
    assert rows() == []


def test_invitations_sent_resent_and_withdrawn_are_recorded_and_a_refused_withdrawal_is_not(
    client, community, facilitator
):
    sent = invites.invitations_send(
        community=community,
        rows=[
            invites.InviteRow(email="a@example.org", role="intern"),
            invites.InviteRow(email="b@example.org", role="mentor"),
        ],
        invited_by=facilitator,
    )
    first, second = sent
    client.force_login(facilitator)
    client.post(reverse("invitation_resend", args=["auto", first.pk]))
    client.post(reverse("invitation_revoke", args=["auto", first.pk]))
    client.post(reverse("invitation_revoke", args=["auto", first.pk]))  # already withdrawn: nothing to do
    target = f"members.invitation #{first.pk}"
    assert rows() == [
        (
            facilitator.pk,
            facilitator.email,
            AuditAction.INVITATIONS_SENT,
            community.pk,
            f"cop.community #{community.pk}",
            {"invitations": [first.pk, second.pk], "roles": ["intern", "mentor"]},
        ),
        (
            facilitator.pk,
            facilitator.email,
            AuditAction.INVITATION_RESENT,
            community.pk,
            target,
            {"role": "intern", "times_sent": 2},
        ),
        (facilitator.pk, facilitator.email, AuditAction.INVITATION_REVOKED, community.pk, target, {"role": "intern"}),
    ]


def test_accepting_an_invitation_records_the_new_membership_by_the_newcomer(community, facilitator):
    (invitation,) = invites.invitations_send(
        community=community, rows=[invites.InviteRow(email="nieuw@example.org", role="intern")], invited_by=facilitator
    )
    user, created = invites.invitation_accept(token=invitation.token, full_name="Nieuw", password="lang-genoeg-1")
    membership = Membership.objects.get(user=user)
    assert created
    assert rows()[1:] == [
        (
            user.pk,
            "nieuw@example.org",
            AuditAction.MEMBERSHIP_ADDED,
            community.pk,
            f"members.membership #{membership.pk}",
            {
                "source": "invitation",
                "invitation": invitation.pk,
                "invited_by": facilitator.pk,
                "user": user.pk,
                "role": "intern",
            },
        )
    ]
    with pytest.raises(ValueError, match="already been used"):
        invites.invitation_accept(token=invitation.token)
    assert len(rows()) == 2


# --- Erasure ----------------------------------------------------------------------------------


def test_erasing_yourself_is_recorded_under_the_erased_label(client):
    person = UserFactory(email="ilias@example.org")
    client.force_login(person)
    response = client.post(reverse("my_data"), {"confirm_email": "ilias@example.org"})
    assert response.status_code == 200
    assert User.objects.get(pk=person.pk).erased_at is not None
    assert rows() == [
        (
            person.pk,
            f"erased member #{person.pk}",
            AuditAction.MEMBER_ERASED,
            None,
            f"members.user #{person.pk}",
            {"reason": "self"},
        )
    ]


def test_an_admin_erasing_someone_and_the_retention_job_are_recorded(admin_client, admin_user, community, settings):
    person = UserFactory()
    url = reverse("admin:members_user_changelist")
    admin_client.post(url, {"action": "erase", "_selected_action": [person.pk]})
    settings.ALUMNI_RETENTION_DAYS = 30
    alumnus = MembershipFactory(community=community, alumni_at=timezone.now() - timedelta(days=31)).user
    assert alumni_erase() == 1
    assert rows() == [
        (
            admin_user.pk,
            "beheer@example.org",
            AuditAction.MEMBER_ERASED,
            None,
            f"members.user #{person.pk}",
            {"reason": "admin"},
        ),
        (None, "", AuditAction.MEMBER_ERASED, None, f"members.user #{alumnus.pk}", {"reason": "retention"}),
    ]


def test_erasure_keeps_what_someone_did_and_drops_who_they_were(client, admin_client, admin_user, community):
    # An admin who changed a role and downloaded a table, and whose own account someone else edited.
    membership = MembershipFactory(community=community, role=Role.INTERN)
    change(admin_client, membership, role=Role.MENTOR)
    change(admin_client, community, description="Over elektrische auto's.")
    other = UserFactory(email="ander@example.org")
    audit_record(actor=other, action=AuditAction.DATA_EXPORTED, target=other)
    other_admin = UserFactory(is_staff=True, is_superuser=True, language="en", full_name="Anna de Vries")
    client.force_login(other_admin)
    change(client, admin_user, full_name="Bart Beheerder")
    before = rows()

    user_erase(user=User.objects.get(pk=admin_user.pk), actor=other_admin)

    label = f"erased member #{admin_user.pk}"
    after = rows()
    # Every earlier row stays, with the same action, community, target and details; only the
    # erased person's own label changed.
    assert [row[2:] for row in after[:-1]] == [row[2:] for row in before]
    assert [row[:2] for row in after[:-1]] == [
        (admin_user.pk, label),
        (admin_user.pk, label),
        (other.pk, "ander@example.org"),
        (other_admin.pk, other_admin.email),
    ]
    assert after[-1] == (
        other_admin.pk,
        other_admin.email,
        AuditAction.MEMBER_ERASED,
        None,
        f"members.user #{admin_user.pk}",
        {"reason": "admin"},
    )
    # Nor does Django's own admin history name them any more.
    history = list(LogEntry.objects.values_list("object_repr", "change_message"))
    assert history
    assert not [entry for entry in history if "beheer@example.org" in str(entry) or "Bart Beheerder" in str(entry)]
    assert (label, '[{"changed": {"fields": ["Full name"]}}]') in history


# --- Reading it: admins only, read-only ---------------------------------------------------------


@pytest.mark.parametrize("count", [1, 4])
def test_admins_read_the_log_in_a_fixed_number_of_queries(admin_client, community, django_assert_num_queries, count):
    for number in range(count):
        audit_record(
            actor=UserFactory(),
            action=AuditAction.ROLE_CHANGED,
            community=community if number % 2 else None,
            target=f"members.membership #{number}",
            details={"role": ["intern", "mentor"]},
        )
    # user, the community filter's choices, the filtered and the total count, the page
    # of rows with their community, the date hierarchy's range and days
    with django_assert_num_queries(7):
        response = admin_client.get(reverse("admin:cop_auditevent_changelist"))
    assert response.status_code == 200
    assert response.text.count('class="field-target"') == count
    assert response.text.count("role changed") == count + 1  # and the action filter
    assert 'value="delete_selected"' not in response.text


def test_the_log_speaks_dutch(admin_client, admin_user, community):
    audit_record(actor=admin_user, action=AuditAction.MEMBER_ERASED, target="members.user #1")
    User.objects.filter(pk=admin_user.pk).update(language="nl")
    response = admin_client.get(reverse("admin:cop_auditevent_changelist"))
    assert "Auditlog" in response.text
    assert "lid gewist" in response.text
    assert '<span id="date-hierarchy-label">Filteren op wanneer</span>' in response.text


def test_a_row_is_named_by_the_local_time_the_admin_shows(admin_user):
    event = audit_record(actor=admin_user, action=AuditAction.MEMBER_ERASED, target="members.user #1")
    AuditEvent.objects.filter(pk=event.pk).update(created_at=datetime(2026, 12, 2, 16, 32, tzinfo=UTC))
    event.refresh_from_db()
    assert str(event) == "2026-12-02 17:32 · member erased · members.user #1"  # Amsterdam, UTC+1


def test_nobody_but_admins_sees_the_log(client, community, facilitator):
    audit_record(actor=facilitator, action=AuditAction.CSV_EXPORTED, community=community, target="organisation")
    event = AuditEvent.objects.get()
    pages = [reverse("admin:cop_auditevent_changelist"), reverse("admin:cop_auditevent_change", args=[event.pk])]
    manager = UserFactory(is_manager=True)
    for person in (manager, facilitator):
        client.force_login(person)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"] == f"{reverse('admin:login')}?next={url}"
    # Staff who were not given the view permission: forbidden.
    client.force_login(UserFactory(is_staff=True))
    assert [client.get(url).status_code for url in pages] == [403, 403]


def test_not_even_a_superuser_can_add_change_or_delete_a_row(admin_client, admin_user, community):
    event = audit_record(actor=admin_user, action=AuditAction.MEMBER_ERASED, community=community, target="x #1")
    change_url = reverse("admin:cop_auditevent_change", args=[event.pk])
    assert admin_client.get(reverse("admin:cop_auditevent_add")).status_code == 403
    assert admin_client.post(reverse("admin:cop_auditevent_add"), {"action": "csv_exported"}).status_code == 403
    assert admin_client.get(change_url).status_code == 200  # to read
    assert admin_client.post(change_url, {"action": "csv_exported", "target": "y #2"}).status_code == 403
    assert (
        admin_client.post(reverse("admin:cop_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    bulk = {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    admin_client.post(reverse("admin:cop_auditevent_changelist"), bulk)
    assert rows() == [(admin_user.pk, "beheer@example.org", AuditAction.MEMBER_ERASED, community.pk, "x #1", {})]


def test_the_model_itself_refuses_to_change_or_delete_a_row(admin_user):
    event = audit_record(actor=admin_user, action=AuditAction.DATA_EXPORTED, target=admin_user)
    event.target = "something else"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().target == f"members.user #{admin_user.pk}"


def test_deleting_a_person_or_community_outright_keeps_their_rows(admin_user, community):
    audit_record(actor=admin_user, action=AuditAction.CSV_EXPORTED, community=community, target=community)
    User.objects.filter(pk=admin_user.pk).delete()
    Community.objects.filter(pk=community.pk).delete()
    assert rows() == [
        (None, "beheer@example.org", AuditAction.CSV_EXPORTED, None, f"cop.community #{community.pk}", {})
    ]
