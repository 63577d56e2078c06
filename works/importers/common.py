"""What every importer shares: input files and records, the batch runner, its report.

An importer turns each file into `Record`s (`read_files`), hands them to
`run_batches` with a function that writes one batch, and gets back an
`ImportReport` whose counts add up to the number of records read. Each batch
commits in its own transaction; a batch that fails on something unexpected is
retried record by record, so that one bad record costs only itself. If the
database itself goes away, the run stops there with everything before it kept.
"""

import gzip
import logging
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from io import BufferedIOBase
from itertools import batched
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.template.defaultfilters import pluralize
from tqdm import tqdm

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500

BOM = b"\xef\xbb\xbf"
GZIP_MAGIC = b"\x1f\x8b"

# Values quoted in a report are cut to this many characters.
_SHOWN_LENGTH = 40
# How much of a file `head_lines` looks at.
_HEAD_BYTES = 1 << 20


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
            f"Read {self.read} record{pluralize(self.read)}: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped} skipped."
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


def head_lines(path: Path, count: int) -> list[str]:
    """Return the first `count` non-blank lines of the file at `path`, stripped.

    Only the first megabyte is read, so a line may be cut short. Raises what
    opening or decompressing the file raises.
    """
    with open_binary(path) as stream:
        head = stream.read(_HEAD_BYTES)
    text = head.replace(b"\x00", b"").removeprefix(BOM).decode("utf-8", "replace")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line][:count]


def read_files(
    paths: Iterable[Path], read: Callable[[Path], Iterable[Record]]
) -> Iterator[Record]:
    """Yield the records that `read` finds in each file at `paths`, in order.

    A file that gives no record at all becomes one skipped record saying what
    the file starts with, so that an empty file or one in another format never
    passes as "read 0". If `read` fails on something unforeseen, the rest of
    that file is one skipped record and the next file is read.
    """
    for path in paths:
        count = 0
        try:
            for record in read(path):
                count += 1
                yield record
        except Exception as exc:
            logger.debug("Could not read %s", path, exc_info=True)
            yield Record(str(path), error=f"could not be read: {describe(exc)}")
            continue
        if count == 0:
            yield Record(str(path), error=f"no records in this file; {_start(path)}")


def _start(path: Path) -> str:
    try:
        lines = head_lines(path, 1)
    except (OSError, EOFError, zlib.error) as exc:
        return f"it cannot be read: {exc}"
    return f"it starts with {shown(lines[0])}" if lines else "it is empty"


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
