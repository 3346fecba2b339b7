"""The management dashboard as tables and charts: every table is shown on the page and can be
downloaded as CSV from the same definition, so the two never disagree.

Figures come from cop.dashboard.metrics (grouped queries, computed once per request and only
when a table needs them). Links point to what a figure counts, and only where the viewer may go:
a manager gets the survey trend and the success wall, not the member directory.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from cop.charts import Chart, StackedChart, bars, columns, stacked
from cop.checklist import POINTS, Point, health_checks
from cop.dashboard import metrics
from cop.models import Community, ValueCycle
from cop.models.success import VALUE_EXPLAINED
from feedback.results import meeting_trend, rate
from meetings.models import TopicSource
from meetings.selectors import attendance_counts
from members.models import Level, Role
from members.permissions import Action, Standing, allowed


@dataclass(frozen=True)
class Cell:
    value: object  # what the CSV holds: a number, a date or text
    text: str  # what the page shows
    href: str = ""


@dataclass
class Table:
    key: str  # also the CSV's name
    title: str | Promise
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    # Phones show a table as labelled cards; short tables of figures stay tables that scroll.
    stacked: bool = True

    def labelled(self) -> list[list[tuple[str, Cell]]]:
        """Each cell with its column's header: phones show a table as cards, labelled."""
        return [list(zip(self.header, row, strict=True)) for row in self.rows]


NONE = "\N{EN DASH}"  # what a table shows for no figure


def _number(value: int | None) -> Cell:
    return Cell(value, NONE if value is None else str(value))


def _percent(part: int, whole: int) -> Cell:
    value = rate(part, whole)
    return Cell(value, NONE if value is None else f"{value}%")


def _one_decimal(value: float) -> str:
    """A mean as people read it: rounded half up to one decimal (number_format would cut 4.56
    to 4.5), in the active language's notation."""
    return floatformat(value, 1)


def _mean(total: int, count: int) -> Cell:
    value = round(total / count, 2) if count else None
    return Cell(value, NONE if value is None else _one_decimal(total / count))


def _month(month: date) -> str:
    return date_format(month, "M Y")


def _linked(cell: Cell, href: str) -> Cell:
    return Cell(cell.value, cell.text, href)


def _short(month: date) -> str:
    """A column's label: the month's short name, so that twelve fit; the table gives the year."""
    return date_format(month, "M")


# Health points: where their evidence can be looked into, and who may go there.
POINT_LINKS = {
    "domain": ("community_detail", Action.VIEW_COMMUNITY, gettext_lazy("The domain statement")),
    "community": ("directory", Action.VIEW_DIRECTORY, gettext_lazy("The members")),
    "activities": ("topic_backlog", Action.VIEW_MEETINGS, gettext_lazy("The topic backlog")),
    "support": ("success_wall", Action.VIEW_SUCCESSES, gettext_lazy("The successes")),
    "flexibility": ("survey_trend", Action.VIEW_RESULTS, gettext_lazy("The survey trend")),
}
DEFAULT_MONTHS = 3  # the period a dashboard opens with
PERIOD_CHOICES = [(1, gettext_lazy("1 month")), (3, gettext_lazy("3 months")), (6, gettext_lazy("6 months"))]
PERIOD_CHOICES += [(12, gettext_lazy("12 months"))]


