"""Hostile input on the people pages: inviting (a pasted list, an uploaded CSV, the confirmation),
accepting an invitation, the directory, learning goals, pairing a mentor and erasing an account
(tests/hostile.py)."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from members.invitations import MAX_CSV_BYTES
from members.models import Invitation, Membership, Role, User
from tests.factories import CommunityFactory, MembershipFactory, UserFactory
from tests.hostile import (
    HOSTILE,
    SCRIPT,
    assert_escaped,
    assert_in_language,
    assert_rejected_cleanly,
    changed_tables,
    database_state,
    error_messages,
    form_changes,
    languages,
    nasty_choice,
    nasty_date,
    nasty_number,
    nasty_text,
    nasty_value,
    rolled_back,
    speak,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(slug="autotechniek", name="Autotechniek")


@pytest.fixture
def facilitator(client, community):
    person = MembershipFactory(community=community, role=Role.FACILITATOR).user
    client.force_login(person)
    return person


def payload(page: str) -> str | None:
    found = re.search(r'name="payload" value="([^"]+)"', page)
    return found and found.group(1)


def assert_preview_or_refusal(client, response, before, language: str) -> None:
    """The list was read (a preview that stores nothing, every row's problem said) or refused as
    a whole with the reason; sending the preview stores only rows that are fine."""
    if response.status_code == 400:
        assert_rejected_cleanly(response, before, language)
        assert_escaped(response.text)
        return
    assert response.status_code == 200
    assert_escaped(response.text)
    assert changed_tables(before) == []
    problems = re.findall(r'<ul class="problems">(.*?)</ul>', response.text, re.S)
    assert_in_language([re.sub(r"<[^>]+>", " ", problem).strip() for problem in problems], language)
    if signed := payload(response.text):
        sent = client.post(response.wsgi_request.path, {"confirm": "1", "payload": signed})
        assert sent.status_code == 302
        for invitation in Invitation.objects.all():
            assert invitation.role in Role.values
            assert all(text.isprintable() for text in (invitation.email, invitation.full_name, invitation.school))


# A pasted list: lines of hostile text, addresses and "Name <address>" among them.
pasted_line = st.one_of(
    nasty_text,
    st.emails().map(str),
    st.builds(lambda name, address: f"{name} <{address}>", nasty_text, st.emails()),
    st.builds(lambda name, address: f"{name}, {address}", nasty_text, nasty_text),
)


@HOSTILE
@given(lines=st.lists(pasted_line, min_size=1, max_size=6), role=st.one_of(st.just("intern"), nasty_choice))
def test_a_pasted_list_is_previewed_or_refused_whatever_it_holds(client, community, facilitator, lines, role):
    with rolled_back():
        before = database_state()
        response = client.post(
            reverse("invitations", args=[community.slug]), {"addresses": "\n".join(lines), "role": role}
        )
        assert_preview_or_refusal(client, response, before, "nl")


HEADERS = ["name", "naam", "email", "e-mail", "role", "rol", "school", "programme", "opleiding", "start", "eind"]
csv_cell = st.one_of(
    nasty_text, nasty_date, st.emails().map(str), st.sampled_from(["stagiair", "mentor", "begeleider"])
)


@st.composite
def csv_files(draw) -> bytes:
    """Files people export from spreadsheets (and some that only look like it): any of the
    known headers and unknown ones, comma, semicolon or tab, rows longer or shorter than the
    header, UTF-8 with or without a byte-order mark, another encoding, or random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    headers = draw(st.lists(st.one_of(st.sampled_from(HEADERS), nasty_text), min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(csv_cell, max_size=len(headers) + 2), max_size=5))
    text = io.StringIO()
    csv.writer(text, delimiter=draw(st.sampled_from([",", ";", "\t"]))).writerows([headers, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return text.getvalue().encode(encoding, errors="replace")


@HOSTILE
@given(content=csv_files(), language=languages)
def test_an_uploaded_csv_is_previewed_or_refused_whatever_it_holds(client, community, facilitator, content, language):
    with rolled_back():
        speak(facilitator, language)
        before = database_state()
        upload = SimpleUploadedFile("mensen.csv", content, content_type="text/csv")
        response = client.post(reverse("invitations", args=[community.slug]), {"file": upload, "role": "intern"})
        assert_preview_or_refusal(client, response, before, language)


@pytest.mark.parametrize(
    ("content", "language", "message"),
    [
        (b"x" * (MAX_CSV_BYTES + 1), "nl", "Het bestand is groter dan 1 MB."),
        ("naam;e-mail\nZoë;zoe@example.org\n".encode("utf-16"), "en", "The file is not UTF-8 text."),
        (b"name,school\nZoe,ROC\n", "nl", "Het bestand heeft een kolom"),
        (b"email\n" + b"a@example.org\n" * 501, "en", "At most 500 people at once."),
        (b'email\n"a@example.org\n' + b"x" * 200_000, "en", "The file could not be read as CSV"),
    ],
)
def test_a_csv_that_cannot_be_used_is_refused_with_the_reason(
    client, community, facilitator, content, language, message
):
    speak(facilitator, language)
    before = database_state()
    upload = SimpleUploadedFile("mensen.csv", content, content_type="text/csv")
    response = client.post(reverse("invitations", args=[community.slug]), {"file": upload, "role": "intern"})
    assert response.status_code == 400
    (shown,) = assert_rejected_cleanly(response, before, language)
    assert shown.startswith(message)


@HOSTILE
@given(signed=nasty_text)
def test_a_tampered_or_stale_preview_sends_nothing(client, community, facilitator, signed):
    before = database_state()
    response = client.post(
        reverse("invitations", args=[community.slug]), {"confirm": "1", "payload": signed}, follow=True
    )
    assert response.status_code == 200
    assert error_messages(response.text) == ["Het voorbeeld is verlopen. Controleer de lijst opnieuw."]
    assert changed_tables(before) == ["django_session"] or changed_tables(before) == []


def test_two_addresses_the_database_takes_for_one_are_invited_once(client, community, facilitator):
    """Python lowers "İ" to "i̇", PostgreSQL to "i": the preview saw two addresses, the unique
    index one, and sending the list was a 500 (an IntegrityError) that sent nothing."""
    response = client.post(
        reverse("invitations", args=[community.slug]),
        {"addresses": "a@İx.org\na@ix.org\nb@example.org", "role": "intern"},
    )
    response = client.post(
        reverse("invitations", args=[community.slug]), {"confirm": "1", "payload": payload(response.text)}, follow=True
    )
    assert response.status_code == 200
    assert "2 uitnodigingen verstuurd." in response.text
    assert sorted(Invitation.objects.values_list("email", flat=True)) == ["a@İx.org", "b@example.org"]


def test_a_script_in_a_pasted_name_is_shown_as_text_in_the_preview(client, community, facilitator):
    response = client.post(
        reverse("invitations", args=[community.slug]),
        {"addresses": f"{SCRIPT} <zoe@example.org>\n{SCRIPT}", "role": "intern"},
    )
    assert response.status_code == 200
    assert SCRIPT not in response.text
    # "Name <address>" takes the name before the last <…>: the second line is read as the name
    # "<script>alert(1)" with the address "/script". Both rows show as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</td>" in response.text
    assert "&lt;script&gt;alert(1)</td>" in response.text


@pytest.fixture
def invitation(community, facilitator):
    return Invitation.objects.create(
        community=community,
        email="nieuw@example.org",
        full_name="Nieuw",
        role=Role.INTERN,
        token="t" * 43,
        invited_by=facilitator,
        expires_at="2999-01-01T00:00Z",
    )


ACCEPT_FIELDS = {"full_name": nasty_text, "password1": nasty_text, "password2": nasty_text}


@HOSTILE
@given(changes=form_changes(ACCEPT_FIELDS), language=languages)
def test_accepting_an_invitation_creates_the_account_or_says_why_not(client, invitation, changes, language):
    client.logout()
    data = {"full_name": "Nieuwe Stagiair", "password1": "een-lang-wachtwoord", "password2": "een-lang-wachtwoord"}
    with rolled_back():
        before = database_state()
        url = reverse("invitation_accept", args=[invitation.token])
        response = client.post(url, data | changes, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code == 302:
            user = User.objects.get(email="nieuw@example.org")
            assert user.full_name.isprintable()
            assert Membership.objects.filter(user=user, community=invitation.community).count() == 1
            return
        assert response.status_code == 200
        assert_rejected_cleanly(response, before, language)
        assert_escaped(response.text)


def test_control_characters_in_a_new_name_are_dropped(client, invitation):
    client.logout()
    data = {"full_name": "\u202eJan\x1b Bakker", "password1": "een-lang-wachtwoord", "password2": "een-lang-wachtwoord"}
    response = client.post(reverse("invitation_accept", args=[invitation.token]), data)
    assert response.status_code == 302
    assert User.objects.get(email="nieuw@example.org").full_name == "Jan Bakker"


def test_a_new_name_of_control_characters_only_is_no_name(client, invitation):
    client.logout()
    before = database_state()
    data = {"full_name": "\u202e\x1b", "password1": "een-lang-wachtwoord", "password2": "een-lang-wachtwoord"}
    response = client.post(reverse("invitation_accept", args=[invitation.token]), data)
    assert assert_rejected_cleanly(response, before, "nl") == ["Dit veld is verplicht."]


@pytest.mark.parametrize("token", ["%00", "a%00b", "%C2%85", "%E2%80%AE", "%FF"])
def test_an_invitation_link_with_control_characters_is_simply_not_valid(client, token):
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 410
    assert "Deze uitnodigingslink is niet geldig." in response.text


@HOSTILE
@given(field=st.sampled_from(["q", "role", "page"]), value=nasty_value, htmx=st.booleans())
def test_the_directory_survives_hostile_search_and_paging(client, community, facilitator, field, value, htmx):
    response = client.get(
        reverse("directory", args=[community.slug]), {field: value}, **({"HTTP_HX_REQUEST": "true"} if htmx else {})
    )
    assert response.status_code == 200
    assert_escaped(response.text)


@pytest.fixture
def intern(community):
    return MembershipFactory(community=community, role=Role.INTERN)


@HOSTILE
@given(goals=nasty_text, language=languages)
def test_learning_goals_are_saved_or_refused_with_the_reason(client, community, intern, goals, language):
    client.force_login(intern.user)
    with rolled_back():
        speak(intern.user, language)
        before = database_state()
        url = reverse("learning_goals_edit", args=[community.slug, intern.user_id])
        response = client.post(url, {"learning_goals": goals})
        if response.status_code == 400:
            assert_rejected_cleanly(response, before, language)
            assert_escaped(response.text)
            return
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert_escaped(page.text)


@pytest.mark.parametrize(
    ("language", "message"),
    [("nl", "Null-tekens zijn niet toegestaan."), ("en", "Null characters are not allowed.")],
)
def test_learning_goals_with_a_nul_are_refused_with_the_text_kept(client, community, intern, language, message):
    """They were dropped without a word: the profile came back as if saved."""
    intern.learning_goals = "Metselen"
    intern.save()
    client.force_login(intern.user)
    speak(intern.user, language)
    response = client.post(
        reverse("learning_goals_edit", args=[community.slug, intern.user_id]), {"learning_goals": "Voegen\x00"}
    )
    assert response.status_code == 400
    assert error_messages(response.text) == [message]
    assert "Voegen\x00</textarea>" in response.text
    assert Membership.objects.get(pk=intern.pk).learning_goals == "Metselen"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nl", "Zorg dat deze waarde niet meer dan 2000 tekens bevat (het zijn er nu 2001)."),
        ("en", "Ensure this value has at most 2000 characters (it has 2001)."),
    ],
)
def test_learning_goals_over_2000_characters_are_refused_with_the_text_kept(
    client, community, intern, language, message
):
    """Any length was stored and shown; 2,000 characters as the browser counts them (a line break
    is one) are taken, one more is refused with the goals as typed."""
    intern.learning_goals = "Metselen"
    intern.save()
    client.force_login(intern.user)
    speak(intern.user, language)
    url = reverse("learning_goals_edit", args=[community.slug, intern.user_id])
    within = "\r\n".join(["Voegen!"] * 250) + "!"  # 2,000 with each CR LF counted once (2,249 sent)
    saved = "\n".join(["Voegen!"] * 250) + "!"
    assert len(saved) == 2000

    assert client.post(url, {"learning_goals": within}).status_code == 302
    assert Membership.objects.get(pk=intern.pk).learning_goals == saved

    response = client.post(url, {"learning_goals": "x" * 2001})
    assert response.status_code == 400
    assert error_messages(response.text) == [message]
    assert 'maxlength="2000"' in response.text
    assert Membership.objects.get(pk=intern.pk).learning_goals == saved


@HOSTILE
@given(mentor=st.one_of(nasty_number, nasty_text), language=languages)
def test_pairing_a_mentor_survives_hostile_input(client, community, facilitator, intern, mentor, language):
    with rolled_back():
        speak(facilitator, language)
        before = database_state()
        url = reverse("mentor_edit", args=[community.slug, intern.user_id])
        response = client.post(url, {"mentor": mentor}, follow=True)
        assert response.status_code == 200
        messages = error_messages(response.text)
        assert_in_language(messages, language)
        if messages:
            assert changed_tables(before) in ([], ["django_session"])


@pytest.fixture
def zoe():
    return UserFactory(email="zoe@example.org")


@HOSTILE
@given(typed=st.one_of(nasty_text, st.just(""), st.just(" ZOE@example.org ")), language=languages)
def test_erasing_an_account_needs_its_exact_address(client, zoe, typed, language):
    with rolled_back():
        client.force_login(zoe)  # erasing logs out: each example logs in again
        speak(zoe, language)
        before = database_state()
        response = client.post(reverse("my_data"), {"confirm_email": typed})
        if typed.strip().lower() == "zoe@example.org":
            assert response.status_code == 200
            assert not User.objects.filter(email="zoe@example.org").exists()
            return
        assert response.status_code == 400
        assert_rejected_cleanly(response, before, language)
        assert_escaped(response.text)


def test_the_data_export_is_a_download_no_browser_runs_as_a_page(client):
    """The JSON holds what people typed as typed (a name with <script>): it must never be read
    as HTML, so it is JSON, an attachment, and the browser may not guess otherwise."""
    person = UserFactory(full_name=SCRIPT)
    client.force_login(person)
    response = client.get(reverse("my_data_export"))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["account"]["full_name"] == SCRIPT
