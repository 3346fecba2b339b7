from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cop.backup import database_dump


class Command(BaseCommand):
    help = "Dumps the database with pg_dump (custom format) to a file; restore it with `manage.py restore`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="the file (default: var/backups/gilde-<time>.dump)")

    def handle(self, *args: object, output: Path | None = None, **options: object) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = output or Path(settings.VAR_DIR) / "backups" / f"gilde-{stamp}.dump"
        database_dump(path)
        self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
