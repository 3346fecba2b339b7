import re
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cop.models import Notification
from meetings.models import Topic, TopicVote
from meetings.topics import topic_merge, topic_plan, topic_suggest, topic_vote_toggle
from members.models import Role
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(slug="communicatie")


def member(community, role=Role.INTERN):
    return MembershipFactory(community=community, role=role).user


def test_suggesting_counts_as_a_vote_and_a_duplicate_title_becomes_a_vote(community):
    first, second = member(community), member(community)
    topic, created = topic_suggest(community=community, title="  Feedback   geven ", by=first)
    again, created_again = topic_suggest(community=community, title="feedback geven", by=second)
    assert (created, created_again, again.pk) == (True, False, topic.pk)
    assert topic.title == "Feedback geven"
    assert TopicVote.objects.filter(topic=topic).count() == 2


def test_one_vote_each_which_can_be_withdrawn(community):
    topic, _ = topic_suggest(community=community, title="Klantgesprekken", by=None)
    person = member(community)
    assert topic_vote_toggle(topic=topic, user=person) is True
    assert topic_vote_toggle(topic=topic, user=person) is False
    assert not TopicVote.objects.exists()


def test_merging_moves_the_votes_without_doubles(community):
    a, b, c = member(community), member(community), member(community)
    keep, _ = topic_suggest(community=community, title="Feedback", by=a)
    duplicate, _ = topic_suggest(community=community, title="Feedback geven en krijgen", by=b)
    topic_vote_toggle(topic=duplicate, user=a)
    topic_vote_toggle(topic=duplicate, user=c)
    topic_merge(topic=duplicate, into=keep)
    assert sorted(TopicVote.objects.filter(topic=keep).values_list("user", flat=True)) == sorted([a.pk, b.pk, c.pk])
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == ("archived", keep)


def test_planning_tells_who_asked_you_asked_we_planned_it(community):
    asker, voter, bystander = member(community), member(community), member(community)
    topic, _ = topic_suggest(community=community, title="Creatief problemen oplossen", by=asker)
    topic_vote_toggle(topic=topic, user=voter)
    meeting = MeetingFactory(community=community)
    topic_plan(topic=topic, meeting=meeting)
    topic.refresh_from_db()
    assert (topic.status, topic.meeting) == ("planned", meeting)
    told = sorted(Notification.objects.filter(kind="topic.planned").values_list("recipient", flat=True))
    assert told == sorted([asker.pk, voter.pk])
    assert bystander.pk not in told
    with pytest.raises(ValidationError):
        topic_plan(topic=topic, meeting=MeetingFactory())  # another community's meeting


def open_topics(community, count, *, by=None, title="Onderwerp"):
    """`count` open topics without votes, "Onderwerp 01" the oldest (first in the backlog)."""
    start = timezone.now() - timedelta(days=count)
    return Topic.objects.bulk_create(
        Topic(community=community, title=f"{title} {n:02}", suggested_by=by, created_at=start + timedelta(days=n))
        for n in range(1, count + 1)
    )


def titles_on(page):
    return re.findall(r"<h3>([^<]+)</h3>", page)


@pytest.mark.parametrize("count", [1, 30])
def test_backlog_page_sorted_by_votes_with_a_fixed_number_of_queries(
    client, community, django_assert_num_queries, count
):
    voters = [member(community) for _ in range(3)]
    for n, topic in enumerate(open_topics(community, count, by=voters[1])):
        for voter in voters[: n % 4]:
            topic_vote_toggle(topic=topic, user=voter)
    planned = open_topics(community, count, title="Gepland")
    Topic.objects.filter(pk__in=[t.pk for t in planned]).update(
        status="planned", meeting=MeetingFactory(community=community), planned_at=timezone.now()
    )
    client.force_login(voters[0])
    # user, community, standing, how many are open, a page of them, their suggesters, planned topics
    with django_assert_num_queries(7):
        page = client.get(reverse("topic_backlog", args=[community.slug])).text
    assert page.count('class="card topic"') == min(count, 25)
    assert page.count("→ <a href=") == min(count, 20)
    if count > 1:
        assert titles_on(page)[:4] == ["Onderwerp 04", "Onderwerp 08", "Onderwerp 12", "Onderwerp 16"]
        assert 'aria-pressed="true"' in page
    client.force_login(member(community, Role.FACILITATOR))
    # the same, and the meetings a topic can be planned into
    with django_assert_num_queries(8):
        page = client.get(reverse("topic_backlog", args=[community.slug])).text
    assert page.count('class="card topic"') == min(count, 25)


