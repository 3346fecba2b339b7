"""A first answer to a survey stored in one statement: the invitation claimed, the response and
its answers written, all or nothing, in one round trip to PostgreSQL.

Every submit of a survey link is a first answer but for the few who change theirs. Through the
ORM it was a transaction of five statements (BEGIN, the claim, two inserts, COMMIT), each built
anew: a third of the submit's instructions in the worker and most of PostgreSQL's share. As one
statement of data-modifying CTEs it runs in its own transaction (or the caller's) and is built
once per number of answers. The claim is the same conditional update: a second submit at the
same moment waits for the first's row lock, then finds the invitation answered and claims
nothing, so nothing else of it is written either (and `response_submit` goes on as for a change).
PostgreSQL only (SQLite has no UPDATE in a WITH); elsewhere `response_submit` uses the ORM."""

import json
from datetime import datetime
from functools import lru_cache

from django.db import connection

from cop.compiled import execute_prepared
from feedback.models import Answer, Survey, SurveyInvite, SurveyResponse

# The tables and columns are the models' (tests/feedback/test_first_answer.py holds them to it).
CLAIM_AND_RESPOND = """
WITH claimed AS (
    UPDATE feedback_surveyinvite SET responded_at = %s WHERE id = %s AND responded_at IS NULL RETURNING 1
), response AS (
    INSERT INTO feedback_surveyresponse (id, survey_id, invite_id, submitted_at, updated_at)
    SELECT %s::uuid, %s::integer, %s::integer, %s::timestamptz, %s::timestamptz FROM claimed RETURNING id
)"""
# Typed in the SELECTs: a parameter of a prepared statement, or a VALUES column of parameters
# alone (all NULL, say), has no type of its own.
ANSWERS = """, answers AS (
    INSERT INTO feedback_answer (id, response_id, question_id, number, text, options)
    SELECT v.id::uuid, response.id, v.question_id::integer, v.number::smallint, v.text::text, v.options::jsonb
    FROM response, (VALUES {rows}) AS v (id, question_id, number, text, options) RETURNING 1
)"""
ANSWER_ROW = "(%s, %s, %s, %s, %s)"


@lru_cache(maxsize=64)
def _statement(answers: int) -> str:
    """The statement for this many answers (none: an empty survey answered, all optional)."""
    rows = ANSWERS.format(rows=", ".join([ANSWER_ROW] * answers)) if answers else ""
    return CLAIM_AND_RESPOND + rows + " SELECT count(*) FROM response"  # noqa: S608 (placeholders only)


def first_answer_store(
    *, invite: SurveyInvite, survey: Survey, answers: dict[int, dict], at: datetime, submitted: datetime
) -> SurveyResponse | None:
    """The response stored, if the invitation was still unanswered (claimed at `at`); None, with
    nothing written, if it was answered already. `submitted`: the response's time (an anonymous
    survey's response has its opening time and no invitation)."""
    response = SurveyResponse(
        survey=survey, invite=None if survey.anonymous else invite, submitted_at=submitted, updated_at=submitted
    )
    params = [at, invite.pk, response.pk, survey.pk, response.invite_id, submitted, submitted]
    for question_id, value in answers.items():
        options = value.get("options", [])
        params += [
            Answer._meta.pk.get_default(),
            question_id,
            value.get("number"),
            value.get("text", ""),
            json.dumps(options),
        ]
    with connection.cursor() as cursor:
        # Prepared (cop.compiled): planning it took PostgreSQL longer than running it.
        execute_prepared(cursor, f"gilde_first_answer_{len(answers)}", _statement(len(answers)), params)
        (stored,) = cursor.fetchone()
    if not stored:
        return None
    response._state.adding, response._state.db = False, connection.alias
    return response
