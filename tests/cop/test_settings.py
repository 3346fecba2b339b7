"""Settings are read once at start-up, so each case runs a fresh `manage.py` with its own environment."""

import json
import subprocess
import sys

from tests.conftest import ROOT

SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "EMAIL_HOST", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL")

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "p9x!r4-production-like-secret-key-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "gilde.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://gilde.example.org",
    "SITE_URL": "https://gilde.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_HOST": "smtp.example.org",
}

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
    "health_checks": settings.DATABASES["default"].get("CONN_HEALTH_CHECKS"),
    "cache": settings.CACHES["default"]["BACKEND"],
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "email": settings.MAILERS["default"]["BACKEND"],
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "accept": settings.CELERY_ACCEPT_CONTENT,
}))
"""


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "GILDE_VAR_DIR": "/tmp/gilde-settings-test"}  # noqa: S108
    return subprocess.run(  # noqa: S603 (fixed argument list)
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, check=False
    )


def read_settings_code(code: str, env: dict[str, str]) -> str:
    result = manage("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def read_settings(env: dict[str, str]) -> dict:
    result = manage("shell", "-v", "0", "-c", PRINT_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_when_production_has_no_mail_server():
    env = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_HOST"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 1
    assert "gilde.W001" in result.stderr


def test_unset_variables_give_the_embedded_defaults():
    values = read_settings({"DEBUG": "true"})
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["broker"] == "memory://"
    assert values["eager"] is True
    assert values["email"] == "cop.devmail.LocalOutboxBackend"
    assert values["language"] == "nl"
    assert values["time_zone"] == "Europe/Amsterdam"


def test_service_urls_switch_to_postgresql_redis_and_real_workers():
    values = read_settings(PRODUCTION)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["conn_max_age"] == 60
    assert values["health_checks"] is True
    assert values["cache"] == "cop.cache.RedisCache"
    assert values["broker"] == "redis://127.0.0.1:6379/1"
    assert values["eager"] is False
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["acks_late"] is True
    assert values["accept"] == ["json"]


def test_production_without_a_secret_key_refuses_to_start():
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode == 1
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_bad_value_fails_loudly_naming_the_variable():
    result = manage("check", env={**PRODUCTION, "REDIS_URL": "127.0.0.1:6379"})
    assert result.returncode == 1
    assert "REDIS_URL='127.0.0.1:6379' is not a URL starting with one of: redis, rediss." in result.stderr


def test_the_outbox_refuses_a_sending_timeout_shorter_than_the_task_time_limit():
    # Otherwise the sweeper could take a row back from a worker that is still sending it.
    result = manage("check", env={**PRODUCTION, "NOTIFICATION_SENDING_TIMEOUT": "60"})
    assert result.returncode == 1
    assert "NOTIFICATION_SENDING_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT." in result.stderr


SIGNED_IN_PAGES = """
from django.test import Client
from cop.models import Community
from meetings import agenda
from members import backends
from members.models import Membership, User
person = User.objects.create_user("stagiair@example.org", full_name="Sanne")
Membership.objects.create(user=person, community=Community.objects.create(name="Zorg", slug="zorg"), role="intern")
client = Client()
client.force_login(person)
pages = [client.get(path, headers={"host": "localhost"}).status_code for path in ("/", "/agenda/")]
print(pages, backends._person.compiled, agenda._memberships.compiled is None)
"""


def test_embedded_mode_serves_signed_in_pages_with_its_queries_left_to_the_orm(tmp_path):
    env = {"DEBUG": "true", "GILDE_VAR_DIR": str(tmp_path)}
    migrated = manage("migrate", "--noinput", "-v", "0", env=env)
    assert migrated.returncode == 0, migrated.stderr
    # SQLite's dates need converting: the person's row is read through the ORM there (the
    # memberships, without dates, are compiled).
    assert read_settings_code(SIGNED_IN_PAGES, env) == "[200, 200] None False"
