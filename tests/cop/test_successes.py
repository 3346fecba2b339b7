import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cop.models import ChatWebhook, Kudos, Notification, NotificationPreference, Success, ValueCycle
from cop.notifications.render import render_chat, render_email
from cop.successes import kudos_toggle, success_feature, success_hide, success_share, success_unhide, success_wall
from meetings.models import Topic
from members.models import Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(slug="autotechniek", name="Autotechniek")


@pytest.fixture
def other():
    return CommunityFactory(slug="bouw", name="Bouw")


def member(community, role=Role.INTERN, **kwargs):
    return MembershipFactory(community=community, role=role, user=UserFactory(**kwargs)).user


def share(community, author, **fields):
    data = {
        "title": "Eerste APK-keuring zelfstandig gedaan",
        "story": "Van remmentest tot afmelden bij de RDW, helemaal zelf.",
        "kind": "milestone",
        "value": "potential",
    }
    return success_share(community=community, author=author, **(data | fields))


def errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- Sharing: what is checked ---


def test_share_stores_the_success_with_a_tidy_title(community):
    intern = member(community)
    success = share(community, intern, title="  Eerste   APK  ", story="  Gelukt!\n ")
    assert (success.title, success.story, success.author) == ("Eerste APK", "Gelukt!", intern)
    assert success.community == community
    assert (success.featured, success.hidden_at) == (False, None)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"title": "   "}, {"title": ["Give the success a title."]}),
        ({"title": "x" * 141}, {"title": ["Keep the title to 140 characters (it has 141)."]}),
        ({"story": " \n "}, {"story": ["Tell the story in a few sentences."]}),
        ({"story": "x" * 2001}, {"story": ["Keep the story to 2000 characters (it has 2001)."]}),
        ({"kind": "victory"}, {"kind": ["Choose what kind of success this is."]}),
        ({"value": "priceless"}, {"value": ["Choose the value this success shows."]}),
    ],
)
def test_share_says_what_is_wrong(community, fields, expected):
    with pytest.raises(ValidationError) as excinfo:
        share(community, member(community), **fields)
    assert errors(excinfo) == expected
    assert not Success.objects.exists()
    assert not Notification.objects.exists()


def test_share_takes_a_title_of_exactly_140_and_a_story_of_exactly_2000(community):
    success = share(community, member(community), title="x" * 140, story="y" * 2000)
    assert (len(success.title), len(success.story)) == (140, 2000)


def test_share_is_about_a_current_member_of_the_same_community_only(community, other):
    author = member(community)
    outsider = member(other)
    former = member(community)
    former.memberships.update(left_at=timezone.now())
    for about in (outsider, former):
        with pytest.raises(ValidationError) as excinfo:
            share(community, author, about=about)
        assert errors(excinfo) == {"about": ["Choose someone who is a member of this community."]}
    colleague = member(community, Role.COLLEAGUE)
    assert share(community, author, about=colleague).about == colleague


def test_share_links_only_a_meeting_and_a_topic_of_the_same_community(community, other):
    author = member(community)
    their_meeting = MeetingFactory(community=other, starts_at=timezone.now() - timedelta(days=3))
    their_topic = Topic.objects.create(community=other, title="Metselverband")
    draft = MeetingFactory(community=community, status="draft")
    with pytest.raises(ValidationError) as excinfo:
        share(community, author, meeting=their_meeting, topic=their_topic)
    assert errors(excinfo) == {
        "meeting": ["Choose a meeting of this community."],
        "topic": ["Choose a topic of this community."],
    }
    with pytest.raises(ValidationError) as excinfo:
        share(community, author, meeting=draft)
    assert errors(excinfo) == {"meeting": ["Choose a meeting of this community."]}
    ours = MeetingFactory(community=community, starts_at=timezone.now() - timedelta(days=3))
    topic = Topic.objects.create(community=community, title="Diagnosecomputer")
    success = share(community, author, meeting=ours, topic=topic)
    assert (success.meeting, success.topic) == (ours, topic)


def test_only_a_current_member_can_share(community, other):
    with pytest.raises(ValidationError) as excinfo:
        share(community, member(other))
    assert errors(excinfo) == {"__all__": ["Only members of this community can share a success here."]}


# --- Sharing: who hears about it ---


