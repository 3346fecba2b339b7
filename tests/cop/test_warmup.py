"""A web process compiles its templates and builds its URL resolver while it boots (cop.warmup),
so its first visitors do not wait for it."""

import os
import subprocess
import sys

from django.template import engines

from cop import warmup
from cop.warmup import settle, templates, warm
from tests.conftest import ROOT
from tests.cop.test_settings import PRODUCTION


def test_every_project_template_compiles_into_the_cached_loader():
    names = templates()
    assert "base.html" in names
    assert "feedback/answer.html" in names
    assert all(not name.startswith("/") for name in names)
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()

    assert warm() == len(names)  # every one compiles: none is skipped

    cached = loader.get_template_cache
    assert {"base.html", "meetings/agenda.html", "feedback/answer.html"} <= set(cached)


# The web server's entry point (gunicorn's and runserver's) warms the process on import; checked in a
# process of its own, as a fresh gunicorn worker would be.
WORKER = """
import sys
import cop.wsgi
from django.core.cache import caches
from django.db import connections
from django.template import engines
from django.urls import get_resolver
loader = engines["django"].engine.template_loaders[0]
print(len(loader.get_template_cache), "base.html" in loader.get_template_cache)
print(sorted(key for key in get_resolver()._reverse_dict if isinstance(key, str)))
print("meetings.views" in sys.modules, "feedback.views.answer" in sys.modules)
print(connections["default"].connection is None, caches["default"]._cache._pools == {})
"""


def test_the_wsgi_entry_point_warms_the_process_before_the_first_request():
    # PostgreSQL and Redis unreachable: a worker must still start (and answer 503), so warming
    # opens no connection.
    closed = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run(  # noqa: S603 (this Python, a fixed script)
        [sys.executable, "-c", WORKER],
        cwd=ROOT,
        env={**os.environ, **closed, "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    count, resolver, views, unconnected = result.stdout.splitlines()
    assert count.split() == [str(len(templates())), "True"]
    assert resolver == "['en', 'nl']"
    assert views == "True True"
    assert unconnected == "True True"


def test_a_template_that_does_not_compile_is_skipped_not_fatal(tmp_path, settings, caplog):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "fine.html").write_text("{{ x }}")
    (tmp_path / "templates" / "broken.html").write_text("{% if %}")
    (tmp_path / "templates" / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    settings.BASE_DIR = tmp_path
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]

    assert warm() == 1

    skipped = sorted(record.args[0] for record in caplog.records if record.name == "cop.warmup")
    assert skipped == ["broken.html", "latin1.txt"]


FROZEN = """
import gc
import cop.wsgi
print(gc.get_freeze_count(), len(gc.get_objects()))
"""


def frozen_and_tracked(env: dict[str, str]) -> tuple[int, int]:
    closed = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run(  # noqa: S603 (this Python, a fixed script)
        [sys.executable, "-c", FROZEN],
        cwd=ROOT,
        env={**{name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}, **env, **closed},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    frozen, tracked = map(int, result.stdout.split())
    return frozen, tracked


def test_a_production_worker_freezes_what_start_up_made_and_a_debug_one_does_not():
    # A full collection then walks only what requests make, not the ~150,000 objects that live
    # as long as the process (cop.warmup.settle).
    frozen, tracked = frozen_and_tracked({**PRODUCTION, "GILDE_VAR_DIR": "/tmp/gilde-warmup-test"})  # noqa: S108
    assert frozen > 100_000
    assert tracked < 5_000
    frozen, tracked = frozen_and_tracked({"DEBUG": "true", "GILDE_VAR_DIR": "/tmp/gilde-warmup-test"})  # noqa: S108
    assert frozen == 0
    assert tracked > 100_000


def test_settling_collects_before_it_freezes(monkeypatch, settings):
    # Garbage left from start-up is collected first: frozen, its cycles would never be freed.
    settings.DEBUG = False
    calls = []
    monkeypatch.setattr(warmup.gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(warmup.gc, "freeze", lambda: calls.append("freeze"))
    settle()
    assert calls == ["collect", "freeze"]
