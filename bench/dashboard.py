"""Dashboard benchmark: the management dashboard on a large organisation's year of data
(`manage.py seed_scale`, factor 1.0), measured the way it runs in production, minus the socket.

    make bench-dashboard                  # BENCH_REQUESTS=50 per page, writes README.md's table
    BENCH_README=0 make bench-dashboard   # print only

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default gilde_bench, created if missing):
migrates it and seeds it once (again only when it does not hold the factor-1.0 dataset; a
database whose name lacks "bench" is never emptied). Then each page is requested through
Django's WSGI application, as gunicorn calls it: DEBUG off, https, the Redis cache, a persistent
database connection (CONN_MAX_AGE), static files collected, and the request signals that manage it, logged in as the
bench manager. Warm-up requests first, then BENCH_REQUESTS timed ones per page: median and 95th
percentile server time (nearest rank), time spent in the database, queries per request, response
bytes (and gzipped, as GZipMiddleware sends them). Finally the slowest queries of the organisation
page are run again under EXPLAIN (ANALYZE, BUFFERS); the plans go to var/bench-dashboard-explain.txt.
It is a benchmark, not a test: it prints figures.
"""

import gzip
import io
import os
import re
import statistics
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings")
# Production-like: cached templates, no debug bookkeeping, secure cookies.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else-0123456789abcdef")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gilde_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
# Its own var/ directory: collectstatic (hashed, compressed files, as in production) writes there.
os.environ.setdefault("GILDE_VAR_DIR", str(ROOT / "var" / "bench-dashboard"))

import django  # noqa: E402

from bench.common import ensure_database, machine, percentile, prepare  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
WARM_UP = int(os.environ.get("BENCH_WARMUP", "5"))
WRITE_README = os.environ.get("BENCH_README", "1") != "0"
BUDGET_MS = 100  # issue 7: the organisation dashboard answers within 100 ms
SLOW_QUERIES = 5
README = ROOT / "README.md"
EXPLAIN_FILE = ROOT / "var" / "bench-dashboard-explain.txt"
START, END = "<!-- bench-dashboard:start -->", "<!-- bench-dashboard:end -->"


@dataclass
class Result:
    label: str
    path: str
    times: list[float]  # ms per request
    db_times: list[float]  # ms in the database per request
    queries: set[int]
    size: int
    gzipped: int

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return percentile(self.times, 0.95)


class Counter:
    """Counts and times every query through the connection's execute wrapper."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, (time.perf_counter() - started) * 1000))


class Browser:
    """Requests through the WSGI application, as a WSGI server would make them."""

    def __init__(self, session_key: str) -> None:
        from django.conf import settings  # noqa: PLC0415 (after django.setup)
        from django.core.wsgi import get_wsgi_application  # noqa: PLC0415

        self.app = get_wsgi_application()
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"

    def get(self, path: str) -> tuple[str, bytes, int]:
        """(status, the page, bytes sent)."""
        route, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": route,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": self.cookie,
            "HTTP_ACCEPT_LANGUAGE": "nl",
            "HTTP_ACCEPT_ENCODING": "gzip",
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status = []
        result = self.app(environ, lambda code, headers, exc_info=None: status.append((code, dict(headers))))
        try:
            body = b"".join(result)
        finally:
            result.close()  # request_finished: the connection is kept or closed as in production
        code, headers = status[0]
        if headers.get("Content-Encoding") == "gzip":  # GZipMiddleware: the page as sent, and as read
            return code, gzip.decompress(body), len(body)
        return code, body, len(body)


def measure(browser: Browser, label: str, path: str) -> Result:
    from django.db import connection  # noqa: PLC0415

    for _ in range(WARM_UP):
        code, body, _sent = browser.get(path)
        if not code.startswith("200"):
            raise SystemExit(f"{path} answered {code}")
    times, db_times, queries = [], [], set()
    for _ in range(REQUESTS):
        counter = Counter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            code, body, sent = browser.get(path)
            times.append((time.perf_counter() - started) * 1000)
        db_times.append(sum(ms for _sql, _params, ms in counter.queries))
        queries.add(len(counter.queries))
    return Result(label, path, times, db_times, queries, len(body), sent)


def slowest(browser: Browser, path: str, runs: int = 5) -> list[tuple[float, str, object]]:
    """The queries of a page by their median time over a few requests, slowest first."""
    from django.db import connection  # noqa: PLC0415

    timings: list[list[float]] = []
    statements: list[tuple[str, object]] = []
    for _ in range(runs):
        counter = Counter()
        with connection.execute_wrapper(counter):
            browser.get(path)
        if not statements:
            statements = [(sql, params) for sql, params, _ms in counter.queries]
            timings = [[] for _ in statements]
        for position, (_sql, _params, ms) in enumerate(counter.queries[: len(timings)]):
            timings[position].append(ms)
    ranked = [(statistics.median(ms), sql, params) for ms, (sql, params) in zip(timings, statements, strict=True)]
    return sorted(ranked, key=lambda row: -row[0])


def explain(queries: list[tuple[float, str, object]]) -> list[tuple[float, str, str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of each query: (median ms, first line of SQL, plan)."""
    from django.db import connection  # noqa: PLC0415

    plans = []
    with connection.cursor() as cursor:
        for ms, sql, params in queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            plans.append((ms, sql, plan))
    return plans


