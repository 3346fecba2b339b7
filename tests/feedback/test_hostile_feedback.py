"""Hostile input on the survey pages: answering by personal link (every question type), pulse
surveys, the template editor, the results and trend pages and their CSV (tests/hostile.py)."""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from feedback.links import invite_link
from feedback.models import Answer, QuestionType, SurveyInvite, SurveyTemplate, TemplateQuestion
from members.models import Role
from tests.factories import CommunityFactory, MembershipFactory
from tests.feedback.helpers import answer, ended_meeting, member, path, survey_with
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

QUESTIONS = [
    (QuestionType.RATING, "Hoe waardevol was het?", []),
    (QuestionType.SCALE, "Zou je het aanraden?", []),
    (QuestionType.SINGLE, "Welke dag?", ["Dinsdag", "Donderdag"]),
    (QuestionType.MULTIPLE, "Welke onderdelen?", ["Theorie", "Praktijk", "Koffie"]),
    (QuestionType.SHORT, "In één woord?", []),
    (QuestionType.LONG, "Wat vond je waardevol?", []),
    (QuestionType.TOPIC, "Welke onderwerpen hierna?", []),
]
ANSWER_VALUES = {
    QuestionType.RATING: nasty_number,
    QuestionType.SCALE: nasty_number,
    QuestionType.SINGLE: nasty_choice,
    QuestionType.MULTIPLE: st.lists(st.one_of(nasty_choice, st.sampled_from(["Theorie", "Koffie"])), max_size=4),
    QuestionType.SHORT: nasty_text,
    QuestionType.LONG: nasty_text,
    QuestionType.TOPIC: nasty_text,
}


@pytest.fixture
def community():
    return CommunityFactory(slug="autotechniek", name="Autotechniek")


@pytest.fixture
def survey(community):
    return survey_with(community, meeting=ended_meeting(community), questions=QUESTIONS)


@HOSTILE
@given(picked=st.lists(st.sampled_from(range(len(QUESTIONS))), min_size=1, max_size=4, unique=True), data=st.data())
def test_answering_stores_or_refuses_hostile_input(client, survey, picked, data):
    person = member(survey.community)
    invite = SurveyInvite.objects.create(survey=survey, user=person)
    questions = list(survey.questions.order_by("position"))
    language = data.draw(languages, label="language")
    values = {f"q{questions[index].pk}": data.draw(ANSWER_VALUES[questions[index].type]) for index in picked}
    with rolled_back():
        speak(person, language)
        before = database_state()
        response = client.post(path(invite_link(invite)), values)
        if response.status_code == 400:
            assert_rejected_cleanly(response, before, language)
            assert_escaped(response.text)
            return
        assert response.status_code == 200
        stored = Answer.objects.filter(response__invite=invite)
        assert all("\x00" not in item.text for item in stored)
        assert all(set(item.options) <= {"Dinsdag", "Donderdag", "Theorie", "Praktijk", "Koffie"} for item in stored)
        assert all(item.number is None or 0 <= item.number <= 10 for item in stored)


