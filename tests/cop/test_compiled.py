"""Queries compiled once per process (cop.compiled): the same rows as the ORM, one query each, the
SQL built once, and queries it cannot run as the ORM would refused."""

import pytest
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
