import logging
import time
from datetime import UTC, datetime

from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from cop.celery import app

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Embedded mode only: run CELERY_BEAT_SCHEDULE in this process, so periodic work (reminders, "
        "sweepers) happens on time without Redis or a Celery worker. With REDIS_URL set, run "
        "`celery beat` and a worker instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and stop.")

    def handle(self, *args: object, once: bool = False, **options: object) -> None:
        app.loader.import_default_modules()
        jobs = {
            name: (entry["task"], maybe_schedule(entry["schedule"], app=app), entry.get("kwargs", {}))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        last_run = dict.fromkeys(jobs, datetime.min.replace(tzinfo=UTC))
        self.stdout.write(f"Scheduler running {len(jobs)} periodic job(s) in-process: {', '.join(jobs)}")
        while True:
            wait = 60.0
            for name, (task_name, schedule, kwargs) in jobs.items():
                due, next_in = schedule.is_due(last_run[name])
                if due:
                    last_run[name] = schedule.now()
                    close_old_connections()
                    try:
                        app.tasks[task_name].apply(kwargs=kwargs, throw=True)
                    except Exception:
                        # One failing job must not stop the others; the next run tries again.
                        logger.exception("Periodic job %s failed", name)
                    _, next_in = schedule.is_due(last_run[name])
                wait = min(wait, next_in)
            if once:
                return
            time.sleep(max(wait, 1.0))
