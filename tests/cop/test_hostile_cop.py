"""Hostile input on the community pages: the domain statement, successes (share, kudos,
moderation, the wall), the dashboard and its CSV, the outbox, e-mail choices and unsubscribe
links; where a posted URL decides a redirect (the language switch, logging in and out); and every
CSV download against formula injection (tests/hostile.py)."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import example, given
from hypothesis import strategies as st

from cop.csv_export import FORMULA_STARTS, cell
from cop.dashboard.board import Dashboard
from cop.models import Success
from meetings.models import Topic
from members.models import Role, User
from tests.factories import PASSWORD, CommunityFactory, MeetingFactory, MembershipFactory, UserFactory
from tests.hostile import (
    FORMULA,
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
    nasty_number,
    nasty_text,
    nasty_value,
    rolled_back,
    speak,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def community():
    return CommunityFactory(slug="autotechniek", name="Autotechniek")


@pytest.fixture
def facilitator(client, community):
    person = MembershipFactory(community=community, role=Role.FACILITATOR).user
    client.force_login(person)
    return person


@HOSTILE
@given(statement=nasty_text, adopt=nasty_choice, language=languages)
def test_the_domain_statement_is_saved_or_refused_with_the_reason(
    client, community, facilitator, statement, adopt, language
):
    with rolled_back():
        speak(facilitator, language)
        before = database_state()
        url = reverse("community_detail", args=[community.slug])
        response = client.post(url, {"domain_statement": statement, "adopt_draft": adopt})
        if response.status_code == 302:
            page = client.get(url)
            assert_escaped(page.text)
            return
        assert response.status_code == 200
        assert_rejected_cleanly(response, before, language)
        assert_escaped(response.text)


@HOSTILE
@given(draft=nasty_value)
def test_the_community_page_survives_a_hostile_draft_parameter(client, community, facilitator, draft):
    response = client.get(reverse("community_detail", args=[community.slug]), {"draft": draft})
    assert response.status_code == 200


@pytest.fixture
def colleague(community):
    return MembershipFactory(community=community, role=Role.COLLEAGUE, user__full_name="Bram de Vries").user


SUCCESS_FIELDS = {
    "title": nasty_text,
    "story": nasty_text,
    "kind": nasty_choice,
    "value": nasty_choice,
    "about": nasty_number,
    "meeting": nasty_number,
    "topic": nasty_number,
}


@HOSTILE
@given(changes=form_changes(SUCCESS_FIELDS), language=languages)
def test_sharing_a_success_stores_or_refuses_hostile_input(
    client, community, facilitator, colleague, changes, language
):
    data = {"title": "Eerste APK", "story": "Zelf gedaan.", "kind": "milestone", "value": "applied"} | changes
    with rolled_back():
        speak(facilitator, language)
        before = database_state()
        response = client.post(reverse("success_share", args=[community.slug]), data)
        if response.status_code == 400:
            assert_rejected_cleanly(response, before, language)
            assert_escaped(response.text)
            return
        assert response.status_code == 302
        success = Success.objects.latest("pk")
        assert success.title.strip()
        assert "\x00" not in success.title + success.story
        assert_escaped(client.get(response["Location"]).text)


@pytest.fixture
def shared(community, colleague):
    return Success.objects.create(
        community=community, author=colleague, kind="milestone", value="applied", title="Eerste APK", story="Ja."
    )


@HOSTILE
@given(
    view=st.sampled_from(["kudos", "feature", "unfeature", "hide", "unhide"]),
    field=st.sampled_from(["give", "value"]),
    value=nasty_value,
    language=languages,
    htmx=st.booleans(),
)
def test_kudos_and_moderation_survive_hostile_input(
    client, community, facilitator, shared, view, field, value, language, htmx
):
    name, args = (
        ("success_kudos", [community.slug, shared.pk])
        if view == "kudos"
        else ("success_moderate", [community.slug, shared.pk, view])
    )
    with rolled_back():
        speak(facilitator, language)
        response = client.post(
            reverse(name, args=args), {field: value}, **({"HTTP_HX_REQUEST": "true"} if htmx else {})
        )
        assert response.status_code in {200, 302}
        if response.status_code == 302:
            assert urlsplit(response["Location"]).path == reverse("success_wall", args=[community.slug])
            response = client.get(response["Location"])
        assert_in_language(error_messages(response.text), language)
        assert_escaped(response.text)


@HOSTILE
@given(field=st.sampled_from(["value", "page"]), value=nasty_value)
def test_the_wall_survives_hostile_filters_and_paging(client, community, facilitator, shared, field, value):
    response = client.get(reverse("success_wall", args=[community.slug]), {field: value})
    assert response.status_code == 200
    assert_escaped(response.text)


@pytest.fixture
def manager(client):
    person = UserFactory(is_manager=True)
    client.force_login(person)
    return person


@HOSTILE
@given(
    field=st.sampled_from(["community", "months"]),
    value=nasty_value,
    table=st.one_of(st.sampled_from(Dashboard.TABLES), st.just(None)),
)
@example(field="months", value="٣", table=None)  # an Arabic-Indic three
@example(field="community", value="\x00", table="members")
def test_the_dashboard_and_its_csv_survive_hostile_filters(client, community, manager, field, value, table):
    url = reverse("dashboard_csv", args=[table]) if table else reverse("dashboard")
    response = client.get(url, {field: value})
    # 400: a period or community that is none of the choices; 404: no such community at all.
    assert response.status_code in {200, 400, 404}
    if response.status_code == 400:
        assert_in_language(error_messages(response.text), "nl")
        assert error_messages(response.text)
    if not table:
        assert_escaped(response.text)


@HOSTILE
@given(status=nasty_value)
def test_the_outbox_survives_a_hostile_status_filter(client, community, facilitator, status):
    response = client.get(reverse("community_outbox", args=[community.slug]), {"status": status})
    assert response.status_code == 200
    assert_escaped(response.text)


@HOSTILE
@given(changes=form_changes(dict.fromkeys(("announcement", "reminder", "survey", "digest", "security"), nasty_choice)))
def test_e_mail_choices_take_any_post(client, facilitator, changes):
    with rolled_back():
        response = client.post(reverse("notification_preferences"), changes)
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200


@HOSTILE
@given(token=nasty_text.filter(lambda token: token and "/" not in token and token.isprintable()), post=st.booleans())
def test_an_unsubscribe_link_that_is_not_ours_changes_nothing(client, token, post):
    cache.clear()  # unknown links count towards a 429 (cop.ratelimit): each example starts afresh
    client.logout()
    before = database_state()
    url = reverse("notification_unsubscribe", args=[token])
    response = client.post(url) if post else client.get(url)
    assert response.status_code == 404
    assert changed_tables(before) == []


# Redirects to a posted URL never leave the site ---------------------------------------------------

OFFSITE = [
    "//evil.example",
    "//evil.example/%2F..",
    "///evil.example",
    "////evil.example",
    "https://evil.example",
    "http://evil.example/",
    "HTTPS://EVIL.EXAMPLE",
    "https:evil.example",
    "https:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver@evil.example",
    "https://evil.example\\@testserver",
    "https://evil.example#@testserver",
    "//evil.example\\@testserver/",
    "https://evil.example%2F@testserver",
]
offsite = st.one_of(
    st.sampled_from(OFFSITE),
    st.builds(
        lambda prefix, host, rest: prefix + host + rest,
        st.sampled_from(["//", "\\\\", "/\\", "https://", "http:", "https:\\\\", "/%09/", "%2f%2f", "//\t"]),
        st.sampled_from(["evil.example", "evil.example:80", "[2001:db8::1]", "10.0.0.1", "evil。example"]),
        st.sampled_from(["", "/", "/home/", "?next=/", "#x", "\\@testserver"]),
    ),
)


def assert_stays_on_site(response) -> None:
    """The redirect, read as a browser reads it (relative to the page, a backslash as a slash,
    tabs and line breaks dropped), leads to this site: the host asked for or another name of it
    in ALLOWED_HOSTS."""
    location = response["Location"]
    hosts = {"testserver", *django_settings.ALLOWED_HOSTS}
    assert url_has_allowed_host_and_scheme(location, allowed_hosts=hosts)
    as_read = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").lstrip()
    target = urlsplit(urljoin(response.wsgi_request.build_absolute_uri(), as_read))
    assert target.scheme == "http"
    assert target.netloc in hosts


@HOSTILE
@given(target=offsite, referer=st.one_of(st.none(), offsite), language=st.sampled_from(["nl", "en", "\x00", "xx"]))
@example(target="//evil.example", referer=None, language="en")
def test_the_language_switch_never_redirects_off_site(client, target, referer, language):
    headers = {"HTTP_REFERER": referer} if referer else {}
    response = client.post(reverse("language_set"), {"language": language, "next": target}, **headers)
    assert response.status_code == 302
    assert_stays_on_site(response)


def test_the_language_switch_goes_back_to_the_page_it_was_on(client):
    response = client.post(reverse("language_set"), {"language": "en", "next": "/agenda/?page=2"})
    assert response["Location"] == "/agenda/?page=2"


@pytest.fixture
def member():
    return UserFactory(email="zoe@example.org")


@HOSTILE
@given(target=offsite)
@example(target="//evil.example")
@example(target="https://evil.example")
@example(target="/\\evil.example")
@example(target="javascript:alert(1)")
def test_logging_in_never_redirects_off_site(client, member, target):
    cache.clear()  # logins are rate-limited: each example starts afresh
    client.logout()
    page = client.get(reverse("account_login"), {"next": target})
    assert page.status_code == 200
    assert_escaped(page.text)
    response = client.post(reverse("account_login"), {"login": "zoe@example.org", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert_stays_on_site(response)


def test_logging_in_goes_on_to_the_page_asked_for(client, member):
    response = client.post(
        reverse("account_login"), {"login": "zoe@example.org", "password": PASSWORD, "next": "/agenda/"}
    )
    assert response["Location"] == "/agenda/"


@HOSTILE
@given(target=offsite)
def test_logging_out_never_redirects_off_site(client, member, target):
    client.force_login(member)
    response = client.post(reverse("account_logout"), {"next": target})
    assert response.status_code == 302
    assert_stays_on_site(response)


# CSV downloads: a cell a spreadsheet would run as a formula is quoted ---------------------------


@given(text=st.one_of(nasty_text, st.sampled_from([FORMULA, "+1", "-1", "@x", "\t=1", "\r=1"])))
def test_a_csv_cell_never_starts_like_a_formula(text):
    written = cell(text)
    assert not written.startswith(FORMULA_STARTS)
    assert written in {text, "'" + text}


def _routes(patterns, prefix: str = "") -> list[str]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append(prefix + str(pattern.pattern))
    return found


CSV_VIEWS = {
    "dashboard/<slug:table>.csv",
    "communities/<slug:slug>/surveys/trend.csv",
    "communities/<slug:slug>/surveys/<int:pk>/results.csv",
}


def test_every_csv_download_is_one_of_those_tested_here():
    """A new CSV view is added here (and tested below) before it ships."""
    assert {route for route in _routes(get_resolver().url_patterns) if ".csv" in route} == CSV_VIEWS


def test_every_csv_is_written_through_cop_csv_export():
    """Nothing writes CSV on its own, bypassing the formula quoting."""
    writers = [
        str(path.relative_to(ROOT))
        for app in ("cop", "members", "meetings", "feedback")
        for path in (ROOT / app).rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
    ]
    assert writers == ["cop/csv_export.py"]


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("typed", [FORMULA, "+31 6 1234", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"])
def test_dashboard_csv_downloads_neutralise_formulas(client, community, manager, typed):
    """Meeting titles and themes, topic and success titles are typed by members; each table
    that shows them quotes a leading = + - @ tab or CR."""
    held = MeetingFactory(community=community, title=typed, theme=typed, starts_at=timezone.now() - timedelta(days=3))
    MeetingFactory(community=community, title=typed, theme=typed)
    Topic.objects.create(community=community, title=typed)
    Success.objects.create(community=community, kind="milestone", value="applied", title=typed, story=typed)
    assert held.pk
    quoted = 0
    for table in Dashboard.TABLES:
        rows = csv_rows(client.get(reverse("dashboard_csv", args=[table]), {"community": community.slug}))
        for row in rows:
            for value in row:
                if value.startswith(FORMULA_STARTS):
                    float(value)  # a number written as one (-2.5), never a formula
            quoted += row.count("'" + typed)
    assert quoted >= 3  # the meetings table, the themes and the stories at least


# The classics, shown where people see them ---------------------------------------------------


def test_a_script_in_a_success_is_shown_as_text_on_the_wall(client, community, facilitator, colleague):
    User.objects.filter(pk=colleague.pk).update(full_name=SCRIPT)
    response = client.post(
        reverse("success_share", args=[community.slug]),
        {"title": SCRIPT, "story": SCRIPT, "kind": "milestone", "value": "applied", "about": colleague.pk},
    )
    page = client.get(response["Location"]).text
    assert SCRIPT not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # title, story, the colleague


def test_a_script_in_the_domain_statement_is_shown_as_text(client, community, facilitator):
    client.post(reverse("community_detail", args=[community.slug]), {"domain_statement": SCRIPT})
    page = client.get(reverse("community_detail", args=[community.slug])).text
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_manager_who_is_shown_a_script_as_a_theme_sees_text(client, community, manager):
    MeetingFactory(community=community, theme=SCRIPT, title=SCRIPT, starts_at=timezone.now() - timedelta(days=3))
    page = client.get(reverse("dashboard"), {"community": community.slug}).text
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_rejected_domain_statement_is_told_in_english_too(client, community, facilitator):
    speak(facilitator, "en")
    before = database_state()
    response = client.post(reverse("community_detail", args=[community.slug]), {"domain_statement": "x" * 2001})
    assert assert_rejected_cleanly(response, before, "en") == [
        "Ensure this value has at most 2000 characters (it has 2001)."
    ]
