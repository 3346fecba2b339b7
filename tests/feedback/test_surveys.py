from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cop.models import Notification
from feedback.links import invite_from_link, invite_link
from feedback.models import Answer, Survey, SurveyInvite, SurveyResponse, SurveyTemplate, TemplateQuestion
from feedback.services import (
    default_template,
    survey_for_meeting_open,
    survey_questions,
    surveys_open_due,
    topics_release_due,
)
from meetings.models import Attendance, Rsvp, Topic
from tests.feedback.helpers import ended_meeting, member, path, survey_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended():
    return ended_meeting()


def test_the_default_template_is_bilingual():
    texts = [(q.type, q.text, q.text_en) for q in default_template().questions.all()]
    assert texts == [
        ("rating", "Hoe waardevol was deze bijeenkomst?", "How valuable was this meeting?"),
        ("long", "Wat vond je waardevol aan deze bijeenkomst?", "What did you find valuable about this meeting?"),
        (
            "topic",
            "Welke onderwerpen zou je in de toekomst willen bespreken?",
            "Which topics would you like to discuss in the future?",
        ),
    ]


def test_a_survey_opens_for_those_who_attended_once(ended):
    came, only_said_going = member(ended.community), member(ended.community)
    Attendance.objects.create(meeting=ended, user=came)
    Rsvp.objects.create(meeting=ended, user=only_said_going, response="going")
    assert surveys_open_due() == 1
    assert surveys_open_due() == 0
    survey = Survey.objects.get()
    assert list(survey.invites.values_list("user", flat=True)) == [came.pk]
    invitation = Notification.objects.get(kind="survey.invitation")
    assert invitation.recipient == came
    # The link carries the second it was signed: compare whom it opens for, not its text.
    token = invitation.context["link"].rstrip("/").rsplit("/", 1)[-1]
    assert invite_from_link(token) == survey.invites.get()
    assert invitation.context["link"].startswith(invite_link(survey.invites.get()).rsplit(":", 2)[0])


def test_without_attendance_those_who_said_going_are_asked(ended):
    going, maybe = member(ended.community), member(ended.community)
    Rsvp.objects.create(meeting=ended, user=going, response="going")
    Rsvp.objects.create(meeting=ended, user=maybe, response="maybe")
    survey = survey_for_meeting_open(meeting=ended)
    assert list(survey.invites.values_list("user", flat=True)) == [going.pk]


def test_a_survey_keeps_a_frozen_copy_of_its_questions(ended):
    survey = survey_for_meeting_open(meeting=ended)
    TemplateQuestion.objects.filter(template=default_template()).update(text="Gewijzigd")
    assert survey.questions.first().text == "Hoe waardevol was deze bijeenkomst?"


@pytest.fixture
def invite(ended):
    person = member(ended.community)
    Attendance.objects.create(meeting=ended, user=person)
    survey = survey_for_meeting_open(meeting=ended)
    return survey.invites.get()


def questions(invite):
    rating, valuable, topics = invite.survey.questions.all()
    return rating, valuable, topics


