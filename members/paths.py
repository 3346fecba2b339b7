"""A member's path on the participation ladder, as people read it: their rung per month, the
evidence in words, one line per rung and what takes them one rung up.

The rules are in members/ladder.py; this module only reads the levels the daily job stored. A
month without a stored level is shown as not computed, never as newcomer: the job may not have
run then, or the person was not a member yet.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from members.ladder import month_start
from members.models import LEVEL_RANK, Level, Membership, ParticipationLevel, Role

PATH_MONTHS = 12

# One line per rung, in the words of DESIGN.md; they follow ladder.level_for.
RUNG_EXPLAINED = {
    Level.NEWCOMER: gettext_lazy("Just joined, or not taking part yet."),
    Level.OBSERVER: gettext_lazy("Comes to a meeting now and then."),
    Level.PARTICIPANT: gettext_lazy("Comes regularly, or comes and answers the survey afterwards."),
    Level.CONTRIBUTOR: gettext_lazy("Suggests topics, shares successes or writes cards in a sprint."),
    Level.CORE: gettext_lazy("Hosts a meeting, or mentors an intern and comes to meetings."),
}

# What takes someone from this rung to the next one within the three months the ladder counts
# (tests/members/test_paths.py checks each against ladder.level_for).
NEXT_STEP = {
    Level.NEWCOMER: gettext_lazy("Come to a meeting."),
    Level.OBSERVER: gettext_lazy("Come to a second meeting, or answer the survey after the one you came to."),
    Level.PARTICIPANT: gettext_lazy("Suggest a topic or share a success."),
    Level.CONTRIBUTOR: gettext_lazy("Host a meeting."),
}
# A mentor of an intern who did not come lately is one meeting away from the core.
NEXT_STEP_MENTORING = gettext_lazy("Come to a meeting (you mentor an intern), or host one.")

LEVELS = list(Level)


def rungs() -> list[tuple[Level, str]]:
    """The rungs from the periphery to the core, each with its line."""
    return [(level, RUNG_EXPLAINED[level]) for level in LEVELS]


def evidence_words(level: ParticipationLevel) -> str:
    """What counted for a stored level, in words: 'came to 2 meetings, answered 1 survey'."""
    parts = []
    if level.attended:
        parts.append(
            ngettext("came to %(count)d meeting", "came to %(count)d meetings", level.attended)
            % {"count": level.attended}
        )
    if level.answered:
        parts.append(
            ngettext("answered %(count)d survey", "answered %(count)d surveys", level.answered)
            % {"count": level.answered}
        )
    if level.contributed:
        parts.append(
            ngettext(
                "suggested, shared or wrote %(count)d topic, success or sprint card",
                "suggested, shared or wrote %(count)d topics, successes or sprint cards",
                level.contributed,
            )
            % {"count": level.contributed}
        )
    if level.hosted:
        parts.append(
            ngettext("hosted %(count)d meeting", "hosted %(count)d meetings", level.hosted) % {"count": level.hosted}
        )
    if level.mentoring:
        parts.append(_("mentored an intern"))
    return ", ".join(parts) if parts else _("nothing yet")


@dataclass(frozen=True)
class PathMonth:
    month: date
    stored: ParticipationLevel | None

    @property
    def level(self) -> Level | None:
        return Level(self.stored.level) if self.stored else None

    @property
    def evidence(self) -> str:
        return evidence_words(self.stored) if self.stored else ""


# The steps chart, in the SVG's own units: 360 wide like a phone, so its text stays readable.
CHART_WIDTH, LABEL_WIDTH, RUNG_HEIGHT, TOP = 360, 100, 26, 4
BASE = TOP + RUNG_HEIGHT * len(LEVELS)


@dataclass(frozen=True)
class Step:
    month: date
    level: Level | None
    x: float
    y: float
    width: float
    height: float
    middle: float
    year: int | None  # shown under the first month and each January


@dataclass(frozen=True)
class StepsChart:
    width: int
    height: int
    base: int
    label_x: int
    rungs: list[tuple[Level, int, int]]  # level, its line's y, its label's y
    steps: list[Step]


def steps_chart(months: list[PathMonth]) -> StepsChart:
    """A column per month as high as its rung (newcomer one step, core five); a month without a
    stored level is a flat dash on the base line. Months are labelled by their initial (a phone
    has no room for more), with the year under the first and under January."""
    step = (CHART_WIDTH - LABEL_WIDTH) / max(len(months), 1)
    years = {index: month.month.year for index, month in enumerate(months) if index == 0 or month.month.month == 1}
    if 1 in years:  # a January right after the first month: its year alone, the two would overlap
        del years[0]
    steps = []
    for index, month in enumerate(months):
        height = (LEVEL_RANK[month.level] + 1) * RUNG_HEIGHT if month.level else 0
        steps.append(
            Step(
                month=month.month,
                level=month.level,
                x=round(LABEL_WIDTH + index * step + 1.5, 1),
                y=BASE - height,
                width=round(step - 3, 1),
                height=height,
                middle=round(LABEL_WIDTH + index * step + step / 2, 1),
                year=years.get(index),
            )
        )
    lines = [
        (level, BASE - (rank + 1) * RUNG_HEIGHT, BASE - rank * RUNG_HEIGHT - 8) for rank, level in enumerate(LEVELS)
    ]
    return StepsChart(width=CHART_WIDTH, height=BASE + 36, base=BASE, label_x=LABEL_WIDTH - 6, rungs=lines, steps=steps)


@dataclass(frozen=True)
class Path:
    """One person's rungs in one community over the last months, oldest first."""

    user_id: int
    community_id: int
    months: list[PathMonth]

    @property
    def latest(self) -> PathMonth | None:
        """The most recent month with a stored level."""
        return next((month for month in reversed(self.months) if month.stored), None)

    @property
    def explained(self) -> str:
        return RUNG_EXPLAINED[self.latest.level] if self.latest else ""

    @property
    def next_level(self) -> Level | None:
        if self.latest is None or self.latest.level == Level.CORE:
            return None
        return LEVELS[LEVEL_RANK[self.latest.level] + 1]

    @property
    def next_step(self) -> str:
        if self.next_level is None:
            return ""
        if self.latest.stored.mentoring and self.latest.level != Level.NEWCOMER:
            return NEXT_STEP_MENTORING
        return NEXT_STEP[self.latest.level]

    @property
    def computed(self) -> int:
        return sum(1 for month in self.months if month.stored)

    @property
    def chart(self) -> StepsChart:
        return steps_chart(self.months)


