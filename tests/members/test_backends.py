"""The authentication backends (members.backends): the signed-in person read by a compiled query,
as Django would read them, and sessions from before the backends were renamed still signed in."""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import BACKEND_SESSION_KEY, get_user
from django.core.cache import cache
from django.db.models.sql.compiler import SQLCompiler
from django.test import RequestFactory
from django.urls import reverse

from cop.sessions import SessionStore
from members.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signed_in_as(client):
    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    return get_user(request)


def test_the_signed_in_person_is_their_row_in_one_query_not_built_again(client, django_assert_num_queries, monkeypatch):
    person = UserFactory(full_name="Sanne Bakker", language="en", is_manager=True)
    UserFactory()
    client.force_login(person)
    signed_in_as(client)  # the query compiled (once per process)
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda *args: pytest.fail("the ORM built the query"))
    with django_assert_num_queries(1):
        found = signed_in_as(client)
    monkeypatch.undo()
    fields = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(found, name) for name in fields] == [
        getattr(User.objects.get(pk=person.pk), name) for name in fields
    ]


def test_a_deactivated_or_deleted_person_is_signed_out(client):
    person = UserFactory()
    client.force_login(person)
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert not signed_in_as(client).is_authenticated
    assert client.get(reverse("home")).status_code == 302
    other = UserFactory()
    client.force_login(other)
    other.delete()
    assert not signed_in_as(client).is_authenticated


def test_logging_in_with_a_password_names_the_new_backend(client):
    UserFactory(email="intern@example.org")
    client.post(reverse("account_login"), {"login": "intern@example.org", "password": PASSWORD})
    assert client.session[BACKEND_SESSION_KEY].startswith("members.backends.")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    "old",
    ["django.contrib.auth.backends.ModelBackend", "allauth.account.auth_backends.AuthenticationBackend"],
)
@pytest.mark.parametrize("cached", [True, False])
def test_a_session_naming_the_old_backends_stays_signed_in(client, old, cached):
    person = UserFactory()
    client.force_login(person)
    store = SessionStore(client.session.session_key)
    store[BACKEND_SESSION_KEY] = old  # as signed in before the rename
    store.save()
    if not cached:
        cache.clear()  # read from the database
    assert SessionStore(store.session_key).load()[BACKEND_SESSION_KEY] in {
        "members.backends.ModelBackend",
        "members.backends.AuthenticationBackend",
    }
    assert signed_in_as(client) == person
    assert client.get(reverse("home")).status_code == 200
    store = SessionStore(store.session_key)
    store[BACKEND_SESSION_KEY] = old
    store.save()
    assert async_to_sync(SessionStore(store.session_key).aload)()[BACKEND_SESSION_KEY].startswith("members.backends.")
