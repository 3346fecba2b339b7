import re
from pathlib import Path

import polib
from django.core.management import call_command
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