@HOSTILE
@given(index=st.sampled_from(range(len(QUESTIONS))), which=st.one_of(nasty_number, st.just("own")), data=st.data())
def test_checking_one_question_as_it_changes_survives_hostile_input(client, survey, index, which, data):
    """htmx checks a question as soon as it changes: nothing is stored, whatever is sent."""
    invite = SurveyInvite.objects.create(survey=survey, user=member(survey.community))
    question = survey.questions.order_by("position")[index]
    value = data.draw(ANSWER_VALUES[question.type], label="value")
    before = database_state()
    response = client.post(
        path(invite_link(invite)),
        {"validate": str(question.pk) if which == "own" else which, f"q{question.pk}": value},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code in {200, 400}
    assert_escaped(response.text)
    assert changed_tables(before) == []


@pytest.mark.parametrize(
    ("language", "message"),
    [("nl", "Kies een getal van 1 tot en met 5."), ("en", "Choose a number from 1 to 5.")],
)
@pytest.mark.parametrize("rating", ["²", "0", "6", "-1", "9" * 5000, "\x00", "vijf"])
def test_a_rating_that_is_no_number_from_1_to_5_is_refused(client, survey, rating, language, message):
    person = member(survey.community)
    speak(person, language)
    invite = SurveyInvite.objects.create(survey=survey, user=person)
    rating_question = survey.questions.get(type=QuestionType.RATING)
    before = database_state()
    response = client.post(path(invite_link(invite)), {f"q{rating_question.pk}": rating})
    assert response.status_code == 400
    assert assert_rejected_cleanly(response, before, language) == [message]


@pytest.fixture
def facilitator(client, community):
    person = MembershipFactory(community=community, role=Role.FACILITATOR).user
    MembershipFactory(community=community, role=Role.INTERN)
    client.force_login(person)
    return person


PULSE_FIELDS = {
    "form_key": nasty_text,
    "title": nasty_text,
    "template": nasty_number,
    "role": nasty_choice,
    "anonymous": nasty_choice,
    "days": nasty_number,
}


@HOSTILE
@given(changes=form_changes(PULSE_FIELDS), language=languages)
def test_a_pulse_survey_is_sent_or_refused_whatever_the_form_holds(client, community, facilitator, changes, language):
    template = SurveyTemplate.objects.filter(community__isnull=True).first()
    data = {"form_key": "k" * 24, "title": "Hoe gaat je stage?", "template": str(template.pk), "days": "7"} | changes
    with rolled_back():
        speak(facilitator, language)
        before = database_state()
        response = client.post(reverse("survey_pulse", args=[community.slug]), data)
        if response.status_code == 400:
            assert_rejected_cleanly(response, before, language)
            assert_escaped(response.text)
            return
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert_escaped(page.text)


QUESTION_FIELDS = {"type": nasty_choice, "text": nasty_text, "choices": nasty_text, "required": nasty_choice}


@pytest.fixture
def template(community):
    template = SurveyTemplate.objects.create(community=community, name="Eigen vragen")
    TemplateQuestion.objects.create(template=template, position=0, type=QuestionType.RATING, text="Hoe was het?")
    return template


@HOSTILE
@given(
    view=st.sampled_from(["survey_templates", "survey_template_edit", "survey_question_add", "survey_question_edit"]),
    changes=form_changes({"name": nasty_text, **QUESTION_FIELDS}),
    language=languages,
    htmx=st.booleans(),
)
def test_the_template_editor_stores_or_refuses_hostile_input(
    client, community, facilitator, template, view, changes, language, htmx
):
    question = template.questions.get()
    args = {
        "survey_templates": [community.slug],
        "survey_template_edit": [community.slug, template.pk],
        "survey_question_add": [community.slug, template.pk],
        "survey_question_edit": [community.slug, template.pk, question.pk],
    }[view]
    data = {"name": "Nieuwe vragen", "type": "single", "text": "Welke dag?", "choices": "Ma\nDi"} | changes
    with rolled_back():
        speak(facilitator, language)
        before = database_state()
        response = client.post(reverse(view, args=args), data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
        if response.status_code == 400:
            assert_rejected_cleanly(response, before, language)
            assert_escaped(response.text)
            return
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert_escaped(page.text)


@pytest.mark.parametrize(
    ("language", "message"), [("nl", "Null-tekens zijn niet toegestaan."), ("en", "Null characters are not allowed.")]
)
def test_choices_with_a_nul_are_refused_in_the_persons_language(
    client, community, facilitator, template, language, message
):
    """The form went on to check the choices it could not read: a KeyError, a 500."""
    speak(facilitator, language)
    before = database_state()
    data = {"type": "single", "text": "Welke dag?", "choices": "Ma\nDi\x00"}
    response = client.post(reverse("survey_question_add", args=[community.slug, template.pk]), data)
    assert response.status_code == 400
    assert assert_rejected_cleanly(response, before, language) == [message]


@HOSTILE
@given(
    view=st.sampled_from(["survey_template_use", "survey_question_move"]),
    value=nasty_value,
    language=languages,
)
def test_template_buttons_survive_hostile_input(client, community, facilitator, template, view, value, language):
    question = template.questions.get()
    with rolled_back():
        speak(facilitator, language)
        if view == "survey_template_use":
            response = client.post(reverse(view, args=[community.slug, template.pk]), {"used": value}, follow=True)
        else:
            # The direction is part of the path: anything but up or down is not found.
            direction = value if value and value.isprintable() and "/" not in value else "sideways"
            response = client.post(reverse(view, args=[community.slug, template.pk, question.pk, direction]))
            if direction not in {"up", "down"}:
                assert response.status_code == 404
                return
            response = client.get(response["Location"])
        assert response.status_code == 200
        assert_in_language(error_messages(response.text), language)


@HOSTILE
@given(
    view=st.sampled_from(["survey_trend", "survey_trend_csv", "survey_list", "survey_results", "survey_results_csv"]),
    field=st.sampled_from(["months", "page"]),
    value=nasty_value,
)
def test_results_and_trend_pages_survive_hostile_parameters(client, community, facilitator, survey, view, field, value):
    args = [community.slug, survey.pk] if view.startswith("survey_results") else [community.slug]
    response = client.get(reverse(view, args=args), {field: value})
    assert response.status_code == 200
    if not view.endswith("_csv"):
        assert_escaped(response.text)


# The classics: where written answers and typed texts show, and in every CSV download ---------


def test_a_script_in_answers_and_questions_is_shown_as_text_on_the_results_page(client, community, facilitator):
    survey = survey_with(
        community, questions=[(QuestionType.LONG, SCRIPT, []), (QuestionType.SINGLE, "Dag?", [SCRIPT, "Dinsdag"])]
    )
    long, single = survey.questions.order_by("position")
    for _ in range(3):
        answer(survey, member(community), {long.pk: {"text": SCRIPT}, single.pk: {"options": [SCRIPT]}})
    page = client.get(reverse("survey_results", args=[community.slug, survey.pk])).text
    assert SCRIPT not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5  # the question, the option (chart, table), answers


def cells(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def assert_no_formula(rows: list[list[str]]) -> None:
    """No cell a spreadsheet would run: each starts with something other than = + - @ tab CR,
    unless it is a number written as one."""
    for row in rows:
        for value in row:
            if value.startswith(("=", "+", "-", "@", "\t", "\r")):
                float(value)  # -2.5 is a number, not a formula


@pytest.mark.parametrize("typed", [FORMULA, "+31 6 1234", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"])
def test_survey_csv_downloads_neutralise_formulas(client, community, facilitator, typed):
    meeting = ended_meeting(community, title=typed, theme=typed)
    survey = survey_with(
        community,
        meeting=meeting,
        questions=[(QuestionType.RATING, typed, []), (QuestionType.SINGLE, typed, [typed, "Nee"])],
    )
    rating, single = survey.questions.order_by("position")
    for _ in range(3):
        answer(survey, member(community), {rating.pk: {"number": 4}, single.pk: {"options": [typed]}})
    results = cells(client.get(reverse("survey_results_csv", args=[community.slug, survey.pk])))
    trend = cells(client.get(reverse("survey_trend_csv", args=[community.slug])))
    for rows in (results, trend):
        assert_no_formula(rows)
        assert any("'" + typed in row for row in rows), "the text is there, quoted"
