"""Work a web process does once when it starts, so that no visitor pays for it.

Django loads lazily: the first request a process serves imports every view module (to build the
URL resolver), reads the translation catalogues and compiles each template it renders. Measured
under gunicorn that made a worker's first request some 300 ms and its first visit to each page
tens of milliseconds more, the slowest responses of a busy day: every worker pays it again after
a restart or a deploy (`make bench` saw them as the 95th percentile of the first pages). `warm()`
does it while the worker boots, before it accepts a connection (`cop.wsgi`); with gunicorn's
`--preload` it is done once and shared by the forked workers.

Then `settle()` moves what start-up made (some 150,000 objects: modules, classes, functions,
compiled templates) out of the garbage collector's sight. They live as long as the process, yet
every full collection walked them all: 85-110 ms on the benchmark machine, once every few dozen
requests, which made a page's 95th percentile 115 ms where its median was 11 (`make bench`).
"""

import gc
import logging
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib import auth
from django.core.cache import caches
from django.template import engines
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)

# What is compiled from templates/: pages, partials and e-mails (HTML and plain text).
TEMPLATE_SUFFIXES = (".html", ".txt")


def templates() -> list[str]:
    """The names of the project's own templates (templates/), sorted."""
    root = Path(settings.BASE_DIR) / "templates"
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.suffix in TEMPLATE_SUFFIXES)


def warm() -> int:
    """Build the URL resolver, load both languages' catalogues and compile the project's templates
    into the cached loader. Returns how many templates were compiled."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Gilde")  # reads the catalogues
            reverse("home")  # imports every view module and builds the resolver (per language)
    translation.deactivate()  # as the process was: each request activates its own language
    # Imported by name on first use: the session engine, the authentication backends, the cache
    # backend (it connects on its first call, in the worker) and the context processors.
    import_module(settings.SESSION_ENGINE)
    auth.get_backends()
    caches["default"]
    engine = engines["django"]
    engine.engine.template_context_processors  # noqa: B018
    compiled = 0
    for name in templates():
        try:
            engine.get_template(name)
        except Exception:  # an optimisation: one broken template must not stop the server
            logger.warning("template %s not compiled at start-up", name, exc_info=True)
            continue  # its page fails as it would have; the test suite compiles every one
        compiled += 1
    return compiled


def settle() -> None:
    """Collect start-up's garbage, then freeze what is left (gc.freeze): full collections walk
    only what requests create from then on (3 ms instead of ~90 here). Not with DEBUG on:
    runserver compiles a template again when it is edited, and the frozen old one, full of
    cycles, would never be freed."""
    if settings.DEBUG:
        return
    gc.collect()
    gc.freeze()