class Dashboard:
    def __init__(
        self, *, communities: list[Community], scope: metrics.Scope, org: frozenset[str], roles: dict[int, str]
    ) -> None:
        self.communities = communities
        self.scope = scope
        self.single = communities[0] if len(communities) == 1 else None
        self._org, self._roles = org, roles
        self._url = reverse("dashboard")

    # Who may go where ------------------------------------------------------------------------

    def standing(self, community_id: int) -> Standing:
        return Standing(role=self._roles.get(community_id), org=self._org)

    def link(self, name: str, action: Action, community: Community | None = None, **query: object) -> str:
        """A link to a community's page, if there is one community in view (or given) and the
        viewer may see that page; else no link."""
        community = community or self.single
        if community is None or not allowed(self.standing(community.pk), action):
            return ""
        url = reverse(name, args=[community.slug])
        return f"{url}?{urlencode(query)}" if query else url

    def filtered(self, community: Community, anchor: str = "") -> str:
        """This dashboard for one community, same period."""
        query = urlencode({"community": community.slug, "months": len(self.scope.months)})
        return f"{self._url}?{query}{'#' + anchor if anchor else ''}"

    # Figures: computed together, kept for a few minutes -----------------------------------------

    def _key(self) -> str:
        ids = ",".join(str(pk) for pk in sorted(self.scope.community_ids))
        return f"dashboard:v2:{get_language()}:{self.scope.months[0]}:{self.scope.months[-1]}:{ids}"

    @cached_property
    def figures(self) -> dict[str, object]:
        """Every figure of the communities in view and the period: eighteen grouped queries, or
        none when the same view was computed less than DASHBOARD_CACHE_SECONDS ago (the key holds
        the communities, which the view has already checked the viewer may see, and the language
        of the health check's sentences). Links are never cached: they are the viewer's."""
        found = cache.get(self._key()) if settings.DASHBOARD_CACHE_SECONDS else None
        return self.refresh() if found is None else found

    def refresh(self) -> dict[str, object]:
        """Computes the figures and keeps them (also what the warming job calls)."""
        found = {
            "members": metrics.members_by_role(self.scope),
            "meetings": metrics.meetings_held(self.scope),
            "attendance": metrics.attendance(self.scope),
            "responses": metrics.responses_by_month(self.scope),
            "ratings": metrics.ratings(self.scope),
            "successes": metrics.successes_by_value(self.scope),
            "stories": metrics.stories(self.scope),
            "topics": metrics.topics(self.scope),
            "ladder": metrics.ladder(self.scope),
            "moves": metrics.ladder_moves(self.scope),
            "health": health_checks(self.communities, now=self.scope.now),
            # One community in view: its meetings one by one, cached with the rest (three
            # queries that add up a quarter's RSVPs, check-ins and answers).
            "per_meeting": self._per_meeting(self.single) if self.single else None,
        }
        if settings.DASHBOARD_CACHE_SECONDS:
            cache.set(self._key(), found, settings.DASHBOARD_CACHE_SECONDS)
        return found

    members = property(lambda self: self.figures["members"])
    meetings = property(lambda self: self.figures["meetings"])
    attendance = property(lambda self: self.figures["attendance"])
    responses = property(lambda self: self.figures["responses"])
    rating_figures = property(lambda self: self.figures["ratings"])
    successes = property(lambda self: self.figures["successes"])
    stories = property(lambda self: self.figures["stories"])
    topics = property(lambda self: self.figures["topics"])
    ladder = property(lambda self: self.figures["ladder"])
    moves = property(lambda self: self.figures["moves"])
    health = property(lambda self: self.figures["health"])

    @cached_property
    def ratings(self) -> dict:
        return metrics.ratings_by_month(self.rating_figures)

    @cached_property
    def themes(self) -> list[metrics.ThemeFigure]:
        return metrics.themes(self.rating_figures)

    @property
    def single_health(self) -> list[tuple[Point, str, str]]:
        """One community's five points, each with where to look into it (if the viewer may)."""
        if self.single is None:
            return []
        return [
            (point, self.point_link(self.single, point.key), POINT_LINKS[point.key][2])
            for point in self.health[self.single.pk]
        ]

    def health_rows(self) -> list[tuple[Community, str, list[Point]]]:
        """Per community: the link to its own dashboard's health check, and its five points."""
        return [
            (community, self.filtered(community, "health"), self.health[community.pk]) for community in self.communities
        ]

    # Key figures ----------------------------------------------------------------------------------

    @cached_property
    def totals(self) -> dict[str, int]:
        members = [sum(values) for values in zip(*self.members.values(), strict=True)] or [0, 0]
        held = [sum(values) for values in zip(*self.meetings.values(), strict=True)] or [0, 0]
        came = [sum(values) for values in zip(*self.attendance.values(), strict=True)] or [0, 0]
        asked = [sum(values) for values in zip(*self.responses.values(), strict=True)] or [0, 0]
        rated = [sum(values) for values in zip(*self.ratings.values(), strict=True)] or [0, 0]
        moved = [sum(values) for values in zip(*self.moves.values(), strict=True)] or [0, 0, 0]
        return {
            "members": members[0],
            "active": members[1],
            "held": held[0],
            "planned": held[1],
            "came": came[0],
            "going": came[1],
            "invited": asked[0],
            "answered": asked[1],
            "rating_total": rated[0],
            "ratings": rated[1],
            "successes": sum(self.successes.values()),
            "up": moved[0],
            "same": moved[1],
            "down": moved[2],
        }

    def key_figures(self) -> list[tuple[str, Cell, str]]:
        """(label, figure, section it links to)."""
        totals = self.totals
        return [
            (_("Active members"), _percent(totals["active"], totals["members"]), "members"),
            (_("Meetings held"), _number(totals["held"]), "meetings"),
            (_("Meetings planned"), _number(totals["planned"]), "meetings"),
            (_("Attendance rate"), _percent(totals["came"], totals["going"]), "meetings"),
            (_("Response rate"), _percent(totals["answered"], totals["invited"]), "satisfaction"),
            (_("Mean rating (1 to 5)"), _mean(totals["rating_total"], totals["ratings"]), "satisfaction"),
            (_("Successes shared"), _number(totals["successes"]), "successes"),
            (_("Moved towards the core"), _number(totals["up"]), "ladder"),
        ]

    # Tables -------------------------------------------------------------------------------------

    TABLES = ("communities", "health", "members", "meetings", "satisfaction", "themes", "topics", "successes")
    TABLES += ("stories", "ladder")

    def table(self, key: str) -> Table:
        if key not in self.TABLES:
            raise KeyError(key)
        return getattr(self, f"table_{key}")()

    def table_communities(self) -> Table:
        header = [_("Community"), _("Members"), _("Active"), _("Meetings held"), _("Meetings planned")]
        header += [_("Attendance rate %"), _("Response rate %"), _("Mean rating"), _("Successes")]
        header += [_("Health: green points")]
        members = metrics.by_key(self.members, position=0, width=2)
        responses = metrics.by_key(self.responses, position=0, width=2)
        ratings = metrics.by_key(self.ratings, position=0, width=2)
        successes = metrics.by_key(self.successes, position=0, width=1)
        rows = []
        for community in self.communities:
            count, active = members.get(community.pk, (0, 0))
            held, planned = self.meetings.get(community.pk, (0, 0))
            came, going = self.attendance.get(community.pk, (0, 0))
            invited, answered = responses.get(community.pk, (0, 0))
            green = sum(point.light == "green" for point in self.health[community.pk])
            rows.append(
                [
                    Cell(community.name, community.name, self.filtered(community)),
                    Cell(count, str(count), self.filtered(community, "members")),
                    Cell(active, str(active), self.filtered(community, "members")),
                    Cell(held, str(held), self.filtered(community, "meetings")),
                    Cell(planned, str(planned), self.filtered(community, "meetings")),
                    _linked(_percent(came, going), self.filtered(community, "meetings")),
                    _linked(_percent(answered, invited), self.filtered(community, "satisfaction")),
                    _linked(_mean(*ratings.get(community.pk, (0, 0))), self.filtered(community, "satisfaction")),
                    _linked(
                        _number(successes.get(community.pk, [0])[0]),
                        self.link("success_wall", Action.VIEW_SUCCESSES, community),
                    ),
                    Cell(green, _("%(green)d of 5") % {"green": green}, self.filtered(community, "health")),
                ]
            )
        return Table("communities", _("Communities"), header, rows)

    def table_health(self) -> Table:
        header = [_("Community"), _("Point"), _("Light"), _("Evidence"), _("Suggestion")]
        rows = [
            [
                Cell(community.name, community.name, self.filtered(community, "health") if not self.single else ""),
                Cell(str(POINTS[point.key]), str(POINTS[point.key]), self.point_link(community, point.key)),
                Cell(str(point.light_label), str(point.light_label)),
                Cell(point.evidence, point.evidence),
                Cell(point.suggestion, point.suggestion),
            ]
            for community in self.communities
            for point in self.health[community.pk]
        ]
        return Table("health", _("Health check"), header, rows)

    def point_link(self, community: Community, key: str) -> str:
        name, action, _label = POINT_LINKS[key]
        return self.link(name, action, community)

    def table_members(self) -> Table:
        header = [_("Role"), _("Members"), _("Active in the period"), _("Active %")]
        per_role = metrics.by_key(self.members, position=1, width=2)
        rows = [
            [
                Cell(str(role.label), str(role.label), self.link("directory", Action.VIEW_DIRECTORY, role=role.value)),
                _number(per_role.get(role.value, (0, 0))[0]),
                _number(per_role.get(role.value, (0, 0))[1]),
                _percent(per_role.get(role.value, (0, 0))[1], per_role.get(role.value, (0, 0))[0]),
            ]
            for role in Role
        ]
        return Table("members", _("Members by role"), header, rows, stacked=False)

    def table_meetings(self) -> Table:
        """Per community, or per meeting when one community is in view."""
        if self.single is None:
            header = [_("Community"), _("Meetings held"), _("Meetings planned"), _("Came"), _("Said they would come")]
            header += [_("Attendance rate %")]
            rows = []
            for community in self.communities:
                held, planned = self.meetings.get(community.pk, (0, 0))
                came, going = self.attendance.get(community.pk, (0, 0))
                rows.append(
                    [
                        Cell(community.name, community.name, self.filtered(community, "meetings")),
                        _number(held),
                        _number(planned),
                        _number(came),
                        _number(going),
                        _percent(came, going),
                    ]
                )
            return Table("meetings", _("Meetings"), header, rows, stacked=False)
        return self._meetings_of(self.single)

    def _per_meeting(self, community: Community) -> dict[str, object]:
        """The meetings held in the period, with who came and who answered, per meeting."""
        held = list(
            metrics.held(self.scope)
            .filter(community=community)
            .order_by("starts_at")
            .values_list("pk", "starts_at", "title", "theme")
        )
        came = attendance_counts(metrics.held(self.scope).filter(community=community), by="meeting_id")
        surveys = {row.meeting_id: row for row in meeting_trend(community, since=self.scope.since)}
        return {"held": held, "came": came, "surveys": surveys}

    def _meetings_of(self, community: Community) -> Table:
        header = [_("Date"), _("Meeting"), _("Theme"), _("Came"), _("Said they would come"), _("Attendance rate %")]
        header += [_("Invited to the survey"), _("Answered"), _("Mean rating")]
        figures = self.figures["per_meeting"]
        held, came, surveys = figures["held"], figures["came"], figures["surveys"]
        may_open = allowed(self.standing(community.pk), Action.VIEW_MEETINGS)
        may_read = allowed(self.standing(community.pk), Action.VIEW_RESULTS)
        rows = []
        for pk, starts_at, title, theme in held:
            survey = surveys.get(pk)
            href = reverse("meeting_detail", args=[pk]) if may_open else ""
            if not href and survey and may_read:
                href = reverse("survey_results", args=[community.slug, survey.survey_id])
            rows.append(
                [
                    Cell(timezone.localdate(starts_at), date_format(timezone.localtime(starts_at), "j M Y")),
                    Cell(title, title, href),
                    Cell(theme, theme or NONE),
                    _number(came.get(pk, (None, None))[0]),
                    _number(came.get(pk, (None, None))[1]),
                    _percent(*came.get(pk, (0, 0))),
                    _number(survey.invited if survey else None),
                    _number(survey.responded if survey else None),
                    Cell(
                        round(survey.rating, 2) if survey and survey.rating is not None else None,
                        _one_decimal(survey.rating) if survey and survey.rating is not None else NONE,
                    ),
                ]
            )
        return Table("meetings", _("Meetings held"), header, rows)

    def table_satisfaction(self) -> Table:
        header = [_("Month"), _("Invited"), _("Answered"), _("Response rate %"), _("Ratings"), _("Mean rating")]
        responses = metrics.by_key(self.responses, position=1, width=2)
        ratings = metrics.by_key(self.ratings, position=1, width=2)
        trend = self.link("survey_trend", Action.VIEW_RESULTS, months=max(len(self.scope.months), 3))
        rows = [
            [
                Cell(month, _month(month), trend),
                _number(responses.get(month, (0, 0))[0]),
                _number(responses.get(month, (0, 0))[1]),
                _percent(responses.get(month, (0, 0))[1], responses.get(month, (0, 0))[0]),
                _number(ratings.get(month, (0, 0))[1]),
                _mean(*ratings.get(month, (0, 0))),
            ]
            for month in self.scope.months
        ]
        return Table("satisfaction", _("Response rate and satisfaction per month"), header, rows, stacked=False)

    def table_themes(self) -> Table:
        header = [_("Theme"), _("Meetings"), _("Ratings"), _("Mean rating")]
        trend = self.link("survey_trend", Action.VIEW_RESULTS, months=max(len(self.scope.months), 3))
        rows = [
            [
                Cell(theme.theme, theme.theme, trend),
                _number(theme.meetings),
                _number(theme.ratings),
                Cell(round(theme.mean, 2), _one_decimal(theme.mean)),
            ]
            for theme in self.themes
        ]
        return Table("themes", _("Most valued themes"), header, rows, stacked=False)

    def table_topics(self) -> Table:
        header = [_("Source"), _("Requested in the period"), _("Planned in the period"), _("Waiting now")]
        per_source = metrics.by_key(self.topics, position=1, width=3)
        backlog = self.link("topic_backlog", Action.VIEW_MEETINGS)
        rows = [
            [
                Cell(str(source.label), str(source.label), backlog),
                *map(_number, per_source.get(source.value, (0, 0, 0))),
            ]
            for source in TopicSource
        ]
        return Table("topics", _("Requested and planned topics"), header, rows, stacked=False)

    def table_successes(self) -> Table:
        header = [_("Value"), _("What it means"), _("Successes")]
        per_value = metrics.by_key(self.successes, position=1, width=1)
        rows = [
            [
                Cell(
                    str(value.label),
                    str(value.label),
                    self.link("success_wall", Action.VIEW_SUCCESSES, value=value.value),
                ),
                Cell(str(VALUE_EXPLAINED[value]), str(VALUE_EXPLAINED[value])),
                _number(per_value.get(value.value, [0])[0]),
            ]
            for value in ValueCycle
        ]
        return Table("successes", _("Successes by value"), header, rows)

    def table_stories(self) -> Table:
        header = [_("Date"), _("Community"), _("Success"), _("Value"), _("Kudos"), _("Story")]
        rows = []
        for success in self.stories:
            wall = self.link("success_wall", Action.VIEW_SUCCESSES, success.community)
            rows.append(
                [
                    Cell(
                        timezone.localdate(success.created_at),
                        date_format(timezone.localtime(success.created_at), "j M Y"),
                    ),
                    Cell(success.community.name, success.community.name),
                    Cell(success.title, success.title, f"{wall}#success-{success.pk}" if wall else ""),
                    Cell(success.get_value_display(), success.get_value_display()),
                    _number(success.kudos_count),
                    Cell(success.story, success.story),
                ]
            )
        return Table("stories", _("Stories"), header, rows)

    def ladder_counts(self) -> dict[tuple[date, str], int]:
        """Members per (month, rung), over the communities in view."""
        counts: Counter[tuple[date, str]] = Counter()
        for (_community, month, level), n in self.ladder.items():
            counts[month, level] += n
        return counts

    def table_ladder(self) -> Table:
        header = [_("Month"), *(str(level.label) for level in Level), _("Members")]
        counts = self.ladder_counts()
        # Facilitators and admins may look at the interns' own paths; managers get the counts only.
        paths = self.link("intern_paths", Action.VIEW_INTERN_PATHS)
        rows = []
        for month in self.scope.months:
            row = [counts[month, level] for level in Level.values]
            rows.append([Cell(month, _month(month), paths), *map(_number, row), _number(sum(row))])
        return Table("ladder", _("Participation ladder per month"), header, rows, stacked=False)

    # Charts -------------------------------------------------------------------------------------

    def charts(self) -> dict[str, Chart | StackedChart]:
        satisfaction = self.table_satisfaction()
        members = self.table_members()
        successes = self.table_successes()
        counts = self.ladder_counts()
        return {
            "rating": columns(
                _("Mean rating per month (1 to 5)"),
                [(_short(row[0].value), row[5].value, row[5].text) for row in satisfaction.rows],
                maximum=5,
                labelled=True,
            ),
            "response": columns(
                _("Response rate per month"),
                [(_short(row[0].value), row[3].value, row[3].text) for row in satisfaction.rows],
                maximum=100,
                labelled=True,
            ),
            "members": bars(
                _("Share of members active in the period, per role"),
                [(row[0].text, row[3].value or 0, row[3].text) for row in members.rows],
                maximum=100,
            ),
            "successes": bars(
                _("Successes by value"),
                [(row[0].text, row[2].value, row[2].text) for row in successes.rows],
                maximum=max((row[2].value for row in successes.rows), default=0),
            ),
            "themes": bars(
                _("Mean rating per theme (1 to 5)"),
                [(theme.theme, theme.mean, _one_decimal(theme.mean)) for theme in self.themes],
                maximum=5,
            ),
            "ladder": stacked(
                _("Members per rung of the ladder, per month"),
                [
                    (_short(month), [(level.value, str(level.label), counts[month, level.value]) for level in Level])
                    for month in self.scope.months
                ],
                maximum=max(
                    (sum(counts[month, level] for level in Level.values) for month in self.scope.months), default=0
                ),
            ),
        }


def figures_warm(*, now: datetime | None = None) -> int:
    """Periodic: the organisation-wide figures for every period and language, and each
    community's own at the default period, computed before a manager or facilitator asks, so the
    dashboard they open is answered from the cache; renewed more often than they expire. Other
    choices (another period for one community, a facilitator's several communities together) are
    computed when asked. Returns how many views were computed."""
    communities = list(Community.objects.filter(active=True).order_by("name"))
    if not settings.DASHBOARD_CACHE_SECONDS or not communities:
        return 0
    now = now or timezone.now()
    ids = [community.pk for community in communities]
    views = 0
    for language, _name in settings.LANGUAGES:
        with override(language):
            for months, _label in PERIOD_CHOICES:
                scope = metrics.scope_for(ids, months=months, now=now)
                Dashboard(communities=communities, scope=scope, org=frozenset(), roles={}).refresh()
                views += 1
            for community in communities:
                scope = metrics.scope_for([community.pk], months=DEFAULT_MONTHS, now=now)
                Dashboard(communities=[community], scope=scope, org=frozenset(), roles={}).refresh()
                views += 1
    return views
