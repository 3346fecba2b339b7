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
