"""What the benchmarks share: their database (created, migrated and seeded once with
`seed_scale`), percentiles, and a description of the machine and the code measured.

Import it after the environment is set (DATABASE_URL, DEBUG) and before django.setup()."""

import math
import os
import platform
import shutil
import subprocess
import time
from pathlib import Path

import django
import psycopg

ROOT = Path(__file__).resolve().parent.parent
CODE = ["cop", "members", "meetings", "feedback", "templates", "static"]  # what the pages run


def ensure_database(url: str) -> None:
    """Creates the database named at the end of `url` if the server lacks it."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def seeded(factor: float) -> bool:
    """Whether the database holds seed_scale's dataset at `factor` (its bench manager and its
    counts of communities and meetings)."""
    from cop.models import Community  # noqa: PLC0415 (after django.setup)
    from cop.scale.people import BENCH_MANAGER  # noqa: PLC0415
    from cop.scale.plan import plan_for  # noqa: PLC0415
    from meetings.models import Meeting  # noqa: PLC0415
    from members.models import User  # noqa: PLC0415

    plan = plan_for(factor)
    return (
        User.objects.filter(email=BENCH_MANAGER).exists()
        and Community.objects.count() == plan.communities
        and Meeting.objects.count() == plan.past_meetings + plan.planned_meetings
    )


def install() -> None:
    """Migrates and collects the static files (hashed and compressed, as in production)."""
    from django.core.management import call_command  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def prepare(factor: float) -> None:
    """`install`, then seeds the dataset unless it is there already. A database whose name lacks
    "bench" is never emptied."""
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    from cop.models import Community  # noqa: PLC0415

    install()
    name = connection.settings_dict["NAME"]
    if seeded(factor):
        print(f"{name} already holds the factor-{factor} dataset: not seeding again.")
        return
    force = Community.objects.exists()
    if force and "bench" not in name:
        raise SystemExit(f"{name} has other data and is not a bench database: not emptying it.")
    print(f"Seeding {name} at factor {factor}{' (emptying it first)' if force else ''} ...", flush=True)
    started = time.perf_counter()
    call_command("seed_scale", factor=factor, force=force, verbosity=0)
    print(f"seed_scale took {time.perf_counter() - started:.1f} s (migrations not included)", flush=True)


def survey_answers(questions: list, *, topic: str = "") -> dict[str, object]:
    """A valid form for these survey questions: every one answered, topic requests with `topic`
    (left empty without one, so that no topic is suggested)."""
    from feedback.models import QuestionType  # noqa: PLC0415

    fields: dict[str, object] = {}
    for question in questions:
        key = f"q{question.pk}"
        match question.type:
            case QuestionType.RATING:
                fields[key] = "4"
            case QuestionType.SCALE:
                fields[key] = "8"
            case QuestionType.SINGLE | QuestionType.MULTIPLE:
                fields[key] = question.choices[0]
            case QuestionType.SHORT:
                fields[key] = "Veel geleerd van de anderen"
            case QuestionType.LONG:
                fields[key] = "Praktisch, en de koffie was goed. Volgende keer meer tijd voor vragen."
            case QuestionType.TOPIC if topic:
                fields[key] = topic
    return fields


def revision() -> str:
    """The commit measured, and whether the code had uncommitted changes (a shared checkout)."""
    git = shutil.which("git") or "git"
    try:
        commit = subprocess.run(
            [git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            [git, "status", "--porcelain", "--", *CODE], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "an unknown commit"
    return f"commit {commit}" + (" with uncommitted changes" if changed else "")


def machine() -> dict[str, str]:
    """Cores, CPU model, memory and the versions that matter (after django.setup)."""
    from django.db import connection  # noqa: PLC0415

    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    model = next((line.split(":", 1)[1].strip() for line in lines if "model name" in line), platform.processor())
    meminfo = Path("/proc/meminfo")
    memory = next(
        (
            f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
            for line in (meminfo.read_text().splitlines() if meminfo.exists() else [])
            if line.startswith("MemTotal:")
        ),
        "unknown",
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {
        "cores": str(os.cpu_count()),
        "cpu": model or "unknown",
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "postgresql": server.split(" ")[0],
        "python": platform.python_version(),
        "django": django.get_version(),
        "code": revision(),
    }


def cpu_times() -> tuple[float, float] | None:
    """Seconds of CPU the whole machine has spent busy (user, system, interrupts: every process,
    the server's, the database's, Redis's and the load generator's) and stolen by the hypervisor,
    since boot; None where /proc/stat is missing."""
    stat = Path("/proc/stat")
    if not stat.exists():
        return None
    fields = [int(value) for value in stat.read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    ticks = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / ticks, steal / ticks


def process_cpu(web: int) -> dict[str, float]:
    """Seconds of CPU each kind of process has spent (user and system, as /proc/<pid>/stat counts
    them): "web", the gunicorn master `web` and its workers; "database", PostgreSQL's processes;
    "cache", Redis; "load", this process (the load generator); "other", the rest. A process's
    figure includes its ended children's, so that two readings taken around a run in which a
    PostgreSQL backend ended (a connection older than CONN_MAX_AGE closes) still differ by what
    the run cost. Empty where /proc is missing."""
    proc, ticks, found = Path("/proc"), os.sysconf("SC_CLK_TCK"), {}
    if not (proc / "self" / "stat").exists():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        # The program's name in brackets, then state, parent, ..., the user and system time of
        # the process (14th, 15th) and of its children that ended (16th, 17th).
        name, _, rest = stat.partition(" (")[2].rpartition(")")
        fields = rest.split()
        pid, parent = int(entry.name), int(fields[1])
        if web in (pid, parent):
            kind = "web"
        elif name == "postgres":
            kind = "database"
        elif name == "redis-server":
            kind = "cache"
        elif pid == os.getpid():
            kind = "load"
        else:
            kind = "other"
        found[kind] = found.get(kind, 0.0) + sum(int(value) for value in fields[11:15]) / ticks
    return found
