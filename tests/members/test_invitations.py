from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cop.models import Notification
from members import invitations as invites
from members.models import Invitation, Membership, Role, User
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_pasted_list_reads_names_and_addresses():
    rows = invites.rows_from_text(
        "fenna@example.org\nIlias Bakker <ilias@example.org>\n\nBakker, Sanne; sanne@example.org\n", role="intern"
    )
    assert [(row.name, row.email, row.role) for row in rows] == [
        ("", "fenna@example.org", "intern"),
        ("Ilias Bakker", "ilias@example.org", "intern"),
        ("Bakker, Sanne", "sanne@example.org", "intern"),
    ]


def test_a_csv_with_dutch_headers_and_semicolons_is_read():
    data = (
        b"naam;e-mail;rol;school;opleiding;begin;eind\n"
        b"Milan Koster;milan@example.org;stagiair;ROC;Metselaar;01-09-2026;2027-01-31\n"
        b"Karin Postma;karin@example.org;begeleider;;;;\n"
    )
    rows = invites.rows_from_csv(data, role="colleague")
    assert [(r.name, r.email, r.role, r.school, r.start, r.end) for r in rows] == [
        ("Milan Koster", "milan@example.org", "stagiair", "ROC", date(2026, 9, 1), date(2027, 1, 31)),
        ("Karin Postma", "karin@example.org", "begeleider", "", None, None),
    ]


def test_a_csv_saved_with_carriage_returns_only_is_read():
    # Excel's "CSV (Macintosh)"; it was refused with the csv module's English message.
    rows = invites.rows_from_csv(b"email;naam\rmilan@example.org;Milan\rkarin@example.org;Karin\r", role="intern")
    assert [(row.email, row.name) for row in rows] == [("milan@example.org", "Milan"), ("karin@example.org", "Karin")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"naam,school\nA,B\n", "The file needs a column"),
        ("email\nå\n".encode("latin-1"), "not UTF-8"),
        (b"x" * 1_000_001, "larger than 1 MB"),
    ],
)
def test_an_unreadable_csv_is_refused_with_a_reason(data, message):
    with pytest.raises(invites.InviteInputError, match=message):
        invites.rows_from_csv(data, role="intern")


def test_the_preview_names_each_rows_problem(django_assert_num_queries):
    community = CommunityFactory()
    MembershipFactory(community=community, user=UserFactory(email="member@example.org"))
    Invitation.objects.create(
        community=community, email="invited@example.org", role="intern", token="t", expires_at=timezone.now()
    )
    rows = [
        invites.InviteRow(email="ok@example.org", role="intern"),
        invites.InviteRow(email="not-an-address", role="intern"),
        invites.InviteRow(email="boss@example.org", role="chef"),
        invites.InviteRow(email="late@example.org", role="intern", start=date(2026, 9, 1), end=date(2026, 8, 1)),
        invites.InviteRow(email="MEMBER@example.org", role="mentor"),
        invites.InviteRow(email="invited@example.org", role="intern"),
        invites.InviteRow(email="ok@example.org", role="intern"),
    ]
    with django_assert_num_queries(2):
        checked = invites.rows_check(community=community, rows=rows)
    assert [row.problems for row in checked] == [
        [],
        ["“not-an-address” is not an e-mail address."],
        ["Unknown role “chef”."],
        ["The internship ends before it starts."],
        ["Already a member of this community."],
        ["Already invited: resend from the list of open invitations."],
        ["This address is in the list twice."],
    ]


def test_sending_creates_invitations_and_queues_one_mail_each(settings):
    community = CommunityFactory(name="Metselen")
    facilitator = UserFactory(full_name="Fenna de Vries")
    rows = [
        invites.InviteRow(email="a@example.org", name="Anouk", role="intern"),
        invites.InviteRow(email="b@", role="intern"),
    ]
    sent = invites.invitations_send(community=community, rows=rows, invited_by=facilitator)
    assert [invitation.email for invitation in sent] == ["a@example.org"]
    mail = Notification.objects.get()
    assert (mail.kind, mail.to_email, mail.recipient) == ("invitation", "a@example.org", None)
    assert mail.context["accept_url"].endswith(f"/invitations/{sent[0].token}/")
    assert mail.context["inviter"] == "Fenna de Vries"


def invitation(community=None, **fields) -> Invitation:
    community = community or CommunityFactory()
    defaults = {"email": "new@example.org", "role": Role.INTERN, "expires_at": timezone.now() + timedelta(days=14)}
    return Invitation.objects.create(
        community=community, token=f"token-{Invitation.objects.count()}", **{**defaults, **fields}
    )


