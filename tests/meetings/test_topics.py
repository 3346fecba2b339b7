import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

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


@pytest.mark.parametrize("count", [1, 6])
def test_backlog_page_sorted_by_votes_with_a_fixed_number_of_queries(
    client, community, django_assert_num_queries, count
):
    voters = [member(community) for _ in range(3)]
    for n in range(count):
        topic, _ = topic_suggest(community=community, title=f"Onderwerp {n}", by=None)
        for voter in voters[: n % 4]:
            topic_vote_toggle(topic=topic, user=voter)
    client.force_login(voters[0])
    # session, user, community, standing, open topics, planned topics
    with django_assert_num_queries(6):
        page = client.get(reverse("topic_backlog", args=[community.slug])).text
    assert page.count('class="card topic"') == count
    if count > 1:
        assert page.index("Onderwerp 3") < page.index("Onderwerp 0")


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
    topic, _ = topic_suggest(community=community, title="Hoe geef je constructieve feedback?", by=member(community))
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
