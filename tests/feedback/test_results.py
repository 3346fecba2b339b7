import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Answer, Survey, SurveyInvite, SurveyResponse
from feedback.results import meeting_trend, survey_results, theme_trend, trend_figures
from feedback.views.results import TREND_PAGE
from members.models import Role
from tests.factories import CommunityFactory, MeetingFactory, UserFactory
from tests.feedback.helpers import answer, bulk_answers, ended_meeting, member, survey_with

pytestmark = pytest.mark.django_db

CHOICES = [
    ("single", "Hoe kwam je hier?", ["Fiets", '=HYPERLINK("x")']),
    ("multiple", "Wat hielp?", ["Uitleg", "Oefenen", "Koffie"]),
]


@pytest.fixture
def community():
    return CommunityFactory(slug="auto", name="Autotechniek")


@pytest.fixture
def facilitator(community):
    return member(community, Role.FACILITATOR, user__language="en")


def rated(survey, *ratings, texts=()):
    rating, valuable, _topics = survey.questions.all()
    for index, value in enumerate(ratings):
        values = {rating.pk: {"number": value}}
        if index < len(texts):
            values[valuable.pk] = {"text": texts[index]}
        answer(survey, member(survey.community), values)


def test_distribution_mean_and_rate_are_exact(community):
    survey = survey_with(community, meeting=ended_meeting(community))
    rated(survey, 5, 4, 4, texts=["De voorbeelden", "Samen oefenen", "Veel geleerd"])
    SurveyInvite.objects.create(survey=survey, user=member(community))  # asked, not answered
    outcome = survey_results(survey, with_texts=True)
    assert (outcome.invited, outcome.responded, outcome.rate, outcome.shown) == (4, 3, 75, True)
    rating, valuable, topics = outcome.questions
    assert [(b.label, b.count, b.percent) for b in rating.buckets] == [
        ("1", 0, 0),
        ("2", 0, 0),
        ("3", 0, 0),
        ("4", 2, 67),
        ("5", 1, 33),
    ]
    assert rating.mean == pytest.approx(13 / 3)
    assert valuable.texts == ["De voorbeelden", "Samen oefenen", "Veel geleerd"]
    assert (topics.answered, topics.texts) == (0, [])


def test_choice_questions_are_counted_in_the_database(community):
    survey = survey_with(community, questions=CHOICES)
    single, multiple = survey.questions.all()
    for picked, ticked in (("Fiets", ["Uitleg", "Koffie"]), ("Fiets", ["Koffie"]), ('=HYPERLINK("x")', ["Oefenen"])):
        values = {single.pk: {"options": [picked]}}
        if ticked:
            values[multiple.pk] = {"options": ticked}
        answer(survey, member(community), values)
    first, second = survey_results(survey, with_texts=False).questions
    assert [(b.label, b.count) for b in first.buckets] == [("Fiets", 2), ('=HYPERLINK("x")', 1)]
    assert [(b.label, b.count, b.percent) for b in second.buckets] == [
        ("Uitleg", 1, 33),
        ("Oefenen", 1, 33),
        ("Koffie", 2, 67),
    ]


def test_below_the_threshold_nothing_is_shown_to_anyone(client, community, facilitator):
    survey = survey_with(community, meeting=ended_meeting(community))
    rated(survey, 1, 2, texts=["Saai", "Te lang"])
    admin = UserFactory(is_staff=True, is_superuser=True, language="en")
    for viewer in (facilitator, admin):
        client.force_login(viewer)
        page = client.get(reverse("survey_results", args=["auto", survey.pk]))
        assert page.status_code == 200
        assert "Results are shown once at least 3 people have answered" in page.text
        assert "Saai" not in page.text
        assert "<svg" not in page.text
        csv = client.get(reverse("survey_results_csv", args=["auto", survey.pk])).content.decode()
        assert csv.splitlines()[1:] == ["Responses,2 / 2,2,100"]
    rated(survey, 3, texts=["Goed"])
    client.force_login(facilitator)
    page = client.get(reverse("survey_results", args=["auto", survey.pk]))
    assert "Saai" in page.text
    assert page.text.count("<svg") == 1


