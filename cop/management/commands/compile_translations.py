from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po files to .mo with polib, so no system gettext is needed."

    def handle(self, *args: object, **options: object) -> None:
        count = 0
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
                self.stdout.write(f"{po_path}: {len(catalogue.translated_entries())} translated")
        self.stdout.write(self.style.SUCCESS(f"Compiled {count} catalogue(s)."))
