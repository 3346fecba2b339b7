"""Page benchmark (`make bench`): Gilde as it runs in production, gunicorn on PostgreSQL with
Redis, on a large organisation's year of data (`manage.py seed_scale`), page by page.

    make bench                                   # factor 1.0, writes BENCHMARKS.md
    BENCH_FACTOR=0.02 BENCH_REQUESTS=3 BENCH_SECONDS=1 make bench   # a quick look

What it does:
1. Its own database (BENCH_DATABASE_URL, default gilde_bench; created, migrated and seeded once
   at BENCH_FACTOR) and Redis database (BENCH_REDIS_URL, default db 7, emptied first), the static
   files collected hashed and compressed as in production.
2. gunicorn with BENCH_WORKERS sync workers (default 2 * cores + 1), DEBUG off and
   settings.BENCHMARK on: every response carries a Server-Timing header with the time spent in
   the application and in the database and the number of queries (cop.middleware), and
   /bench/hello/ answers "hello" through the whole middleware stack: the floor.
3. Every key page, as the role that uses it, one request at a time: BENCH_WARMUP requests, then
   BENCH_REQUESTS timed ones. Median and 95th percentile (nearest rank) of the server time,
   database time, queries per request, bytes of HTML and bytes transferred (gzip, as a browser
   asks for it). For the survey form and the agenda also the first visit's whole weight: the
   page and every stylesheet, script and image it loads, compressed as WhiteNoise serves them.
4. Throughput: BENCH_CLIENTS concurrent clients for BENCH_SECONDS each on the hello view (also
   with one query, with one cache read and signed in: what a round trip and a session cost),
   the agenda, the survey form and the survey submit (each submit a different invitee's answers
   where the data has enough open invitations, then the same ones again, which replaces the
   answers; up to 5,000 invitations, topped up in a bench database with named pulse surveys to
   the largest communities, made unanswered again at the start of every run and of each round,
   so that a round's submits are first answers, as a survey's are, until it runs past them: how
   many were changes is reported), in
   BENCH_ROUNDS turns of every page, with the machine's busy CPU per request (/proc/stat) and
   how it divides between gunicorn, PostgreSQL, Redis and the load generator (/proc/<pid>/stat).
   The budget of a share of hello's throughput holds for the agenda and the submit (issue 9).
5. BENCHMARKS.md (BENCH_OUTPUT): the machine, the dataset, the tables and each budget, met or
   not. The exit status is 0 either way unless BENCH_STRICT=1; a page that does not answer 200
   (or a 200 after a submit) is an error.

The load generator is Python threads on the same two cores as gunicorn, so absolute throughput
is modest; the ratio to the hello view on the same stack is the figure to read.
"""

import gzip
import http.client
import itertools
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FACTOR = float(os.environ.get("BENCH_FACTOR", "1.0"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "3")))  # BENCH_SECONDS per page, in this many turns
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
# Enough to reach every worker a few times: a worker's first requests load templates and code.
WARM_UP = int(os.environ.get("BENCH_WARMUP", str(3 * WORKERS)))
OUTPUT = Path(os.environ.get("BENCH_OUTPUT", str(ROOT / "BENCHMARKS.md")))
STRICT = os.environ.get("BENCH_STRICT", "0") == "1"

# Budgets (issue 9), on this 2-core machine at factor 1.0.
MAX_QUERIES = 12
MEMBER_P95_MS = 50
DASHBOARD_P95_MS = 100
THROUGHPUT_SHARE = 0.25  # of the hello view's requests per second
# Open invitations the submits take, each a first answer once a round: more than a round submits
# (2,020 in 3.3 s on the fastest machine seen), or its last submits measure changes instead.
SUBMITS = 5000
PAGE_WEIGHT_BYTES = 60 * 1024  # first visit, compressed: the page and what it loads

import django  # noqa: E402

from bench.common import (  # noqa: E402
    cpu_times,
    ensure_database,
    machine,
    percentile,
    prepare,
    process_cpu,
    survey_answers,
)


