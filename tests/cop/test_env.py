import pytest
from django.core.exceptions import ImproperlyConfigured

from cop.env import env_bool, env_choice, env_int, env_list, env_str, env_timezone, env_url


def test_unset_and_empty_values_give_the_default():
    assert env_str("X", "fallback", environ={}) == "fallback"
    assert env_bool("X", True, environ={"X": "  "}) is True
    assert env_int("X", 7, environ={}) == 7
    assert env_list("X", ["a"], environ={}) == ["a"]
    assert env_url("X", None, schemes=("redis",), environ={}) is None


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False)])
def test_env_bool_reads_common_spellings(raw, expected):
    assert env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


def test_env_bool_rejects_anything_else():
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG='ja' is not a boolean"):
        env_bool("DEBUG", False, environ={"DEBUG": "ja"})


def test_env_int_rejects_words_and_values_below_the_minimum():
    with pytest.raises(ImproperlyConfigured, match=r"EMAIL_PORT='twenty' is not a whole number"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "twenty"})
    with pytest.raises(ImproperlyConfigured, match=r"EMAIL_PORT=0 must be at least 1"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "0"}, minimum=1)
    assert env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "2525"}) == 2525


def test_env_list_splits_on_commas_and_drops_blanks():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.nl, b.nl,,"}) == ["a.nl", "b.nl"]


def test_env_url_checks_the_scheme():
    assert env_url("REDIS_URL", schemes=("redis",), environ={"REDIS_URL": "redis://h:6379/0"}) == "redis://h:6379/0"
    with pytest.raises(ImproperlyConfigured, match=r"REDIS_URL='localhost:6379' is not a URL"):
        env_url("REDIS_URL", schemes=("redis",), environ={"REDIS_URL": "localhost:6379"})


def test_env_choice_and_timezone_reject_unknown_values():
    assert env_choice("LANGUAGE_CODE", "nl", choices=("nl", "en"), environ={"LANGUAGE_CODE": "en"}) == "en"
    with pytest.raises(ImproperlyConfigured, match=r"LANGUAGE_CODE='de' is not one of: nl, en"):
        env_choice("LANGUAGE_CODE", "nl", choices=("nl", "en"), environ={"LANGUAGE_CODE": "de"})
    assert env_timezone("TIME_ZONE", "UTC", environ={"TIME_ZONE": "Europe/Amsterdam"}) == "Europe/Amsterdam"
    with pytest.raises(ImproperlyConfigured, match=r"TIME_ZONE='Europe/Utrecht' is not an IANA time zone"):
        env_timezone("TIME_ZONE", "UTC", environ={"TIME_ZONE": "Europe/Utrecht"})
