"""Bring a database up to date and fill it with the demo that `make run` serves."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO = settings.BASE_DIR / "data" / "demo"


class Command(BaseCommand):
    help = (
        "Apply migrations, then import the demo records of data/demo/ (see its "
        "README). Safe to run again: the imports change nothing the second time."
    )

    def handle(self, *args: object, **options: object) -> None:
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command(
            "import_openalex", str(DEMO / "openalex-works.jsonl"), verbosity=verbosity
        )
        call_command(
            "import_bibtex", str(DEMO / "caron-works.bib"), verbosity=verbosity
        )
