from celery import shared_task

from cop import digest, services
from cop.dashboard.board import figures_warm
from cop.notifications import delivery


@shared_task(name="cop.heartbeat")
def heartbeat() -> None:
    """Periodic: records that the scheduler and a worker are alive (shown by /health/)."""
    services.heartbeat_record(name="beat")


@shared_task(name="notifications.deliver")
def notifications_deliver(*, notification_ids: list[int]) -> dict[int, str]:
    """Delivers outbox rows, each at most once (see cop.notifications.delivery)."""
    return delivery.notifications_deliver(notification_ids=notification_ids)


@shared_task(name="notifications.sweep")
def notifications_sweep() -> dict[str, int]:
    """Periodic: re-queues due and stuck outbox rows, so a lost broker message loses nothing."""
    result = delivery.notifications_sweep()
    return {"reclaimed": result.reclaimed, "queued": result.queued}


@shared_task(name="digest.weekly")
def digest_weekly() -> int:
    """Periodic (Monday morning): the weekly digest to managers and facilitators, once per person
    and ISO week however often it runs."""
    return digest.digests_queue()


@shared_task(name="dashboard.warm")
def dashboard_warm() -> int:
    """Periodic: the organisation dashboard's figures computed ahead of the managers who open it."""
    return figures_warm()
