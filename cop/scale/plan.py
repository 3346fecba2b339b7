"""What the scale dataset holds at a given factor, and the shared state the builders fill in.

Factor 1.0 is a large organisation's year: 20 communities, 5,000 members, 2,000 meetings over the
past year (and some planned for the next two months), 60,000 RSVPs, 40,000 attendance rows, 3,000
surveys with 150,000 answers, 2,000 successes, 5,000 topics and 100,000 outbox rows. Every one of
those headline counts is met exactly (`apportion` hands out totals by weight, to the row), so a
run at factor F holds F times as many rows, rounded, except answers: they need people to answer,
and at a small factor a community has too few members for its surveys to reach F times 150,000
(the command says so when it happens).
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

BASE = {
    "communities": 20,
    "members": 5_000,
    "managers": 5,
    "past_meetings": 2_000,
    "planned_meetings": 300,
    "rsvps": 60_000,
    "attendance": 40_000,
    "surveys": 3_000,
    "answers": 150_000,
    "successes": 2_000,
    "topics": 5_000,
    "notifications": 100_000,
}
# At least two communities (one healthy, one not), a handful of people in each, one manager.
MINIMUM = {"communities": 2, "members": 24, "managers": 1}


@dataclass(frozen=True)
class Plan:
    factor: float
    communities: int
    members: int  # people with a membership (staff and interns); managers come on top
    managers: int
    past_meetings: int  # started in the past year (a few cancelled)
    planned_meetings: int  # in the next two months (a few drafts)
    rsvps: int
    attendance: int
    surveys: int  # one after each meeting held, the rest pulse surveys
    answers: int
    successes: int
    topics: int
    notifications: int


def plan_for(factor: float) -> Plan:
    counts = {key: max(MINIMUM.get(key, 0), round(value * factor)) for key, value in BASE.items()}
    return Plan(factor=factor, **counts)


def apportion(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder): the parts add up exactly."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    shares = [total * weight / whole for weight in weights]
    parts = [int(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (parts[i] - shares[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def apportion_capped(total: int, weights: list[float], caps: list[int]) -> list[int]:
    """`apportion`, with no part above its cap: what a capped part cannot take goes to the
    others. Less than `total` only when every part is full."""
    parts = [0] * len(weights)
    open_ = [i for i in range(len(weights)) if caps[i] > 0 and weights[i] > 0]
    left = total
    while left > 0 and open_:
        given = apportion(left, [weights[i] for i in open_])
        full = []
        for i, extra in zip(open_, given, strict=True):
            take = min(extra, caps[i] - parts[i])
            parts[i] += take
            left -= take
            if parts[i] >= caps[i]:
                full.append(i)
        if not full:
            break
        open_ = [i for i in open_ if i not in full]
    return parts


@dataclass(frozen=True)
class Profile:
    """How a community behaves over the year."""

    size: float  # relative number of members
    activity: float  # relative number of meetings
    attendance: float  # share of "going" who came
    response: float  # share of survey invitations answered
    rating: float  # mean rating (1 to 5) its meetings get
    state: str = "healthy"  # or "quiet" (fell silent) or "struggling"


@dataclass(slots=True)
class Member:
    """A membership as the builders see it: who, since when, and until when (left or alumni)."""

    user_id: int
    role: str
    joined: datetime
    until: datetime | None = None
    membership_id: int = 0
    internship: tuple[date, date] | None = None  # interns: start and end

    def current_at(self, moment: datetime) -> bool:
        return self.joined <= moment and (self.until is None or self.until > moment)


@dataclass
class World:
    """Everything built so far, for the next builder: ids and the facts that tie rows together."""

    plan: Plan
    rng: random.Random
    now: datetime
    zone: ZoneInfo
    communities: list = field(default_factory=list)  # Community instances, in order
    profiles: list[Profile] = field(default_factory=list)
    members: list[list[Member]] = field(default_factory=list)  # per community
    managers: list = field(default_factory=list)  # User instances
    meetings: list = field(default_factory=list)  # Meeting instances, all communities
    index: dict[int, int] = field(default_factory=dict)  # community pk -> position
    rsvps: dict[int, dict[int, str]] = field(default_factory=dict)  # meeting pk -> {user: response}
    came: dict[int, list[int]] = field(default_factory=dict)  # meeting pk -> users checked in
    surveys: list = field(default_factory=list)  # Survey instances
    invites: dict[int, list] = field(default_factory=dict)  # survey pk -> SurveyInvite instances
    successes: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    voters: dict[int, list[int]] = field(default_factory=dict)  # topic pk -> users
    theme_bonus: dict[str, float] = field(default_factory=dict)  # some themes are rated higher
    shortfall: dict[str, tuple[int, int]] = field(default_factory=dict)  # what fell short: (made, planned)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def current(self, position: int, moment: datetime, *roles: str) -> list[Member]:
        return [
            member
            for member in self.members[position]
            if member.current_at(moment) and (not roles or member.role in roles)
        ]

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def uuid(self) -> uuid.UUID:
        """A random id from the seeded generator, so that a rerun makes the same ids."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)