def test_accepting_creates_the_account_verified_and_the_membership(client):
    pending = invitation(full_name="Noor Hendriks", school="ROC", internship_end=date(2027, 1, 31))
    url = reverse("invitation_accept", args=[pending.token])
    assert "Noor Hendriks" in client.get(url).text
    response = client.post(
        url, {"full_name": "Noor Hendriks", "password1": "Stage-2026-leren", "password2": "Stage-2026-leren"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(email="new@example.org")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert user.check_password("Stage-2026-leren")
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.objects.get(user=user)
    assert (membership.community, membership.role, membership.school) == (pending.community, "intern", "ROC")
    pending.refresh_from_db()
    assert pending.accepted_by == user


def test_a_weak_password_is_refused_and_nothing_is_created(client):
    pending = invitation()
    response = client.post(
        reverse("invitation_accept", args=[pending.token]), {"full_name": "N", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.org").exists()
    assert Invitation.objects.get(pk=pending.pk).accepted_at is None


def test_someone_already_registered_just_gains_the_membership(client):
    person = UserFactory(email="Colleague@example.org")
    MembershipFactory(user=person, role=Role.COLLEAGUE)
    pending = invitation(email="colleague@example.org", role=Role.MENTOR)
    response = client.post(reverse("invitation_accept", args=[pending.token]))
    assert response["Location"] == reverse("account_login")
    assert User.objects.filter(email__iexact="colleague@example.org").count() == 1
    assert sorted(person.memberships.values_list("role", flat=True)) == ["colleague", "mentor"]
    assert SESSION_KEY not in client.session  # the link proves the address, not the password


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"accepted_at": timezone.now()}, "has already been used"),
        ({"revoked_at": timezone.now()}, "was withdrawn"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "has expired"),
    ],
)
def test_a_used_withdrawn_or_expired_link_says_so(client, fields, message):
    pending = invitation(**fields)
    for method in (client.get, client.post):
        response = method(reverse("invitation_accept", args=[pending.token]), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 410
        assert message in response.text
    assert not User.objects.filter(email="new@example.org").exists()


def test_an_unknown_link_says_so(client):
    response = client.get(reverse("invitation_accept", args=["nope"]), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 410
    assert "Deze uitnodigingslink is niet geldig." in response.text


def test_resend_extends_and_queues_a_new_mail_and_revoke_stops_the_link(client):
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    pending = invitation(community, expires_at=timezone.now() - timedelta(days=1))
    client.force_login(facilitator)
    client.post(reverse("invitation_resend", args=[community.slug, pending.pk]))
    pending.refresh_from_db()
    assert pending.state == "pending"
    assert pending.sent_count == 2
    assert Notification.objects.filter(kind="invitation").count() == 1
    client.post(reverse("invitation_revoke", args=[community.slug, pending.pk]))
    assert Invitation.objects.get(pk=pending.pk).state == "revoked"
    assert client.get(reverse("invitation_accept", args=[pending.token])).status_code == 410


def test_invite_page_previews_then_sends(client):
    community = CommunityFactory()
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    url = reverse("invitations", args=[community.slug])
    preview = client.post(
        url, {"addresses": "a@example.org\nnot-an-address", "role": "intern"}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert "1 van 2 kan worden uitgenodigd." in preview.text
    assert not Invitation.objects.exists()
    payload = preview.context["payload"]
    response = client.post(url, {"confirm": "1", "payload": payload})
    assert response.status_code == 302
    assert list(Invitation.objects.values_list("email", flat=True)) == ["a@example.org"]
    client.post(url, {"confirm": "1", "payload": payload})  # a double click sends nothing more
    assert Invitation.objects.count() == 1


def test_a_file_that_cannot_be_read_is_refused_beside_the_file_field_in_dutch(client):
    community = CommunityFactory()
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR, user__language="nl").user)
    upload = SimpleUploadedFile("mensen.csv", b'email\n"a@example.org\n' + b"x" * 200_000, content_type="text/csv")
    response = client.post(reverse("invitations", args=[community.slug]), {"file": upload, "role": "intern"})
    assert response.status_code == 400
    assert (
        '<ul class="errorlist" id="id_file_error"><li>Het bestand kon niet als CSV worden gelezen: kijk of elk '
        "aanhalingsteken (&quot;) ook weer gesloten is.</li></ul>"
    ) in response.text
    assert 'aria-describedby="id_file_helptext id_file_error"' in response.text


def test_a_tampered_preview_is_refused(client):
    community = CommunityFactory()
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    client.post(reverse("invitations", args=[community.slug]), {"confirm": "1", "payload": "forged"})
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("data", [b'email\n"never closed\n', ("x" * 200_000 + ",email\n").encode()])
def test_a_malformed_csv_is_refused_not_a_crash(data):
    try:
        rows = invites.rows_from_csv(data, role="intern")
    except invites.InviteInputError:
        return
    assert all(isinstance(row, invites.InviteRow) for row in rows)


def test_an_alumnus_can_be_invited_back(client):
    community = CommunityFactory()
    alumnus = MembershipFactory(community=community, role=Role.INTERN, alumni_at=timezone.now())
    (row,) = invites.rows_check(
        community=community, rows=[invites.InviteRow(email=alumnus.user.email, role="colleague")]
    )
    assert row.ok
    pending = invitation(community, email=alumnus.user.email, role=Role.COLLEAGUE)
    client.post(reverse("invitation_accept", args=[pending.token]))
    assert sorted(alumnus.user.memberships.values_list("role", flat=True)) == ["colleague", "intern"]
