"""What every importer shares: input records, the batch runner and its report.

An importer turns a file into `Record`s, hands them to `run_batches` with a
function that writes one batch, and gets back an `ImportReport` whose counts add
up to the number of records read. Each batch commits in its own transaction; a
batch that fails on something unexpected is retried record by record, so that one
bad record costs only itself.
"""

import gzip
import json
import logging
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import batched
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500

_BOM = b"\xef\xbb\xbf"

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
    A record that could not even be read carries `error` and no `data`.
    """

    path: str
    data: Any = None
    line: int | None = None
    index: int | None = None
    key: str | None = None
    error: str | None = None

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


def strip_nul(value: Any) -> Any:
    """Drop NUL characters from every string in `value`: Postgres text refuses them."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {strip_nul(key): strip_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [strip_nul(item) for item in value]
    return value


def read_json_records(path: Path) -> Iterator[Record]:
    """Yield the records of a JSON document, a JSONL file, or a gzipped one.

    `.json` (and `.json.gz`) files hold one document: an API list page whose
    `results` are the records, a list of records, or a single record. Any other
    name is read as JSON Lines, one line at a time, as OpenAlex snapshot parts
    (`part_000.gz`) are.
    """
    name = path.name.lower()
    if name.endswith((".json", ".json.gz")):
        yield from _read_json_document(path)
    else:
        yield from _read_json_lines(path)


def _open_binary(path: Path) -> Any:
    return (
        gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")
    )  # noqa: SIM115


def _read_json_lines(path: Path) -> Iterator[Record]:
    name = str(path)
    line_number = 0
    try:
        stream = _open_binary(path)
    except OSError as exc:
        yield Record(name, error=f"unreadable file: {exc}")
        return
    with stream as lines:
        try:
            for line_number, raw in enumerate(lines, start=1):
                record = _parse_json_line(name, line_number, raw)
                if record is not None:
                    yield record
        except (OSError, EOFError, zlib.error) as exc:
            # A truncated or corrupt gzip stream ends the file, not the import.
            yield Record(name, line=line_number + 1, error=f"unreadable file: {exc}")


def _parse_json_line(path: str, line_number: int, raw: bytes) -> Record | None:
    raw = raw.replace(b"\x00", b"")
    if line_number == 1 and raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    if not raw.strip():
        return None

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = f"invalid UTF-8 ({exc.reason} at byte {exc.start})"
        return Record(path, line=line_number, error=reason)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = f"invalid JSON ({exc.msg} at column {exc.colno})"
        return Record(path, line=line_number, error=reason)
    if not isinstance(data, dict):
        return Record(path, line=line_number, error="not a JSON object")

    # Raw NUL bytes are gone already; only the JSON escape can still make one,
    # and walking every record to look for it would double the parse time.
    if b"\\u0000" in raw:
        data = strip_nul(data)
    return Record(path, data=data, line=line_number)


def _read_json_document(path: Path) -> Iterator[Record]:
    name = str(path)
    try:
        with _open_binary(path) as stream:
            raw = stream.read().replace(b"\x00", b"")
        document = json.loads(raw.removeprefix(_BOM).decode("utf-8"))
    except UnicodeDecodeError as exc:
        yield Record(
            name, line=1, error=f"invalid UTF-8 ({exc.reason} at byte {exc.start})"
        )
        return
    except json.JSONDecodeError as exc:
        reason = f"invalid JSON ({exc.msg} at column {exc.colno})"
        yield Record(name, line=exc.lineno, error=reason)
        return
    except (OSError, EOFError, zlib.error) as exc:
        yield Record(name, error=f"unreadable file: {exc}")
        return

    if isinstance(document, dict) and isinstance(document.get("results"), list):
        items = document["results"]
    elif isinstance(document, list):
        items = document
    else:
        items = [document]
    has_nul = b"\\u0000" in raw
    for index, item in enumerate(items, start=1):
        if isinstance(item, dict):
            yield Record(name, data=strip_nul(item) if has_nul else item, index=index)
        else:
            yield Record(name, index=index, error="not a JSON object")


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
    `import_batch`. The progress bar goes to stderr, and only when asked for and
    stderr is a terminal.
    """
    report = ImportReport()
    show = progress and sys.stderr.isatty()
    with tqdm(unit=" records", disable=not show, file=sys.stderr) as bar:
        for batch in batched(records, batch_size):
            report.read += len(batch)
            result = BatchResult()
            for record in batch:
                if record.error is not None:
                    result.skip(record, record.error)
            readable = [record for record in batch if record.error is None]
            if readable:
                result.extend(_run_batch(import_batch, readable))
            report.add(result)
            bar.update(len(batch))

    return report


def _run_batch(import_batch: BatchFunction, records: list[Record]) -> BatchResult:
    try:
        with transaction.atomic():
            result = import_batch(records)
    except Exception as exc:
        if len(records) > 1:
            # The batch rolled back whole; retrying its records alone finds the
            # culprit and lets the others in.
            logger.warning(
                "Batch of %s records failed (%s); retrying one by one",
                len(records),
                exc,
            )
            result = BatchResult()
            for record in records:
                result.extend(_run_batch(import_batch, [record]))
            return result
        logger.exception("Could not import %s", records[0].where)
        result = BatchResult()
        result.skip(records[0], f"could not be stored: {type(exc).__name__}: {exc}")
        return result

    return result


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
