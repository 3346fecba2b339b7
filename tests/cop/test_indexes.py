"""No index that another one already provides, and no foreign key without one.

Every index is written on every insert and update of its table, so one whose key columns lead
another index (a foreign key's own index beside a unique constraint that starts with it, say)
costs writes and disk and serves no query the other cannot. And every foreign key column must
start some index that is not partial: deleting the row it points to (ON DELETE CASCADE or SET
NULL) and the queries that filter on it would otherwise read the whole table."""

import pytest
from django.apps import apps
from django.db import connection, models

APPS = ("cop", "feedback", "meetings", "members")

# Per key column (INCLUDE columns left out): the column, its operator class, collation and
# options (DESC, NULLS FIRST); an index whose keys start another's with all four alike is
# redundant. Expression indexes are left out.
INDEXES = """
SELECT t.relname, i.relname, x.indisunique, x.indpred IS NOT NULL,
       ARRAY(SELECT ARRAY[x.indkey[k], x.indclass[k], x.indcollation[k], x.indoption[k]]::text
             FROM generate_series(0, x.indnkeyatts - 1) AS k),
       (SELECT attname FROM pg_attribute WHERE attrelid = x.indrelid AND attnum = x.indkey[0])
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND x.indexprs IS NULL
ORDER BY 1, 2
"""


def _models() -> list[type[models.Model]]:
    """Gilde's own models (the tables Django makes for many-to-many fields, such as the user's
    groups, are Django's)."""
    return [model for app in APPS for model in apps.get_app_config(app).get_models()]


def _indexes() -> list[tuple[str, str, bool, bool, tuple[str, ...], str]]:
    """(table, index, unique, partial, keys, first column) of Gilde's tables, by table and name."""
    tables = {model._meta.db_table for model in _models()}
    with connection.cursor() as cursor:
        cursor.execute(INDEXES)
        return [
            (table, name, unique, partial, tuple(keys), first)
            for table, name, unique, partial, keys, first in cursor.fetchall()
            if table in tables
        ]


def redundant_indexes() -> list[str]:
    """Plain (not unique, not partial) indexes whose keys start another index that is not
    partial: a longer one, or a unique one with the same keys, or (of two alike plain ones) the
    one whose name sorts later."""
    rows = _indexes()
    found = []
    for table, name, unique, partial, keys, _first in rows:
        if unique or partial:
            continue
        for other_table, other, other_unique, other_partial, other_keys, _other_first in rows:
            if other_table != table or other == name or other_partial or other_keys[: len(keys)] != keys:
                continue
            if len(other_keys) > len(keys):
                found.append(f"{table}.{name} (led by {other})")
            elif other_unique or other < name:
                found.append(f"{table}.{name} (same as {other})")
            else:
                continue
            break  # one reason is enough
    return sorted(found)


def unindexed_foreign_keys() -> list[str]:
    """Foreign keys whose column starts no index that is not partial."""
    starts = {(table, first) for table, _name, _unique, partial, _keys, first in _indexes() if not partial}
    return sorted(
        f"{model._meta.db_table}.{field.column}"
        for model in _models()
        for field in model._meta.concrete_fields
        if field.is_relation and (model._meta.db_table, field.column) not in starts
    )


@pytest.mark.django_db
def test_no_index_repeats_the_start_of_another():
    # Django's LIKE index beside a unique text column (feedback_survey.form_key) stays: same
    # column, another operator class.
    assert redundant_indexes() == []


@pytest.mark.django_db
def test_an_index_that_repeats_the_start_of_another_is_found():
    with connection.cursor() as cursor:
        cursor.execute('CREATE INDEX extra_answer_response ON "feedback_answer" ("response_id")')
        # A copy of the survey's time-ordered index, under another name.
        cursor.execute('CREATE INDEX extra_survey_recent ON "feedback_survey" ("community_id", "opens_at" DESC)')
        # A plain copy of a unique constraint, whose name sorts before the constraint's.
        cursor.execute('CREATE INDEX answer_copy ON "feedback_answer" ("response_id", "question_id")')
        # Not copies: another sort order, another collation.
        cursor.execute('CREATE INDEX survey_oldest ON "feedback_survey" ("community_id", "opens_at")')
        cursor.execute('CREATE INDEX topic_title_c ON "meetings_topic" ("title" COLLATE "C")')
        cursor.execute('CREATE INDEX topic_title ON "meetings_topic" ("title")')
        # Included columns are not keys: this one is led by the next, not the other way round.
        cursor.execute(
            'CREATE INDEX joined_with_role ON "members_membership" ("joined_at") INCLUDE ("role", "user_id")'
        )
        cursor.execute('CREATE INDEX joined_role ON "members_membership" ("joined_at", "role")')
    assert redundant_indexes() == [
        "feedback_answer.answer_copy (same as answer_unique)",
        "feedback_answer.extra_answer_response (led by answer_copy)",
        "feedback_survey.survey_community_recent (same as extra_survey_recent)",
        "members_membership.joined_with_role (led by joined_role)",
    ]


@pytest.mark.django_db
def test_every_foreign_key_starts_an_index():
    assert unindexed_foreign_keys() == []


@pytest.mark.django_db
def test_a_foreign_key_without_an_index_is_found():
    with connection.cursor() as cursor:
        cursor.execute('DROP INDEX "answer_question_number"')
    assert unindexed_foreign_keys() == ["feedback_answer.question_id"]
