from celery import shared_task

from members import privacy


@shared_task(name="members.daily")
def daily() -> dict[str, int]:
    """Daily: finished internships become alumni; alumni past the retention period are erased."""
    return {"alumni": privacy.internships_end(), "erased": privacy.alumni_erase()}
