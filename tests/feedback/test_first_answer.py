"""A first answer in one statement (feedback.first_answer): the same rows as the ORM writes, one
query, nothing written when the invitation was answered meanwhile, and the rest of
`response_submit` unchanged around it."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from feedback import first_answer, services
from feedback.models import Answer, QuestionType, SurveyInvite, SurveyResponse
from feedback.services import _response_store, response_submit
from meetings.models import Topic
from tests.factories import CommunityFactory
from tests.feedback.helpers import member, survey_with

pytestmark = pytest.mark.django_db

QUESTIONS = [
    (QuestionType.RATING, "Hoe waardevol was deze bijeenkomst?", []),
    (QuestionType.SCALE, "Hoe waarschijnlijk raad je dit aan?", []),
    (QuestionType.SINGLE, "Wat was het beste?", ["De casus", "De koffie"]),
    (QuestionType.MULTIPLE, "Wat wil je vaker?", ["Workshops", "Koffiemomenten", "Sprints"]),
    (QuestionType.LONG, "Wat heb je geleerd?", []),
    (QuestionType.TOPIC, "Welk onderwerp wil je bespreken?", []),
]


def answers_to(survey, topic=""):
    rating, scale, single, multiple, long, topics = survey.questions.order_by("position")
    answers = {
        rating.pk: {"number": 4},
        scale.pk: {"number": 0},
        single.pk: {"options": ["De koffie"]},
        multiple.pk: {"options": ["Workshops", "Sprints"]},
        long.pk: {"text": "Meewerken aan de diagnose van een hybride auto, met 'quotes' en \\ en ;"},
    }
    return {**answers, topics.pk: {"text": topic}} if topic else answers


def stored(response):
    row = SurveyResponse.objects.get(pk=response.pk)
    answers = sorted((a.question.position, a.number, a.text, a.options) for a in Answer.objects.filter(response=row))
    return (row.survey_id, row.submitted_at == row.updated_at, row.invite is None), answers


def asked(survey):
    """The questions, as the page has them when it submits (read before the queries counted)."""
    return list(survey.questions.all())


@pytest.fixture
def survey():
    return survey_with(CommunityFactory(), questions=QUESTIONS)


def invited(survey):
    return SurveyInvite.objects.select_related("survey__community", "user").get(
        pk=SurveyInvite.objects.create(survey=survey, user=member(survey.community)).pk
    )


def test_the_statement_names_the_models_tables_and_columns():
    sql = first_answer._statement(1)
    for model in (SurveyInvite, SurveyResponse, Answer):
        assert model._meta.db_table in sql
    for model, names in [
        (SurveyInvite, ["id", "responded_at"]),
        (SurveyResponse, ["id", "survey", "invite", "submitted_at", "updated_at"]),
        (Answer, ["id", "response", "question", "number", "text", "options"]),
    ]:
        for name in names:
            assert model._meta.get_field(name).column in sql
    # Every column of each row it inserts: a field added later (with a Python default, which the
    # database does not know) must be written here too, or this path alone would leave it empty.
    for model in (SurveyResponse, Answer):
        listed = re.search(rf"INSERT INTO {model._meta.db_table} \(([^)]*)\)", sql)[1]
        assert sorted(listed.split(", ")) == sorted(field.column for field in model._meta.concrete_fields)


def test_one_query_and_the_rows_the_orm_would_write(survey, django_assert_num_queries):
    one, other = invited(survey), invited(survey)
    answers, questions = answers_to(survey), asked(survey)
    with django_assert_num_queries(1):
        response = response_submit(invite=one, answers=answers, questions=questions)
    through_orm = _response_store(
        invite=other, survey=survey, answers=answers_to(survey), lines=[], now=response.submitted_at
    )
    assert stored(response) == stored(through_orm)
    assert stored(response)[1] == [
        (0, 4, "", []),
        (1, 0, "", []),
        (2, None, "", ["De koffie"]),
        (3, None, "", ["Workshops", "Sprints"]),
        (4, None, "Meewerken aan de diagnose van een hybride auto, met 'quotes' en \\ en ;", []),
    ]
    claimed = SurveyInvite.objects.get(pk=one.pk)
    assert claimed.responded_at == response.submitted_at
    assert SurveyResponse.objects.get(pk=response.pk).invite_id == one.pk
    assert (response._state.adding, response._state.db) == (False, "default")
    response.updated_at = claimed.responded_at
    response.save(update_fields=["updated_at"])  # an instance like the ORM's: saved as an update


def test_an_invitation_answered_meanwhile_gets_nothing_written_and_the_answer_counts_as_a_change(survey):
    invite = invited(survey)
    first = response_submit(invite=invite, answers=answers_to(survey))
    stale = invited_by_pk(invite)
    assert (
        first_answer.first_answer_store(
            invite=stale, survey=survey, answers={}, at=first.submitted_at, submitted=first.submitted_at
        )
        is None
    )
    assert SurveyResponse.objects.count() == 1
    rating = survey.questions.get(position=0)
    response_submit(invite=stale, answers={rating.pk: {"number": 2}})  # tries the claim, then changes
    assert SurveyResponse.objects.get().pk == first.pk
    assert list(Answer.objects.values_list("number", flat=True)) == [2]


def test_no_answers_at_all(survey, django_assert_num_queries):
    invite = invited(survey)
    questions = asked(survey)
    with django_assert_num_queries(1):
        response = response_submit(invite=invite, answers={}, questions=questions)
    assert SurveyResponse.objects.get().pk == response.pk
    assert Answer.objects.count() == 0


def test_an_anonymous_response_has_no_invitation_and_no_time_of_its_own(django_assert_num_queries):
    survey = survey_with(CommunityFactory(), questions=QUESTIONS, anonymous=True)
    invite = invited(survey)
    answers, questions = answers_to(survey, topic="Hoogvolt veilig werken"), asked(survey)
    with django_assert_num_queries(1):
        response_submit(invite=invite, answers=answers, questions=questions)
    row = SurveyResponse.objects.get()
    assert (row.invite_id, row.submitted_at, row.updated_at) == (None, survey.opens_at, survey.opens_at)
    assert SurveyInvite.objects.get(pk=invite.pk).responded_at is not None
    assert Topic.objects.count() == 0  # released when the survey closes
    with pytest.raises(ValidationError, match="already answered"):
        response_submit(invite=invited_by_pk(invite), answers=answers_to(survey))
    assert SurveyResponse.objects.count() == 1


def invited_by_pk(invite):
    fresh = SurveyInvite.objects.select_related("survey__community", "user").get(pk=invite.pk)
    fresh.responded_at = None  # a second tap, loaded before the first was stored
    return fresh


def test_a_topic_asked_is_suggested_with_the_answer(survey):
    invite = invited(survey)
    response_submit(invite=invite, answers=answers_to(survey, topic="Storingen zoeken met de scope"))
    topic = Topic.objects.get()
    assert (topic.title, topic.community_id) == ("Storingen zoeken met de scope", survey.community_id)
    assert Answer.objects.filter(text="Storingen zoeken met de scope").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_topic_that_cannot_be_suggested_takes_the_answer_back_with_it(survey, monkeypatch):
    """With topics the statement and the suggestion are one transaction: all or nothing."""

    def broken(*args, **kwargs):
        raise RuntimeError("the backlog is unavailable")

    monkeypatch.setattr(services, "topic_suggest", broken)
    invite = invited(survey)
    with pytest.raises(RuntimeError):
        response_submit(invite=invite, answers=answers_to(survey, topic="Accu's"))
    assert (SurveyResponse.objects.count(), Answer.objects.count()) == (0, 0)
    assert SurveyInvite.objects.get(pk=invite.pk).responded_at is None


def test_without_postgresql_the_orm_stores_the_first_answer(survey, monkeypatch, django_assert_num_queries):
    invite = invited(survey)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    monkeypatch.setattr(services, "first_answer_store", None)  # never called
    answers, questions = answers_to(survey), asked(survey)
    with django_assert_num_queries(5):  # savepoint, claim, response, answers, release
        response = response_submit(invite=invite, answers=answers, questions=questions)
    assert len(stored(response)[1]) == 5