def test_share_announces_once_to_every_other_current_member_and_never_to_the_author(community, other):
    author = member(community)
    mentor, colleague = member(community, Role.MENTOR), member(community, Role.COLLEAGUE)
    facilitator = member(community, Role.FACILITATOR)
    left = member(community)
    left.memberships.update(left_at=timezone.now())
    alumnus = member(community)
    alumnus.memberships.update(alumni_at=timezone.now())
    member(other)
    UserFactory(is_manager=True)
    NotificationPreference.objects.create(user=colleague, category="announcement", email=False)

    success = share(community, author, about=mentor)

    rows = Notification.objects.filter(kind="success.shared")
    assert sorted(rows.values_list("recipient__email", "status")) == sorted(
        [(mentor.email, "pending"), (facilitator.email, "pending"), (colleague.email, "skipped")]
    )
    assert {(row.subject_object, row.community, row.channel, row.occasion) for row in rows} == {
        (success, community, "email", "shared")
    }
    assert not Notification.objects.filter(channel="chat").exists()  # no webhook
    mail = render_email(rows.get(recipient=mentor))
    assert mail.subject == "Autotechniek · Nieuw succes: Eerste APK-keuring zelfstandig gedaan"
    assert f"{author.full_name} heeft een succes gedeeld over {mentor.full_name}." in mail.body
    assert "Van remmentest tot afmelden bij de RDW, helemaal zelf." in mail.body
    assert "Potentiële waarde" in mail.body
    assert f"/communities/autotechniek/successes/#success-{success.pk}" in mail.body


def test_a_second_success_is_announced_on_its_own(community):
    author, reader = member(community), member(community)
    share(community, author)
    share(community, author, title="Tweede keer")
    assert Notification.objects.filter(kind="success.shared", recipient=reader).count() == 2


def test_share_posts_to_the_chat_webhook_when_there_is_one(community, settings):
    settings.CHAT_WEBHOOKS_ENABLED = True
    ChatWebhook.objects.create(community=community, provider="slack", url="https://hooks.slack.example/T/1")
    author = member(community, full_name="Ilias Bakker")
    member(community)
    success = share(community, author, story="Gelukt <echt> & zelf.")
    chat = Notification.objects.get(channel="chat")
    assert (chat.kind, chat.subject_object, chat.recipient) == ("success.shared", success, None)
    assert chat.community == community
    text = render_chat(chat, "slack")["text"]
    assert text.startswith("*Autotechniek: Nieuw succes: Eerste APK-keuring zelfstandig gedaan* (Ilias Bakker)")
    assert "Gelukt &lt;echt&gt; &amp; zelf." in text


def test_a_failed_share_queues_nothing(community, settings):
    settings.CHAT_WEBHOOKS_ENABLED = True
    ChatWebhook.objects.create(community=community, provider="slack", url="https://hooks.slack.example/T/1")
    member(community)
    with pytest.raises(ValidationError):
        share(community, member(community), story="")
    assert not Notification.objects.exists()


# --- Kudos ---


def test_kudos_once_per_person_and_withdrawn_on_request(community):
    success = share(community, member(community))
    fan = member(community, Role.COLLEAGUE)
    assert kudos_toggle(success=success, user=fan, give=True) is True
    assert kudos_toggle(success=success, user=fan, give=True) is True
    assert Kudos.objects.filter(success=success, user=fan).count() == 1
    assert kudos_toggle(success=success, user=fan, give=False) is False
    assert kudos_toggle(success=success, user=fan, give=False) is False
    assert not Kudos.objects.exists()


def test_no_kudos_for_your_own_or_a_hidden_success(community):
    author = member(community)
    success = share(community, author)
    with pytest.raises(ValidationError, match="you cannot give them to your own success"):
        kudos_toggle(success=success, user=author, give=True)
    success_hide(success=success)
    with pytest.raises(ValidationError, match=r"This success is hidden: it takes no kudos\."):
        kudos_toggle(success=success, user=member(community), give=True)
    assert not Kudos.objects.exists()


def test_a_double_post_gives_one_kudos(client, community):
    success = share(community, member(community))
    fan = member(community, Role.MENTOR)
    client.force_login(fan)
    url = reverse("success_kudos", args=[community.slug, success.pk])
    first = client.post(url, {"give": "1"})
    second = client.post(url, {"give": "1"})
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == f"/communities/autotechniek/successes/#success-{success.pk}"
    assert Kudos.objects.filter(success=success, user=fan).count() == 1


