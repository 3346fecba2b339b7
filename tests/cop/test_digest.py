"""The weekly digest: who gets it and with what, once per person and week, worded in their
language, with health changes against the last snapshot, and a fixed number of queries."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection

from cop.checklist import health_checks
from cop.digest import KIND, digests_queue
from cop.models import HealthSnapshot, Notification, NotificationPreference, Success
from cop.models.notification import Status
from cop.notifications.delivery import notification_deliver
from cop.notifications.render import render_email
from cop.notifications.services import preference_set
from cop.successes import success_hide
from meetings.models import Topic
from members.models import Role
from members.privacy import user_erase
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Monday of ISO week 49, when the beat schedule runs the digest.
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=AMSTERDAM)
MONDAY = date(2026, 11, 30)
SITE = "https://gilde.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def auto():
    return CommunityFactory(name="Autotechniek", slug="autotechniek")


@pytest.fixture
def bouw():
    return CommunityFactory(name="Bouw & Metselen", slug="bouw")


def person(community=None, role=Role.FACILITATOR, **fields):
    fields.setdefault("language", "en")
    user = UserFactory(**fields)
    if community is not None:
        MembershipFactory(community=community, role=role, user=user)
    return user


def success(community, title, *, days_ago=2, value="applied", **fields):
    return Success.objects.create(
        community=community,
        kind="milestone",
        value=value,
        title=title,
        story="Zelf gedaan.",
        created_at=NOW - timedelta(days=days_ago),
        **fields,
    )


def meeting(community, title, *, in_days=3, **fields):
    return MeetingFactory(community=community, title=title, starts_at=NOW + timedelta(days=in_days, hours=9), **fields)


def topic(community, title, *, days_ago=10, **fields):
    return Topic.objects.create(community=community, title=title, created_at=NOW - timedelta(days=days_ago), **fields)


def quiet(*communities, week=MONDAY - timedelta(days=7)):
    """Last week's snapshot as the health check sees them now: no health changes to report."""
    checks = health_checks(list(communities), now=NOW)
    for community in communities:
        HealthSnapshot.objects.create(
            community=community, week=week, lights={p.key: p.light.value for p in checks[community.pk]}
        )


def digests() -> dict[str, Notification]:
    return {row.recipient.email: row for row in Notification.objects.filter(kind=KIND).select_related("recipient")}


# --- Who gets what ---


def test_a_manager_reads_every_community_and_a_facilitator_only_their_own(auto, bouw):
    person(auto, email="facilitator@example.org")
    person(email="manager@example.org", is_manager=True)
    apk = success(auto, "Eerste APK zelfstandig", value="potential")
    success(bouw, "Gevel in één dag gemetseld", value="realised", days_ago=1)
    success(auto, "Te oud", days_ago=8)
    success(auto, "Verborgen", hidden_at=NOW)
    accu = meeting(auto, "Accu's veilig loskoppelen", in_days=3)
    meeting(bouw, "Steigers en veiligheid", in_days=1)
    meeting(auto, "Nog een concept", status="draft")
    meeting(auto, "Te ver weg", in_days=15)
    meeting(bouw, "Afgelast", status="cancelled")
    topic(auto, "Diagnose met de scanner", days_ago=63)
    topic(auto, "Laadpalen", days_ago=0)
    topic(auto, "Al gepland", status="planned")
    topic(bouw, "Voegen", days_ago=20)
    quiet(auto, bouw)

    assert digests_queue(now=NOW) == 2

    rows = digests()
    assert set(rows) == {"facilitator@example.org", "manager@example.org"}
    assert {(row.occasion, row.status, row.community_id) for row in rows.values()} == {("2026-W49", "pending", None)}
    assert rows["facilitator@example.org"].context == {
        "week": 49,
        "successes": [
            {
                "id": apk.pk,
                "title": "Eerste APK zelfstandig",
                "community": "Autotechniek",
                "value": "potential value",
                "url": f"{SITE}/communities/autotechniek/successes/#success-{apk.pk}",
            }
        ],
        "success_ids": {str(apk.pk): True},
        "meetings": [
            {
                "title": "Accu's veilig loskoppelen",
                "community": "Autotechniek",
                "when": "Thu 3 December, 16:00",
                "url": f"{SITE}/meetings/{accu.pk}/",
            }
        ],
        "health": [],
        "topics": [
            {
                "community": "Autotechniek",
                "url": f"{SITE}/communities/autotechniek/topics/",
                "waiting": [{"title": "Diagnose met de scanner", "days": 63}, {"title": "Laadpalen", "days": 0}],
                "more": 0,
            }
        ],
        "url": f"{SITE}/",
    }
    manager_digest = rows["manager@example.org"].context
    assert [(s["title"], s["community"], s["value"]) for s in manager_digest["successes"]] == [
        ("Eerste APK zelfstandig", "Autotechniek", "potential value"),
        ("Gevel in één dag gemetseld", "Bouw & Metselen", "realised value"),
    ]
    # Soonest first across communities; a manager who is no member opens the community page.
    assert manager_digest["meetings"] == [
        {
            "title": "Steigers en veiligheid",
            "community": "Bouw & Metselen",
            "when": "Tue 1 December, 16:00",
            "url": f"{SITE}/communities/bouw/",
        },
        {
            "title": "Accu's veilig loskoppelen",
            "community": "Autotechniek",
            "when": "Thu 3 December, 16:00",
            "url": f"{SITE}/communities/autotechniek/",
        },
    ]
    assert [(t["community"], [w["title"] for w in t["waiting"]]) for t in manager_digest["topics"]] == [
        ("Autotechniek", ["Diagnose met de scanner", "Laadpalen"]),
        ("Bouw & Metselen", ["Voegen"]),
    ]


