"""Import OpenAlex works and entities into the scholarly record.

`manage.py import_openalex PATH...` reads API list pages (`{"meta": …, "results":
[…]}`), single objects and JSON Lines snapshot files, gzipped or not; JSONL is
read a line at a time, so a snapshot part of any size fits in memory. Works,
authors, institutions, topics and sources are imported, keyed by OpenAlex id;
publishers, funders, concepts and keywords are reported as skipped.

Each record that cannot be imported is printed with its file, line (or record
number) and the reason, and the rest go in. Each batch commits on its own, and a
second run over the same input writes nothing. The summary's counts add up to
the records read.
"""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from works.importers import openalex
from works.importers.common import DEFAULT_BATCH_SIZE, print_report


class Command(BaseCommand):
    help = (
        "Import OpenAlex works and author, institution, topic and source entities "
        "from .json list pages or objects and .jsonl / .jsonl.gz snapshot files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="records per transaction (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        verbosity: int = options["verbosity"]
        if missing := [str(path) for path in paths if not path.is_file()]:
            raise CommandError(f"No such file: {', '.join(missing)}")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")

        started = time.monotonic()
        report = openalex.import_paths(
            paths, batch_size=options["batch_size"], progress=verbosity > 0
        )

        print_report(self, report, verbosity)
        if verbosity > 1:
            self.stdout.write(f"Took {time.monotonic() - started:.2f} s.")
        if report.stopped:
            raise CommandError(f"Import stopped at {report.stopped}")
