"""Whole pages rendered once per process and reused, for visitors who are not signed in: what
`{% kept %}` (cop/templatetags/kept.py) does for the site header, for a page that is the same
for everyone with the same language and `key`, apart from the CSRF token and the language
switch's return address, which each request gets its own of.

The survey's thank-you page is the answer to every submit of a personal link; rendering it
(the base template, its context processors, the CSRF token, its tags) was 2.3 M of a submit's
6.1 M instructions. A signed-in person (whose header shows their menu), a visitor with messages
waiting, and DEBUG (edited templates show at once) get the page rendered each time."""

import secrets

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

from cop.context_processors import language_next

# Stand-ins while a page is rendered, random per process (see cop/templatetags/kept.py).
TOKEN = secrets.token_hex(16)
NEXT = secrets.token_hex(16)
KEPT = 1000  # pages at most, per process (bounded, then emptied: cheaper than the least recent)
_pages: dict[tuple, list[str]] = {}


def render_kept(request: HttpRequest, template_name: str, context: dict, key: tuple, status: int = 200) -> HttpResponse:
    """render(), kept per template, language and `key`: `key` holds everything in `context` that
    the page shows."""
    if settings.DEBUG or request.user.is_authenticated or len(get_messages(request)):
        return HttpResponse(render_to_string(template_name, context, request), status=status)
    kept_key = (template_name, translation.get_language(), *key)
    parts = _pages.get(kept_key)
    if parts is None:
        html = render_to_string(template_name, {**context, "csrf_token": TOKEN, "language_next": NEXT}, request)
        # Text, token, text, return address, ...: split on both stand-ins, each kept in its place.
        parts = [piece.split(NEXT) for piece in html.split(TOKEN)]
        if len(_pages) >= KEPT:
            _pages.clear()
        _pages[kept_key] = parts
    token, back = get_token(request), escape(language_next(request))
    return HttpResponse(token.join(back.join(piece) for piece in parts), status=status)