def table(results: list[Result]) -> str:
    lines = [
        "| page | median ms | p95 ms | database ms (median) | queries | bytes | gzipped |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        queries = "/".join(str(count) for count in sorted(result.queries))
        lines.append(
            f"| {result.label} | {result.median:.1f} | {result.p95:.1f} | {statistics.median(result.db_times):.1f} "
            f"| {queries} | {result.size:,} | {result.gzipped:,} |"
        )
    return "\n".join(lines)


def report_block(results: list[Result], about: dict[str, str], counts: dict[str, int]) -> str:
    from django.utils import timezone  # noqa: PLC0415

    rows = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    summary = (
        f"Measured {timezone.localdate():%Y-%m-%d} ({about['code']}) on {about['cores']} cores ({about['cpu']}), "
        f"PostgreSQL {about['postgresql']}, Python {about['python']}, Django {about['django']}; {REQUESTS} requests "
        f"per page after {WARM_UP} to warm up, as the bench manager. Dataset (`seed_scale`, factor 1.0): {rows}."
    )
    return "\n".join([START, textwrap.fill(summary, 100, break_on_hyphens=False), "", table(results), END])


def readme_write(block: str) -> bool:
    text = README.read_text()
    if START not in text or END not in text:
        return False
    before, rest = text.split(START, 1)
    _old, after = rest.split(END, 1)
    README.write_text(before + block + after)
    return True


def main() -> None:
    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.conf import settings  # noqa: PLC0415 (after django.setup)
    from django.db.models import Count  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from cop.models import Community  # noqa: PLC0415
    from cop.scale import dataset_counts  # noqa: PLC0415
    from cop.scale.people import BENCH_MANAGER  # noqa: PLC0415
    from members.models import Membership, User  # noqa: PLC0415

    prepare(1.0)
    login = Client()
    login.force_login(User.objects.get(email=BENCH_MANAGER))
    browser = Browser(login.cookies[settings.SESSION_COOKIE_NAME].value)
    # The community with the most current members: the largest single-community page.
    biggest = Membership.objects.current().values("community_id").annotate(n=Count("pk")).order_by("-n", "community_id")
    largest = Community.objects.get(pk=biggest[0]["community_id"])
    pages = [
        ("organisation, 3 months (default)", "/dashboard/"),
        ("organisation, 12 months", "/dashboard/?months=12"),
        (f"one community ({largest.name}), 3 months", f"/dashboard/?community={largest.slug}"),
        (f"one community ({largest.name}), 12 months", f"/dashboard/?community={largest.slug}&months=12"),
    ]
    # Computed on every request (the cache off: a first visit, or one after the figures expired),
    # then as a manager sees them again within DASHBOARD_CACHE_SECONDS.
    kept = settings.DASHBOARD_CACHE_SECONDS
    settings.DASHBOARD_CACHE_SECONDS = 0
    results = [measure(browser, f"{label}, computed", path) for label, path in pages]
    settings.DASHBOARD_CACHE_SECONDS = kept
    results += [measure(browser, f"{label}, cached", path) for label, path in pages]
    results.append(measure(browser, "floor: /health/live/ (no session, one query)", "/health/live/"))
    about = machine()
    counts = dataset_counts()
    print()
    print(table(results))
    print()
    print("machine: " + ", ".join(f"{key} {value}" for key, value in about.items()))
    print("dataset: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))

    plans = []
    settings.DASHBOARD_CACHE_SECONDS = 0  # the queries themselves, not the cache
    for label, path in pages[:2]:
        queries = slowest(browser, path)
        print(f"\nSlowest queries, {label} (median of 5 requests):")
        for ms, sql, _params in queries[:SLOW_QUERIES]:
            print(f"  {ms:7.1f} ms  {re.sub(r'\s+', ' ', sql)[:150]}")
        plans.extend((label, *plan) for plan in explain(queries[:SLOW_QUERIES]))
    EXPLAIN_FILE.parent.mkdir(exist_ok=True)
    EXPLAIN_FILE.write_text(
        "\n\n".join(f"-- {label}: {ms:.1f} ms (median)\n{sql}\n\n{plan}" for label, ms, sql, plan in plans) + "\n"
    )
    print(f"\nPlans (EXPLAIN ANALYZE, BUFFERS): {EXPLAIN_FILE.relative_to(ROOT)}")

    over = [result for result in results[:2] if result.p95 > BUDGET_MS]
    for result in over:
        print(f"OVER BUDGET: {result.label}: p95 {result.p95:.1f} ms > {BUDGET_MS} ms")
    if WRITE_README:
        written = readme_write(report_block(results, about, counts))
        print("README.md updated." if written else f"README.md has no {START} … {END} block: not written.")


if __name__ == "__main__":
    main()
