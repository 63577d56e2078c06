"""Import BibTeX files into the scholarly record.

A BibTeX entry becomes a work with its byline. Its natural key is, in order:
the arXiv id, the DOI, and for entries with neither, the triple (cleaned title,
year, folded first author) among works that have no external id at all; an
untitled entry needs an untitled work of the same year and type whose whole
byline folds alike. So a second file citing the same arXiv paper finds the
work the first one made, and two untitled entries are not taken for one.

BibTeX is the least authoritative source we read: an entry that matches a work
already stored only fills what that work lacks (a missing abstract, venue, year
or byline) and never overwrites it. A preprint cited with three authors "and
others" therefore cannot shorten a byline imported in full.

Authors carry names only, so they are matched by folded name among the authors
this importer made before (see `authors.find_or_create_named_authors`), never
against authors known by an OpenAlex id or ORCID.
"""

import logging
from collections.abc import Iterable
from pathlib import Path

from django.db.models import Q

from profiles.names import fold_name
from works.importers.authors import find_or_create_named_authors
from works.importers.bibtex_parse import BibWork, parse_entry, read_bibtex_records
from works.importers.common import (
    DEFAULT_BATCH_SIZE,
    BatchResult,
    ImportReport,
    Outcome,
    Record,
    RecordError,
    read_files,
    run_batches,
)
from works.importers.rows import bulk_update_changed
from works.importers.store import Byline, link_versions, sync_bylines
from works.models import Source, Work

logger = logging.getLogger(__name__)

# Fields an entry may fill on a work that lacks them, together: a date is
# filled whole or not at all.
_FILLABLE = (
    ("title", "title_raw"),
    ("abstract",),
    ("publication_year",),
    ("published_on", "date_precision"),
)


def import_paths(
    paths: Iterable[Path],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
) -> ImportReport:
    """Import every entry of the BibTeX files at `paths`."""
    records = read_files(paths, read_bibtex_records)
    return run_batches(records, import_batch, batch_size=batch_size, progress=progress)


def import_batch(records: list[Record]) -> BatchResult:
    """Write one batch of BibTeX entries; the caller holds the transaction."""
    result = BatchResult()
    work_ids: list[int] = []
    for record in records:
        try:
            work = parse_entry(record.data)
        except RecordError as exc:
            result.skip(record, str(exc))
            continue
        for note in work.notes:
            result.warn(record, note)
        row, outcome = _write_entry(record, work, result)
        work_ids.append(row.pk)
        result.add(outcome)

    link_versions(work_ids)
    return result


def _write_entry(
    record: Record, work: BibWork, result: BatchResult
) -> tuple[Work, Outcome]:
    row = _find_work(work)
    if row is None:
        row = Work.objects.create(**work.values, venue=_venue(work.venue))
        _write_byline(row, work)
        return row, Outcome.CREATED

    changed = _fill_gaps(row, work, result, record)
    if work.authors and not row.authorships.exists():
        _write_byline(row, work)
        row.has_more_authors = work.values["has_more_authors"]
        changed.add("has_more_authors")
    if changed:
        bulk_update_changed(Work, [row], changed)
        logger.debug("%s filled %s of work %s", record.where, sorted(changed), row.pk)

    return row, Outcome.UPDATED if changed else Outcome.UNCHANGED


def _find_work(work: BibWork) -> Work | None:
    values = work.values
    if values["arxiv_id"] and (
        row := Work.objects.filter(arxiv_id=values["arxiv_id"]).first()
    ):
        return row
    if values["doi"] and (row := Work.objects.filter(doi=values["doi"]).first()):
        return row
    if values["arxiv_id"] or values["doi"]:
        return None

    # No identifier: the same title, year and first author, among works that
    # have no identifier either (so never a work OpenAlex vouches for). Every
    # untitled entry shares its "title" with every other, so an untitled one
    # must match an untitled work in type and whole byline as well.
    candidates = Work.objects.filter(
        openalex_id__isnull=True,
        doi__isnull=True,
        arxiv_id__isnull=True,
        publication_year=values["publication_year"],
    ).prefetch_related("authorships")
    if values["title"]:
        candidates = candidates.filter(title=values["title"])
    else:
        candidates = candidates.filter(title__isnull=True, type=values["type"])
    wanted = [fold_name(name) for name in work.authors]
    for row in candidates.order_by("pk"):
        bylines = sorted(
            row.authorships.all(), key=lambda authorship: authorship.position
        )
        stored = [fold_name(authorship.raw_author_name) for authorship in bylines]
        compared = (stored[:1], wanted[:1]) if values["title"] else (stored, wanted)
        if compared[0] == compared[1]:
            return row
    return None


def _venue(venue: tuple[str, str] | None) -> Source | None:
    if venue is None:
        return None
    name, kind = venue
    source, _ = Source.objects.get_or_create(
        name=name, openalex_id=None, defaults={"type": kind}
    )
    return source


def _fill_gaps(
    row: Work, work: BibWork, result: BatchResult, record: Record
) -> set[str]:
    values = work.values
    changed: set[str] = set()
    for group in _FILLABLE:
        if getattr(row, group[0]) in (None, "") and values[group[0]] not in (None, ""):
            for name in group:
                if getattr(row, name) != values[name]:
                    setattr(row, name, values[name])
                    changed.add(name)
    # "other" with a word of its own ("editorial") is a classification, not a gap.
    if (row.type, row.type_raw) == (Work.Type.OTHER, "") and values["type"] != row.type:
        row.type, row.type_raw = values["type"], values["type_raw"]
        changed |= {"type", "type_raw"}
    if row.venue_id is None and work.venue is not None:
        row.venue = _venue(work.venue)
        changed.add("venue")

    for name, label in (("arxiv_id", "arXiv id"), ("doi", "DOI")):
        value = values[name]
        if not value or getattr(row, name):
            continue
        if Work.objects.filter(~Q(pk=row.pk), **{name: value}).exists():
            result.warn(
                record, f"{label} {value} already belongs to another work; left out"
            )
            continue
        setattr(row, name, value)
        changed.add(name)

    return changed


def _write_byline(row: Work, work: BibWork) -> None:
    authors = find_or_create_named_authors(work.authors)
    bylines = [
        Byline(
            position=position,
            author_id=authors[folded].pk
            if (folded := fold_name(name)) in authors
            else None,
            raw_author_name=name,
        )
        for position, name in enumerate(work.authors, start=1)
    ]
    sync_bylines({row.pk: bylines})
