"""Import BibTeX files into the scholarly record.

`manage.py import_bibtex PATH...` turns each entry into a work with its byline.
Works are matched on arXiv id, then DOI, then (for entries with neither) on
title, year and first author among works without identifiers; a match only has
its gaps filled. Authors are matched by folded name among those earlier BibTeX
imports created, and created otherwise.

Entries that cannot be imported are printed with their file, line and key and
the reason; the rest go in. A second run over the same file writes nothing. The
summary's counts add up to the entries read.
"""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from works.importers import bibtex
from works.importers.common import DEFAULT_BATCH_SIZE, print_report


class Command(BaseCommand):
    help = "Import works and their authors from BibTeX (.bib) files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="entries per transaction (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        verbosity: int = options["verbosity"]
        if missing := [str(path) for path in paths if not path.is_file()]:
            raise CommandError(f"No such file: {', '.join(missing)}")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")

        started = time.monotonic()
        report = bibtex.import_paths(
            paths, batch_size=options["batch_size"], progress=verbosity > 0
        )

        print_report(self, report, verbosity)
        if verbosity > 1:
            self.stdout.write(f"Took {time.monotonic() - started:.2f} s.")
        if report.stopped:
            raise CommandError(f"Import stopped at {report.stopped}")
