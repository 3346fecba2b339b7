from celery import shared_task

from feedback import reminders, services


@shared_task(name="feedback.open_surveys")
def open_surveys() -> int:
    """Periodic: a survey opens for each meeting that has just ended."""
    return services.surveys_open_due()


@shared_task(name="feedback.reminders")
def send_reminders() -> int:
    """Periodic: reminders to those who have not answered an open survey yet."""
    return reminders.reminders_send_due()