def test_the_facilitators_e_mail_reads_exactly_so(auto, bouw):
    facilitator = person(auto, full_name="Sanne de Vries", email="sanne@example.org")
    success(auto, "Eerste APK zelfstandig")
    accu = meeting(auto, "Accu's veilig loskoppelen")
    topic(auto, "Diagnose met de scanner", days_ago=63)
    for n in range(6):
        topic(auto, f"Onderwerp {n}", days_ago=5 - n)
    success(bouw, "Niet van Sanne")
    quiet(auto, bouw)
    digests_queue(now=NOW)

    row = digests()["sanne@example.org"]
    message = render_email(row)
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.subject == "Gilde weekly digest, week 49"
    assert message.to == [facilitator.email]
    assert message.body == (
        "Hello Sanne,\n"
        "\n"
        "This is what happened in your communities in week 49, and what is coming.\n"
        "\n"
        "== Successes this week ==\n"
        "\n"
        "- Eerste APK zelfstandig (Autotechniek · applied value)\n"
        f"  {SITE}/communities/autotechniek/successes/#success-{Success.objects.get(community=auto).pk}\n"
        "\n"
        "== Meetings in the next two weeks ==\n"
        "\n"
        "- Thu 3 December, 16:00: Accu's veilig loskoppelen (Autotechniek)\n"
        f"  {SITE}/meetings/{accu.pk}/\n"
        "\n"
        "== Topics waiting in the backlog ==\n"
        "\n"
        f"Autotechniek ({SITE}/communities/autotechniek/topics/)\n"
        "- Diagnose met de scanner (waiting 63 days)\n"
        "- Onderwerp 0 (waiting 5 days)\n"
        "- Onderwerp 1 (waiting 4 days)\n"
        "- Onderwerp 2 (waiting 3 days)\n"
        "- Onderwerp 3 (waiting 2 days)\n"
        "  and 2 more topics\n"
        "\n"
        "You get this digest as a facilitator or manager.\n"
        f"Switch off the weekly digest: {unsubscribe}\n"
        "\n"
        "-- \n"
        "Gilde — learning together in a Community of Practice.\n"
        f"{SITE}\n"
        f"Don't want these e-mails? Unsubscribe: {unsubscribe}\n"
        f"All your e-mail choices: {SITE}/notifications/preferences/\n"
    )


