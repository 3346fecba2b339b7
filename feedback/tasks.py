from celery import shared_task

from feedback import services


@shared_task(name="feedback.open_surveys")
def open_surveys() -> int:
    """Periodic: a survey opens for each meeting that has just ended."""
    return services.surveys_open_due()