@dataclass
class Page:
    label: str
    path: str
    viewer: str  # whose session (a key of Scenario.sessions), or "" for none
    kind: str = "member"  # "member" or "dashboard": which time budget; "floor", "reference": none
    post: dict[str, object] | None = None  # a form to submit (with the CSRF token of its GET)
    weigh: bool = False  # also the first visit's whole weight
    changed: int | None = None  # a community whose meetings change before each request (no cache hit)
    throughput: bool = False  # measured under load
    share_budget: bool = False  # and held to THROUGHPUT_SHARE of hello (issue 9: agenda and submit)


@dataclass
class Result:
    page: Page
    server: list[float] = field(default_factory=list)  # ms, from Server-Timing
    database: list[float] = field(default_factory=list)
    round_trip: list[float] = field(default_factory=list)  # ms, as the client saw it
    queries: set[int] = field(default_factory=set)
    size: int = 0  # bytes of the page
    transferred: int = 0  # bytes on the wire (gzip)
    weight: int | None = None  # first visit: page and assets, compressed
    assets: int = 0
    # Under load, added up over the rounds: requests served, failed, seconds, and the machine's busy
    # and stolen CPU seconds (None where /proc/stat is missing).
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    busy: float | None = 0.0
    stolen: float | None = 0.0
    processes: dict[str, float] = field(default_factory=dict)  # CPU seconds by kind (process_cpu)
    changes: int = 0  # submits under load that changed answers: the round ran past its invitations

    @property
    def rate(self) -> float | None:
        """Requests per second under load."""
        return self.requests / self.seconds if self.seconds else None

    @property
    def cpu_ms(self) -> float | None:
        """The whole machine's busy CPU per request under load."""
        return self.busy * 1000 / self.requests if self.busy is not None and self.requests else None

    @property
    def steal(self) -> float | None:
        """The share of the load's time the hypervisor gave the cores to other machines."""
        return (
            self.stolen / (self.seconds * (os.cpu_count() or 1)) if self.stolen is not None and self.seconds else None
        )

    @property
    def median(self) -> float:
        return statistics.median(self.server)

    @property
    def p95(self) -> float:
        return percentile(self.server, 0.95)

    @property
    def budget_ms(self) -> int:
        return DASHBOARD_P95_MS if self.page.kind == "dashboard" else MEMBER_P95_MS


class Client:
    """One visitor: a session cookie (and the CSRF cookie once a form was fetched)."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict, bytes, float]:
        headers = {
            "Host": "127.0.0.1",
            "Accept-Language": "nl",
            "Accept-Encoding": "gzip",
            "User-Agent": "gilde-bench",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            found = {name.lower(): value for name, value in response.getheaders()}
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie = value.split(";", 1)[0]
                    key, _, val = cookie.partition("=")
                    self.cookies[key.strip()] = val.strip()
            return response.status, found, raw, elapsed
        finally:
            connection.close()

    @staticmethod
    def body(headers: dict, raw: bytes) -> bytes:
        return gzip.decompress(raw) if headers.get("content-encoding") == "gzip" else raw


def server_timing(headers: dict) -> tuple[float, float, int]:
    """(app ms, database ms, queries) from the Server-Timing header."""
    value = headers.get("server-timing", "")
    app = re.search(r"app;dur=([\d.]+)", value)
    db = re.search(r"db;dur=([\d.]+)", value)
    queries = re.search(r'queries;desc="(\d+)"', value)
    if not (app and db and queries):
        raise SystemExit(f"No Server-Timing header (is settings.BENCHMARK on?): {value!r}")
    return float(app.group(1)), float(db.group(1)), int(queries.group(1))


CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_body(client: Client, path: str, fields: dict[str, object]) -> bytes:
    """The form's fields with the CSRF token of a fresh GET (which also sets the CSRF cookie)."""
    status, headers, raw, _ = client.request("GET", path)
    found = CSRF_FIELD.search(Client.body(headers, raw))
    if status != 200 or not found:
        raise SystemExit(f"GET {path} answered {status} without a form to submit")
    return urllib.parse.urlencode({"csrfmiddlewaretoken": found.group(1).decode(), **fields}, doseq=True).encode()


