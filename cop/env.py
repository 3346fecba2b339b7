"""Typed readers for environment variables.

Each helper returns the default only when the variable is unset (or empty) and raises
`ImproperlyConfigured` naming the variable when a value is set but cannot be understood,
so a typo in production fails at start-up instead of silently falling back.
"""

import os
from collections.abc import Mapping
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name, "").strip()
    return value or None


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str | None:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use one of true/false, 1/0, yes/no, on/off.")


def env_int(name: str, default: int, *, environ: Mapping[str, str] | None = None, minimum: int = 0) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(
    name: str, default: str | None = None, *, schemes: tuple[str, ...], environ: Mapping[str, str] | None = None
) -> str | None:
    value = _raw(name, environ)
    if value is None:
        return default
    parts = urlsplit(value)
    if parts.scheme not in schemes or not (parts.netloc or parts.path):
        raise ImproperlyConfigured(f"{name}={value!r} is not a URL starting with one of: {', '.join(schemes)}.")
    return value


def env_choice(name: str, default: str, *, choices: tuple[str, ...], environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    if value is None:
        return default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}.")
    return value


def env_timezone(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    if value is None:
        return default
    if value not in available_timezones():
        raise ImproperlyConfigured(f"{name}={value!r} is not an IANA time zone such as Europe/Amsterdam.")
    return value
