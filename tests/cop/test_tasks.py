import time

import pytest
from django.core.management import call_command
from django.db import transaction

from cop import tasks
from cop.models import Heartbeat


# transaction=True: the scheduler closes stale connections between jobs, as a long-running process must.
@pytest.mark.django_db(transaction=True)
def test_embedded_scheduler_runs_every_periodic_job_in_process(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("run_scheduler", once=True)
    assert list(Heartbeat.objects.values_list("name", flat=True)) == ["beat"]


def test_beat_schedule_names_only_registered_tasks(settings):
    from cop.celery import app  # noqa: PLC0415

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_queued_after_commit_runs_on_a_real_worker(celery_worker):
    with transaction.atomic():
        transaction.on_commit(tasks.heartbeat.delay)
        # Nothing leaves before the commit.
        time.sleep(0.3)
        assert not Heartbeat.objects.exists()
    deadline = time.monotonic() + 15
    while not Heartbeat.objects.filter(name="beat").exists():
        assert time.monotonic() < deadline, "the worker did not run the task"
        time.sleep(0.1)
    assert Heartbeat.objects.count() == 1
