"""The Celery app. Its configuration is the CELERY_* block of `cop.settings`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings")

app = Celery("gilde")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