def test_kudos_with_htmx_returns_the_button_with_the_new_count(client, community):
    success = share(community, member(community))
    kudos_toggle(success=success, user=member(community), give=True)
    client.force_login(member(community))
    response = client.post(
        reverse("success_kudos", args=[community.slug, success.pk]), {"give": "1"}, headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith(f'<form id="kudos-{success.pk}"')
    assert 'aria-pressed="true"' in response.text
    assert '<span class="kudos__count">2</span>' in response.text
    assert '<input type="hidden" name="give" value="0">' in response.text


def test_kudos_on_a_hidden_success_is_not_found_for_members(client, community):
    success = share(community, member(community))
    success_hide(success=success)
    client.force_login(member(community))
    assert client.post(reverse("success_kudos", args=[community.slug, success.pk]), {"give": "1"}).status_code == 404
    assert not Kudos.objects.exists()


# --- Moderation and the wall ---


def test_hidden_successes_show_to_facilitators_only(client, community):
    author = member(community)
    kept = share(community, author, title="Zichtbaar succes")
    hidden = share(community, author, title="Verborgen verhaal")
    success_hide(success=hidden)
    client.force_login(member(community, Role.COLLEAGUE))
    page = client.get(reverse("success_wall", args=[community.slug])).text
    assert "Zichtbaar succes" in page
    assert "Verborgen verhaal" not in page
    client.force_login(member(community, Role.FACILITATOR))
    page = client.get(reverse("success_wall", args=[community.slug])).text
    assert "Verborgen verhaal" in page
    assert page.count('class="card success success--hidden"') == 1
    success_unhide(success=hidden)
    client.force_login(author)
    assert "Verborgen verhaal" in client.get(reverse("success_wall", args=[community.slug])).text
    assert kept.hidden_at is None


def test_hiding_stops_announcements_not_sent_yet_and_unfeatures(community):
    author = member(community)
    reader, sent_to = member(community), member(community)
    success = share(community, author)
    Notification.objects.filter(recipient=sent_to).update(status="sent")
    success_feature(success=success)
    success_hide(success=success)
    success.refresh_from_db()
    assert success.featured is False
    assert success.hidden_at is not None
    statuses = dict(Notification.objects.values_list("recipient", "status"))
    assert statuses == {reader.pk: "skipped", sent_to.pk: "sent"}
    with pytest.raises(ValidationError, match=r"Unhide the success before featuring it\."):
        success_feature(success=success)


def test_the_wall_shows_featured_first_then_newest_with_kudos(community):
    author, fan, other_fan = member(community), member(community), member(community)
    now = timezone.now()
    old = share(community, author, title="Oud")
    middle = share(community, author, title="Midden")
    new = share(community, author, title="Nieuw")
    for days, success in ((30, old), (20, middle), (10, new)):
        Success.objects.filter(pk=success.pk).update(created_at=now - timedelta(days=days))
    success_feature(success=old)
    kudos_toggle(success=middle, user=fan, give=True)
    kudos_toggle(success=middle, user=other_fan, give=True)
    wall = list(success_wall(community=community, user=fan, moderator=False))
    assert [(s.title, s.featured, s.kudos_count, s.kudos_given) for s in wall] == [
        ("Oud", True, 0, False),
        ("Nieuw", False, 0, False),
        ("Midden", False, 2, True),
    ]
    assert [s.title for s in success_wall(community=community, user=fan, moderator=False, value="realised")] == []


def test_featuring_through_the_page_moves_it_to_the_top(client, community):
    author = member(community)
    first = share(community, author, title="Eerste verhaal")
    share(community, author, title="Tweede verhaal")
    client.force_login(member(community, Role.FACILITATOR))
    response = client.post(reverse("success_moderate", args=[community.slug, first.pk, "feature"]))
    assert response.status_code == 302
    page = client.get(reverse("success_wall", args=[community.slug])).text
    assert page.index("Eerste verhaal") < page.index("Tweede verhaal")
    assert "Uitgelicht" in page
    client.post(reverse("success_moderate", args=[community.slug, first.pk, "unfeature"]))
    page = client.get(reverse("success_wall", args=[community.slug])).text
    assert page.index("Tweede verhaal") < page.index("Eerste verhaal")


def test_an_unknown_moderation_action_is_not_found(client, community):
    success = share(community, member(community))
    client.force_login(member(community, Role.FACILITATOR))
    assert client.post(reverse("success_moderate", args=[community.slug, success.pk, "delete"])).status_code == 404
    assert Success.objects.filter(pk=success.pk).exists()


# --- Permissions ---


def test_another_communitys_facilitator_cannot_moderate_ours(client, community, other):
    success = share(community, member(community))
    client.force_login(member(other, Role.FACILITATOR))
    for action in ("feature", "hide"):
        response = client.post(reverse("success_moderate", args=[community.slug, success.pk, action]))
        assert response.status_code == 403
    assert client.get(reverse("success_wall", args=[community.slug])).status_code == 403
    success.refresh_from_db()
    assert (success.featured, success.hidden_at) == (False, None)


def test_another_communitys_success_is_not_found_through_ours(client, community, other):
    theirs = share(other, member(other))
    client.force_login(member(community, Role.FACILITATOR))
    for url in (
        reverse("success_moderate", args=[community.slug, theirs.pk, "hide"]),
        reverse("success_kudos", args=[community.slug, theirs.pk]),
    ):
        assert client.post(url, {"give": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.hidden_at is None
    assert not Kudos.objects.exists()
    assert "Eerste APK" not in client.get(reverse("success_wall", args=[community.slug])).text


def test_managers_read_the_wall_but_neither_share_nor_give_kudos(client, community):
    success = share(community, member(community))
    manager = UserFactory(is_manager=True)
    client.force_login(manager)
    page = client.get(reverse("success_wall", args=[community.slug])).text
    assert "Eerste APK-keuring zelfstandig gedaan" in page
    assert 'id="share"' not in page
    assert reverse("success_share", args=[community.slug]) not in page
    assert f'<p id="kudos-{success.pk}" class="kudos kudos--static">' in page
    data = {"title": "Van de manager", "story": "Mooi!", "kind": "example", "value": "immediate"}
    assert client.get(reverse("success_share", args=[community.slug])).status_code == 403
    assert client.post(reverse("success_share", args=[community.slug]), data).status_code == 403
    assert client.post(reverse("success_kudos", args=[community.slug, success.pk]), {"give": "1"}).status_code == 403
    assert Success.objects.count() == 1
    assert not Kudos.objects.exists()


# --- The page ---


def test_sharing_through_the_page_redirects_to_the_new_success(client, community):
    author = member(community)
    about = member(community, Role.COLLEAGUE, full_name="Carla Visser")
    meeting = MeetingFactory(community=community, starts_at=timezone.now() - timedelta(days=2))
    client.force_login(author)
    data = {
        "title": "Accu veilig spanningsloos",
        "story": "Met de checklist van Carla.",
        "kind": "milestone",
        "value": "applied",
        "about": about.pk,
        "meeting": meeting.pk,
    }
    wall = client.get(reverse("success_wall", args=[community.slug])).text
    assert (
        f'<a id="share" class="button button--primary" href="/communities/{community.slug}/successes/share/">' in wall
    )
    response = client.post(reverse("success_share", args=[community.slug]), data)
    success = Success.objects.get()
    assert response["Location"] == f"/communities/autotechniek/successes/#success-{success.pk}"
    assert (success.author, success.about, success.meeting, success.value) == (author, about, meeting, "applied")
    page = client.get(response["Location"]).text
    assert "Bedankt voor het delen!" in page
    assert "over Carla Visser" in page


def test_an_invalid_share_keeps_the_input_and_says_why(client, community):
    client.force_login(member(community))
    about = member(community, Role.COLLEAGUE, full_name="Carla Visser")
    data = {"title": "x" * 141, "story": "Mijn verhaal blijft staan.", "kind": "milestone", "about": about.pk}
    response = client.post(reverse("success_share", args=[community.slug]), data)
    assert response.status_code == 400
    page = response.text
    assert "Houd de titel op 140 tekens (het zijn er 141)." in page
    assert "Kies welke waarde dit succes laat zien." in page
    assert "Mijn verhaal blijft staan." in page
    assert f'<option value="{about.pk}" selected>Carla Visser</option>' in page
    assert (
        f'<form class="form share__form" method="post" action="/communities/{community.slug}/successes/share/">' in page
    )
    assert not Success.objects.exists()


def test_the_form_explains_each_value_cycle_beside_its_radio_button(client, community):
    client.force_login(member(community))
    page = client.get(reverse("success_share", args=[community.slug])).text
    assert page.count('type="radio" name="value"') == 5
    assert 'aria-describedby="id_value_2_help"' in page
    assert '<span class="helptext" id="id_value_2_help">Het veranderde hoe iemand werkt.</span>' in page


def test_the_form_offers_only_this_communitys_members_meetings_and_topics(client, community, other):
    client.force_login(member(community))
    member(other, full_name="Buiten Staander")
    MeetingFactory(community=other, title="Hun bijeenkomst", starts_at=timezone.now() - timedelta(days=1))
    Topic.objects.create(community=other, title="Hun onderwerp")
    MeetingFactory(community=community, title="Onze bijeenkomst", starts_at=timezone.now() - timedelta(days=1))
    Topic.objects.create(community=community, title="Ons onderwerp")
    page = client.get(reverse("success_share", args=[community.slug])).text
    assert "Onze bijeenkomst" in page
    assert "Ons onderwerp" in page
    assert "Buiten Staander" not in page
    assert "Hun bijeenkomst" not in page
    assert "Hun onderwerp" not in page


def test_the_community_page_links_the_wall_for_those_who_may_see_it(client, community):
    client.force_login(UserFactory(is_manager=True))
    page = client.get(reverse("community_detail", args=[community.slug])).text
    assert reverse("success_wall", args=[community.slug]) in page


@pytest.mark.parametrize("count", [1, 30])
def test_the_wall_runs_a_fixed_number_of_queries(client, community, django_assert_num_queries, count):
    people = [member(community) for _ in range(4)]
    meeting = MeetingFactory(community=community, starts_at=timezone.now() - timedelta(days=2))
    topic = Topic.objects.create(community=community, title="Diagnosecomputer")
    for n in range(count):
        success = share(community, people[n % 4], title=f"Succes {n}", about=people[(n + 1) % 4], meeting=meeting)
        Success.objects.filter(pk=success.pk).update(topic=topic, featured=n == 3)
        for fan in people[: n % 4]:
            if fan.pk != success.author_id:
                kudos_toggle(success=success, user=fan, give=True)
    client.force_login(people[0])
    # user, community, standing, how many successes, a page of them
    with django_assert_num_queries(5):
        page = client.get(reverse("success_wall", args=[community.slug])).text
    assert page.count('<li id="success-') == min(count, 24)
    client.force_login(UserFactory(is_manager=True))
    with django_assert_num_queries(5):
        page = client.get(reverse("success_wall", args=[community.slug]), {"page": "2"}).text
    assert page.count('<li id="success-') == max(count - 24, 1)


@pytest.mark.parametrize("count", [1, 30])
def test_the_share_page_runs_a_fixed_number_of_queries(client, community, django_assert_num_queries, count):
    for n in range(count):
        member(community)
        MeetingFactory(community=community, starts_at=timezone.now() - timedelta(days=n + 1))
        Topic.objects.create(community=community, title=f"Onderwerp {n}")
    client.force_login(member(community))
    # user, community, standing; the form's people, meetings and topics
    with django_assert_num_queries(6):
        page = client.get(reverse("success_share", args=[community.slug])).text
    # everyone (and the person sharing), the meetings and the topics, each with "none" first
    assert page.count("<option ") == (count + 2) + (count + 1) + (count + 1)


def wall_of(community, count, *, author, start=None):
    """`count` successes, "Succes 01" the newest (first on the wall), in two queries."""
    start = start or timezone.now()
    return Success.objects.bulk_create(
        Success(
            community=community,
            author=author,
            title=f"Succes {n:02}",
            story="Gelukt.",
            kind="milestone",
            value="applied" if n % 2 else "potential",
            created_at=start - timedelta(hours=n),
        )
        for n in range(1, count + 1)
    )


def titles_on(page):
    return re.findall(r"<h3>([^<]+)</h3>", page)


def test_the_wall_shows_24_a_page_and_its_page_links_keep_the_value(client, community):
    wall_of(community, 60, author=member(community))
    client.force_login(member(community))
    url = reverse("success_wall", args=[community.slug])
    first = client.get(url).text
    assert titles_on(first) == [f"Succes {n:02}" for n in range(1, 25)]
    assert '<nav class="pager" aria-label="Pagina\'s met successen">' in first
    assert "Pagina 1 van 3" in first
    assert 'rel="next" href="?page=2"' in first
    second = client.get(url, {"page": "2"}).text
    assert titles_on(second) == [f"Succes {n:02}" for n in range(25, 49)]
    assert 'rel="prev" href="?"' in second
    applied = client.get(url, {"value": "applied", "page": "2"}).text
    assert titles_on(applied) == [f"Succes {n:02}" for n in range(49, 60, 2)]
    assert "Pagina 2 van 2" in applied
    assert 'rel="prev" href="?value=applied"' in applied
    assert '<input type="hidden" name="value" value="applied">' in applied  # kudos remember the filter
    assert 'rel="next" href="?value=applied&amp;page=2"' in client.get(url, {"value": "applied"}).text


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 3), ("99", 3), ("", 1), ("2.0", 1)])
def test_a_wall_page_that_is_no_page_shows_the_first_or_the_last(client, community, asked, shown):
    wall_of(community, 60, author=member(community))
    client.force_login(member(community))
    response = client.get(reverse("success_wall", args=[community.slug]), {"page": asked})
    assert response.status_code == 200
    assert f"Pagina {shown} van 3" in response.text


