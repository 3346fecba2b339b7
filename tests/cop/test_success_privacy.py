"""Successes and kudos in a person's export and erasure. Other people's successes, kudos and
announcements exist in every test, so an export that leaked them or an erasure that took too
much would show here."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cop.digest import KIND as DIGEST
from cop.digest import digests_queue
from cop.models import Kudos, Notification, Success
from cop.models.notification import Status
from cop.success_privacy import successes_erase, successes_export
from cop.successes import kudos_toggle, success_share
from members.ladder import levels_compute
from members.models import Membership, ParticipationLevel, Role
from members.privacy import user_erase
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Amsterdam")


def member(community, name, role=Role.INTERN):
    return MembershipFactory(community=community, role=role, user=UserFactory(full_name=name)).user


@pytest.fixture
def world():
    """Ilias wrote two successes (one in each community) and gave kudos; Marco wrote one about
    Ilias and one about nobody; Sanne, in the other community, wrote one and gave kudos there."""
    auto, bouw = CommunityFactory(name="Autotechniek"), CommunityFactory(name="Bouw")
    ilias, marco = member(auto, "Ilias Bakker"), member(auto, "Marco Jansen", Role.MENTOR)
    MembershipFactory(community=bouw, role=Role.COLLEAGUE, user=ilias)
    sanne = member(bouw, "Sanne de Vries")

    def share(community, author, title, **fields):
        success = success_share(
            community=community,
            author=author,
            title=title,
            story=f"{title}: het verhaal.",
            kind=fields.pop("kind", "milestone"),
            value=fields.pop("value", "applied"),
            **fields,
        )
        Success.objects.filter(pk=success.pk).update(created_at=datetime(2026, 9, len(title), 10, tzinfo=ZONE))
        return success

    apk = share(auto, ilias, "Eerste APK zelf gedaan", value="potential")
    muur = share(bouw, ilias, "Muur gemetseld", kind="example", value="realised")
    about = share(auto, marco, "Ilias vond de storing", about=ilias)
    checklist = share(auto, marco, "Nieuwe checklist hoogvolt", kind="improvement")
    gevel = share(bouw, sanne, "Gevel af")
    kudos_toggle(success=about, user=ilias, give=True)
    kudos_toggle(success=gevel, user=ilias, give=True)
    kudos_toggle(success=apk, user=marco, give=True)  # on Ilias's own: goes with it
    kudos_toggle(success=muur, user=sanne, give=True)
    kudos_toggle(success=gevel, user=marco, give=True)
    Kudos.objects.update(created_at=datetime(2026, 10, 1, 9, tzinfo=ZONE))
    return {
        "ilias": ilias,
        "marco": marco,
        "sanne": sanne,
        "apk": apk,
        "muur": muur,
        "about": about,
        "checklist": checklist,
        "gevel": gevel,
    }


def test_the_export_holds_what_they_wrote_the_kudos_they_gave_and_what_is_about_them(world):
    assert successes_export(world["ilias"]) == {
        "written": [
            {
                "title": "Muur gemetseld",
                "story": "Muur gemetseld: het verhaal.",
                "kind": "example",
                "value": "realised",
                "community": "Bouw",
                "created_at": "2026-09-14T08:00:00+00:00",
            },
            {
                "title": "Eerste APK zelf gedaan",
                "story": "Eerste APK zelf gedaan: het verhaal.",
                "kind": "milestone",
                "value": "potential",
                "community": "Autotechniek",
                "created_at": "2026-09-22T08:00:00+00:00",
            },
        ],
        "kudos_given": [
            {"success": "Ilias vond de storing", "community": "Autotechniek", "given_at": "2026-10-01T07:00:00+00:00"},
            {"success": "Gevel af", "community": "Bouw", "given_at": "2026-10-01T07:00:00+00:00"},
        ],
        "about_you": [
            {
                "title": "Ilias vond de storing",
                "story": "Ilias vond de storing: het verhaal.",
                "community": "Autotechniek",
                "created_at": "2026-09-21T08:00:00+00:00",
            }
        ],
    }


def test_the_download_includes_successes_and_the_ladder(client, world):
    ParticipationLevel.objects.create(
        user=world["ilias"], community=world["apk"].community, month=date(2026, 9, 1), level="contributor", rank=3
    )
    client.force_login(world["ilias"])
    data = json.loads(client.get(reverse("my_data_export")).content)
    assert [row["title"] for row in data["successes"]["written"]] == ["Muur gemetseld", "Eerste APK zelf gedaan"]
    assert [row["success"] for row in data["successes"]["kudos_given"]] == ["Ilias vond de storing", "Gevel af"]
    assert data["participation_ladder"] == [
        {
            "community": "Autotechniek",
            "month": "2026-09-01",
            "level": "contributor",
            "attended": 0,
            "answered": 0,
            "contributed": 0,
            "hosted": 0,
            "mentoring": False,
        }
    ]


def announced(success):
    return Notification.objects.filter(
        subject_type=ContentType.objects.get_for_model(Success), subject_id=success.pk
    ).order_by("pk")


def test_erasure_deletes_what_they_wrote_and_their_kudos_and_unties_what_others_wrote_about_them(world):
    assert announced(world["apk"]).count() == 1  # Marco, the other member of Autotechniek
    assert announced(world["about"])[0].context["about"] == "Ilias Bakker"
    successes_erase(world["ilias"])
    # Their stories are gone, with the kudos they got and the announcements that carried them.
    assert set(Success.objects.values_list("title", flat=True)) == {
        "Ilias vond de storing",
        "Nieuwe checklist hoogvolt",
        "Gevel af",
    }
    assert not announced(world["apk"]).exists()
    assert not announced(world["muur"]).exists()
    # Their kudos are gone; everyone else's stay.
    assert set(Kudos.objects.values_list("user__full_name", "success__title")) == {("Marco Jansen", "Gevel af")}
    # A success about them stays, by its author, without them; its announcements no longer name them.
    about = Success.objects.get(pk=world["about"].pk)
    assert (about.author, about.about, about.story) == (
        world["marco"],
        None,
        "Ilias vond de storing: het verhaal.",
    )
    assert [row.context["about"] for row in announced(about)] == [""]
    assert announced(about)[0].context["title"] == "Ilias vond de storing"
    # Other people's announcements are untouched.
    assert announced(world["gevel"]).count() == 1
    assert announced(world["checklist"]).count() == 1


def test_erasing_an_account_erases_its_successes_and_keeps_the_ladders_counts(world):
    Membership.objects.update(joined_at=datetime(2026, 1, 5, tzinfo=ZONE))
    levels_compute(date(2026, 9, 1))
    before = ParticipationLevel.objects.get(user=world["ilias"], community=world["apk"].community)
    assert (before.level, before.contributed) == ("contributor", 1)
    user_erase(user=world["ilias"])
    assert not Success.objects.filter(author=world["ilias"]).exists()
    assert not Kudos.objects.filter(user=world["ilias"]).exists()
    assert not Success.objects.filter(about=world["ilias"]).exists()
    assert Success.objects.count() == 3
    kept = ParticipationLevel.objects.get(pk=before.pk)
    assert (kept.level, kept.contributed) == ("contributor", 1)


def test_erasure_takes_their_successes_out_of_weekly_digests_pending_and_sent(world):
    UserFactory(email="manager@example.org", is_manager=True)
    UserFactory(email="other.manager@example.org", is_manager=True)
    digests_queue(now=datetime(2026, 9, 26, 7, tzinfo=ZONE))  # the week from 19 September
    Notification.objects.filter(kind=DIGEST, recipient__email="other.manager@example.org").update(status=Status.SENT)
    before = Notification.objects.filter(kind=DIGEST).order_by("recipient__email")
    assert [[item["title"] for item in row.context["successes"]] for row in before] == [
        ["Ilias vond de storing", "Eerste APK zelf gedaan", "Nieuwe checklist hoogvolt"]
    ] * 2

    user_erase(user=world["ilias"])

    after = Notification.objects.filter(kind=DIGEST).order_by("recipient__email")
    assert [(row.status, [item["title"] for item in row.context["successes"]]) for row in after] == [
        (Status.PENDING, ["Ilias vond de storing", "Nieuwe checklist hoogvolt"]),
        (Status.SENT, ["Ilias vond de storing", "Nieuwe checklist hoogvolt"]),
    ]
    assert all("Eerste APK" not in str(row.context) for row in after)
    assert all(str(world["apk"].pk) not in row.context["success_ids"] for row in after)
