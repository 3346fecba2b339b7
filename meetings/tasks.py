from celery import shared_task

from meetings import services


@shared_task(name="meetings.reminders")
def reminders() -> int:
    """Periodic: reminders for meetings starting soon (each once per member and start time)."""
    return services.meeting_reminders_queue()
