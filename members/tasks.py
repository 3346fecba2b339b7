from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from members import ladder, privacy


@shared_task(name="members.daily")
def daily() -> dict[str, int]:
    """Daily: finished internships become alumni; alumni past the retention period are erased;
    the participation ladder is brought up to date for this month and the last (late answers
    and attendance can still change it)."""
    this_month = ladder.month_start(timezone.localdate())
    levels = sum(ladder.levels_compute(month) for month in (this_month - relativedelta(months=1), this_month))
    return {"alumni": privacy.internships_end(), "erased": privacy.alumni_erase(), "levels": levels}