def test_moderation_and_kudos_without_javascript_return_to_the_success_where_it_now_is(client, community):
    successes = wall_of(community, 60, author=member(community))
    thirtieth, forty_ninth, fifty_first = successes[29], successes[48], successes[50]
    url = reverse("success_wall", args=[community.slug])
    client.force_login(member(community, Role.FACILITATOR))
    moderate = reverse("success_moderate", args=[community.slug, thirtieth.pk, "hide"])
    assert client.post(moderate)["Location"] == f"{url}?page=2#success-{thirtieth.pk}"  # hidden ones stay in place
    moderate = reverse("success_moderate", args=[community.slug, fifty_first.pk, "feature"])
    response = client.post(moderate, {"value": "applied"})
    assert response["Location"] == f"{url}?value=applied#success-{fifty_first.pk}"
    moderate = reverse("success_moderate", args=[community.slug, fifty_first.pk, "unfeature"])
    assert client.post(moderate)["Location"] == f"{url}?page=3#success-{fifty_first.pk}"
    client.force_login(member(community))
    # 48 come before it, but members do not see the hidden one: the 48th, on page 2
    kudos = reverse("success_kudos", args=[community.slug, forty_ninth.pk])
    assert client.post(kudos, {"give": "1"})["Location"] == f"{url}?page=2#success-{forty_ninth.pk}"
    kudos = reverse("success_kudos", args=[community.slug, fifty_first.pk])
    response = client.post(kudos, {"give": "1", "value": "applied"})
    assert response["Location"] == f"{url}?value=applied&page=2#success-{fifty_first.pk}"
    # a filter the success does not show is dropped
    kudos = reverse("success_kudos", args=[community.slug, successes[1].pk])
    assert client.post(kudos, {"give": "1", "value": "applied"})["Location"] == f"{url}#success-{successes[1].pk}"


