from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from members import ladder, privacy


@shared_task(name="members.daily")
def daily() -> dict[str, int]:
    """Daily: finished internships become alumni; alumni past the retention period are erased;
    the participation ladder is brought up to date for this month and the last (late answers
    and attendance can still change it)."""
    result = {"alumni": privacy.internships_end(), "erased": privacy.alumni_erase()}
    this_month = ladder.month_start(timezone.localdate())
    months = (this_month - relativedelta(months=1), this_month)
    return result | {"levels": sum(ladder.levels_compute(month) for month in months)}
