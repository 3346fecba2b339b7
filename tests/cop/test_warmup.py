"""A web process compiles its templates and builds its URL resolver while it boots (cop.warmup),
so its first visitors do not wait for it."""

import subprocess
import sys

from django.template import engines

from cop.warmup import templates, warm
from tests.conftest import ROOT


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
from django.template import engines
from django.urls import get_resolver
from django.utils import translation
loader = engines["django"].engine.template_loaders[0]
print(len(loader.get_template_cache), "base.html" in loader.get_template_cache)
print(translation.get_language() in get_resolver()._reverse_dict)
print("meetings.views" in sys.modules, "feedback.views.answer" in sys.modules)
"""


def test_the_wsgi_entry_point_warms_the_process_before_the_first_request():
    result = subprocess.run(  # noqa: S603 (this Python, a fixed script)
        [sys.executable, "-c", WORKER], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    count, resolver, views = result.stdout.splitlines()
    assert count.split() == [str(len(templates())), "True"]
    assert resolver == "True"
    assert views == "True True"
