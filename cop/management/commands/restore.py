from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cop.backup import database_restore


class Command(BaseCommand):
    help = "Loads a `manage.py backup` dump into the configured database (best a new, empty one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dump", type=Path)

    def handle(self, *args: object, dump: Path, **options: object) -> None:
        if not dump.is_file():
            raise CommandError(f"No such file: {dump}")
        database_restore(dump)
        self.stdout.write(f"Restored {dump}.")
