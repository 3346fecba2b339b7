import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from cop.models import Community
from cop.scale import dataset_counts, seed_scale
from cop.scale.people import BENCH_MANAGER


class Command(BaseCommand):
    help = (
        "Fill an empty database with a large organisation's year of data (factor 1.0: 20 communities, "
        "5,000 members, 2,000 meetings, 150,000 answers, 100,000 outbox rows), for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--factor", type=float, default=1.0, help="Scale every count (0.02 for a smoke test).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed, the same data.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="On a database that has communities: EMPTY EVERY TABLE first (manage.py flush), then seed.",
        )
        parser.add_argument("--password", default="", help="The bench manager's password (default: a random one).")

    def handle(self, *args: object, factor: float, seed: int, force: bool, password: str, **options: object) -> None:
        if not 0 < factor <= 10:
            raise CommandError("--factor must be above 0 and at most 10.")
        if Community.objects.exists():
            if not force:
                raise CommandError(
                    "This database already has communities: refusing to add a scale organisation to it. "
                    "--force empties the whole database first (for a benchmark database only)."
                )
            name = str(connection.settings_dict["NAME"])
            if not ({"bench", "test"} & set(name.replace("-", "_").split("_")) or settings.DEBUG):
                # A production database by mistake would lose everything: only throwaway ones.
                raise CommandError(f"--force empties {name}: only a *_bench or *_test database, or with DEBUG.")
            self.stdout.write("Emptying the database (--force) ...")
            call_command("flush", interactive=False, verbosity=0)
            # The ids start again: cached pages and survey questions keyed by id would be wrong.
            cache.clear()
        password = password or secrets.token_urlsafe(12)
        report = seed_scale(factor=factor, seed=seed, manager_password=password)
        for step, seconds in report.timings:
            self.stdout.write(f"  {step:<30} {seconds:7.1f} s")
        ladder = report.ladder_months
        self.stdout.write(
            f"  (ladder: {len(ladder)} months, {sum(ladder) / len(ladder):.2f} s each on average, slowest "
            f"{max(ladder):.2f} s)"
        )
        self.stdout.write(f"  {'total':<30} {report.total:7.1f} s")
        self.stdout.write(f"Rows at factor {factor:g}:")
        for name, count in dataset_counts().items():
            self.stdout.write(f"  {name:<30} {count:>9,}")
        for name, (made, planned) in report.shortfall.items():
            self.stdout.write(self.style.WARNING(f"  {name}: {made:,} of {planned:,} (too few people at this factor)"))
        self.stdout.write(self.style.SUCCESS(f"Bench manager: {BENCH_MANAGER} / {password}"))