def test_managers_and_admins_see_aggregates_never_what_someone_wrote(client, community, facilitator):
    survey = survey_with(community, meeting=ended_meeting(community))
    rated(survey, 4, 4, 5, texts=["Mijn begeleider luistert niet", "Goed", "Prima"])
    waiting = member(community)
    SurveyInvite.objects.create(survey=survey, user=waiting)
    url = reverse("survey_results", args=["auto", survey.pk])
    for viewer in (UserFactory(is_manager=True, language="en"), UserFactory(is_staff=True, language="en")):
        client.force_login(viewer)
        page = client.get(url)
        assert page.status_code == 200
        assert "4.3" in page.text  # the mean
        assert "Mijn begeleider luistert niet" not in page.text
        assert "Written answers are for the community's facilitators only." in page.text
        # Who has not answered yet is for those who run surveys (facilitators, admins).
        assert (waiting.full_name in page.text) is viewer.is_staff
    client.force_login(facilitator)
    page = client.get(url)
    assert "Mijn begeleider luistert niet" in page.text
    assert waiting.full_name in page.text


def test_interns_and_other_communities_cannot_see_results(client, community):
    survey = survey_with(community, meeting=ended_meeting(community))
    rated(survey, 4, 4, 5)
    other = CommunityFactory(slug="bouw")
    for viewer, slug in (
        (member(community), "auto"),
        (member(other, Role.FACILITATOR), "bouw"),
        (member(other, Role.FACILITATOR), "auto"),
    ):
        client.force_login(viewer)
        assert client.get(reverse("survey_results", args=[slug, survey.pk])).status_code in {403, 404}
        assert client.get(reverse("survey_results_csv", args=[slug, survey.pk])).status_code in {403, 404}
        assert client.post(reverse("survey_remind", args=[slug, survey.pk])).status_code in {403, 404}


