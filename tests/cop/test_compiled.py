"""Queries compiled once per process (cop.compiled): the same rows as the ORM, one query each, the
SQL built once, and queries it cannot run as the ORM would refused."""

import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from cop.compiled import Compiled
from cop.models.health import HealthSnapshot
from meetings import agenda
from members import backends
from members.models import Membership, User
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def memberships_of(user_id):
    return Membership.objects.current().filter(user_id=user_id).values_list("community_id", "role")


def test_rows_are_the_orms_rows_for_that_value_only(django_assert_num_queries):
    person, other = UserFactory(), UserFactory()
    first, second, left, finished = CommunityFactory.create_batch(4)
    MembershipFactory(user=person, community=first, role="intern")
    MembershipFactory(user=person, community=second, role="facilitator")
    MembershipFactory(user=person, community=left, left_at=timezone.now())
    MembershipFactory(user=person, community=finished, alumni_at=timezone.now())
    MembershipFactory(user=other, community=first, role="mentor")  # another person's: never in the rows
    compiled = Compiled(memberships_of)
    with django_assert_num_queries(1):
        rows = compiled.rows(person.pk)
    assert sorted(rows) == sorted([(first.pk, "intern"), (second.pk, "facilitator")])
    assert sorted(rows) == sorted(memberships_of(person.pk))
    assert compiled.rows(other.pk) == [(first.pk, "mentor")]
    assert compiled.rows(0) == []


def test_instances_are_the_orms_instances(django_assert_num_queries):
    person = UserFactory(full_name="Bram Jansen", is_manager=True)
    UserFactory()
    compiled = Compiled(lambda pk: User.objects.filter(pk=pk))
    with django_assert_num_queries(1):
        [found] = compiled.instances(person.pk)
    expected = User.objects.get(pk=person.pk)
    fields = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(found, name) for name in fields] == [getattr(expected, name) for name in fields]
    assert (found._state.db, found._state.adding) == ("default", False)
    found.full_name = "Bram de Vries"
    found.save(update_fields=["full_name"])  # a row like any other: saved as an update
    assert User.objects.get(pk=person.pk).full_name == "Bram de Vries"
    assert compiled.instances(0) == []


def test_the_sql_is_built_once(monkeypatch):
    person = UserFactory()
    compiled = Compiled(memberships_of)
    compiled.rows(person.pk)
    built = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: built.append(1) or original(self, *a, **k))
    for _ in range(3):
        compiled.rows(person.pk)
    assert built == []
    assert Compiled(memberships_of).rows(person.pk) == []
    assert built == [1]


def test_columns_that_need_converting_are_left_to_the_orm():
    snapshot = HealthSnapshot.objects.create(
        community=CommunityFactory(), week=timezone.localdate(), lights={"meetings": "green"}
    )
    converted = Compiled(lambda pk: HealthSnapshot.objects.filter(pk=pk).values_list("lights"))  # JSON
    assert converted.compiled is None
    assert converted.rows(snapshot.pk) == [({"meetings": "green"},)]  # not the JSON text


def test_the_queries_every_page_runs_are_compiled_on_postgresql():
    assert backends._person.compiled is not None
    assert agenda._memberships.compiled is not None


def test_a_query_with_more_than_one_parameter_or_not_of_whole_rows_is_refused():
    two_parameters = Compiled(lambda pk: User.objects.filter(pk=pk, full_name="x"))
    with pytest.raises(ImproperlyConfigured, match="exactly one parameter"):
        two_parameters.rows(1)
    with pytest.raises(ImproperlyConfigured, match="whole rows"):
        Compiled(memberships_of).instances(1)
    with pytest.raises(ImproperlyConfigured, match="whole rows"):
        Compiled(lambda pk: User.objects.filter(pk=pk).only("email")).instances(1)  # deferred fields


@pytest.mark.parametrize(
    "build",
    [
        lambda pk: Membership.objects.filter(user_id=pk).values_list("community_id", flat=True),  # [1], not [(1,)]
        lambda pk: Membership.objects.filter(user_id=pk).values_list("community_id", named=True),
        lambda pk: Membership.objects.filter(user_id=pk).values("community_id"),  # dictionaries
    ],
)
def test_a_queryset_whose_rows_the_orm_would_shape_is_refused(build):
    with pytest.raises(ImproperlyConfigured, match="plain values_list"):
        Compiled(build).rows(1)


def test_rows_and_instances_each_take_their_kind_of_queryset():
    with pytest.raises(ImproperlyConfigured, match="needs a values_list"):
        Compiled(lambda pk: User.objects.filter(pk=pk)).rows(1)


def test_instances_with_select_related_are_the_orms_with_their_related_rows(django_assert_num_queries):
    from feedback.models import SurveyInvite  # noqa: PLC0415
    from tests.feedback.helpers import member, survey_with  # noqa: PLC0415

    survey = survey_with(CommunityFactory(name="Autotechniek"))
    invite = SurveyInvite.objects.create(survey=survey, user=member(survey.community, user__full_name="Sanne Bos"))
    SurveyInvite.objects.create(survey=survey, user=member(survey.community))  # another: never found
    build = lambda pk: SurveyInvite.objects.select_related("survey__community", "user").filter(pk=pk)  # noqa: E731
    compiled = Compiled(build)
    with django_assert_num_queries(1):
        [found] = compiled.instances(invite.pk)
        names = (found.survey.title, found.survey.community.name, found.user.full_name)  # no query
    assert names == (survey.title, "Autotechniek", "Sanne Bos")
    [expected] = build(invite.pk)
    for mine, orms in [(found, expected), (found.survey, expected.survey), (found.user, expected.user)]:
        fields = [field.attname for field in type(mine)._meta.concrete_fields]
        assert [getattr(mine, name) for name in fields] == [getattr(orms, name) for name in fields]
        assert (mine._state.db, mine._state.adding) == ("default", False)
    assert compiled.instances(0) == []