def test_backlog_shows_25_open_topics_a_page_and_the_rest_on_the_next(client, community):
    open_topics(community, 30)
    client.force_login(member(community))
    url = reverse("topic_backlog", args=[community.slug])
    first = client.get(url).text
    assert titles_on(first) == [f"Onderwerp {n:02}" for n in range(1, 26)]
    assert "30 open onderwerpen, meeste stemmen eerst" in first
    assert '<nav class="pager" aria-label="Pagina\'s met open onderwerpen">' in first
    assert 'rel="next" href="?page=2"' in first
    second = client.get(url, {"page": "2"}).text
    assert titles_on(second) == [f"Onderwerp {n:02}" for n in range(26, 31)]
    assert "Pagina 2 van 2" in second
    assert 'rel="prev" href="?"' in second


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 2), ("99", 2), ("", 1)])
def test_backlog_page_that_is_no_page_shows_the_first_or_the_last(client, community, asked, shown):
    open_topics(community, 30)
    client.force_login(member(community))
    response = client.get(reverse("topic_backlog", args=[community.slug]), {"page": asked})
    assert response.status_code == 200
    assert f"Pagina {shown} van 2" in response.text


def test_voting_on_the_second_page_without_javascript_comes_back_to_it(client, community):
    topics = open_topics(community, 30)
    client.force_login(member(community))
    second = client.get(reverse("topic_backlog", args=[community.slug]), {"page": "2"}).text
    assert '<input type="hidden" name="page" value="2">' in second
    url = reverse("topic_vote", args=[community.slug, topics[-1].pk])
    response = client.post(url, {"page": "2"})
    assert response.url == f"{reverse('topic_backlog', args=[community.slug])}?page=2"
    assert client.post(url, {"page": "nonsense"}).url == reverse("topic_backlog", args=[community.slug])
    # A digit to str.isdigit() that int() refuses, and a number too long for int(): page 1.
    for page in ("²", "9" * 5000):
        assert client.post(url, {"page": page}).url == reverse("topic_backlog", args=[community.slug])
    partial = client.post(url, {"page": "2"}, headers={"HX-Request": "true"}).text
    assert '<input type="hidden" name="page" value="2">' in partial


def test_a_facilitator_merges_on_a_page_of_its_own_and_returns_to_the_backlog_page(client, community):
    keep, duplicate, archived = open_topics(community, 3)
    topic_vote_toggle(topic=duplicate, user=member(community))
    Topic.objects.filter(pk=archived.pk).update(status="archived")
    other = Topic.objects.create(community=CommunityFactory(), title="Van een ander")
    client.force_login(member(community, Role.FACILITATOR))
    backlog = client.get(reverse("topic_backlog", args=[community.slug])).text
    url = reverse("topic_manage", args=[community.slug, duplicate.pk, "merge"])
    assert f'href="{url}"' in backlog
    assert 'name="into"' not in backlog  # no choice of every topic beside each one
    page = client.get(url, {"page": "2"}).text
    assert re.findall(r'<option value="(\d+)">([^<]+)</option>', page) == [(str(keep.pk), "Onderwerp 01")]
    assert '<input type="hidden" name="page" value="2">' in page
    response = client.post(url, {"into": keep.pk, "page": "2"})
    assert response.url == f"{reverse('topic_backlog', args=[community.slug])}?page=2"
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == ("archived", keep)
    assert TopicVote.objects.filter(topic=keep).count() == 1
    assert client.get(url).status_code == 404  # merged already: no longer open
    assert client.get(reverse("topic_manage", args=[community.slug, keep.pk, "archive"])).status_code == 404
    assert client.get(reverse("topic_manage", args=[community.slug, other.pk, "merge"])).status_code == 404
    client.force_login(member(community))
    assert client.get(reverse("topic_manage", args=[community.slug, keep.pk, "merge"])).status_code == 403