def test_the_demo_has_successes_in_every_community_once_with_every_value_cycle():
    from django.core.management import call_command  # noqa: PLC0415

    call_command("seed_demo", force=True, verbosity=0)
    first = sorted(Success.objects.values_list("community__slug", "title", "featured", "author__email"))
    kudos = Kudos.objects.count()
    call_command("seed_demo", force=True, verbosity=0)
    assert sorted(Success.objects.values_list("community__slug", "title", "featured", "author__email")) == first
    assert Kudos.objects.count() == kudos > 0
    assert all(author for *_, author in first)
    assert sorted(Success.objects.filter(featured=True).values_list("community__slug", flat=True)) == [
        "autotechniek",
        "bouw-metselen",
        "communicatie",
    ]
    assert set(Success.objects.values_list("value", flat=True)) == set(ValueCycle.values)
    assert not Kudos.objects.filter(user_id=models.F("success__author_id")).exists()
    assert not Notification.objects.filter(kind="success.shared").exists()


def test_the_kudos_partial_runs_a_fixed_number_of_queries(client, community, django_assert_num_queries):
    success = share(community, member(community))
    for _ in range(5):
        kudos_toggle(success=success, user=member(community), give=True)
    client.force_login(member(community))
    url = reverse("success_kudos", args=[community.slug, success.pk])
    # user, community, standing, the success, the kudos (insert, on conflict nothing), the success again
    with django_assert_num_queries(6):
        response = client.post(url, {"give": "1"}, headers={"HX-Request": "true"})
    assert '<span class="kudos__count">6</span>' in response.text