def test_interns_mentors_and_colleagues_get_no_digest(auto):
    for role in (Role.INTERN, Role.MENTOR, Role.COLLEAGUE):
        person(auto, role=role)
    success(auto, "Eerste APK zelfstandig")
    meeting(auto, "Accu's veilig loskoppelen")

    assert digests_queue(now=NOW) == 0
    assert not Notification.objects.filter(kind=KIND).exists()


def test_a_former_facilitator_and_an_inactive_manager_get_none(auto):
    gone = person(auto)
    gone.memberships.update(left_at=NOW - timedelta(days=1))
    person(is_manager=True, is_active=False)
    success(auto, "Eerste APK zelfstandig")

    assert digests_queue(now=NOW) == 0


def test_someone_who_switched_digests_off_gets_none(auto):
    facilitator = person(auto)
    preference_set(user=facilitator, category="digest", email=False)
    success(auto, "Eerste APK zelfstandig")

    digests_queue(now=NOW)

    row = Notification.objects.get(kind=KIND, recipient=facilitator)
    assert row.status == Status.SKIPPED
    assert notification_deliver(notification_id=row.pk) == "not-claimed"
    assert mail.outbox == []


def test_the_opt_out_link_in_the_digest_switches_off_digests_only(client, auto):
    facilitator = person(auto)
    topic(auto, "Diagnose met de scanner")
    digests_queue(now=NOW)
    message = render_email(digests()[facilitator.email])
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f'href="{link}"' in message.alternatives[0].content

    # What a mail client's one-click unsubscribe sends: a bare POST to the link.
    assert client.post(link.removeprefix(SITE), {"List-Unsubscribe": "One-Click"}).status_code == 200

    assert list(NotificationPreference.objects.filter(user=facilitator).values_list("category", "email")) == [
        ("digest", False)
    ]
    digests_queue(now=NOW + timedelta(days=7))
    assert Notification.objects.get(kind=KIND, recipient=facilitator, occasion="2026-W50").status == Status.SKIPPED


# --- Hidden and erased successes ---


def test_a_hidden_success_leaves_the_digests_pending_and_sent(auto):
    person(auto, email="facilitator@example.org")
    person(email="manager@example.org", is_manager=True)
    apk = success(auto, "Jan de Vries haalde zijn APK")
    accu = success(auto, "Accu vervangen", days_ago=1)
    meeting(auto, "Remmen")
    quiet(auto)
    digests_queue(now=NOW)
    assert notification_deliver(notification_id=digests()["manager@example.org"].pk) == Status.SENT
    assert "Jan de Vries haalde zijn APK" in mail.outbox[0].body

    success_hide(success=apk)

    rows = digests()
    assert {email: row.status for email, row in rows.items()} == {
        "facilitator@example.org": Status.PENDING,
        "manager@example.org": Status.SENT,
    }
    for row in rows.values():
        assert [item["title"] for item in row.context["successes"]] == ["Accu vervangen"]
        assert row.context["success_ids"] == {str(accu.pk): True}
        assert "Jan de Vries" not in str(row.context)
    # The pending one goes out without it.
    assert notification_deliver(notification_id=rows["facilitator@example.org"].pk) == Status.SENT
    assert "Jan de Vries" not in mail.outbox[1].body
    assert "- Accu vervangen (Autotechniek · applied value)" in mail.outbox[1].body
    assert "Remmen" in mail.outbox[1].body


def test_a_digest_whose_only_news_was_a_hidden_success_is_not_sent(auto, bouw):
    person(auto, email="auto@example.org")
    person(bouw, email="bouw@example.org")
    apk = success(auto, "Jan de Vries haalde zijn APK")
    success(bouw, "Gevel af")
    quiet(auto, bouw)
    digests_queue(now=NOW)

    success_hide(success=apk)

    rows = digests()
    skipped = rows["auto@example.org"]
    assert (skipped.status, skipped.context["successes"], skipped.finished_at is not None) == (Status.SKIPPED, [], True)
    assert skipped.last_error == "Nothing left to tell: its only success was hidden."
    assert rows["bouw@example.org"].status == Status.PENDING  # another community's digest is untouched
    assert [item["title"] for item in rows["bouw@example.org"].context["successes"]] == ["Gevel af"]
    assert notification_deliver(notification_id=skipped.pk) == "not-claimed"
    assert mail.outbox == []


