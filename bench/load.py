"""Load and faults (`make load`): a community's interns all answer a survey by their personal links
within a minute, against gunicorn on PostgreSQL and Redis, while the reminder job runs several
times at once and a Celery worker delivers the outbox to an SMTP sink; then the database is
counted. Any violation makes the exit status 1.

    make load                               # 300 interns arriving over 30 s
    LOAD_INTERNS=30 LOAD_SECONDS=5 make load
    make load LOAD_FAULT=redis              # Redis stopped for the middle half of the arrivals
    make load LOAD_FAULT=postgres           # PostgreSQL stopped mid-run for LOAD_DOWN seconds
    LOAD_SECONDS=3 LOAD_THINK=0 make load   # a burst

What it does:
1. Services: a private redis-server (cache and broker, on a free port: stopping it disturbs no one
   else), PostgreSQL (LOAD_DATABASE_URL, default database gilde_load, created and migrated; with
   LOAD_FAULT=postgres a private cluster of its own, see bench/private.py), gunicorn with
   LOAD_WORKERS sync workers (default 2 * cores + 1) as production runs it (bench/pages.Server,
   DEBUG off; warmed up with three form requests per worker), one Celery worker (prefork, two
   processes, as docker-compose runs it) sending to a local SMTP sink. The outbox sweeper's grace
   period is 5 s instead of 120 s, so that rows written while Redis was down go out within the run.
2. Data: a new community (earlier runs' surveys are closed) with LOAD_INTERNS interns and a
   facilitator, and a pulse survey to the interns (the default post-meeting questions: a rating,
   a text and a topic request): one invitation each, through the outbox. The invitations are made
   two days old, so every intern who has not answered is due for a first reminder.
3. The load: each intern arrives at a random moment within LOAD_SECONDS, opens the personal link
   (the form), takes up to LOAD_THINK seconds, and submits every question (the topic request is
   one of three topics); every LOAD_DOUBLE-th intern double-taps: two submits at the same moment.
   A 503 is retried after its Retry-After (at most 5 s), as a person would press again.
   Meanwhile the reminder job runs at a third and at two thirds of the arrivals, each time twice
   on the worker and once in this process at the same moment, and the sweeper is sent to the
   worker every 5 s (beat's job).
4. Faults (LOAD_FAULT): `redis`: the redis-server is stopped from a quarter to three quarters of
   the arrivals (both reminder runs fall inside) and started again, empty. `postgres`: the
   cluster is stopped (fast shutdown: open transactions aborted) halfway through the arrivals
   for LOAD_DOWN seconds (default 5), then started; gunicorn is not restarted. `redis,postgres`
   (the smoke test in tests/test_load.py): Redis from a sixth to half the arrivals, then
   PostgreSQL at three quarters. Throughout, /health/live/ is probed every 0.2 s.
5. Counts, once the outbox is drained (at most LOAD_DRAIN seconds): requests, errors, latency
   (p50/p95/max, as the client saw it, and the server's own time); responses = interns, answers
   = interns x questions, invites marked responded = interns; outbox rows per person, kind and
   occasion (never more than one); one invitation each; reminders = invitees marked reminded, at
   most one each; e-mails received = rows sent, no Message-ID twice; each requested topic once
   in the backlog with one vote per intern who asked for it. With Redis stopped: the rows written
   meanwhile all sent after it was back. With PostgreSQL stopped: a request may answer 503 with
   Retry-After while it is down (and up to 5 s after), never anything else, /health/live/ answers
   200 within 5 s of its start, and gunicorn keeps its workers.
LOAD_CALLS=<file.csv> writes every request (kind, status, ms, when, server ms, error).
"""

import contextlib
import http.client
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

from bench.common import ensure_database, install, machine, percentile, survey_answers  # noqa: E402
from bench.pages import CSRF_FIELD, Client, Server, configure  # noqa: E402
from bench.private import Postgres, Redis, Sink, Worker  # noqa: E402

