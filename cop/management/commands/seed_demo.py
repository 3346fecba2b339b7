from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cop.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Fill Gilde with a believable Dutch demo organisation. Safe to run twice: same data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Also seed when DEBUG is off (never on a real installation)."
        )

    def handle(self, *args: object, force: bool = False, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts share one known password: refusing with DEBUG off (use --force).")
        logins = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with password " + DEMO_PASSWORD + ":"))
        for email, description in logins:
            self.stdout.write(f"  {email:<26} {description}")