def test_erasing_the_author_takes_their_successes_out_of_the_digests(auto):
    author = person(auto, role=Role.INTERN, full_name="Jan de Vries")
    other = person(auto, role=Role.INTERN)
    person(auto, email="facilitator@example.org")
    person(email="manager@example.org", is_manager=True)
    success(auto, "Jan de Vries haalde zijn APK", author=author)
    success(auto, "Nog een van Jan", author=author, days_ago=1)
    kept = success(auto, "Accu vervangen", author=other)
    quiet(auto)
    digests_queue(now=NOW)
    assert notification_deliver(notification_id=digests()["manager@example.org"].pk) == Status.SENT

    user_erase(user=author)

    rows = digests()
    assert {email: row.status for email, row in rows.items()} == {
        "facilitator@example.org": Status.PENDING,
        "manager@example.org": Status.SENT,
    }
    for row in rows.values():
        assert row.context["successes"] == [
            {
                "id": kept.pk,
                "title": "Accu vervangen",
                "community": "Autotechniek",
                "value": "applied value",
                "url": f"{SITE}/communities/autotechniek/successes/#success-{kept.pk}",
            }
        ]
        assert row.context["success_ids"] == {str(kept.pk): True}
        assert "Jan" not in str(row.context)


def test_a_digest_with_only_an_erased_authors_success_is_not_sent(auto):
    author = person(auto, role=Role.INTERN)
    person(auto, email="facilitator@example.org")
    success(auto, "Jan de Vries haalde zijn APK", author=author)
    quiet(auto)
    digests_queue(now=NOW)

    user_erase(user=author)

    row = digests()["facilitator@example.org"]
    assert (row.status, row.context["successes"], row.context["success_ids"]) == (Status.SKIPPED, [], {})
    assert row.last_error == "Nothing left to tell: its successes were erased with their author."
    assert notification_deliver(notification_id=row.pk) == "not-claimed"
    assert mail.outbox == []


@pytest.mark.parametrize("readers", [1, 4])
def test_hiding_a_success_costs_the_same_queries_for_any_number_of_digests(readers, auto, django_assert_num_queries):
    for _ in range(readers):
        person(auto)
    apk = success(auto, "Jan de Vries haalde zijn APK")
    success(auto, "Accu vervangen")
    digests_queue(now=NOW)

    with django_assert_num_queries(6):  # savepoint, save, announcements, digests read and written, release
        success_hide(success=apk)
    assert Notification.objects.filter(kind=KIND, context__success_ids__has_key=str(apk.pk)).count() == 0
    assert Notification.objects.filter(kind=KIND).count() == readers


# --- Once a week ---


def test_twice_in_a_week_queues_one_digest_each(auto):
    facilitator = person(auto)
    manager = person(is_manager=True)
    success(auto, "Eerste APK zelfstandig")

    digests_queue(now=NOW)
    success(auto, "Nog een", days_ago=0)
    digests_queue(now=NOW + timedelta(days=2))

    assert sorted(Notification.objects.filter(kind=KIND).values_list("recipient", "occasion")) == sorted(
        [(facilitator.pk, "2026-W49"), (manager.pk, "2026-W49")]
    )
    assert HealthSnapshot.objects.get(community=auto).taken_at == NOW  # the first run of the week keeps it
    digests_queue(now=NOW + timedelta(days=7))
    assert Notification.objects.filter(kind=KIND, occasion="2026-W50").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_queue_one_digest_each():
    community = CommunityFactory()
    people = [person(community) for _ in range(3)]
    success(community, "Eerste APK zelfstandig")
    start = threading.Barrier(2)
    errors = []

    def run():
        try:
            start.wait()
            digests_queue(now=NOW)
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(Notification.objects.filter(kind=KIND).values_list("recipient", flat=True)) == [p.pk for p in people]
    assert HealthSnapshot.objects.count() == 1


