"""Hostile input for the property-based tests (tests/*/test_hostile_*.py): what people paste and
scripts send (control characters, NUL above all, which PostgreSQL refuses in text; oversized
text; markup; digits that are not ASCII; impossible dates; unknown choices), and the checks every
answer must pass: no 500 (the test client raises it), a rejected form changes nothing in the
database, its message is in the person's language, user text comes back escaped."""

import html
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache

from django.core.cache import cache as django_cache
from django.db import connection, transaction
from django.utils.translation import trans_real
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Hypothesis settings for every hostile test: few examples (each is a request or two), no
# deadline (a request on the shared machine may take a while), no example database written into
# the working tree. Fixtures are per test, not per example: each test says how examples stay apart.
# HOSTILE_SCALE=20 (say) searches twenty times as long, for a deeper look than the suite's.
SCALE = int(os.environ.get("HOSTILE_SCALE", "1"))
HOSTILE = settings(
    max_examples=15 * SCALE,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCRIPT = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"

# The classics, always among the examples hypothesis draws from.
CLASSIC_TEXT = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "\x00",
    "Bijeen\x00komst",
    FORMULA,
    "+31 6 1234",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "x" * 10_001,
    "²",
    "٣",
    "\u202egnirts",
    "\ufeffBOM",
    "line\r\nSECOND:LINE",
    "' OR 1=1 --",
    "{{ 7|add:7 }} {% now 'Y' %}",
    "%(name)s %s %d",
    " ",
    "",
    "Zoë 😀 数",
    "\\",
]

# Text: the classics, anything Unicode (no lone surrogates: they cannot be sent as UTF-8),
# ordinary text with control characters (NUL included) inside, and oversized text.
_any = st.text(st.characters(codec="utf-8"), max_size=30)
_control = st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=3)
nasty_text = st.one_of(
    st.sampled_from(CLASSIC_TEXT),
    _any,
    st.builds(lambda before, control, after: before + control + after, _any, _control, _any),
    st.integers(300, 12_000).map(lambda length: ("Lange tekst " * (length // 11 + 1))[:length]),
)

# Numbers as typed: negative, huge (past 32 and 64 bits), not decimal, not ASCII, not numbers.
nasty_number = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.integers(2**31 - 2, 2**63 + 2).map(str),
    st.integers(-(2**63) - 2, -(2**31) + 2).map(str),
    st.sampled_from(
        ["²", "٣", "３", "٣٠", "1e3", "0x1F", "1.5", "-0", " 7 ", "NaN", "inf", "9" * 5000, "", "\x00", "1_000", "+5"]  # noqa: RUF001 (digits of other scripts, on purpose)
    ),
)


def _local(moment: datetime) -> str:
    # Zero-padded years whatever the platform's strftime does with years before 1000.
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}"


# Date and time as a browser's datetime-local sends it (or a script does): anywhere in years 1 to
# 9999, impossible days and hours, daylight saving's gap and doubled hour in Europe/Amsterdam,
# offsets, other digits, nonsense.
nasty_datetime = st.one_of(
    st.sampled_from(
        [
            "0001-01-01T00:00",
            "9999-12-31T23:59",
            "0001-01-01T00:00+14:00",
            "9999-12-31T23:59-12:00",
            "2026-02-30T10:00",
            "2026-13-01T10:00",
            "2026-01-01T25:00",
            "2030-03-31T02:30",
            "2030-10-27T02:30",
            "10000-01-01T00:00",
            "٢٠٢٦-٠١-٠١T10:00",  # noqa: RUF001 (digits of other scripts, on purpose)
            "2026-01-01T10:00Z",
            "tomorrow",
            "",
            "\x00",
        ]
    ),
    # Naive, as a datetime-local field sends it; the person's time zone applies.
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(_local),  # noqa: DTZ001
    st.text(st.sampled_from("0123456789-:T +"), max_size=20),
)
nasty_date = st.one_of(
    st.sampled_from(
        ["0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "٢٠٢٦-٠١-٠١", "31-12-2026", "", "\x00"]  # noqa: RUF001 (on purpose)
    ),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(
        lambda day: f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    ),
    st.text(st.sampled_from("0123456789-/."), max_size=12),
)
nasty_time = st.one_of(
    st.sampled_from(["24:00", "23:60", "-1:00", "٣:٠٠", "12:00:00.5", "2:30", "", "\x00", "noon"]),  # noqa: RUF001 (on purpose)
    st.times().map(lambda moment: moment.strftime("%H:%M")),
)

# A choice that is not one (or one that is, with something around it).
nasty_choice = st.one_of(
    st.sampled_from(["", "\x00", "admin", "manager", "staff", "facilitator ", "FACILITATOR", "None", "0", "-1"]),
    nasty_text,
)

nasty_value = st.one_of(nasty_text, nasty_number, nasty_datetime, nasty_choice)
languages = st.sampled_from(["nl", "en"])


def speak(person, language: str) -> None:
    """The person's language for the next request (the examples of one test take turns)."""
    type(person).objects.filter(pk=person.pk).update(language=language)


@st.composite
def form_changes(draw, fields: dict[str, st.SearchStrategy], *, most: int = 3) -> dict[str, str]:
    """One to `most` of a form's fields, each given something hostile by its own strategy."""
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=most, unique=True))
    return {field: draw(fields[field], label=field) for field in chosen}