class Server:
    """gunicorn on a free port, as docker-compose.yml runs it (`workers` sync workers, default
    BENCH_WORKERS), with this process's environment or `env`."""

    def __init__(self, *, workers: int = WORKERS, env: dict[str, str] | None = None) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.workers = workers
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        command = [sys.executable, "-m", "gunicorn", "cop.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(self.workers), "--log-level", "warning", "--timeout", "120"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env or os.environ.copy())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if Client(self.port).request("GET", "/health/live/")[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit("gunicorn stopped before it answered")
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def community_changed(community_id: int) -> None:
    """As if someone had just answered for one of the community's meetings: the cached agendas and
    calendar feeds showing it are rendered anew (meetings.agenda)."""
    import time as clock  # noqa: PLC0415

    from django.core.cache import cache  # noqa: PLC0415

    from meetings.agenda import VERSION_KEY  # noqa: PLC0415

    cache.set(VERSION_KEY.format(community_id), clock.time_ns(), None)


def measure(client: Client, page: Page, posts: "Submissions | None") -> Result:
    result = Result(page)
    for number in range(WARM_UP + REQUESTS):
        if page.changed is not None:
            community_changed(page.changed)
        path, body = posts.next(client) if page.post is not None and posts else (page.path, None)
        status, headers, raw, elapsed = client.request("POST" if body is not None else "GET", path, body)
        if status != 200:
            raise SystemExit(f"{page.label}: {path} answered {status}")
        if number < WARM_UP:
            continue
        app, db, queries = server_timing(headers)
        result.server.append(app)
        result.database.append(db)
        result.round_trip.append(elapsed)
        result.queries.add(queries)
        result.size, result.transferred = len(Client.body(headers, raw)), len(raw)
    return result


ASSET = re.compile(rb'(?:href|src)="(/static/[^"]+)"')


def weigh(client: Client, page: Page, result: Result) -> None:
    """The first visit: the page plus every static file it references, as transferred
    (WhiteNoise serves the pre-compressed copy when the browser accepts gzip)."""
    status, headers, raw, _ = client.request("GET", page.path)
    total, assets = len(raw), sorted(set(ASSET.findall(Client.body(headers, raw))))
    for asset in assets:
        status, headers, raw, _ = client.request("GET", asset.decode())
        if status != 200:
            raise SystemExit(f"{page.label}: {asset.decode()} answered {status}")
        total += len(raw)
    result.weight, result.assets = total, len(assets)


class Submissions:
    """Survey answers to submit: open invitations of named surveys, each with valid answers and
    its own personal link."""

    def __init__(self, links: list[tuple[str, dict[str, object]]]) -> None:
        self.links = links
        self.taken = 0  # how many were submitted one at a time (`measure`)
        self._turns = itertools.cycle(links)

    def next(self, client: Client) -> tuple[str, bytes]:
        """The next invitee's link and form, with a fresh CSRF token."""
        path, fields = next(self._turns)
        self.taken += 1
        return path, form_body(client, path, fields)


def prepared_posts(port: int, cookies: dict[str, str], posts: Submissions) -> tuple[list[tuple[str, bytes]], dict]:
    """Every invitee's submit with a CSRF token from a GET made beforehand, outside the measured
    time, and the cookies to send them with."""
    helper = Client(port, cookies)
    prepared = [(path, form_body(helper, path, fields)) for path, fields in posts.links]
    # On from the invitee after the last one `measure` submitted: first answers before changes.
    start = posts.taken % len(prepared)
    return prepared[start:] + prepared[:start], helper.cookies


def load(
    server: Server, page: Page, cookies: dict[str, str], prepared: list[tuple[str, bytes]], result: Result
) -> None:
    """One round: CLIENTS threads for SECONDS / ROUNDS on the page (or submitting `prepared`, on
    from the invitee the last round stopped at), added to `result`: requests, failures, time, the
    machine's CPU (every process on it; time the hypervisor gives to other machines is not in it)
    and the CPU of each kind of process (gunicorn, PostgreSQL, Redis, the load generator)."""
    port = server.port
    done, failed = [0] * CLIENTS, [0] * CLIENTS
    # One counter for every client: each submit takes the next invitee, and this round goes on
    # from where the last stopped (as many taken as served).
    turns, taking = itertools.count(result.requests), threading.Lock()
    stop = time.monotonic() + SECONDS / ROUNDS

    def run(slot: int) -> None:
        client = Client(port, cookies)
        while time.monotonic() < stop:
            if prepared:
                with taking:
                    turn = next(turns)
                path, body = prepared[turn % len(prepared)]
                status = client.request("POST", path, body)[0]
            else:
                status = client.request("GET", page.path)[0]
            done[slot] += 1
            failed[slot] += status != 200

    started, cpu_before, processes_before = time.monotonic(), cpu_times(), process_cpu(server.process.pid)
    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu_after, processes_after = time.monotonic() - started, cpu_times(), process_cpu(server.process.pid)
    if prepared:
        result.changes += max(0, sum(done) - len(prepared))
    result.requests, result.errors, result.seconds = (
        result.requests + sum(done),
        result.errors + sum(failed),
        result.seconds + elapsed,
    )
    for kind, seconds in processes_after.items():
        result.processes[kind] = result.processes.get(kind, 0.0) + seconds - processes_before.get(kind, 0.0)
    if cpu_before and cpu_after and result.busy is not None and result.stolen is not None:
        result.busy += cpu_after[0] - cpu_before[0]
        result.stolen += cpu_after[1] - cpu_before[1]
    else:
        result.busy = result.stolen = None


class Scenario:
    """Who visits what: the largest community and one person in each role there. `reset`: make the
    submits' invitations unanswered first (`make bench`, in its own database)."""

    def __init__(self, *, reset: bool = False) -> None:
        self.reset = reset
        from django.db.models import Count  # noqa: PLC0415 (after django.setup)
        from django.utils import timezone  # noqa: PLC0415

        from cop.models import Community  # noqa: PLC0415
        from cop.scale.people import BENCH_MANAGER  # noqa: PLC0415
        from meetings.models import Meeting  # noqa: PLC0415
        from members.models import Membership, Role, User  # noqa: PLC0415

        # The largest community with an intern, a mentor and a facilitator (a small dataset's
        # largest community may lack one).
        roles = (Role.INTERN, Role.MENTOR, Role.FACILITATOR)
        for size in self._community_sizes():
            current = Membership.objects.current().filter(community_id=size["community_id"]).order_by("user_id")
            found = {role: current.filter(role=role).select_related("user").first() for role in roles}
            if all(found.values()):
                break
        else:
            raise SystemExit("No community has an intern, a mentor and a facilitator.")
        self.community = Community.objects.get(pk=size["community_id"])
        self.users = {role: membership.user for role, membership in found.items()}
        self.users["manager"] = User.objects.get(email=BENCH_MANAGER)
        admin, created = User.objects.get_or_create(
            email="bench-admin@gilde.test", defaults={"full_name": "Bench Admin", "is_superuser": True}
        )
        if created:
            admin.is_staff = True
            admin.set_unusable_password()
            admin.save()
        self.users["admin"] = admin
        self.meeting = (
            Meeting.objects.filter(community=self.community, starts_at__lte=timezone.now())
            .annotate(n=Count("rsvps"))
            .order_by("-n", "-starts_at")
            .first()
        )
        self.intern_link, self.links = self._links()
        # After the submits' invitations are made unanswered (`_links`): the same choice every run.
        self.survey = self._survey()
        self.feed = self._feed()
        self.sessions = {name: self._session(user) for name, user in self.users.items()}

    @staticmethod
    def _session(user: object) -> dict[str, str]:
        from django.conf import settings  # noqa: PLC0415
        from django.test import Client as DjangoClient  # noqa: PLC0415

        login = DjangoClient()
        login.force_login(user)
        return {settings.SESSION_COOKIE_NAME: login.cookies[settings.SESSION_COOKIE_NAME].value}

    def _survey(self) -> object:
        from django.db.models import Count  # noqa: PLC0415

        from feedback.models import Survey  # noqa: PLC0415

        return (
            Survey.objects.filter(community=self.community).annotate(n=Count("responses")).order_by("-n", "-pk").first()
        )

    def unanswer(self) -> None:
        """The submits' invitations unanswered again (`make bench`, in its own database)."""
        if self.reset:
            self._unanswer(self.named)

    @staticmethod
    def _unanswer(invites: list) -> None:
        """Every run submits from the same state, these invitations unanswered: a run that found
        those an earlier run had answered would measure changes (6 statements) instead of first
        answers (4). Their responses go, the seed's among them (the first run after seeding drops
        those of the first 2,000 open invitations): in a bench database only."""
        from django.db import connection  # noqa: PLC0415

        from feedback.models import SurveyInvite, SurveyResponse  # noqa: PLC0415

        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            raise SystemExit(f"{name} is not a bench database: not deleting its survey responses.")
        SurveyResponse.objects.filter(invite__in=invites).delete()
        SurveyInvite.objects.filter(pk__in=[invite.pk for invite in invites]).update(responded_at=None)
        for invite in invites:
            invite.responded_at = None

    @staticmethod
    def _community_sizes() -> object:
        """Each community's id and number of current members (`n`), the largest first."""
        from django.db.models import Count  # noqa: PLC0415

        from members.models import Membership  # noqa: PLC0415

        return (
            Membership.objects.current().values("community_id").annotate(n=Count("pk")).order_by("-n", "community_id")
        )

    def _pulse_surveys(self, wanted: int) -> None:
        """Named pulse surveys to the largest communities until `wanted` more invitations are open,
        as an organisation asking everyone at once would: the seed's meetings leave about 1,500
        open, and a round on a fast machine submitted 2,020, running past them into changes. One a
        community a day (its form key), so a second run finds them rather than sending again."""
        from django.core.exceptions import ValidationError  # noqa: PLC0415
        from django.utils import timezone  # noqa: PLC0415

        from cop.models import Community  # noqa: PLC0415
        from feedback.services import default_template, pulse_send  # noqa: PLC0415

        for size in self._community_sizes():
            if wanted <= 0:
                return
            key = f"bench-pulse-{size['community_id']}-{timezone.localdate()}"
            try:
                survey = pulse_send(
                    community=Community.objects.get(pk=size["community_id"]),
                    template=default_template(),
                    title="Hoe gaat je stage?",
                    by=self.users["facilitator"],
                    form_key=key,
                )
            except ValidationError:  # current members, none of them active
                continue
            wanted -= survey.invites.count()

    def _links(self) -> tuple[str, list[tuple[str, dict[str, object]]]]:
        """The intern's open invitation (the survey form), and open invitations of named surveys
        across the organisation with valid answers (the submits)."""
        from django.utils import timezone  # noqa: PLC0415

        from feedback.links import invite_link  # noqa: PLC0415
        from feedback.models import SurveyInvite  # noqa: PLC0415
        from feedback.services import default_template, pulse_send  # noqa: PLC0415

        now = timezone.now()
        intern = self.users["intern"]
        if not SurveyInvite.objects.filter(user=intern, survey__closes_at__gt=now, survey__anonymous=False).exists():
            # A small dataset may have no survey open today: a pulse survey to the community.
            pulse_send(
                community=self.community,
                template=default_template(),
                title="Bench",
                by=self.users["facilitator"],
                form_key=f"bench-{timezone.localdate()}",
            )

        def open_invites() -> object:  # as of now: a survey just sent opened a moment ago
            now = timezone.now()
            return SurveyInvite.objects.filter(
                survey__opens_at__lte=now, survey__closes_at__gt=now, user__is_active=True
            ).select_related("survey")

        named = list(open_invites().filter(survey__anonymous=False).order_by("pk")[:SUBMITS])
        if self.reset and len(named) < SUBMITS:
            self._pulse_surveys(SUBMITS - len(named))
            named = list(open_invites().filter(survey__anonymous=False).order_by("pk")[:SUBMITS])
        if not named:
            raise SystemExit("The dataset has no open invitation to a named survey.")
        self.named = named
        if self.reset:
            self._unanswer(named)
        questions = {}
        links = []
        for invite in named:
            if invite.survey_id not in questions:
                questions[invite.survey_id] = list(invite.survey.questions.all())
            links.append((self._path(invite_link(invite)), survey_answers(questions[invite.survey_id])))
        mine = open_invites().filter(user=intern, survey__anonymous=False).first()
        return self._path(invite_link(mine)), links

    @staticmethod
    def _path(url: str) -> str:
        return urllib.parse.urlsplit(url).path

    def _feed(self) -> str:
        from django.urls import reverse  # noqa: PLC0415

        from meetings.services import calendar_feed_get  # noqa: PLC0415

        return reverse("calendar_feed", args=[calendar_feed_get(user=self.users["intern"]).token])

    def pages(self) -> list[Page]:
        from django.urls import reverse  # noqa: PLC0415

        slug, meeting, survey = self.community.slug, self.meeting.pk, self.survey.pk
        pages = [Page("hello (the floor)", "/bench/hello/", "", kind="floor", throughput=True)]
        # What one round trip costs, in the floor's units (cop.views.bench_hello).
        pages += [
            Page("hello, one query", "/bench/hello/?queries=1", "", kind="reference", throughput=True),
            Page("hello, one cache read", "/bench/hello/?reads=1", "", kind="reference", throughput=True),
            # Signed in: the session from Redis and the person's row (cop.middleware reads the user).
            Page("hello, signed in", "/bench/hello/", "intern", kind="reference", throughput=True),
        ]
        pages += [Page(f"home, {role}", "/", role) for role in ("intern", "mentor", "facilitator", "manager", "admin")]
        pages += [
            Page("agenda, intern", reverse("agenda"), "intern", weigh=True, throughput=True, share_budget=True),
            Page("agenda, intern, after each change", reverse("agenda"), "intern", changed=self.community.pk),
            Page("meeting page, intern", reverse("meeting_detail", args=[meeting]), "intern"),
            Page("attendance list, facilitator", reverse("meeting_attendance", args=[meeting]), "facilitator"),
            Page("survey form (personal link)", self.intern_link, "", weigh=True, throughput=True),
            Page("survey submit (personal link)", self.links[0][0], "", post={}, throughput=True, share_budget=True),
            Page("survey results, facilitator", reverse("survey_results", args=[slug, survey]), "facilitator"),
            Page("community trend, facilitator", reverse("survey_trend", args=[slug]), "facilitator"),
            Page("member directory, intern", reverse("directory", args=[slug]), "intern"),
            Page("topic backlog, intern", reverse("topic_backlog", args=[slug]), "intern"),
            Page("success wall, intern", reverse("success_wall", args=[slug]), "intern"),
            Page("dashboard, organisation, manager", reverse("dashboard"), "manager", "dashboard"),
            Page(
                "dashboard, one community, facilitator",
                f"{reverse('dashboard')}?community={slug}",
                "facilitator",
                "dashboard",
            ),
            Page("calendar feed (personal link)", self.feed, ""),
            Page("calendar feed, after each change", self.feed, "", changed=self.community.pk),
        ]
        return pages


def report(results: list[Result], about: dict[str, str], counts: dict[str, int], scenario: Scenario) -> str:
    from django.utils import timezone  # noqa: PLC0415

    floor = next(result.rate for result in results if result.page.kind == "floor")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/pages.py`); see README.md, *Performance*, for what it does and how to",
        "read it. Server time is the application's own (the `Server-Timing` header), from the first middleware",
        "to the last byte of the page; p95 is the 95th percentile (nearest rank).",
        "",
        "## Machine and data",
        "",
        f"- Measured {timezone.localdate():%Y-%m-%d}, {about['code']}.",
        f"- {about['cores']} cores ({about['cpu']}), {about['memory']} memory, {about['os']}.",
        (
            f"- PostgreSQL {about['postgresql']}, Redis, Python {about['python']}, Django {about['django']}; "
            f"gunicorn with {WORKERS} sync workers, DEBUG off."
        ),
        f"- Dataset: `seed_scale --factor {FACTOR}`: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()) + ".",
        (
            f"- Pages as seen in the largest community ({scenario.community.name}): {REQUESTS} requests each "
            f"after {WARM_UP} to warm up. Throughput: {CLIENTS} concurrent clients for {SECONDS:g} s each, in "
            f"{ROUNDS} turns of every page, on the same machine as the server."
        ),
        "",
        "## Pages",
        "",
        "| page | median ms | p95 ms | budget | database ms (median) | queries | HTML bytes | transferred |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        queries = "/".join(str(count) for count in sorted(result.queries))
        lines.append(
            f"| {result.page.label} | {result.median:.1f} | {result.p95:.1f} | {result.budget_ms} "
            f"| {statistics.median(result.database):.1f} | {queries} | {result.size:,} | {result.transferred:,} |"
        )
    lines += [
        "",
        "## Throughput",
        "",
        "| page | requests/s | share of hello | errors | machine CPU ms per request | hello's as a share | stolen |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    floor_cpu = next(result.cpu_ms for result in results if result.page.kind == "floor")
    for result in results:
        if result.rate is not None:
            cpu = "n/a" if result.cpu_ms is None else f"{result.cpu_ms:.2f}"
            cpu_share = "n/a" if not (result.cpu_ms and floor_cpu) else f"{floor_cpu / result.cpu_ms:.0%}"
            steal = "n/a" if result.steal is None else f"{result.steal:.0%}"
            lines.append(
                f"| {result.page.label} | {result.rate:.0f} | {result.rate / floor:.0%} | {result.errors} "
                f"| {cpu} | {cpu_share} | {steal} |"
            )
    lines += [
        "",
        (
            "- hello, one query (`SELECT 1`) and hello, one cache read (a Redis GET): the floor plus one round trip, "
            "to show what each round trip of a page costs in these units. A request's first query also pays Django's "
            "connection health check (another `SELECT 1`, not counted as a query above). hello, signed in: the floor "
            "with a session, what every signed-in page pays before its own work (the session read from Redis, the "
            "health check and the person's row)."
        ),
        (
            "- Machine CPU per request: the busy time of both cores (every process: gunicorn, PostgreSQL, Redis and "
            "the load generator) during the run, divided by the requests served; hello's figure as a share of the "
            "page's is what the throughput share would be with the cores to ourselves. Stolen: the share of the "
            "run the hypervisor gave the cores to other machines (it lowers requests/s, not CPU per request)."
        ),
    ]
    for result in results:
        if result.page.post is not None and result.requests:
            lines.append(
                f"- {result.page.label}: {len(scenario.links):,} open invitations, made unanswered before each "
                f"round; {result.requests - result.changes:,} of the {result.requests:,} submits under load were "
                f"first answers, {result.changes:,} changes of answers (a round that ran past its invitations)."
            )
    lines += [
        "",
        "## Where the CPU went under load",
        "",
        "| page | gunicorn | PostgreSQL | Redis | load generator | other |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        if result.rate is not None and result.processes:
            spent = [result.processes.get(kind, 0.0) * 1000 / result.requests for kind in PROCESS_KINDS]
            lines.append(f"| {result.page.label} | " + " | ".join(f"{ms:.2f}" for ms in spent) + " |")
    lines += [
        "",
        (
            "- Milliseconds of CPU per request, by process, from /proc/<pid>/stat: gunicorn (its workers: Django), "
            "PostgreSQL (every backend), Redis, the load generator (this benchmark's client threads) and the rest "
            "of the machine. Each row adds up to about the machine CPU per request above."
        ),
    ]
    lines += [
        "",
        "## Page weight, first visit",
        "",
        "| page | files | transferred (compressed) | budget |",
        "| --- | ---: | ---: | ---: |",
    ]
    for result in results:
        if result.weight is not None:
            lines.append(
                f"| {result.page.label} | {1 + result.assets} | {result.weight / 1024:.1f} KB "
                f"| {PAGE_WEIGHT_BYTES // 1024} KB |"
            )
    lines += ["", "## Budgets", ""] + [f"- {line}" for line in budgets(results, floor)]
    return "\n".join(textwrap.fill(line, 110) if line.startswith("- ") else line for line in lines) + "\n"


PROCESS_KINDS = ("web", "database", "cache", "load", "other")  # the columns of the CPU table


def budgets(results: list[Result], floor: float) -> list[str]:
    """Each budget with its verdict: 'met' or 'MISSED'."""
    pages = [result for result in results if result.page.kind not in ("floor", "reference")]
    verdict = {True: "met", False: "MISSED"}
    most = max(max(result.queries) for result in pages)
    lines = [f"at most {MAX_QUERIES} queries on any page: {verdict[most <= MAX_QUERIES]} (most: {most})"]
    for kind, budget in (("member", MEMBER_P95_MS), ("dashboard", DASHBOARD_P95_MS)):
        chosen = [result for result in pages if result.page.kind == kind]
        worst = max(chosen, key=lambda result: result.p95)
        lines.append(
            f"p95 ≤ {budget} ms, {kind} pages: {verdict[worst.p95 <= budget]} "
            f"(slowest: {worst.page.label}, {worst.p95:.1f} ms)"
        )
    for result in pages:
        if result.page.share_budget:
            share = result.rate / floor
            lines.append(
                f"throughput of {result.page.label} ≥ {THROUGHPUT_SHARE:.0%} of hello: "
                f"{verdict[share >= THROUGHPUT_SHARE]} ({share:.0%})"
            )
        if result.weight is not None:
            lines.append(
                f"first visit of {result.page.label} ≤ {PAGE_WEIGHT_BYTES // 1024} KB: "
                f"{verdict[result.weight <= PAGE_WEIGHT_BYTES]} ({result.weight / 1024:.1f} KB)"
            )
    return lines


def configure(*, database: str | None = None, redis: str | None = None, var: str = "bench") -> None:
    """Production-like: DEBUG off (cached templates), the Redis cache, persistent connections.
    Before django.setup(); not on import (the test suite imports the page list). The services
    default to BENCH_DATABASE_URL and BENCH_REDIS_URL."""
    os.environ.update(
        {
            "DEBUG": "false",
            "BENCHMARK": "true",
            "DATABASE_URL": database
            or os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gilde_bench"),
            "REDIS_URL": redis or os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain http on the loopback; what a TLS proxy in front would add is not the app's time.
            "SECURE_SSL_REDIRECT": "false",
            "GILDE_VAR_DIR": os.environ.get("GILDE_VAR_DIR", str(ROOT / "var" / var)),
        }
    )
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings")


def main() -> None:
    import redis  # noqa: PLC0415

    ensure_database(os.environ["DATABASE_URL"])
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # no cached page from an earlier run
    django.setup()
    from cop.scale import dataset_counts  # noqa: PLC0415

    prepare(FACTOR)
    scenario = Scenario(reset=True)
    pages = scenario.pages()
    posts = Submissions(scenario.links)
    results = []
    with Server() as server:
        for page in pages:
            client = Client(server.port, scenario.sessions.get(page.viewer))
            result = measure(client, page, posts if page.post is not None else None)
            if page.weigh:
                weigh(Client(server.port, scenario.sessions.get(page.viewer)), page, result)
            print(
                f"{page.label:45} median {result.median:6.1f} ms  p95 {result.p95:6.1f} ms  round trip "
                f"{statistics.median(result.round_trip):6.1f} ms  queries {'/'.join(map(str, sorted(result.queries)))}",
                flush=True,
            )
            results.append(result)
        # In ROUNDS, each page in turn: a neighbour that slows the machine for a while slows every
        # page's share a little instead of one page's a lot.
        loaded = [result for result in results if result.page.throughput]
        sent = {}
        for result in loaded:
            cookies = scenario.sessions.get(result.page.viewer, {})
            sent[result.page.label] = (
                prepared_posts(server.port, cookies, posts) if result.page.post is not None else ([], cookies)
            )
        for _round in range(ROUNDS):
            for result in loaded:
                prepared, cookies = sent[result.page.label]
                if prepared:  # first answers again (outside the measured time)
                    scenario.unanswer()
                load(server, result.page, cookies, prepared, result)
        for result in loaded:
            cpu = "" if result.cpu_ms is None else f", {result.cpu_ms:.2f} ms machine CPU each"
            print(f"{result.page.label:45} {result.rate:7.0f} requests/s, {result.errors} errors{cpu}", flush=True)
    text = report(results, machine(), dataset_counts(), scenario)
    OUTPUT.write_text(text)
    print(f"\n{OUTPUT} written.")
    missed = [line for line in budgets(results, results[0].rate or 1) if "MISSED" in line]
    print("\n".join(missed) or "Every budget met.")
    errors = sum(result.errors for result in results)
    if errors:
        raise SystemExit(f"{errors} requests failed under load")
    if STRICT and missed:
        raise SystemExit(1)


if __name__ == "__main__":
    configure()
    main()
