from celery import shared_task

from cop import services
from cop.notifications import delivery


@shared_task(name="cop.heartbeat")
def heartbeat() -> None:
    """Periodic: records that the scheduler and a worker are alive (shown by /health/)."""
    services.heartbeat_record(name="beat")


@shared_task(name="notifications.deliver")
def notification_deliver(*, notification_id: int) -> str:
    """Delivers one outbox row (at most once; see cop.notifications.delivery)."""
    return delivery.notification_deliver(notification_id=notification_id)


@shared_task(name="notifications.sweep")
def notifications_sweep() -> dict[str, int]:
    """Periodic: re-queues due and stuck outbox rows, so a lost broker message loses nothing."""
    result = delivery.notifications_sweep()
    return {"reclaimed": result.reclaimed, "queued": result.queued}