def test_an_empty_week_sends_nothing_but_keeps_the_snapshot(auto):
    person(auto)
    person(is_manager=True)
    success(auto, "Al lang geleden", days_ago=30)
    meeting(auto, "Over een maand", in_days=30)
    quiet(auto)

    assert digests_queue(now=NOW) == 0

    assert not Notification.objects.filter(kind=KIND).exists()
    assert HealthSnapshot.objects.filter(community=auto, week=MONDAY).exists()


def test_the_beat_schedule_runs_the_digest_on_monday_at_seven_local_time():
    entry = django_settings.CELERY_BEAT_SCHEDULE["digest-weekly"]
    assert entry["task"] == "digest.weekly"
    assert entry["schedule"] == crontab(hour=7, minute=0, day_of_week=1)
    assert django_settings.CELERY_TIMEZONE == "Europe/Amsterdam"


# --- Health changes ---


def test_a_health_change_shows_the_light_before_and_after(auto):
    person(auto, email="facilitator@example.org")
    quiet(auto)
    HealthSnapshot.objects.filter(community=auto).update(
        lights={**HealthSnapshot.objects.get(community=auto).lights, "activities": "green"}
    )

    digests_queue(now=NOW)

    row = digests()["facilitator@example.org"]
    assert row.context["health"] == [
        {
            "community": "Autotechniek",
            "url": f"{SITE}/communities/autotechniek/",
            "points": [
                {
                    "label": "Activities",
                    "before": "green",
                    "after": "red",
                    "light_before": "green",
                    "light": "red",
                    "evidence": "No meeting planned in the next 45 days.",
                    "suggestion": "Plan the next meeting, for instance from the most wanted topic.",
                }
            ],
        }
    ]
    message = render_email(row)
    assert (
        "Autotechniek (https://gilde.example.org/communities/autotechniek/)\n"
        "- Activities: green → red. No meeting planned in the next 45 days. "
        "Suggestion: Plan the next meeting, for instance from the most wanted topic.\n"
    ) in message.body
    html = message.alternatives[0].content
    assert "<strong>Activities:</strong> <span" in html
    assert 'background:#1e7d4f"></span> green → <span' in html
    assert "<strong>red</strong><br>No meeting planned in the next 45 days." in html
    assert HealthSnapshot.objects.get(community=auto, week=MONDAY).lights["activities"] == "red"


def test_a_point_back_to_green_is_reported_without_a_suggestion(auto):
    person(auto, email="facilitator@example.org")
    meeting(auto, "Over drie weken", in_days=20)
    quiet(auto)
    HealthSnapshot.objects.filter(community=auto).update(
        lights={**HealthSnapshot.objects.get(community=auto).lights, "activities": "red"}
    )

    digests_queue(now=NOW)

    (point,) = digests()["facilitator@example.org"].context["health"][0]["points"]
    assert (point["label"], point["before"], point["after"], point["suggestion"]) == (
        "Activities",
        "red",
        "green",
        "",
    )
    assert point["evidence"] == "1 meeting planned."


def test_the_first_digest_lists_the_points_that_are_not_green(auto):
    person(auto, email="facilitator@example.org")

    digests_queue(now=NOW)

    (community,) = digests()["facilitator@example.org"].context["health"]
    assert [(p["label"], p["before"], p["after"]) for p in community["points"]] == [
        ("Domain", "", "amber"),
        ("Community", "", "red"),
        ("Activities", "", "red"),
        ("Support", "", "amber"),
        ("Flexibility", "", "amber"),
    ]
    body = render_email(digests()["facilitator@example.org"]).body
    assert "- Activities: red. No meeting planned in the next 45 days. Suggestion: " in body


def test_changes_are_against_last_weeks_snapshot_not_this_weeks(auto):
    quiet(auto, week=MONDAY - timedelta(days=14))
    HealthSnapshot.objects.create(community=auto, week=MONDAY - timedelta(days=7), lights={"activities": "green"})
    HealthSnapshot.objects.create(community=auto, week=MONDAY, lights={"activities": "red"}, taken_at=NOW)
    person(auto, email="facilitator@example.org")

    digests_queue(now=NOW + timedelta(hours=3))

    points = digests()["facilitator@example.org"].context["health"][0]["points"]
    assert ("Activities", "green", "red") in [(p["label"], p["before"], p["after"]) for p in points]
    assert HealthSnapshot.objects.get(community=auto, week=MONDAY).taken_at == NOW