INTERNS = int(os.environ.get("LOAD_INTERNS", "300"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
THINK = float(os.environ.get("LOAD_THINK", "10"))
DOUBLE = int(os.environ.get("LOAD_DOUBLE", "10"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
FAULTS = [fault for fault in os.environ.get("LOAD_FAULT", "").split(",") if fault]
DOWN = float(os.environ.get("LOAD_DOWN", "5"))
DRAIN = float(os.environ.get("LOAD_DRAIN", "120"))
SEED = int(os.environ.get("LOAD_SEED", "10"))
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gilde_load")
SWEEP_EVERY = 5.0
TOPICS = ["Hoogvolt veilig werken", "Storingen zoeken met de scope", "Feedback geven aan je begeleider"]
THANKS = b"<h1>Bedankt!</h1>"
MESSAGE_ID = re.compile(r"notification-(\d+)@")


@dataclass
class Call:
    kind: str  # "form" or "submit"
    status: int  # 0: no answer (connection error, timeout)
    ms: float
    at: float  # seconds since the start
    server_ms: float | None = None
    error: str = ""
    retry_after: str = ""


@dataclass
class Run:
    """What happened, as the clients and the background jobs saw it."""

    started: float = field(default_factory=time.monotonic)
    wall: datetime = field(default_factory=lambda: datetime.now(UTC))  # the same moment, for the database's times
    load_average: float = field(default_factory=lambda: os.getloadavg()[0])  # the machine's other work
    calls: list[Call] = field(default_factory=list)
    done: set[int] = field(default_factory=set)  # interns who saw the thank-you page
    events: list[str] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    down: dict[str, tuple[float, float]] = field(default_factory=dict)  # each fault: stopped, started
    probes: list[tuple[float, int]] = field(default_factory=list)  # /health/live/: (at, status)
    elapsed: float = 0.0  # until the last intern had answered
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.monotonic() - self.started

    def note(self, text: str) -> None:
        with self.lock:
            self.events.append(f"{self.now():6.1f} s  {text}")
        print(f"{self.now():6.1f} s  {text}", flush=True)

    def request(self, client: Client, kind: str, method: str, path: str, body: bytes | None = None) -> tuple:
        """One request, recorded; a 503 retried after its Retry-After (at most 5 s, 8 tries)."""
        for _ in range(8):
            with self.lock:
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
            at = self.now()
            try:
                status, headers, raw, ms = client.request(method, path, body)
            except (OSError, http.client.HTTPException) as exc:
                with self.lock:
                    self.calls.append(Call(kind, 0, (self.now() - at) * 1000, at, error=type(exc).__name__))
                return 0, {}, b""
            finally:
                with self.lock:
                    self.in_flight -= 1
            timing = re.search(r"app;dur=([\d.]+)", headers.get("server-timing", ""))
            with self.lock:
                server = float(timing.group(1)) if timing else None
                self.calls.append(Call(kind, status, ms, at, server, retry_after=headers.get("retry-after", "")))
            if status != 503:
                return status, headers, raw
            time.sleep(min(float(headers.get("retry-after", "1")), 5.0))
        return status, headers, raw


@dataclass
class Intern:
    number: int
    path: str
    fields: dict[str, object]
    arrives: float
    thinks: float
    double: bool


def scenario(stamp: str) -> tuple[object, list[Intern], int]:
    """The community, its interns and their survey; returns (survey, interns, questions)."""
    from django.conf import settings  # noqa: PLC0415 (after django.setup)
    from django.contrib.auth.hashers import make_password  # noqa: PLC0415
    from django.db import transaction  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from cop.models import Community  # noqa: PLC0415
    from feedback.links import invite_link  # noqa: PLC0415
    from feedback.models import Survey, SurveyInvite  # noqa: PLC0415
    from feedback.services import default_template, pulse_send  # noqa: PLC0415
    from members.models import Membership, Role, User  # noqa: PLC0415

    # Earlier runs' surveys close: the reminder job is to find this run's interns only.
    Survey.objects.filter(community__slug__startswith="load-", closes_at__gt=timezone.now()).update(
        closes_at=timezone.now()
    )
    unusable = make_password(None)
    with transaction.atomic():
        community = Community.objects.create(
            name=f"Belasting {stamp}", slug=f"load-{stamp}", domain_statement="Samen leren onder druk."
        )
        facilitator = User.objects.create(
            email=f"facilitator.{stamp}@load.gilde", full_name="Fenna de Vries", language="nl", password=unusable
        )
        interns = User.objects.bulk_create(
            User(email=f"intern{n}.{stamp}@load.gilde", full_name=f"Stagiair {n}", language="nl", password=unusable)
            for n in range(INTERNS)
        )
        Membership.objects.bulk_create(
            [Membership(user=facilitator, community=community, role=Role.FACILITATOR)]
            + [Membership(user=person, community=community, role=Role.INTERN) for person in interns]
        )
    survey = pulse_send(
        community=community, template=default_template(), title=f"Hoe gaat je stage? ({stamp})", by=facilitator,
        role=Role.INTERN,
    )  # fmt: skip
    first = settings.SURVEY_REMINDER_DAYS[0]
    SurveyInvite.objects.filter(survey=survey).update(created_at=timezone.now() - timedelta(days=first, hours=1))
    questions = list(survey.questions.all())
    rng = random.Random(SEED)  # noqa: S311 (arrival times, not secrets)
    people = []
    for number, invite in enumerate(survey.invites.select_related("survey", "user").order_by("user_id")):
        path = urllib.parse.urlsplit(invite_link(invite)).path
        fields = survey_answers(questions, topic=TOPICS[number % len(TOPICS)])
        double = DOUBLE > 0 and number % DOUBLE == DOUBLE - 1
        people.append(Intern(number, path, fields, rng.uniform(0, SECONDS), rng.uniform(0, THINK), double))
    return survey, people, len(questions)


def answer(run: Run, port: int, intern: Intern) -> None:
    """One intern: the form by the personal link, then the answers (twice at once on a double tap)."""
    time.sleep(max(0.0, intern.arrives - run.now()))
    client = Client(port)
    status, headers, raw = run.request(client, "form", "GET", intern.path)
    token = CSRF_FIELD.search(Client.body(headers, raw)) if status == 200 else None
    if token is None:
        return
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1).decode(), **intern.fields}).encode()
    time.sleep(intern.thinks)
    outcomes: list[bool] = []

    def submit() -> None:
        status, headers, raw = run.request(Client(port, client.cookies), "submit", "POST", intern.path, body)
        outcomes.append(status == 200 and THANKS in Client.body(headers, raw))

    taps = [threading.Thread(target=submit) for _ in range(2 if intern.double else 1)]
    for tap in taps:
        tap.start()
    for tap in taps:
        tap.join()
    if outcomes and all(outcomes):
        with run.lock:
            run.done.add(intern.number)


def in_background(run: Run, label: str, job: object) -> threading.Thread:
    """A job in a thread of this process, with its own database connection; a failure is noted."""
    from django.db import connection  # noqa: PLC0415

    def go() -> None:
        try:
            run.note(f"{label}: {job()}")
        except Exception as exc:  # noqa: BLE001 (the database or broker down: noted, as a job log would)
            run.note(f"{label} failed: {type(exc).__name__}")
        finally:
            connection.close()

    thread = threading.Thread(target=go)
    thread.start()
    return thread


def send(run: Run, task: str, *, quiet: bool = False) -> threading.Thread:
    """A periodic task handed to the worker, as beat does, in a thread (an unreachable broker
    takes its connection timeout to say so); a failure is noted."""
    from cop.celery import app  # noqa: PLC0415

    def go() -> None:
        try:
            app.send_task(task, retry=False)
        except Exception as exc:  # noqa: BLE001 (the broker down: beat would log it and go on)
            if not quiet:
                run.note(f"{task} not sent to the worker: {type(exc).__name__}")

    thread = threading.Thread(target=go)
    thread.start()
    return thread


def reminders(run: Run, label: str) -> list[threading.Thread]:
    """The reminder job three times at once: twice on the worker, once here."""
    from feedback.reminders import reminders_send_due  # noqa: PLC0415

    run.note(f"{label}: the reminder job twice on the worker and once here, at the same moment")
    sends = [send(run, "feedback.reminders") for _ in range(2)]
    return [*sends, in_background(run, f"{label}, the job here: invitees reminded", reminders_send_due)]


def windows() -> dict[str, tuple[float, float]]:
    """When each fault of LOAD_FAULT (one or both of redis, postgres) starts and ends."""
    faults = set(FAULTS)
    if faults == {"redis"}:
        return {"redis": (SECONDS / 4, SECONDS * 3 / 4)}
    if faults == {"postgres"}:
        return {"postgres": (max(SECONDS / 2 - DOWN / 2, 0.0), max(SECONDS / 2 - DOWN / 2, 0.0) + DOWN)}
    if faults == {"redis", "postgres"}:  # one after the other; the first reminder run in Redis's
        return {"redis": (SECONDS / 6, SECONDS / 2), "postgres": (SECONDS * 3 / 4, SECONDS * 3 / 4 + DOWN)}
    if faults:
        raise SystemExit(f"LOAD_FAULT: redis, postgres or both (redis,postgres), not {os.environ['LOAD_FAULT']!r}")
    return {}


def timeline(run: Run, cache: Redis, database: Postgres | None) -> list[tuple[float, str, object]]:
    """(seconds since the start, what, action), in order."""
    threads: list[threading.Thread] = []
    steps: list[tuple[float, str, object]] = [
        (SECONDS / 3, "", lambda: threads.extend(reminders(run, "first reminder run"))),
        (2 * SECONDS / 3, "", lambda: threads.extend(reminders(run, "second reminder run"))),
    ]
    services = {"redis": ("Redis", cache), "postgres": ("PostgreSQL", database)}
    for fault, (down, up) in windows().items():
        name, service = services[fault]

        def stop(fault: str = fault, service: object = service) -> None:
            run.down[fault] = (run.now(), run.now())
            service.stop()

        def start(fault: str = fault, service: object = service) -> None:
            service.start()
            run.down[fault] = (run.down[fault][0], run.now())

        steps += [(down, f"{name} stopped", stop), (up, f"{name} started", start)]
    steps.sort(key=lambda step: step[0])
    steps.append((SECONDS, "", lambda: [thread.join() for thread in threads]))
    return steps


def probe(run: Run, port: int, stop: threading.Event) -> None:
    """/health/live/ (a query) every 0.2 s, as a load balancer does: when the app reaches its
    database again."""
    while not stop.is_set():
        at = run.now()
        try:
            status = Client(port).request("GET", "/health/live/")[0]
        except (OSError, http.client.HTTPException):
            status = 0
        run.probes.append((at, status))
        time.sleep(0.2)


def beat(run: Run, steps: list[tuple[float, str, object]], stop: threading.Event) -> None:
    """The scheduled faults and jobs, and the sweeper every SWEEP_EVERY seconds."""
    next_sweep = 0.0
    while not stop.is_set():
        if steps and run.now() >= steps[0][0]:
            _at, label, action = steps.pop(0)
            action()
            if label:
                run.note(label)
            continue
        if run.now() >= next_sweep:
            send(run, "notifications.sweep", quiet=True)
            next_sweep = run.now() + SWEEP_EVERY
        time.sleep(0.05)


def drain(run: Run, survey: object) -> None:
    """Waits until none of the survey's outbox rows is pending or sending (the sweeper keeps
    running meanwhile), at most DRAIN seconds."""
    from django.db import connection  # noqa: PLC0415

    from cop.models import Notification  # noqa: PLC0415

    connection.close()  # a connection from before a database restart would be gone
    deadline = time.monotonic() + DRAIN
    rows = Notification.objects.filter(subject_id=survey.pk, kind__startswith="survey.")
    while rows.filter(status__in=["pending", "sending"]).exists():
        if time.monotonic() > deadline:
            run.note(f"outbox not drained within {DRAIN:g} s")
            return
        time.sleep(0.5)
    run.note("outbox drained")
    time.sleep(1)  # a duplicate would arrive now


@dataclass
class Check:
    label: str
    value: str
    ok: bool


def counted(run: Run, survey: object, questions: int, sink: Sink) -> list[Check]:
    from django.contrib.contenttypes.models import ContentType  # noqa: PLC0415
    from django.db.models import Count  # noqa: PLC0415

    from cop.models import Notification  # noqa: PLC0415
    from feedback.models import Answer, SurveyResponse  # noqa: PLC0415
    from meetings.models import Topic, TopicVote  # noqa: PLC0415

    checks = []
    responses = SurveyResponse.objects.filter(survey=survey).count()
    checks.append(Check("responses", f"{responses} (interns: {INTERNS})", responses == INTERNS))
    answers = Answer.objects.filter(response__survey=survey).count()
    checks.append(
        Check("answers", f"{answers} ({INTERNS} interns x {questions} questions)", answers == INTERNS * questions)
    )
    responded = survey.invites.filter(responded_at__isnull=False).count()
    checks.append(Check("invites marked responded", str(responded), responded == INTERNS))
    checks.append(Check("interns who saw the thank-you page", str(len(run.done)), len(run.done) == INTERNS))

    rows = Notification.objects.filter(subject_type=ContentType.objects.get_for_model(survey), subject_id=survey.pk)
    twice = rows.values("recipient_id", "kind", "occasion").annotate(n=Count("pk")).filter(n__gt=1).count()
    checks.append(Check("outbox rows twice for one person, kind and occasion", str(twice), twice == 0))
    invitations = rows.filter(kind="survey.invitation").count()
    invited = rows.filter(kind="survey.invitation").values("recipient_id").distinct().count()
    checks.append(Check("invitations", f"{invitations} to {invited} people", invitations == invited == INTERNS))
    reminders = rows.filter(kind="survey.reminder").count()
    reminded = survey.invites.filter(reminders_sent=1).count()
    more = survey.invites.filter(reminders_sent__gt=1).count()
    checks.append(
        Check(
            "reminders",
            f"{reminders} rows, {reminded} invitees marked reminded once, {more} more than once",
            reminders == reminded and more == 0,
        )
    )
    left = rows.exclude(status__in=["sent", "skipped"]).count()
    sent = set(rows.filter(status="sent").values_list("pk", flat=True))
    checks.append(Check("outbox rows not sent", str(left), left == 0))
    with sink.lock:
        ids = [int(found.group(1)) for found in map(MESSAGE_ID.search, sink.message_ids) if found]
    survey_rows = set(rows.values_list("pk", flat=True))
    mine = [pk for pk in ids if pk in survey_rows]
    again = len(mine) - len(set(mine))
    checks.append(
        Check(
            "e-mails received",
            f"{len(mine)} for {len(sent)} rows sent, {again} twice",
            again == 0 and set(mine) == sent,
        )
    )
    if "redis" in run.down:
        checks.append(written_while_redis_was_down(run, rows))
    topics = Topic.objects.filter(community=survey.community, title__in=TOPICS)
    per_title = dict(topics.values_list("title").annotate(n=Count("pk")))
    votes = {
        title: TopicVote.objects.filter(topic__community=survey.community, topic__title=title).count()
        for title in TOPICS
    }
    asked = {title: sum(1 for n in range(INTERNS) if TOPICS[n % len(TOPICS)] == title) for title in TOPICS}
    checks.append(
        Check(
            "requested topics in the backlog",
            ", ".join(f"{per_title.get(title, 0)} x with {votes[title]}/{asked[title]} votes" for title in TOPICS),
            all(per_title.get(title) == 1 and votes[title] == asked[title] for title in TOPICS),
        )
    )
    return checks


def written_while_redis_was_down(run: Run, rows: object) -> Check:
    """The outbox rows queued while the broker was down: each sent once it was back (by the
    sweeper: their own task could not be queued)."""
    stopped, started = (run.wall + timedelta(seconds=moment) for moment in run.down["redis"])
    written = rows.filter(created_at__gte=stopped, created_at__lt=started)
    sent = sorted(written.filter(status="sent").values_list("finished_at", flat=True))
    early = sum(1 for moment in sent if moment < started)
    after = (
        f"{(sent[0] - started).total_seconds():.1f} to {(sent[-1] - started).total_seconds():.1f} s after it was back"
        if sent
        else "none sent"
    )
    count = written.count()
    return Check(
        "outbox rows written while Redis was down",
        f"{count}, {len(sent)} sent {after}, {early} before",
        count > 0 and len(sent) == count and early == 0,
    )


def requests_checked(run: Run, workers_before: list[int], workers_after: list[int]) -> list[Check]:
    unclean = [call for call in run.calls if call.status not in {200, 503}]
    errors = ", ".join(sorted({call.error or str(call.status) for call in unclean}))
    checks = [Check("errors (no answer, or other than 200 and 503)", f"{len(unclean)} {errors}".strip(), not unclean)]
    refused = [call for call in run.calls if call.status == 503]
    if "postgres" not in FAULTS:
        checks.append(Check("503s", str(len(refused)), not refused))
        return checks
    stopped, started = run.down["postgres"]
    # In flight when it stopped, or up to 5 s after it started (a worker's first try reconnects).
    outside = [call for call in refused if call.at + call.ms / 1000 < stopped or call.at > started + 5]
    bare = [call for call in refused if not call.retry_after]
    slowest = max((call.ms for call in refused), default=0.0)
    back = min((at for at, status in run.probes if status == 200 and at >= started), default=None)
    checks += [
        Check(
            "503 while PostgreSQL was down",
            f"{len(refused)} (slowest {slowest:.0f} ms), {len(bare)} without Retry-After, {len(outside)} "
            f"outside the {started - stopped:.1f} s it was down; /health/live/ answered 200 again "
            + (f"{back - started:.1f} s after it was back" if back is not None else "never"),
            slowest < 5000 and not bare and not outside and back is not None and back - started < 5,
        ),
        Check(
            "gunicorn workers replaced",
            str(len(set(workers_before) - set(workers_after))),
            workers_before == workers_after,
        ),
    ]
    return checks


def latency(run: Run, kind: str) -> str:
    chosen = [call for call in run.calls if call.kind == kind and call.status == 200]
    if not chosen:
        return "none answered"
    client = [call.ms for call in chosen]
    server = [call.server_ms for call in chosen if call.server_ms is not None]
    text = (
        f"p50 {statistics.median(client):.0f} ms, p95 {percentile(client, 0.95):.0f} ms, "
        f"max {max(client):.0f} ms (server time p50 {statistics.median(server):.0f} ms, "
        f"p95 {percentile(server, 0.95):.0f} ms)"
    )
    if "redis" in run.down:
        stopped, started = run.down["redis"]
        during = [call.ms for call in chosen if stopped <= call.at < started]
        if during:
            text += f"; while Redis was down p50 {statistics.median(during):.0f} ms ({len(during)} requests)"
    return text


def report(run: Run, checks: list[Check], about: dict[str, str]) -> str:
    from django.utils import timezone  # noqa: PLC0415

    forms = sum(1 for call in run.calls if call.kind == "form")
    submits = sum(1 for call in run.calls if call.kind == "submit")
    doubles = INTERNS // DOUBLE if DOUBLE else 0
    lines = [
        (
            f"load: {INTERNS} interns arriving over {SECONDS:g} s (up to {THINK:g} s on the form), "
            f"fault: {','.join(FAULTS) or 'none'}; {timezone.localdate():%Y-%m-%d}, {about['code']}"
        ),
        (
            f"machine: {about['cores']} cores ({about['cpu']}), {about['memory']}, load average "
            f"{run.load_average:.1f} before the run; PostgreSQL {about['postgresql']}, gunicorn {WORKERS} "
            "sync workers, Celery worker 2 processes"
        ),
        (
            f"requests: {len(run.calls)} in {run.elapsed:.1f} s ({forms} form, {submits} submit; "
            f"{doubles} double taps), at most {run.most_in_flight} at once"
        ),
        f"form:   {latency(run, 'form')}",
        f"submit: {latency(run, 'submit')}",
    ]
    lines += [f"{'ok  ' if check.ok else 'FAIL'} {check.label}: {check.value}" for check in checks]
    return "\n".join(lines)


def phase(started: float, what: str) -> None:
    print(f"[{time.monotonic() - started:5.1f} s] {what}", flush=True)


def loaded(run: Run, port: int, interns: list[Intern], steps: list) -> None:
    """Every intern answers while the scheduled faults and jobs happen and /health/live/ is probed."""
    stop = threading.Event()
    helpers = [
        threading.Thread(target=beat, args=(run, steps, stop)),
        threading.Thread(target=probe, args=(run, port, stop)),
    ]
    clients = [threading.Thread(target=answer, args=(run, port, intern)) for intern in interns]
    for thread in helpers + clients:
        thread.start()
    for client in clients:
        client.join()
    run.elapsed = run.now()
    while steps:  # the last scheduled steps (the reminder runs finishing)
        time.sleep(0.1)
    stop.set()
    for helper in helpers:
        helper.join()


def together(*stops: object) -> None:
    """Stops services side by side (each takes a second or two)."""
    threads = [threading.Thread(target=stop) for stop in stops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    began = time.monotonic()
    with contextlib.ExitStack() as stack:
        cache = stack.enter_context(Redis())
        database = stack.enter_context(Postgres()) if "postgres" in FAULTS else None
        configure(database=database.url("gilde_load") if database else DATABASE_URL, redis=cache.url, var="load")
        os.environ["NOTIFICATION_SWEEP_GRACE"] = "5"
        ensure_database(os.environ["DATABASE_URL"])
        phase(began, "services started")
        django.setup()
        sink = stack.enter_context(Sink())
        worker = Worker({**os.environ, **sink.env()}, name="load")
        stack.callback(worker.stop)
        worker.launch()  # it starts while the database is migrated
        install()
        phase(began, "migrated, static files collected")
        survey, interns, questions = scenario(stamp)
        print(f"{len(interns)} interns invited to survey {survey.pk} ({questions} questions)", flush=True)
        server = Server(workers=WORKERS)
        stack.callback(together, lambda: server.__exit__(None, None, None), worker.stop)
        server.__enter__()
        workers_before = sorted(children(server.process.pid))
        for intern in interns[: 3 * WORKERS]:  # a worker's first requests load code and templates
            Client(server.port).request("GET", intern.path)
        worker.ready()
        phase(began, "gunicorn and the Celery worker started, gunicorn warmed up")
        run = Run()
        loaded(run, server.port, interns, timeline(run, cache, database))
        phase(began, "every intern answered")
        drain(run, survey)
        workers_after = sorted(children(server.process.pid))
        checks = requests_checked(run, workers_before, workers_after) + counted(run, survey, questions, sink)
        text = report(run, checks, machine())
        phase(began, "counted")
    phase(began, "services stopped")
    if os.environ.get("LOAD_CALLS"):  # every request as CSV, for a closer look
        lines = [
            f"{call.kind},{call.status},{call.ms:.1f},{call.at:.3f},{call.server_ms or ''},{call.error}"
            for call in run.calls
        ]
        Path(os.environ["LOAD_CALLS"]).write_text("kind,status,ms,at,server_ms,error\n" + "\n".join(lines) + "\n")
    print("\n" + text)
    if not all(check.ok for check in checks):
        raise SystemExit(1)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(each) for each in path.read_text().split()] if path.exists() else []


if __name__ == "__main__":
    main()