def test_voting_with_htmx_returns_the_button(client, community):
    topic, _ = topic_suggest(community=community, title="Veilig werken", by=None)
    person = member(community)
    client.force_login(person)
    response = client.post(reverse("topic_vote", args=[community.slug, topic.pk]), headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith(f'<form id="topic-vote-{topic.pk}"')
    assert 'aria-pressed="true"' in response.text
    assert TopicVote.objects.filter(topic=topic, user=person).exists()


def test_only_planners_plan_merge_and_archive(client, community):
    topic, _ = topic_suggest(community=community, title="Feedback", by=None)
    client.force_login(member(community))
    assert client.post(reverse("topic_manage", args=[community.slug, topic.pk, "archive"])).status_code == 403
    client.force_login(member(community, Role.FACILITATOR))
    client.post(reverse("topic_manage", args=[community.slug, topic.pk, "archive"]))
    assert Topic.objects.get(pk=topic.pk).status == "archived"


def test_members_of_other_communities_cannot_see_or_vote(client, community):
    topic, _ = topic_suggest(community=community, title="Geheim onderwerp", by=None)
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("topic_backlog", args=[community.slug])).status_code == 403
    assert client.post(reverse("topic_vote", args=[community.slug, topic.pk])).status_code == 403
    assert not TopicVote.objects.exists()


def test_a_meeting_planned_from_a_backlog_topic_takes_its_theme_and_plans_it(client, community):
    # A topic is planned into an upcoming meeting only: February's, asked in January.
    with time_machine.travel(datetime(2027, 1, 20, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=True):
        title = "Hoe geef je constructieve feedback?"
        topic, _ = topic_suggest(community=community, title=title, by=member(community))
        client.force_login(member(community, Role.FACILITATOR))
        response = client.post(
            reverse("meeting_create", args=[community.slug]),
            {
                "title": "Maandelijkse bijeenkomst februari",
                "from_topic": topic.pk,
                "format": "monthly",
                "starts_at": "2027-02-02T16:00",
                "ends_at": "2027-02-02T17:30",
            },
        )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.status == "planned"
    assert topic.meeting.theme == "Hoe geef je constructieve feedback?"


def test_a_topic_planned_into_a_draft_is_announced_when_the_meeting_is_published(community):
    from meetings.services import meeting_publish  # noqa: PLC0415

    asker = member(community)
    topic, _ = topic_suggest(community=community, title="Feedback", by=asker)
    draft = MeetingFactory(community=community, status="draft")
    topic_plan(topic=topic, meeting=draft)
    assert not Notification.objects.filter(kind="topic.planned").exists()
    meeting_publish(meeting=draft)
    assert list(Notification.objects.filter(kind="topic.planned").values_list("recipient", flat=True)) == [asker.pk]
    with pytest.raises(ValidationError, match="upcoming meeting"):
        topic_plan(topic=topic, meeting=MeetingFactory(community=community, status="cancelled"))


@pytest.mark.django_db(transaction=True)
def test_the_same_topic_suggested_at_the_same_moment_by_many_is_one_topic_with_their_votes(community):
    # Found by make load: interns answering a survey at once asked for the same topic, and two
    # of them each found no open topic of that title and made one.
    people = [member(community) for _ in range(8)]
    start = threading.Barrier(len(people))

    def suggest(person) -> None:
        start.wait()
        try:
            topic_suggest(community=community, title="Storingen zoeken met de scope", by=person)
        finally:
            connection.close()

    threads = [threading.Thread(target=suggest, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (topic,) = Topic.objects.filter(community=community)
    assert set(topic.votes.values_list("user", flat=True)) == {person.pk for person in people}
