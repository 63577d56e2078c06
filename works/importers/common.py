"""What every importer shares: input records, the batch runner and its report.

An importer turns a file into `Record`s, hands them to `run_batches` with a
function that writes one batch, and gets back an `ImportReport` whose counts add
up to the number of records read. Each batch commits in its own transaction; a
batch that fails on something unexpected is retried record by record, so that one
bad record costs only itself. If the database itself goes away, the run stops
there with everything before it kept.
"""

import gzip
import logging
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from io import BufferedIOBase
from itertools import batched
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from tqdm import tqdm

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500

BOM = b"\xef\xbb\xbf"

# Values quoted in a report are cut to this many characters.
_SHOWN_LENGTH = 40


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Record:
    """One input record and where it came from.

    `line` is the JSONL line or BibTeX entry line when there is one; `index` is
    the 1-based place of a record in a JSON document (a list page, one object).
    A record that could not even be read carries `error` and no `data`; `notes`
    are what reading found worth a warning (a line read as Windows-1252).
    """

    path: str
    data: Any = None
    line: int | None = None
    index: int | None = None
    key: str | None = None
    error: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        if self.line is not None:
            where = f"{self.path}:{self.line}"
        elif self.index is not None:
            where = f"{self.path}:record {self.index}"
        else:
            where = self.path
        return f"{where} ({self.key})" if self.key else where


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class RecordError(Exception):
    """A record that cannot be imported; the message says why."""


@dataclass
class BatchResult:
    """What one batch did: an outcome per record, and warnings about its input."""

    outcomes: list[Outcome] = field(default_factory=list)
    skips: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    def skip(self, record: Record, reason: str) -> None:
        self.outcomes.append(Outcome.SKIPPED)
        self.skips.append(Problem(record.where, reason))
        logger.debug("Skipped %s: %s", record.where, reason)

    def warn(self, record: Record, message: str) -> None:
        self.warnings.append(Problem(record.where, message))

    def extend(self, other: "BatchResult") -> None:
        self.outcomes.extend(other.outcomes)
        self.skips.extend(other.skips)
        self.warnings.extend(other.warnings)


@dataclass
class ImportReport:
    read: int = 0
    counts: dict[Outcome, int] = field(
        default_factory=lambda: dict.fromkeys(Outcome, 0)
    )
    skips: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Where and why the run stopped early, when the database went away.
    stopped: str | None = None

    @property
    def created(self) -> int:
        return self.counts[Outcome.CREATED]

    @property
    def updated(self) -> int:
        return self.counts[Outcome.UPDATED]

    @property
    def unchanged(self) -> int:
        return self.counts[Outcome.UNCHANGED]

    @property
    def skipped(self) -> int:
        return self.counts[Outcome.SKIPPED]

    def add(self, result: BatchResult) -> None:
        for outcome in result.outcomes:
            self.counts[outcome] += 1
        self.skips.extend(result.skips)
        self.warnings.extend(result.warnings)

    def summary(self) -> str:
        return (
            f"Read {self.read} records: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped."
        )


def shown(value: Any) -> str:
    """Quote `value` for a report, cut short when it is long."""
    if isinstance(value, str):
        long = len(value) > _SHOWN_LENGTH
        return repr(value[:_SHOWN_LENGTH] + "…" if long else value)
    text = repr(value)
    return text if len(text) <= _SHOWN_LENGTH else text[:_SHOWN_LENGTH] + "…"


def describe(exc: BaseException) -> str:
    """Name `exc` and the first line of its message, for a one-line report."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def open_binary(path: Path) -> BufferedIOBase:
    """Open `path` for reading bytes, decompressing it when its name ends in .gz."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


BatchFunction = Callable[[list[Record]], BatchResult]


def run_batches(
    records: Iterable[Record],
    import_batch: BatchFunction,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
) -> ImportReport:
    """Write `records` through `import_batch`, one transaction per batch.

    Records that could not be read are counted as skipped without reaching
    `import_batch`; the notes of every record become warnings. If the database
    connection is lost, the run stops at the batch that met it and says so in
    `report.stopped`; the batches before it are committed, and the report
    counts only them. The progress bar goes to stderr, and only when asked for
    and stderr is a terminal.
    """
    report = ImportReport()
    show = progress and sys.stderr.isatty()
    with tqdm(unit=" records", disable=not show, file=sys.stderr) as bar:
        for batch in batched(records, batch_size):
            result = BatchResult()
            for record in batch:
                for note in record.notes:
                    result.warn(record, note)
                if record.error is not None:
                    result.skip(record, record.error)
            readable = [record for record in batch if record.error is None]
            try:
                if readable:
                    result.extend(_run_batch(import_batch, readable))
            except _ConnectionLost as exc:
                report.stopped = (
                    f"{batch[0].where}: database connection lost ({exc}); the "
                    "records before it are committed; run the import again to finish"
                )
                break
            report.read += len(batch)
            report.add(result)
            bar.update(len(batch))

    return report


class _ConnectionLost(Exception):
    """The database cannot be reached: no later record can be stored either."""


def _run_batch(import_batch: BatchFunction, records: list[Record]) -> BatchResult:
    try:
        with transaction.atomic():
            result = import_batch(records)
    except Exception as exc:
        if not connection.is_usable():
            raise _ConnectionLost(describe(exc)) from exc
        # Reported as a skip; the traceback is for BZPEER_LOG_LEVEL=DEBUG.
        logger.debug("Batch at %s failed", records[0].where, exc_info=True)
        if len(records) > 1:
            # The batch rolled back whole; retrying its records alone finds the
            # culprit and lets the others in.
            result = BatchResult()
            for record in records:
                result.extend(_run_batch(import_batch, [record]))
            return result
        result = BatchResult()
        result.skip(records[0], _failure_reason(exc))
        return result

    return result


def _failure_reason(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return f"could not be stored: {describe(exc)}"


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
