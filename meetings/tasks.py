from celery import shared_task

from meetings import series, services


@shared_task(name="meetings.reminders")
def reminders() -> int:
    """Periodic: reminders for meetings starting soon (each once per member and start time)."""
    return services.meeting_reminders_queue()


@shared_task(name="meetings.series")
def extend_series() -> int:
    """Daily: recurring series generate their meetings ahead of time."""
    return series.series_extend_all()
