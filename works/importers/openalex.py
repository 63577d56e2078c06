"""Import OpenAlex records: works, and author, institution, topic and source entities.

Records come from API list pages, single objects, or JSONL snapshot files
(gzipped or not); the kind of each is told by the prefix of its id. Rows are
keyed by normalised OpenAlex id, so importing a newer snapshot of a work updates
its row in place; a key that a work's record lacks leaves the stored value
alone. Publisher, funder, concept and keyword entities are skipped.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Count
from django.template.defaultfilters import pluralize

from profiles.models import Author
from works.identifiers import normalise_openalex_id
from works.importers.authors import upsert_openalex_authors
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
from works.importers.json_records import clean_strings, read_json_records
from works.importers.openalex_parse import (
    AuthorData,
    WorkData,
    entity_kind,
    parse_author,
    parse_institution,
    parse_source,
    parse_topic,
    parse_work,
)
from works.importers.rows import bulk_update_changed, changed_values, upsert_rows
from works.importers.store import (
    Byline,
    fill_last_known_institutions,
    link_versions,
    sync_bylines,
    sync_work_topics,
    upsert_topic_chains,
)
from works.models import Authorship, Institution, Source, Topic, Work

logger = logging.getLogger(__name__)


def import_paths(
    paths: Iterable[Path],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
) -> ImportReport:
    """Import every record of the OpenAlex files at `paths`."""
    records = read_files(paths, read_json_records)
    return run_batches(records, import_batch, batch_size=batch_size, progress=progress)


def import_records(
    items: Iterable[dict[str, Any]],
    *,
    path: str = "<records>",
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ImportReport:
    """Import OpenAlex records already in memory, numbered from 1 under `path`."""
    records = (
        Record(path, data=clean_strings(item), index=index)
        for index, item in enumerate(items, start=1)
    )
    return run_batches(records, import_batch, batch_size=batch_size)


def import_batch(records: list[Record]) -> BatchResult:
    """Write one batch of OpenAlex records of any kind.

    The caller holds the transaction.
    """
    result = BatchResult()
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        try:
            kind = entity_kind(record.data)
        except RecordError as exc:
            result.skip(record, str(exc))
            continue
        if kind not in _WRITERS:
            result.skip(record, f"entity kind not imported ({kind})")
            continue
        groups[kind].append(record)

    # Entities first: a work written in the same batch then finds them current.
    for kind, write in _WRITERS.items():
        for run in _unique_runs(groups.get(kind, [])):
            write(run, result)

    return result


def _unique_runs(records: list[Record]) -> Iterator[list[Record]]:
    """Split `records` where an id repeats, so that each run writes an id once.

    The later copy of a record is then written after the earlier one, as it
    would be in a file read record by record.
    """
    run: list[Record] = []
    seen: set[str] = set()
    for record in records:
        openalex_id = normalise_openalex_id(record.data.get("id"))
        if openalex_id in seen:
            yield run
            run, seen = [], set()
        if openalex_id:
            seen.add(openalex_id)
        run.append(record)
    if run:
        yield run


def _write_institutions(records: list[Record], result: BatchResult) -> None:
    parsed = {}
    for record in records:
        institution = parse_institution(record.data)
        if institution is None:
            result.skip(record, "invalid OpenAlex id")
            continue
        parsed[institution.openalex_id] = (record, institution)

    written = upsert_rows(
        Institution,
        {key: data.values for key, (_, data) in parsed.items()},
        unique=("ror_id",),
    )
    for key, (record, _) in parsed.items():
        result.add(written.outcomes[key])
        for note in written.conflicts.get(key, []):
            result.warn(record, note)


def _write_sources(records: list[Record], result: BatchResult) -> None:
    parsed = {}
    for record in records:
        source = parse_source(record.data)
        if source is None:
            result.skip(record, "invalid OpenAlex id")
            continue
        parsed[source.openalex_id] = (record, source.values)

    written = upsert_rows(Source, {key: values for key, (_, values) in parsed.items()})
    for key in parsed:
        result.add(written.outcomes[key])


def _write_topics(records: list[Record], result: BatchResult) -> None:
    chains = {}
    for record in records:
        topic_chain = parse_topic(record.data)
        if not topic_chain:
            result.skip(record, "topic without a valid id, domain, field and subfield")
            continue
        chains[topic_chain[-1].openalex_id] = (record, topic_chain)

    written = upsert_topic_chains(topic_chain for _, topic_chain in chains.values())
    for key in chains:
        result.add(written.outcomes[key])


def _write_authors(records: list[Record], result: BatchResult) -> None:
    parsed: dict[str, tuple[Record, AuthorData]] = {}
    for record in records:
        try:
            author = parse_author(record.data)
        except RecordError as exc:
            result.skip(record, str(exc))
            continue
        parsed[author.openalex_id] = (record, author)
        _warn_invalid_orcid(result, record, author)

    places = [
        author.last_known_institution
        for _, author in parsed.values()
        if author.last_known_institution
    ]
    institutions = upsert_rows(
        Institution,
        {place.openalex_id: place.values for place in places},
        unique=("ror_id",),
    )
    for key, notes in institutions.conflicts.items():
        record = next(
            record
            for record, author in parsed.values()
            if author.last_known_institution
            and author.last_known_institution.openalex_id == key
        )
        for note in notes:
            result.warn(record, note)
    written = upsert_openalex_authors(
        (author for _, author in parsed.values()),
        authoritative=True,
        institution_pks={key: row.pk for key, row in institutions.rows.items()},
        warn=lambda key, message: result.warn(parsed[key][0], message),
    )
    for key in parsed:
        result.add(written.outcomes[key])


@dataclass
class _Entities:
    """The rows a batch of works points at, keyed by OpenAlex id."""

    institutions: dict[str, Institution]
    sources: dict[str, Source]
    topics: dict[str, Topic]
    authors: dict[str, Author]


def _write_works(records: list[Record], result: BatchResult) -> None:
    parsed: list[tuple[Record, WorkData]] = []
    for record in records:
        try:
            work = parse_work(record.data)
        except RecordError as exc:
            result.skip(record, str(exc))
            continue
        parsed.append((record, work))
        for note in work.notes:
            result.warn(record, note)
    if not parsed:
        return

    entities = _write_work_entities(parsed, result)
    works, partial = _upsert_work_rows(parsed, entities.sources, result)
    work_pks = {openalex_id: row.pk for openalex_id, (row, _) in works.items()}
    # A record without authorships or topics leaves the stored ones alone.
    with_byline = [item for item in parsed if "byline" not in item[1].silent]
    changed = sync_bylines(
        _bylines(with_byline, work_pks, entities),
        partial={work_pks[openalex_id] for openalex_id in partial},
    )
    changed |= sync_work_topics(
        {
            work_pks[work.openalex_id]: {
                entities.topics[topic_chain[-1].openalex_id].pk: score
                for topic_chain, score in work.topics
            }
            for _, work in parsed
            if "topics" not in work.silent
        }
    )

    for _, work in parsed:
        row, outcome = works[work.openalex_id]
        if outcome is Outcome.UNCHANGED and row.pk in changed:
            outcome = Outcome.UPDATED
        result.add(outcome)
    linked = link_versions(work_pks.values())
    logger.debug("Linked %s works to their canonical versions", linked)
    fill_last_known_institutions(author.pk for author in entities.authors.values())


def _write_work_entities(
    parsed: list[tuple[Record, WorkData]], result: BatchResult
) -> _Entities:
    """Upsert the institutions, venues, topics and authors a batch of works names."""
    # A warning about an entity points at the first record that mentions it.
    mentions: dict[str, Record] = {}
    for record, work in parsed:
        for institution in work.institutions:
            mentions.setdefault(institution.openalex_id, record)
        for byline in work.bylines:
            if byline.author and byline.author.openalex_id not in mentions:
                mentions[byline.author.openalex_id] = record
                _warn_invalid_orcid(result, record, byline.author)

    institutions = upsert_rows(
        Institution,
        {
            item.openalex_id: item.values
            for _, work in parsed
            for item in work.institutions
        },
        unique=("ror_id",),
    )
    for key, notes in institutions.conflicts.items():
        for note in notes:
            result.warn(mentions[key], note)
    sources = upsert_rows(
        Source,
        {work.venue.openalex_id: work.venue.values for _, work in parsed if work.venue},
    )
    topics = upsert_topic_chains(
        topic_chain for _, work in parsed for topic_chain, _ in work.topics
    )
    authors = upsert_openalex_authors(
        (
            byline.author
            for _, work in parsed
            for byline in work.bylines
            if byline.author
        ),
        authoritative=False,
        warn=lambda key, message: result.warn(mentions[key], message),
    )

    return _Entities(institutions.rows, sources.rows, topics.rows, authors.rows)


def _bylines(
    parsed: list[tuple[Record, WorkData]],
    work_pks: dict[str, int],
    entities: _Entities,
) -> dict[int, list[Byline]]:
    return {
        work_pks[work.openalex_id]: [
            Byline(
                position=byline.position,
                author_id=(
                    entities.authors[byline.author.openalex_id].pk
                    if byline.author
                    else None
                ),
                raw_author_name=byline.raw_author_name,
                raw_affiliations=tuple(byline.raw_affiliations),
                institution_ids=tuple(
                    entities.institutions[key].pk for key in byline.institution_ids
                ),
                is_corresponding=byline.is_corresponding,
            )
            for byline in work.bylines
        ]
        for _, work in parsed
    }


def _upsert_work_rows(
    parsed: list[tuple[Record, WorkData]],
    venues: dict[str, Source],
    result: BatchResult,
) -> tuple[dict[str, tuple[Work, Outcome]], set[str]]:
    """Write the work rows themselves, keeping DOIs and arXiv ids unique.

    A work already stored keeps its values of the fields its record says
    nothing about (`WorkData.silent`); a new one gets the defaults.

    Also return the ids of the works whose record carries fewer authors than
    are stored, because its list was truncated (DATA-FAULTS §8) or because it
    has none at all (§12): only the slots it carries are to be written, and the
    work keeps what its stored byline says of itself. Every other truncated
    record gets a warning saying how to get the rest.
    """
    existing = Work.objects.in_bulk(
        [work.openalex_id for _, work in parsed], field_name="openalex_id"
    )
    holders: dict[str, dict[str, Work]] = {}
    for field in ("arxiv_id", "doi"):
        wanted = {work.values[field] for _, work in parsed if work.values[field]}
        holders[field] = {
            getattr(row, field): row
            for row in Work.objects.filter(**{f"{field}__in": wanted})
        }
    # Only a record with a partial byline needs to know the one it would replace.
    lengths: dict[int, int] = {}
    if any(_is_partial_byline(work) for _, work in parsed):
        held = [row for rows in holders.values() for row in rows.values()]
        lengths = _byline_lengths([*existing.values(), *held])

    works: dict[str, tuple[Work, Outcome]] = {}
    partial: set[str] = set()
    to_create: list[Work] = []
    to_update: list[Work] = []
    changed_fields: set[str] = set()
    for record, work in parsed:
        values = dict(work.values)
        values["openalex_id"] = work.openalex_id
        values["venue_id"] = venues[work.venue.openalex_id].pk if work.venue else None
        row = existing.get(work.openalex_id) or _adoptable(values, holders)
        is_new = row is None
        if row is None:
            row = Work(openalex_id=work.openalex_id)
        for note in _claim_identifiers(row, values, holders):
            result.warn(record, note)
        if _is_partial_byline(work) and lengths.get(row.pk, 0) > len(work.bylines):
            # A copy of a work stored with more authors: the stored byline
            # stays, and so does its own completeness (a BibTeX byline "and
            # others" is no more complete than this one).
            values["is_authors_truncated"] = (
                row.is_authors_truncated or row.has_more_authors
            )
            partial.add(work.openalex_id)
        if values["is_authors_truncated"] and "byline" not in work.silent:
            result.warn(record, _truncation_note(work))
        if not is_new:
            for name in work.silent:
                values.pop("venue_id" if name == "venue" else name, None)

        changed = changed_values(row, values)
        if is_new:
            to_create.append(row)
            works[work.openalex_id] = (row, Outcome.CREATED)
        elif changed:
            to_update.append(row)
            changed_fields.update(changed)
            works[work.openalex_id] = (row, Outcome.UPDATED)
        else:
            works[work.openalex_id] = (row, Outcome.UNCHANGED)

    Work.objects.bulk_create(to_create)
    bulk_update_changed(Work, to_update, changed_fields)

    return works, partial


def _is_partial_byline(work: WorkData) -> bool:
    return work.values["is_authors_truncated"] or not work.bylines


def _byline_lengths(rows: list[Work]) -> dict[int, int]:
    """Count the stored byline slots of each of `rows`, keyed by work pk."""
    lengths = (
        Authorship.objects.filter(work_id__in=[row.pk for row in rows])
        .order_by()
        .values("work_id")
        .annotate(length=Count("pk"))
        .values_list("work_id", "length")
    )
    return dict(lengths)


def _truncation_note(work: WorkData) -> str:
    return (
        f"the source cut the author list at {len(work.bylines)} "
        f"author{pluralize(len(work.bylines))} "
        "(is_authors_truncated, as OpenAlex list pages do); import the work's own "
        f"record, the single object at https://api.openalex.org/works/{work.openalex_id}, "
        "for the full list"
    )


def _adoptable(
    values: dict[str, Any], holders: dict[str, dict[str, Work]]
) -> Work | None:
    """Find a work that has this record's arXiv id or DOI but no OpenAlex id yet.

    Such a row came from BibTeX; OpenAlex, the better source, takes it over.
    """
    for field in ("arxiv_id", "doi"):
        holder = holders[field].get(values[field]) if values[field] else None
        if holder is not None and holder.openalex_id is None:
            return holder
    return None


def _claim_identifiers(
    row: Work, values: dict[str, Any], holders: dict[str, dict[str, Work]]
) -> list[str]:
    """Keep each DOI and arXiv id on one work; return a note per value left out."""
    notes = []
    for field, label in (("arxiv_id", "arXiv id"), ("doi", "DOI")):
        value = values[field]
        holder = holders[field].get(value) if value else None
        if holder is None or holder is row or (holder.pk and holder.pk == row.pk):
            if value:
                holders[field][value] = row
            continue
        owner = holder.openalex_id or f"work {holder.pk}"
        notes.append(f"{label} {value} already belongs to {owner}; left out")
        values[field] = getattr(row, field) if row.pk else None

    return notes


def _warn_invalid_orcid(
    result: BatchResult, record: Record, author: AuthorData
) -> None:
    if author.invalid_orcid:
        result.warn(
            record,
            f"invalid ORCID {author.invalid_orcid!r} for {author.openalex_id} "
            f"({author.display_name}); stored as NULL",
        )


_Writer = Callable[[list[Record], BatchResult], None]
_WRITERS: dict[str, _Writer] = {
    "institution": _write_institutions,
    "topic": _write_topics,
    "source": _write_sources,
    "author": _write_authors,
    "work": _write_works,
}
