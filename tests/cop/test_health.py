import pytest
from django.urls import reverse

from cop.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_health_without_a_worker_is_503_and_names_the_worker(client):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["mode"] == "services"
    assert body["failed"] == ["worker"]
    assert body["checks"]["database"] == {"ok": True, "engine": "postgresql"}
    assert body["checks"]["redis"] == {"ok": True}


def test_health_with_redis_down_names_redis_and_worker(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["redis", "worker"]
    assert body["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}


def test_health_in_embedded_mode_reports_the_embedded_parts(client, settings):
    settings.REDIS_URL = None
    heartbeat_record(name="beat")
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["mode"] == "embedded"
    assert body["checks"]["redis"]["mode"] == "embedded"
    assert body["checks"]["worker"]["mode"] == "embedded"
    assert body["checks"]["beat"]["age_seconds"] == 0
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_health_with_a_real_worker_is_200(client, celery_worker):
    response = client.get(reverse("health"))
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["worker"] == {"ok": True, "workers": 1}


def test_liveness_reports_the_database_only(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # Redis down must not take the website out of rotation
    response = client.get(reverse("health_live"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": {"ok": True, "engine": "postgresql"}}
    assert "no-cache" in response["Cache-Control"]  # a load balancer never sees a cached answer
    assert client.post(reverse("health_live")).status_code == 405
