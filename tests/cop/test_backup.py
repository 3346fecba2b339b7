"""A backup is only as good as its restore: dump the database with `manage.py backup`, restore
it into a fresh database with `manage.py restore`, and find the data there."""

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from feedback.models import Answer
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    admin = psycopg.connect(_url("postgres"), autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _url(name: str) -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgresql://{settings['USER']}{password}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{name}"
    )


def test_a_backup_restores_into_a_fresh_database_with_its_data(tmp_path, fresh_database, capsys):
    community = CommunityFactory(name="Autotechniek", domain_statement="Samen leren sleutelen")
    intern = MembershipFactory(community=community, user__full_name="Sanne de Vries").user
    MeetingFactory(community=community, title="Maandbijeenkomst: diagnose")
    dump = tmp_path / "gilde.dump"
    call_command("backup", output=dump)
    assert dump.stat().st_size > 10_000
    assert str(dump) in capsys.readouterr().out

    connection.close()
    connection.settings_dict["NAME"] = fresh_database
    try:
        call_command("restore", dump)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = fresh_database.removesuffix("_restore")
    with psycopg.connect(_url(fresh_database)) as restored:
        assert restored.execute("SELECT name, domain_statement FROM cop_community").fetchall() == [
            ("Autotechniek", "Samen leren sleutelen")
        ]
        assert restored.execute("SELECT full_name FROM members_user WHERE id = %s", [intern.pk]).fetchone() == (
            "Sanne de Vries",
        )
        assert restored.execute("SELECT title FROM meetings_meeting").fetchall() == [("Maandbijeenkomst: diagnose",)]
        # The schema came along too: every migration is recorded, so Gilde starts on it as it is.
        applied = restored.execute("SELECT app, name FROM django_migrations ORDER BY 1, 2").fetchall()
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY 1, 2")
        assert applied == cursor.fetchall()
    assert Answer.objects.count() == 0  # the test database itself is still the one in use


def test_restore_refuses_a_missing_file(tmp_path):
    from django.core.management.base import CommandError  # noqa: PLC0415

    with pytest.raises(CommandError, match="No such file"):
        call_command("restore", tmp_path / "nope.dump")