def path_months(*, today: date | None = None, months: int = PATH_MONTHS) -> list[date]:
    """The first days of the last `months` months, this one included, oldest first."""
    this_month = month_start(today or timezone.localdate())
    return [this_month - relativedelta(months=back) for back in range(months - 1, -1, -1)]


def paths(*, pairs: Iterable[tuple[int, int]], today: date | None = None) -> dict[tuple[int, int], Path]:
    """The path of each (user id, community id) over the last PATH_MONTHS months: one query,
    whatever the number of people, communities or months."""
    pairs = list(pairs)
    months = path_months(today=today)
    found: dict[tuple[int, int, date], ParticipationLevel] = {}
    if pairs:
        rows = ParticipationLevel.objects.filter(
            user_id__in={user_id for user_id, _community in pairs},
            community_id__in={community_id for _user, community_id in pairs},
            month__gte=months[0],
            month__lte=months[-1],
        )
        found = {(row.user_id, row.community_id, row.month): row for row in rows}
    return {
        (user_id, community_id): Path(
            user_id=user_id,
            community_id=community_id,
            months=[PathMonth(month=month, stored=found.get((user_id, community_id, month))) for month in months],
        )
        for user_id, community_id in pairs
    }


def interns_followed(*, community_id: int, mentor_id: int | None) -> list[Membership]:
    """The community's current interns, with their people and mentors, by name: all of them, or
    those paired with `mentor_id` (one query)."""
    interns = Membership.objects.current().filter(community_id=community_id, role=Role.INTERN)
    if mentor_id is not None:
        interns = interns.filter(mentor_id=mentor_id)
    return list(interns.select_related("user", "mentor").order_by("user__full_name", "user__email"))
