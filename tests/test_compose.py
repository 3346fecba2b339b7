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
    assert set(SERVICES) == {"db", "redis", "mail", "migrate", "proxy", "web", "worker", "beat"}
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


PROXY_CONFIG = COMPOSE["configs"]["proxy"]["content"]


def test_published_ports_match_what_the_processes_listen_on():
    bind = SERVICES["web"]["command"][SERVICES["web"]["command"].index("--bind") + 1]
    # The proxy publishes 8000 and passes to web's gunicorn port, by the service's name.
    assert SERVICES["proxy"]["ports"] == ["8000:8000"]
    assert re.search(r"^\s*listen 8000;", PROXY_CONFIG, re.M)
    assert re.search(r"set \$\$web http://web:(\d+);", PROXY_CONFIG).group(1) == bind.rsplit(":", 1)[1]
    assert "proxy_pass $$web;" in PROXY_CONFIG
    assert SERVICES["proxy"]["configs"] == [{"source": "proxy", "target": "/etc/nginx/conf.d/default.conf"}]
    assert SERVICES["mail"]["ports"] == ["8025:8025"]  # Mailpit's web inbox
    assert "localhost" in SERVICES["web"]["environment"]["ALLOWED_HOSTS"].split(",")
    assert "http://localhost:8000/health/live/" in " ".join(SERVICES["web"]["healthcheck"]["test"])


def test_app_services_wait_for_the_database_redis_and_migrations():
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_web_and_worker_scale_out_without_changes():
    """`docker compose up --scale web=3 --scale worker=2` works as the file stands: nothing that
    can exist only once (a host port, a container name) on a service that scales, and a proxy
    that finds every web container through Docker's DNS at run time (not once at start)."""
    for name in ("web", "worker"):
        assert "ports" not in SERVICES[name]
        assert "container_name" not in SERVICES[name]
        assert "deploy" not in SERVICES[name]  # no fixed replica count to override
    assert "resolver 127.0.0.11 valid=10s" in PROXY_CONFIG  # Docker's embedded DNS, asked again
    assert SERVICES["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert "--scale web=3 --scale worker=2" in (ROOT / "docker-compose.yml").read_text()
    # Forwarded as the browser sent it: the Host with its port (CSRF compares origins).
    assert "proxy_set_header Host $$http_host;" in PROXY_CONFIG


def test_rate_limits_see_the_visitor_behind_the_proxy():
    """nginx appends the client to X-Forwarded-For; allauth trusts exactly that one hop."""
    assert SERVICES["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert "proxy_set_header X-Forwarded-For $$proxy_add_x_forwarded_for;" in PROXY_CONFIG


def test_the_visitor_address_comes_from_the_proxys_header_only_when_trusted(rf, settings):
    from allauth.account.adapter import get_adapter  # noqa: PLC0415

    request = rf.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # nginx appended the visitor it saw: the last entry
    assert get_adapter(request).get_client_ip(request) == "198.51.100.7"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0  # no proxy of ours: the header is anyone's to forge
    assert get_adapter(request).get_client_ip(request) == "172.18.0.5"


def test_the_image_compiles_the_bytecode_of_every_gilde_app():
    """The image sets PYTHONDONTWRITEBYTECODE: a package left out here is compiled from source by
    every worker, each time it starts (cop.warmup)."""
    from django.conf import settings  # noqa: PLC0415

    dockerfile = (ROOT / "Dockerfile").read_text()
    compiled = re.search(r"python -m compileall -q ([\w ]+)", dockerfile).group(1).split()
    ours = {name.split(".")[0] for name in settings.INSTALLED_APPS if (ROOT / name.split(".")[0]).is_dir()}
    assert sorted(compiled) == sorted(ours) == ["cop", "feedback", "meetings", "members"]
