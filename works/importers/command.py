"""The command-line side of the importers: paths in, the report out.

`import_openalex` and `import_bibtex` differ only in the files they look for
and the importer they call; everything else, from refusing a missing path to
failing when the database went away, is here.
"""

import time
from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from works.importers.common import DEFAULT_BATCH_SIZE, ImportReport


class ImportCommand(BaseCommand):
    """Import files, or directories of them; print the skips and the summary."""

    # Names of the files taken from a directory, matched in any case.
    patterns: tuple[str, ...] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="+",
            type=Path,
            metavar="PATH",
            help=f"a file, or a directory whose {', '.join(self.patterns)} files "
            "are imported in name order (subdirectories are not entered)",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="records per transaction (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity: int = options["verbosity"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        paths = expand_paths(options["paths"], self.patterns)

        started = time.monotonic()
        report = self.import_paths(
            paths, batch_size=options["batch_size"], progress=verbosity > 0
        )

        print_report(self, report, verbosity)
        if verbosity > 1:
            self.stdout.write(f"Took {time.monotonic() - started:.2f} s.")
        if report.stopped:
            raise CommandError(f"Import stopped at {report.stopped}")

    def import_paths(
        self, paths: list[Path], *, batch_size: int, progress: bool
    ) -> ImportReport:
        raise NotImplementedError


def expand_paths(paths: Iterable[Path], patterns: tuple[str, ...]) -> list[Path]:
    """Replace each directory in `paths` by its files that match `patterns`.

    A directory's files are matched in any case and sorted by name, and its
    subdirectories are not entered. Raises CommandError, before anything is
    imported, for a path that is not there and a directory with no match.
    """
    files: list[Path] = []
    missing: list[str] = []
    empty: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                child
                for child in path.iterdir()
                if child.is_file()
                and any(fnmatch(child.name.lower(), pattern) for pattern in patterns)
            )
            files.extend(found)
            if not found:
                empty.append(str(path))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(str(path))

    if missing:
        raise CommandError(f"No such file or directory: {', '.join(missing)}")
    if empty:
        raise CommandError(
            f"No files to import in {', '.join(empty)} "
            f"(looked for {', '.join(patterns)})"
        )
    return files


def print_report(command: BaseCommand, report: ImportReport, verbosity: int) -> None:
    """Write what an import skipped, its warnings and its summary to stdout.

    Verbosity 0 prints nothing; 1 prints every skipped record and warning, then
    the summary.
    """
    if verbosity < 1:
        return
    for problem in report.skips:
        command.stdout.write(command.style.WARNING(f"Skipped {problem}"))
    for problem in report.warnings:
        command.stdout.write(command.style.NOTICE(f"Warning {problem}"))
    command.stdout.write(command.style.SUCCESS(report.summary()))
