"""`make load`, scaled down, with both of its faults, as a smoke test: 30 interns answer a survey
through gunicorn while Redis is stopped and started, then PostgreSQL (a private cluster); every
count must come out right. The full run (300 interns) and its figures: README, Reliability under
load and faults."""

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.reliability

CHECKS = [
    "errors (no answer, or other than 200 and 503)",
    "503 while PostgreSQL was down",
    "gunicorn workers replaced",
    "responses",
    "answers",
    "invites marked responded",
    "interns who saw the thank-you page",
    "outbox rows twice for one person, kind and occasion",
    "invitations",
    "reminders",
    "outbox rows not sent",
    "e-mails received",
    "outbox rows written while Redis was down",
    "requested topics in the backlog",
]


def test_thirty_interns_answer_through_a_redis_outage_and_a_postgresql_restart(tmp_path):
    env = {
        **os.environ,
        "LOAD_FAULT": "redis,postgres",
        "LOAD_INTERNS": "30",
        "LOAD_SECONDS": "6",
        "LOAD_THINK": "0.5",
        "LOAD_DOWN": "2",
        "LOAD_WORKERS": "2",
        "LOAD_DRAIN": "60",
        "GILDE_VAR_DIR": str(tmp_path / "var"),
    }
    run = subprocess.run(
        [sys.executable, "bench/load.py"], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    report = run.stdout.rsplit("\nload: ", 1)[-1]
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    verdicts = {label: verdict.strip() for verdict, label in re.findall(r"^(ok  |FAIL) ([^:]+):", report, re.M)}
    assert verdicts == dict.fromkeys(CHECKS, "ok")
    assert re.search(r"^ok   responses: 30 \(interns: 30\)$", report, re.M)
    assert re.search(r"^ok   answers: 90 \(30 interns x 3 questions\)$", report, re.M)
    assert re.search(r"^ok   e-mails received: (\d+) for \1 rows sent, 0 twice$", report, re.M)
    assert re.search(r"^ok   503 while PostgreSQL was down: [1-9]\d* ", report, re.M)  # the fault was felt
