import re
from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.utils import translation

from tests.conftest import ROOT

CATALOGUE = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_dutch_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_translations_compile_without_system_gettext(tmp_path: Path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    target = tmp_path / "nl" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "django.po").write_bytes(CATALOGUE.read_bytes())
    call_command("compile_translations", verbosity=0)
    compiled = polib.mofile(str(target / "django.mo"))
    assert compiled.find("Log out").msgstr == "Uitloggen"


def test_the_compiled_catalogue_is_in_use():
    with translation.override("nl"):
        assert translation.gettext("Skip to content") == "Naar de inhoud"


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sdfr]", text))


def test_every_translation_keeps_its_placeholders():
    """A Dutch text that drops or misspells %(name)s would show the wrong figure, or none, or
    crash the page; a plural filled as one string would show a single letter."""
    wrong = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.msgid_plural:
            plural = _placeholders(entry.msgid_plural)
            # The singular may leave out the count ("one meeting"), never add a name.
            if _placeholders(entry.msgstr_plural[1]) != plural or not _placeholders(entry.msgstr_plural[0]) <= plural:
                wrong.append(entry.msgid)
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            wrong.append(entry.msgid)
    assert wrong == []


def _dutch(catalogue: Path) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(catalogue)).translated_entries()}


def test_every_text_of_django_and_allauth_has_dutch_in_their_catalogue_or_ours():
    """Django 6.1's Dutch lacked a few of its new texts, so Dutch pages showed "- Select an option -"
    in every select and "This password is too short" on accepting an invitation (cop/django_texts.py).
    An upgrade that brings new texts fails here until they have Dutch."""
    ours = _dutch(CATALOGUE)
    english = [Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"]
    english += [Path(app.path) / "locale" / "en" / "LC_MESSAGES" / "django.po" for app in apps.get_app_configs()]
    missing = []
    for catalogue in filter(Path.exists, english):
        theirs = _dutch(catalogue.parents[2] / "nl" / "LC_MESSAGES" / "django.po")
        missing += [
            e.msgid for e in polib.pofile(str(catalogue)) if e.msgid and (e.msgctxt, e.msgid) not in theirs | ours
        ]
    assert missing == []


def test_djangos_empty_choice_and_short_password_are_dutch():
    with translation.override("nl"):
        assert str(BLANK_CHOICE_LABEL) == "- Kies een optie -"
        with pytest.raises(ValidationError) as refused:
            MinimumLengthValidator().validate("kort")
    assert refused.value.messages == ["Dit wachtwoord is te kort. Het moet minstens 8 tekens bevatten."]