def test_a_survey_link_opens_only_its_own_invitation_of_an_active_account():
    from feedback.links import LINK_SALT, invite_from_link, invite_link  # noqa: PLC0415
    from feedback.models import SurveyInvite  # noqa: PLC0415
    from tests.feedback.helpers import member, survey_with  # noqa: PLC0415

    survey = survey_with(CommunityFactory())
    invite = SurveyInvite.objects.create(survey=survey, user=member(survey.community))
    other = SurveyInvite.objects.create(survey=survey_with(survey.community), user=member(survey.community))
    token = invite_link(invite).rstrip("/").rsplit("/", 1)[1]
    assert invite_from_link(token) == invite
    for values in [
        [invite.pk, other.survey_id, invite.user_id],  # signed, but not this invitation's survey
        [invite.pk, invite.survey_id, other.user_id],  # nor its person
        ["1", invite.survey_id, invite.user_id],  # no number
    ]:
        assert invite_from_link(signing.dumps(values, salt=LINK_SALT, compress=True)) is None
    User.objects.filter(pk=invite.user_id).update(is_active=False)
    assert invite_from_link(token) is None


def prepared_names():
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_compiled_query_is_prepared_once_per_connection(django_assert_num_queries):
    from django.db import connection  # noqa: PLC0415

    person = UserFactory()
    compiled = Compiled(lambda pk: User.objects.filter(pk=pk))
    with django_assert_num_queries(1) as captured:  # preparing it is setting up the connection
        compiled.instances(person.pk)
    assert captured.captured_queries[0]["sql"] == f"EXECUTE {compiled.name} ({person.pk})"
    assert compiled.name in prepared_names()
    connection.close()  # a connection made anew has no statements: prepared again
    assert compiled.instances(person.pk)[0].pk == person.pk
    assert compiled.name in prepared_names()


def test_parameters_and_a_literal_percent_sign_in_a_prepared_statement():
    from django.db import connection  # noqa: PLC0415

    from cop.compiled import execute_prepared  # noqa: PLC0415

    with connection.cursor() as cursor:
        for value in (1, 2):
            execute_prepared(cursor, "gilde_test_percent", "SELECT %s::integer + %s::integer, '100%%'", [value, 10])
            assert cursor.fetchall() == [(value + 10, "100%")]


def test_prepared_statements_can_be_turned_off(settings, django_assert_num_queries):
    settings.DATABASE_PREPARED_STATEMENTS = False  # behind PgBouncer in transaction mode, say
    person = UserFactory()
    compiled = Compiled(lambda pk: User.objects.filter(pk=pk))
    with django_assert_num_queries(1) as captured:
        assert compiled.instances(person.pk)[0].pk == person.pk
    assert captured.captured_queries[0]["sql"].startswith("SELECT")
    assert compiled.name not in prepared_names()


def test_a_statement_that_cannot_be_prepared_fails_as_djangos_error():
    """PREPARE goes to the driver's cursor, through Django's error wrapper: a lost connection
    there is Django's OperationalError, which answers with the 503 page, not a 500."""
    from django.db import ProgrammingError, connection  # noqa: PLC0415

    from cop.compiled import execute_prepared  # noqa: PLC0415

    with connection.cursor() as cursor, pytest.raises(ProgrammingError, match="gilde_no_such_table"):
        execute_prepared(cursor, "gilde_test_missing", "SELECT 1 FROM gilde_no_such_table WHERE 1 = %s", [1])


@pytest.mark.django_db(transaction=True)
def test_a_column_changed_by_a_migration_under_a_prepared_statement():
    """A deploy migrates while old workers serve: PostgreSQL refuses a prepared plan whose result
    type changed. Outside a transaction the statement is prepared again and answers; inside one
    the request fails and the connection is closed after it, to start afresh."""
    from django.db import NotSupportedError, connection, transaction  # noqa: PLC0415

    from cop.compiled import execute_prepared  # noqa: PLC0415

    def word() -> list:
        with connection.cursor() as cursor:
            execute_prepared(cursor, "gilde_test_stale", "SELECT word FROM gilde_test_stale WHERE id = %s", [1])
            return cursor.fetchall()

    def migrate(kind: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE gilde_test_stale ALTER COLUMN word TYPE {kind}")

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE gilde_test_stale (id integer PRIMARY KEY, word varchar(10))")
        cursor.execute("INSERT INTO gilde_test_stale VALUES (1, 'accu')")
    try:
        assert word() == [("accu",)]
        migrate("varchar(40)")
        assert word() == [("accu",)]  # prepared again, in autocommit
        migrate("text")
        with pytest.raises(NotSupportedError, match="cached plan must not change result type"), transaction.atomic():
            word()
        connection.close_if_unusable_or_obsolete()  # what Django does when the request ends
        assert connection.connection is None
        assert word() == [("accu",)]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE gilde_test_stale")
