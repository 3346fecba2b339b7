"""No index that another one already provides: every index is written on every insert and update
of its table, so one whose columns lead another index (a foreign key's own index beside a unique
constraint that starts with it, say) costs writes and disk and serves no query the other cannot."""

import pytest
from django.apps import apps
from django.db import connection

APPS = ("cop", "feedback", "meetings", "members")

INDEXES = """
SELECT t.relname, i.relname, x.indkey::text, x.indclass::text, x.indisunique, x.indpred IS NOT NULL
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND x.indexprs IS NULL
"""


def redundant_indexes() -> list[str]:
    """Plain (not unique, not partial) indexes of Gilde's models' tables whose columns, with the
    same operator classes, are the first columns of another index that is not partial. (The
    tables Django makes for many-to-many fields, such as the user's groups, are Django's.)"""
    tables = {model._meta.db_table for app in APPS for model in apps.get_app_config(app).get_models()}
    with connection.cursor() as cursor:
        cursor.execute(INDEXES)
        rows = [
            (table, name, tuple(zip(keys.split(), classes.split(), strict=True)), unique, partial)
            for table, name, keys, classes, unique, partial in cursor.fetchall()
            if table in tables
        ]
    found = []
    for table, name, columns, unique, partial in rows:
        if unique or partial:
            continue
        for other_table, other, other_columns, _unique, other_partial in rows:
            if other_table == table and other != name and not other_partial:
                if other_columns[: len(columns)] != columns:
                    continue
                if len(other_columns) > len(columns):
                    found.append(f"{table}.{name} (led by {other})")
                elif other < name:  # two alike: the one whose name sorts later is named
                    found.append(f"{table}.{name} (same as {other})")
    return sorted(found)


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
    assert redundant_indexes() == [
        "feedback_answer.extra_answer_response (led by answer_unique)",
        "feedback_survey.survey_community_recent (same as extra_survey_recent)",
    ]