def test_csv_export_is_safe_for_spreadsheets(client, community, facilitator):
    survey = survey_with(community, questions=CHOICES)
    single, _multiple = survey.questions.all()
    for _ in range(3):
        answer(survey, member(community), {single.pk: {"options": ['=HYPERLINK("x")']}})
    client.force_login(facilitator)
    response = client.get(reverse("survey_results_csv", args=["auto", survey.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Question,Answer,Count,Percent of responses"
    assert 'Hoe kwam je hier?,"\'=HYPERLINK(""x"")",3,100' in lines


def test_the_anonymous_rows_hold_nothing_that_ties_them_to_a_person(community):
    meeting = ended_meeting(community)
    survey = survey_with(community, meeting=meeting, anonymous=True)
    rating, valuable, _topics = survey.questions.all()
    people = [member(community) for _ in range(3)]
    for index, person in enumerate(people):
        answer(survey, person, {rating.pk: {"number": index + 3}, valuable.pk: {"text": f"Antwoord {index}"}})
    responses = list(SurveyResponse.objects.values())
    assert [row["invite_id"] for row in responses] == [None, None, None]
    # No time of their own either: all carry the survey's opening time.
    assert {(row["submitted_at"], row["updated_at"]) for row in responses} == {(survey.opens_at, survey.opens_at)}
    assert all(len(str(row["id"])) == 36 for row in responses)  # random ids, no order
    assert {field.name for field in SurveyResponse._meta.concrete_fields} == {
        "id",
        "survey",
        "invite",
        "submitted_at",
        "updated_at",
    }
    assert {field.name for field in Answer._meta.concrete_fields} == {
        "id",
        "response",
        "question",
        "number",
        "text",
        "options",
    }
    # Who responded is recorded on the invites, which no response points to.
    assert SurveyInvite.objects.filter(responded_at__isnull=False).count() == 3
    assert not SurveyInvite.objects.filter(response__isnull=False).exists()


def test_trend_per_meeting_and_theme_with_the_threshold(community):
    early = survey_with(community, meeting=ended_meeting(community, hours_ago=24 * 60, theme="Accu's"))
    late = survey_with(community, meeting=ended_meeting(community, hours_ago=24 * 30, theme="Accu's"))
    thin = survey_with(community, meeting=ended_meeting(community, hours_ago=24 * 10, theme="Diagnose"))
    rated(early, 3, 4, 5)
    rated(late, 5, 5, 5, 4)
    SurveyInvite.objects.create(survey=late, user=member(community))
    rated(thin, 1, 1)
    since = early.meeting.starts_at
    rows = meeting_trend(community, since=since)
    assert [(r.survey_id, r.invited, r.responded, r.rate, r.rating) for r in rows] == [
        (early.pk, 3, 3, 100, 4.0),
        (late.pk, 5, 4, 80, 4.75),
        (thin.pk, 2, 2, 100, None),
    ]
    themes = theme_trend(community, since=since)
    assert [(t.theme, t.meetings, t.invited, t.responded, t.rating) for t in themes] == [
        ("Accu's", 2, 8, 7, pytest.approx(31 / 7)),
        ("Diagnose", 1, 2, 2, None),
    ]


def test_results_page_queries_do_not_grow_with_responses(client, community, facilitator, django_assert_num_queries):
    small, large = (survey_with(community, meeting=ended_meeting(community)) for _ in range(2))
    bulk_answers(small, 5)
    bulk_answers(large, 500)
    client.force_login(facilitator)
    for survey in (small, large):
        # user, community, standing, survey, invites, responses, questions, numbers and
        # answered per question, choices, texts, who has not answered
        with django_assert_num_queries(11):
            page = client.get(reverse("survey_results", args=["auto", survey.pk]))
        assert page.status_code == 200


@pytest.mark.parametrize("count", [2, 100])
def test_trend_page_queries_and_size_do_not_grow_with_meetings(
    client, community, facilitator, django_assert_num_queries, count
):
    for _ in range(count):
        bulk_answers(survey_with(community, meeting=ended_meeting(community, hours_ago=48)), 3)
    client.force_login(facilitator)
    # user, community, standing; the surveys with their invitations, the shown ratings
    with django_assert_num_queries(5):
        page = client.get(reverse("survey_trend", args=["auto"])).text
    assert page.count("too few answers") == 0
    # A column per month of the period (two charts), however many meetings; twenty of them a page.
    assert page.count('class="chart__bar"') + page.count('class="chart__gap"') == 2 * 12
    assert page.count("<tr>") == 1 + 12 + 1 + min(count, TREND_PAGE) + 1 + 1  # heads and rows, three tables


def test_trend_figures_add_up_per_month_in_the_organisations_time_zone_and_per_theme(community):
    zone = ZoneInfo("Europe/Amsterdam")

    def meeting_at(when, theme):
        return survey_with(community, meeting=MeetingFactory(community=community, starts_at=when, theme=theme))

    september = meeting_at(datetime(2026, 9, 10, 19, 0, tzinfo=zone), "Accu's")
    october = meeting_at(datetime(2026, 10, 31, 23, 30, tzinfo=zone), "Accu's")  # 22:30 in UTC: October
    november = meeting_at(datetime(2026, 11, 1, 0, 30, tzinfo=zone), "Diagnose")  # still 31 October in UTC
    rated(september, 3, 4, 5)
    rated(october, 5, 5, 5, 4)
    SurveyInvite.objects.create(survey=october, user=member(community))
    rated(november, 1, 1)  # below the threshold: in no mean, not even its month's or its theme's
    survey_with(community, meeting=MeetingFactory(community=community, starts_at=datetime(2026, 8, 1, tzinfo=zone)))
    months = (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1))
    figures = trend_figures(community, since=datetime(2026, 9, 1, tzinfo=zone), months=months)
    assert [(m.month, m.meetings, m.invited, m.responded, m.rate, m.rating) for m in figures.months] == [
        (date(2026, 9, 1), 1, 3, 3, 100, 4.0),
        (date(2026, 10, 1), 1, 5, 4, 80, 4.75),
        (date(2026, 11, 1), 1, 2, 2, 100, None),
        (date(2026, 12, 1), 0, 0, 0, None, None),
    ]
    assert [(r.survey_id, r.invited, r.responded, r.rating) for r in figures.meetings] == [
        (november.pk, 2, 2, None),
        (october.pk, 5, 4, 4.75),
        (september.pk, 3, 3, 4.0),
    ]
    assert [(t.theme, t.meetings, t.invited, t.responded, t.rating) for t in figures.themes] == [
        ("Accu's", 2, 8, 7, pytest.approx(31 / 7)),
        ("Diagnose", 1, 2, 2, None),
    ]


def test_trend_table_pages_meetings_newest_first_and_the_csv_holds_them_all(client, community, facilitator):
    surveys = [
        survey_with(community, meeting=ended_meeting(community, hours_ago=24 * (30 - n), title=f"Bijeenkomst {n:02}"))
        for n in range(TREND_PAGE + 5)
    ]
    client.force_login(facilitator)
    url = reverse("survey_trend", args=["auto"])
    first = client.get(url + "?months=3").text
    assert re.findall(r">(Bijeenkomst \d+)</a>", first) == [f"Bijeenkomst {n:02}" for n in range(24, 4, -1)]
    assert 'href="?months=3&amp;page=2"' in first
    second = client.get(url + "?months=3&page=2").text
    assert re.findall(r">(Bijeenkomst \d+)</a>", second) == [f"Bijeenkomst {n:02}" for n in range(4, -1, -1)]
    # A page link without a period: the default period, shown as chosen.
    assert '<option value="12" selected>' in client.get(url + "?page=2").text
    csv = client.get(reverse("survey_trend_csv", args=["auto"]) + "?months=3").content.decode()
    assert re.findall(r"Bijeenkomst \d+", csv) == [survey.title for survey in surveys]  # oldest first


def test_a_months_rating_is_rounded_alike_in_the_chart_and_the_table(client, community, facilitator):
    rated(survey_with(community, meeting=ended_meeting(community)), 5, 5, 5, 5, 5, 4, 4, 4, 4)  # 41 / 9 = 4.56
    client.force_login(facilitator)
    page = client.get(reverse("survey_trend", args=["auto"])).text
    assert re.search(r'<text class="chart__value chart__value--center"[^>]*>4.6</text>', page)
    assert "<td>4.6</td>" in page
    assert "4.5<" not in page


def test_chart_coordinates_use_a_decimal_point_in_dutch_too(client, community):
    survey = survey_with(community, meeting=ended_meeting(community))
    rated(survey, 5, 4, 4)
    client.force_login(member(community, Role.FACILITATOR, user__language="nl"))
    for url in (reverse("survey_results", args=["auto", survey.pk]), reverse("survey_trend", args=["auto"])):
        page = client.get(url).text
        assert "<svg" in page
        assert not re.search(r' (x|y|width|height|text_x)="[^"]*,', page)
    assert "gemiddeld 4,3" in client.get(reverse("survey_results", args=["auto", survey.pk])).text


def test_a_question_answered_by_fewer_than_the_threshold_stays_hidden(community):
    survey = survey_with(community)
    rating, _valuable, _topics = survey.questions.all()
    answer(survey, member(community), {rating.pk: {"number": 1}})
    answer(survey, member(community), {})
    answer(survey, member(community), {})
    outcome = survey_results(survey, with_texts=True)
    assert (outcome.shown, outcome.responses) == (True, 3)
    assert [(q.answered, q.hidden, q.buckets, q.mean) for q in outcome.questions[:1]] == [(1, True, [], None)]


def test_an_anonymous_survey_shows_results_once_closed(community):
    survey = survey_with(community, anonymous=True)
    rated(survey, 4, 4, 5)
    assert survey_results(survey, with_texts=True).shown is False
    assert meeting_trend(community, since=survey.opens_at - timedelta(days=1)) == []  # not a meeting survey
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    survey.refresh_from_db()
    assert survey_results(survey, with_texts=True).shown is True


def test_a_hidden_meeting_rating_cannot_be_worked_out_from_its_theme(community):
    thin = survey_with(community, meeting=ended_meeting(community, hours_ago=48, theme="Accu's"))
    full = survey_with(community, meeting=ended_meeting(community, hours_ago=24, theme="Accu's"))
    rated(thin, 1)
    rated(full, 5, 5, 5)
    since = thin.meeting.starts_at - timedelta(days=1)
    assert [row.rating for row in meeting_trend(community, since=since)] == [None, 5.0]
    (theme,) = theme_trend(community, since=since)
    assert (theme.meetings, theme.invited, theme.responded, theme.rating) == (2, 4, 4, 5.0)


def test_response_rate_counts_invitees_so_a_departed_member_cannot_push_it_over_100(community):
    survey = survey_with(community)
    rated(survey, 4, 4, 5)
    SurveyInvite.objects.filter(survey=survey).first().user.delete()
    outcome = survey_results(survey, with_texts=False)
    assert (outcome.invited, outcome.responded, outcome.responses, outcome.rate) == (2, 2, 3, 100)


def test_a_ticked_option_sent_three_times_counts_once(community):
    from feedback.services import answers_validate  # noqa: PLC0415

    survey = survey_with(community, questions=CHOICES)
    _single, multiple = survey.questions.all()
    cleaned, errors = answers_validate(survey=survey, data={multiple.pk: ["Koffie", "Koffie", "Koffie"]})
    assert (cleaned[multiple.pk], errors) == ({"options": ["Koffie"]}, {})