# The database, before and after -----------------------------------------------------------

# Tables a rejected form may still touch: the session (messages, login) and nothing else.
UNCHECKED_TABLES = {"django_session", "django_migrations"}


@cache
def _state_sql() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall() if name not in UNCHECKED_TABLES]
    quote = connection.ops.quote_name
    return " UNION ALL ".join(
        f"SELECT '{name}', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608 (names from pg_tables, quoted)
        f"FROM {quote(name)} AS t"
        for name in tables
    )


def database_state() -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows (one query): equal before and after
    means nothing was inserted, changed or deleted."""
    with connection.cursor() as cursor:
        cursor.execute(_state_sql())
        return {name: (count, digest) for name, count, digest in cursor.fetchall()}


def changed_tables(before: dict[str, tuple[int, str]]) -> list[str]:
    after = database_state()
    return sorted(name for name in after if after[name] != before.get(name))


class _Undo(Exception):  # noqa: N818 (not an error: the way out of the savepoint)
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """One hypothesis example in a savepoint that is rolled back: the next starts from the same
    rows (a test function's examples share its database transaction). The cache is emptied with
    it: what it holds (sessions among them) may name rows that are gone."""
    try:
        with transaction.atomic():
            yield
            raise _Undo  # noqa: TRY301 (the way out, rolling the savepoint back)
    except _Undo:
        pass
    finally:
        django_cache.clear()


# What the page says -------------------------------------------------------------------------

_ERROR_LISTS = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)
_ITEMS = re.compile(r"<li>(.*?)</li>", re.S)
_INLINE_ERRORS = re.compile(r'<(p|span) class="errorlist[^"]*"[^>]*>(.*?)</\1>', re.S)
_ALERTS = re.compile(r'<(?:div|p|li) class="message message--error"[^>]*>(.*?)</(?:div|p|li)>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())


def error_messages(page: str) -> list[str]:
    """The error messages a page shows: form errors and error alerts, as text."""
    found = [_text(item) for errors in _ERROR_LISTS.findall(page) for item in _ITEMS.findall(errors)]
    found += [_text(error) for _tag, error in _INLINE_ERRORS.findall(page)]
    found += [_text(alert) for alert in _ALERTS.findall(page)]
    return [message for message in found if message]


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")


def _pattern(message: str) -> str:
    """The message as a regular expression, each placeholder standing for any text."""
    return ".+?".join(re.escape(part) for part in _PLACEHOLDER.split(" ".join(message.split())))


@cache
def _foreign(language: str) -> re.Pattern:
    """Messages in the other language: for Dutch, every English original that has a Dutch
    translation; for English, every Dutch translation. Placeholders match anything."""
    catalog = trans_real.translation("nl")._catalog
    texts = set()
    for key, translated in catalog.items():
        original = key[0] if isinstance(key, tuple) else key
        if not original or not translated or " ".join(original.split()) == " ".join(translated.split()):
            continue
        texts.add(original if language == "nl" else translated)
    # Short words ("Name", "Type") appear in sentences of both languages, and a message that is
    # mostly placeholders matches anything: only messages with some words of their own.
    patterns = sorted(
        (_pattern(text) for text in texts if len(re.sub(r"\W", "", _PLACEHOLDER.sub("", text))) >= 10),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?:%s)" % "|".join(patterns))  # noqa: UP031 (a regular expression, not a message)


def assert_in_language(messages: list[str], language: str) -> None:
    """No message is in the other language (an untranslated English one on a Dutch page)."""
    foreign = _foreign(language)
    wrong = [message for message in messages if foreign.fullmatch(message)]
    assert not wrong, f"not in {language}: {wrong}"


def assert_rejected_cleanly(response, before: dict[str, tuple[int, str]], language: str) -> list[str]:
    """A rejected form: it says why, in the person's language, and nothing was stored."""
    page = response.content.decode()
    messages = error_messages(page)
    assert messages, "a rejected form shows why"
    assert_in_language(messages, language)
    assert changed_tables(before) == []
    return messages


def assert_escaped(page: str) -> None:
    """Markup that was typed never comes back as markup."""
    assert SCRIPT not in page
    assert "<img src=x onerror" not in page