def test_answering_with_the_personal_link_and_changing_it_later(client, invite):
    rating, valuable, topics = questions(invite)
    url = path(invite_link(invite))
    page = client.get(url)
    assert "Hoe waardevol was deze bijeenkomst?" in page.text
    response = client.post(
        url, {f"q{rating.pk}": "4", f"q{valuable.pk}": "De voorbeelden", f"q{topics.pk}": "Accu's\nDiagnose"}
    )
    assert "Bedankt!" in response.text
    client.post(url, {f"q{rating.pk}": "5"})
    stored = SurveyResponse.objects.get()
    assert stored.invite == invite
    assert list(Answer.objects.values_list("question", "number")) == [(rating.pk, 5)]
    assert sorted(Topic.objects.values_list("title", "source", "suggested_by")) == [
        ("Accu's", "survey", invite.user_id),
        ("Diagnose", "survey", invite.user_id),
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("answered_before", [False, True])
def test_two_submits_at_the_same_moment_store_one_response(invite, answered_before):
    """A double tap on a phone: both requests reach PostgreSQL together, on their own connections."""
    import threading  # noqa: PLC0415

    from django.db import connection  # noqa: PLC0415

    from feedback.services import response_submit  # noqa: PLC0415

    rating, _valuable, _topics = questions(invite)
    if answered_before:
        response_submit(invite=invite, answers={rating.pk: {"number": 1}})
    start, failures = threading.Barrier(2), []

    def submit(number: int) -> None:
        try:
            start.wait()
            response_submit(invite=SurveyInvite.objects.get(pk=invite.pk), answers={rating.pk: {"number": number}})
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(number,)) for number in (4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert SurveyResponse.objects.count() == 1
    assert Answer.objects.count() == 1
    assert Answer.objects.get().number in {4, 5}  # whichever came second replaced the first
    assert SurveyInvite.objects.get(pk=invite.pk).responded_at is not None


def test_a_missing_required_answer_keeps_what_was_filled_in(client, invite):
    rating, valuable, _topics = questions(invite)
    response = client.post(path(invite_link(invite)), {f"q{rating.pk}": "", f"q{valuable.pk}": "Goede sfeer"})
    assert response.status_code == 400
    assert "Deze vraag heeft een antwoord nodig." in response.text
    assert "Goede sfeer" in response.text
    assert not SurveyResponse.objects.exists()


def test_out_of_range_and_garbage_are_refused(client, invite):
    rating, _valuable, _topics = questions(invite)
    for value in ("6", "-1", "vier"):
        response = client.post(path(invite_link(invite)), {f"q{rating.pk}": value})
        assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_anonymous_answers_cannot_be_tied_to_a_person_and_count_once(client, invite):
    Survey.objects.filter(pk=invite.survey_id).update(anonymous=True)
    rating, _valuable, topics = questions(invite)
    url = path(invite_link(invite))
    client.post(url, {f"q{rating.pk}": "3", f"q{topics.pk}": "Veilig werken"})
    again = client.post(url, {f"q{rating.pk}": "1"})
    assert "Je hebt deze enquête al ingevuld. Bedankt!" in again.text
    response = SurveyResponse.objects.get()
    assert response.invite is None
    assert SurveyInvite.objects.get().responded_at is not None
    assert list(Answer.objects.order_by("question__position").values_list("number", "text")) == [
        (3, ""),
        (None, "Veilig werken"),
    ]
    # The topic waits for the closing, then goes to the backlog without an asker.
    assert not Topic.objects.exists()
    assert topics_release_due() == 0
    Survey.objects.filter(pk=invite.survey_id).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert topics_release_due() == 1
    assert topics_release_due() == 0
    assert list(Topic.objects.values_list("title", "source", "suggested_by")) == [("Veilig werken", "survey", None)]


PASTED_LIST = "•\t\n \u00a0 \u200b\n- Isolatiemeting\n\t•  Werken   onder\tspanning \n*"


@pytest.mark.parametrize("answered_before", [False, True])
def test_topic_lines_of_only_bullets_and_whitespace_are_no_topics(client, invite, answered_before):
    """A list pasted with tabs and no-break spaces: its empty lines are skipped, its topics kept
    with their words one space apart. A line of only a bullet and a tab once made an empty
    title, which topic_suggest refused, rolling back every answer behind a thank-you."""
    rating, valuable, topics = questions(invite)
    url = path(invite_link(invite))
    if answered_before:  # a change of answers: the ORM path, not the first answer's statement
        client.post(url, {f"q{rating.pk}": "2"})
    response = client.post(url, {f"q{rating.pk}": "4", f"q{valuable.pk}": "Meten", f"q{topics.pk}": PASTED_LIST})
    assert "Bedankt!" in response.text
    stored = dict(Answer.objects.values_list("question", "text"))
    assert stored.keys() == {rating.pk, valuable.pk, topics.pk}
    assert "- Isolatiemeting\n\t•  Werken   onder\tspanning" in stored[topics.pk]  # the answer as typed
    assert sorted(Topic.objects.values_list("title", flat=True)) == ["Isolatiemeting", "Werken onder spanning"]


def test_an_anonymous_surveys_pasted_list_is_released_without_its_empty_lines(client, invite):
    Survey.objects.filter(pk=invite.survey_id).update(anonymous=True)
    rating, _valuable, topics = questions(invite)
    client.post(path(invite_link(invite)), {f"q{rating.pk}": "3", f"q{topics.pk}": PASTED_LIST})
    Survey.objects.filter(pk=invite.survey_id).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert topics_release_due() == 2
    assert sorted(Topic.objects.values_list("title", flat=True)) == ["Isolatiemeting", "Werken onder spanning"]


def test_a_submit_refused_for_another_reason_is_not_thanked(client, invite, monkeypatch):
    """Only a closed survey and an anonymous survey answered already are pages of their own; any
    other refusal stored nothing and must show as the fault it is (a 500, logged)."""
    from django.core.exceptions import ValidationError  # noqa: PLC0415

    from feedback.views import answer as view  # noqa: PLC0415

    def refused(**_kwargs):
        raise ValidationError("Give the topic a title.")

    monkeypatch.setattr(view, "response_submit", refused)
    rating, _valuable, _topics = questions(invite)
    with pytest.raises(ValidationError):
        client.post(path(invite_link(invite)), {f"q{rating.pk}": "3"})


@pytest.mark.parametrize(
    ("cookie", "heading", "message"),
    [
        (None, "Bedankt!", "Hoogstens 4000 tekens."),
        ("xx", "Bedankt!", "Hoogstens 4000 tekens."),
        ("en", "Thank you!", "At most 4000 characters."),
        ("en-gb", "Thank you!", "At most 4000 characters."),
    ],
)
def test_the_personal_link_speaks_the_invitees_language_unless_the_switch_chose_one(
    client, invite, settings, cookie, heading, message
):
    """The invitee (Dutch) is known from the link; the language switch sets a cookie, which wins,
    or pressing EN on the survey would change nothing. An unknown cookie value is ignored."""
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    rating, valuable, _topics = questions(invite)
    url = path(invite_link(invite))
    form = client.get(url)
    assert ("How valuable was this meeting?" in form.text) is (heading == "Thank you!")
    headers = {"HX-Request": "true"}
    checked = client.post(url, {"validate": str(valuable.pk), f"q{valuable.pk}": "x" * 4001}, headers=headers)
    assert message in checked.text
    assert heading in client.post(url, {f"q{rating.pk}": "4"}).text


def test_signed_in_the_saved_language_wins_on_the_personal_link_as_everywhere(client, invite, settings):
    """Pressed EN on a laptop once, NL on the phone since (saved: nl): signed in on the laptop,
    the survey speaks Dutch like the rest of the site, not the laptop's old cookie."""
    invite.user.language = "en"
    invite.user.save(update_fields=["language"])
    person = member(invite.survey.community, user__language="nl")
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Hoe waardevol was deze bijeenkomst?" in client.get(path(invite_link(invite))).text


def test_a_closed_survey_and_a_forged_link(client, invite):
    assert client.get("/s/forged-token/").status_code == 404
    Survey.objects.filter(pk=invite.survey_id).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = client.get(path(invite_link(invite)))
    assert response.status_code == 410
    assert reverse("survey_answer", args=["x"]).startswith("/s/")


def test_htmx_checks_one_question_as_it_changes_and_stores_nothing(client, invite):
    rating, valuable, _topics = questions(invite)
    url = path(invite_link(invite))
    headers = {"HX-Request": "true"}
    too_long = client.post(url, {"validate": str(valuable.pk), f"q{valuable.pk}": "x" * 4001}, headers=headers)
    assert too_long.status_code == 200
    assert too_long.text.lstrip().startswith(f'<fieldset id="question-{valuable.pk}"')
    assert "Hoogstens 4000 tekens." in too_long.text
    fine = client.post(url, {"validate": str(valuable.pk), f"q{valuable.pk}": "Prima"}, headers=headers)
    assert 'role="alert"' not in fine.text
    assert "Prima" in fine.text
    assert client.post(url, {"validate": "999999"}, headers=headers).status_code == 400
    # Empty is no question either (hypothesis found it stored a response as if submitted).
    complete = {"validate": "", f"q{rating.pk}": "4", f"q{valuable.pk}": "Prima"}  # would be stored as a submit
    assert client.post(url, complete, headers=headers).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_the_default_template_is_made_again_when_the_table_was_emptied():
    SurveyTemplate.objects.all().delete()
    assert [q.type for q in default_template().questions.all()] == ["rating", "long", "topic"]
    assert SurveyTemplate.objects.count() == 1


def test_changing_an_answer_suggests_only_new_topics(client, invite):
    rating, _valuable, topics = questions(invite)
    url = path(invite_link(invite))
    client.post(url, {f"q{rating.pk}": "4", f"q{topics.pk}": "Accu's"})
    Topic.objects.filter(title="Accu's").update(status="archived")
    client.post(url, {f"q{rating.pk}": "4", f"q{topics.pk}": "Accu's\nDiagnose"})
    assert sorted(Topic.objects.values_list("title", "status")) == [("Accu's", "archived"), ("Diagnose", "open")]


def test_a_second_anonymous_submit_racing_the_first_is_thanked_not_failed(client, invite, monkeypatch):
    from django.core.exceptions import ValidationError  # noqa: PLC0415

    from feedback.services import ALREADY_ANSWERED  # noqa: PLC0415
    from feedback.views import answer as view  # noqa: PLC0415

    Survey.objects.filter(pk=invite.survey_id).update(anonymous=True)
    rating, _valuable, _topics = questions(invite)

    def already(**_kwargs):  # what the losing request of a double click meets
        raise ValidationError("You already answered this anonymous survey.", code=ALREADY_ANSWERED)

    monkeypatch.setattr(view, "response_submit", already)
    response = client.post(path(invite_link(invite)), {f"q{rating.pk}": "3"})
    assert response.status_code == 200
    assert "Bedankt!" in response.text


def test_a_surveys_questions_are_read_once_per_process_until_it_closes(invite, django_assert_num_queries, monkeypatch):
    from feedback import services  # noqa: PLC0415

    monkeypatch.setattr(services, "_kept", services.OrderedDict())  # as in a process just started
    survey = invite.survey
    with django_assert_num_queries(1):
        first = survey_questions(survey)
    with django_assert_num_queries(0):
        again = survey_questions(survey)
    assert [q.text for q in again] == [q.text for q in first] == [q.text for q in survey.questions.all()]
    with time_machine.travel(survey.closes_at + timedelta(seconds=1)):  # closed: nothing is kept any more
        with django_assert_num_queries(1):
            survey_questions(survey)
        with django_assert_num_queries(1):
            survey_questions(survey)


def test_a_process_keeps_the_questions_of_a_bounded_number_of_surveys(invite, monkeypatch):
    from feedback import services  # noqa: PLC0415

    monkeypatch.setattr(services, "KEPT_SURVEYS", 2)
    monkeypatch.setattr(services, "_kept", services.OrderedDict())
    surveys = [invite.survey, survey_with(invite.survey.community), survey_with(invite.survey.community)]
    for survey in surveys:
        survey_questions(survey)
    assert [key[0] for key in services._kept] == [survey.pk for survey in surveys[1:]]


def test_the_personal_link_works_without_the_cache(client, invite, settings):
    """Redis down: the form and the submit do not need it."""
    settings.CACHES = {"default": {"BACKEND": "cop.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    rating, valuable, _topics = questions(invite)
    assert client.get(path(invite_link(invite))).status_code == 200
    response = client.post(path(invite_link(invite)), {f"q{rating.pk}": "4", f"q{valuable.pk}": "Alles"})
    assert response.status_code == 200
    assert sorted(Answer.objects.filter(response__invite=invite).values_list("question_id", flat=True)) == sorted(
        [rating.pk, valuable.pk]
    )