# --- Language, time zone and escaping ---


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "heading", "value", "when", "opt_out"),
    [
        (
            "nl",
            "Gilde-weekoverzicht, week 49",
            "Hallo Sanne,",
            "== Successen van deze week ==",
            "toegepaste waarde",
            "do 3 december, 16:00",
            "Weekoverzicht uitzetten",
        ),
        (
            "en",
            "Gilde weekly digest, week 49",
            "Hello Sanne,",
            "== Successes this week ==",
            "applied value",
            "Thu 3 December, 16:00",
            "Switch off the weekly digest",
        ),
    ],
)
def test_each_person_reads_the_digest_in_their_own_language(
    auto, language, subject, greeting, heading, value, when, opt_out
):
    person(auto, full_name="Sanne de Vries", email="sanne@example.org", language=language)
    person(auto, language="nl" if language == "en" else "en")
    success(auto, "Eerste APK zelfstandig")
    meeting(auto, "Accu's veilig loskoppelen")

    digests_queue(now=NOW)

    message = render_email(digests()["sanne@example.org"])
    assert message.subject == subject
    assert message.body.startswith(greeting)
    for text in (heading, f"(Autotechniek · {value})", f"- {when}: Accu's veilig loskoppelen", opt_out):
        assert text in message.body
    html = message.alternatives[0].content
    assert f'lang="{language}"' in html
    assert opt_out in html


def test_the_health_evidence_is_in_the_readers_language(auto):
    person(auto, email="nl@example.org", language="nl")
    person(auto, email="en@example.org", language="en")

    digests_queue(now=NOW)

    rows = digests()
    nl = {p["label"]: p for p in rows["nl@example.org"].context["health"][0]["points"]}
    en = {p["label"]: p for p in rows["en@example.org"].context["health"][0]["points"]}
    assert (nl["Activiteiten"]["after"], en["Activities"]["after"]) == ("rood", "red")
    assert nl["Activiteiten"]["evidence"] == "Geen bijeenkomst gepland in de komende 45 dagen."
    assert en["Activities"]["evidence"] == "No meeting planned in the next 45 days."


def test_meeting_times_are_in_the_readers_time_zone(auto):
    person(auto, email="lisbon@example.org", time_zone="Europe/Lisbon")
    meeting(auto, "Accu's veilig loskoppelen")

    digests_queue(now=NOW)

    assert digests()["lisbon@example.org"].context["meetings"][0]["when"] == "Thu 3 December, 15:00"


def test_user_text_is_escaped_in_the_html_and_plain_in_the_text(auto):
    person(auto, email="facilitator@example.org")
    success(auto, "<script>alert('x')</script>")
    topic(auto, "Remmen & <b>banden</b>")
    quiet(auto)

    digests_queue(now=NOW)

    message = render_email(digests()["facilitator@example.org"])
    html = message.alternatives[0].content
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "Remmen &amp; &lt;b&gt;banden&lt;/b&gt;" in html
    assert "- <script>alert('x')</script> (Autotechniek · applied value)" in message.body
    assert "- Remmen & <b>banden</b> (waiting 10 days)" in message.body


# --- Queries ---


@pytest.mark.parametrize("count", [2, 6])
def test_building_the_digests_costs_the_same_queries_for_any_number_of_communities(count, django_assert_num_queries):
    person(is_manager=True, language="nl")
    for n in range(count):
        community = CommunityFactory()
        person(community, language="en" if n % 2 else "nl")
        person(community, role=Role.INTERN)
        success(community, f"Succes {n}")
        meeting(community, f"Bijeenkomst {n}")
        meeting(community, f"Vorige bijeenkomst {n}", in_days=-20)  # the health check's recent meetings
        topic(community, f"Onderwerp {n}")
    HealthSnapshot.objects.create(community=community, week=MONDAY - timedelta(days=7), lights={})

    with django_assert_num_queries(32):
        assert digests_queue(now=NOW) == count + 1
