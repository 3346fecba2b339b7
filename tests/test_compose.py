"""There is no Docker engine here: the compose file is checked by reading it against the app."""

import re
from urllib.parse import urlsplit

import yaml

from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SETTINGS_SOURCE = (ROOT / "cop" / "settings.py").read_text()
APP_VARIABLES = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', SETTINGS_SOURCE))
APP_SERVICES = ("migrate", "web", "worker", "beat")


def test_every_part_of_the_stack_is_a_service():
    assert set(SERVICES) == {"db", "redis", "mail", "migrate", "web", "worker", "beat"}
    assert SERVICES["db"]["image"] == "postgres:17"
    assert SERVICES["redis"]["image"] == "redis:7"
    assert SERVICES["mail"]["image"].startswith("axllent/mailpit:")


def test_app_services_are_built_from_the_dockerfile_and_run_gilde():
    assert (ROOT / "Dockerfile").is_file()
    for name in APP_SERVICES:
        assert SERVICES[name]["build"] == "."
    assert SERVICES["web"]["command"][:2] == ["gunicorn", "cop.wsgi:application"]
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "cop", "worker"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "cop", "beat"]
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_every_environment_variable_is_one_the_app_reads():
    for name in APP_SERVICES:
        unknown = set(SERVICES[name]["environment"]) - APP_VARIABLES
        assert unknown == set(), f"{name} sets variables Gilde never reads: {unknown}"


def test_service_urls_point_at_services_and_ports_that_exist():
    env = SERVICES["web"]["environment"]
    database = urlsplit(env["DATABASE_URL"])
    assert (database.hostname, database.port) == ("db", 5432)
    assert (database.username, database.password, database.path) == (
        SERVICES["db"]["environment"]["POSTGRES_USER"],
        SERVICES["db"]["environment"]["POSTGRES_PASSWORD"],
        "/" + SERVICES["db"]["environment"]["POSTGRES_DB"],
    )
    redis = urlsplit(env["REDIS_URL"])
    assert (redis.hostname, redis.port) == ("redis", 6379)
    assert env["EMAIL_HOST"] in SERVICES
    assert env["EMAIL_PORT"] == "1025"  # Mailpit's SMTP port


def test_published_ports_match_what_the_processes_listen_on():
    bind = SERVICES["web"]["command"][SERVICES["web"]["command"].index("--bind") + 1]
    assert SERVICES["web"]["ports"] == [f"8000:{bind.rsplit(':', 1)[1]}"]
    assert SERVICES["mail"]["ports"] == ["8025:8025"]  # Mailpit's web inbox
    assert "localhost" in SERVICES["web"]["environment"]["ALLOWED_HOSTS"].split(",")
    assert "http://localhost:8000/health/live/" in " ".join(SERVICES["web"]["healthcheck"]["test"])


def test_app_services_wait_for_the_database_redis_and_migrations():
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
