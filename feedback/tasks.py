from celery import shared_task

from feedback import reminders, services


@shared_task(name="feedback.open_surveys")
def open_surveys() -> dict[str, int]:
    """Periodic: a survey opens for each meeting that has just ended; closed anonymous surveys
    release their topic requests to the backlog."""
    return {"opened": services.surveys_open_due(), "topics": services.topics_release_due()}


@shared_task(name="feedback.reminders")
def send_reminders() -> int:
    """Periodic: reminders to those who have not answered an open survey yet."""
    return reminders.reminders_send_due()
