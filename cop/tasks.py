from celery import shared_task

from cop import services


@shared_task(name="cop.heartbeat")
def heartbeat() -> None:
    """Periodic: records that the scheduler and a worker are alive (shown by /health/)."""
    services.heartbeat_record(name="beat")
