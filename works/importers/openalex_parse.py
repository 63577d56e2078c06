"""Read OpenAlex records into plain values, without touching the database.

Everything here tolerates the faults listed in DATA-FAULTS.md: `null` where an
object is expected, ids missing, dates absent, abstracts absent or empty. A
number no column could hold (a year of 99999999999, a negative count) is left
out with a note for the report. A record that cannot be understood at all
raises `RecordError`.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from works.identifiers import (
    normalise_arxiv_id,
    normalise_doi,
    normalise_openalex_id,
    normalise_orcid,
    normalise_ror_id,
)
from works.importers.common import RecordError, shown
from works.models import Topic, Work
from works.text import abstract_from_inverted_index, clean_abstract, clean_title

# OpenAlex's tombstone for an author record it has removed (A5317838346).
DELETED_AUTHOR_NAME = "Deleted Author"

WORK_TYPES = {choice.value for choice in Work.Type}

# Kinds named by the first letter of an OpenAlex id, or by its path segment.
ENTITY_KINDS = {
    "W": "work",
    "A": "author",
    "I": "institution",
    "S": "source",
    "T": "topic",
    "P": "publisher",
    "F": "funder",
    "C": "concept",
    "keywords": "keyword",
    "domains": "domain",
    "fields": "field",
    "subfields": "subfield",
}

_ID_PREFIX = re.compile(r"^(?:https?://)?(?:api\.)?openalex\.org/", re.IGNORECASE)
# A four-digit year, not the start of a longer number, then month and day.
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?!\d)", re.ASCII)
_YEAR = re.compile(r"^(\d{4})(?!\d)", re.ASCII)
# The years the work table accepts (a check constraint).
_YEARS = range(1000, 2101)
# Postgres `integer`, the column of every count.
_INTEGER_MAX = 2**31 - 1

# The keys of an OpenAlex work that each of our fields is read from; "venue",
# "byline" and "topics" stand for the work's source, authorships and topics. A
# record that has none of a field's keys (an API `select=` result) says nothing
# about that field, which is not the same as saying null (DATA-FAULTS §11, §12).
_SOURCE_KEYS = {
    "doi": ("doi", "ids"),
    "title": ("title", "display_name"),
    "title_raw": ("title", "display_name"),
    "abstract": ("abstract_inverted_index",),
    "type": ("type",),
    "type_raw": ("type",),
    "language": ("language",),
    "publication_year": ("publication_year", "publication_date"),
    "published_on": ("publication_year", "publication_date"),
    "date_precision": ("publication_year", "publication_date"),
    "cited_by_count": ("cited_by_count",),
    "is_retracted": ("is_retracted",),
    "is_authors_truncated": ("is_authors_truncated",),
    "referenced_openalex_ids": ("referenced_works",),
    "venue": ("primary_location",),
    # The DOI, wherever it is read from, may be an arXiv DOI.
    "arxiv_id": ("doi", "ids", "primary_location"),
    "has_more_authors": ("authorships",),
    "byline": ("authorships",),
    "topics": ("topics", "primary_topic"),
}


@dataclass
class InstitutionData:
    openalex_id: str
    values: dict[str, Any]


@dataclass
class SourceData:
    openalex_id: str
    values: dict[str, Any]


@dataclass
class TopicNode:
    openalex_id: str
    name: str
    level: str
    parent_openalex_id: str | None


@dataclass
class AuthorData:
    openalex_id: str
    display_name: str
    orcid: str | None
    # The ORCID as given, when it is not a valid iD: reported, never stored.
    invalid_orcid: str | None = None
    alternative_names: list[str] = field(default_factory=list)
    last_known_institution: InstitutionData | None = None


@dataclass
class BylineData:
    position: int
    author: AuthorData | None
    raw_author_name: str
    raw_affiliations: list[str]
    institution_ids: list[str]
    is_corresponding: bool


@dataclass
class WorkData:
    openalex_id: str
    values: dict[str, Any]
    venue: SourceData | None
    bylines: list[BylineData]
    institutions: list[InstitutionData]
    # Each topic as its chain domain > field > subfield > topic, with a score.
    topics: list[tuple[list[TopicNode], float | None]]
    # Values left out because no column could hold them, for the report.
    notes: list[str] = field(default_factory=list)
    # The fields the record says nothing about, named as in `_SOURCE_KEYS`:
    # a stored work keeps its own values of these.
    silent: frozenset[str] = frozenset()


class DateParts(NamedTuple):
    year: int | None
    on: date | None
    precision: str | None
    # What was given but could not be used, for the report.
    problems: tuple[str, ...] = ()


def entity_kind(record: dict[str, Any]) -> str:
    """Name the kind of OpenAlex entity `record` is, from the prefix of its id."""
    raw_id = record.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise RecordError("no OpenAlex id")
    openalex_id = normalise_openalex_id(raw_id)
    if openalex_id is None:
        # Keywords ("keywords/cardiac-imaging") have no letter id of their own.
        path = _ID_PREFIX.sub("", raw_id.strip())
        kind = ENTITY_KINDS.get(path.split("/", 1)[0].lower())
    elif "/" in openalex_id:
        kind = ENTITY_KINDS.get(openalex_id.split("/", 1)[0])
    else:
        kind = ENTITY_KINDS.get(openalex_id[0])
    if kind is None:
        raise RecordError(f"invalid OpenAlex id: {raw_id!r}")

    return kind


def required_id(record: dict[str, Any]) -> str:
    openalex_id = normalise_openalex_id(_text(record.get("id")))
    if openalex_id is None:
        raise RecordError(f"invalid OpenAlex id: {record.get('id')!r}")
    return openalex_id


def parse_work(record: dict[str, Any]) -> WorkData:
    """Read an OpenAlex work into the values our models hold."""
    openalex_id = required_id(record)
    ids = _dict(record.get("ids"))
    primary_location = _dict(record.get("primary_location"))

    doi = normalise_doi(_text(record.get("doi"))) or normalise_doi(
        _text(ids.get("doi"))
    )
    # "" is kept apart from null: an empty title and a missing one differ (§11).
    titles = (record.get("title"), record.get("display_name"))
    title_raw = next((title for title in titles if isinstance(title, str)), None)
    raw_type = _text(record.get("type")) or ""
    work_type = raw_type if raw_type in WORK_TYPES else Work.Type.OTHER
    published = parse_date(
        record.get("publication_date"), record.get("publication_year")
    )
    notes = list(published.problems)
    cited_by_count = _count(record.get("cited_by_count"))
    if cited_by_count is None:
        raw_count = shown(record["cited_by_count"])
        notes.append(f"cited_by_count {raw_count} is not a count; stored as 0")
        cited_by_count = 0
    values = {
        "doi": doi,
        "arxiv_id": _arxiv_id(doi, primary_location),
        "title_raw": title_raw,
        "title": clean_title(title_raw) if title_raw else None,
        "abstract": _abstract(record.get("abstract_inverted_index")),
        "type": work_type,
        # The source's own word, kept only when our choices had to translate it.
        "type_raw": raw_type[:64] if raw_type != work_type else "",
        "language": _short(record.get("language"), 16),
        "publication_year": published.year,
        "published_on": published.on,
        "date_precision": published.precision,
        "cited_by_count": cited_by_count,
        "is_retracted": record.get("is_retracted") is True,
        "is_authors_truncated": record.get("is_authors_truncated") is True,
        # BibTeX's "and others" flag: OpenAlex lists the authors and says by
        # `is_authors_truncated` when it does not, so a BibTeX row it takes over
        # loses its "et al." (DATA-FAULTS §19).
        "has_more_authors": False,
        "referenced_openalex_ids": _references(record, openalex_id),
    }

    bylines, institutions = _bylines(record.get("authorships"))
    return WorkData(
        openalex_id=openalex_id,
        values=values,
        venue=parse_source(_dict(primary_location.get("source"))),
        bylines=bylines,
        institutions=institutions,
        topics=_topics(record, notes),
        notes=notes,
        silent=frozenset(
            name
            for name, keys in _SOURCE_KEYS.items()
            if not any(key in record for key in keys)
        ),
    )


def parse_author(record: dict[str, Any]) -> AuthorData:
    """Read an OpenAlex author entity; the tombstone of a deleted one is refused."""
    openalex_id = required_id(record)
    display_name = _name(record.get("display_name"))
    if display_name == DELETED_AUTHOR_NAME:
        raise RecordError("deleted author record (OpenAlex tombstone), not imported")
    if not display_name:
        raise RecordError("author has no display name")

    alternatives = [
        name
        for name in map(_name, _list(record.get("display_name_alternatives")))
        if name and name != display_name
    ]
    orcid, invalid_orcid = _orcid(record.get("orcid"))
    return AuthorData(
        openalex_id=openalex_id,
        display_name=display_name,
        orcid=orcid,
        invalid_orcid=invalid_orcid,
        alternative_names=alternatives,
        last_known_institution=_last_known_institution(record),
    )


def parse_institution(record: dict[str, Any]) -> InstitutionData | None:
    """Read an institution, embedded or an entity; None when it has no id."""
    openalex_id = normalise_openalex_id(_text(record.get("id")))
    if openalex_id is None:
        return None
    values = {
        "name": _name(record.get("display_name")) or openalex_id,
        "ror_id": normalise_ror_id(_text(record.get("ror"))),
        "country_code": _short(record.get("country_code"), 2).upper(),
        "type": _short(record.get("type"), 64),
    }
    return InstitutionData(openalex_id, values)


def parse_source(record: dict[str, Any]) -> SourceData | None:
    """Read a source, embedded in a location or an entity; None when it has no id."""
    openalex_id = normalise_openalex_id(_text(record.get("id")))
    if openalex_id is None:
        return None
    values = {
        "name": _text(record.get("display_name")) or "",
        "type": _short(record.get("type"), 64),
        "issn_l": _short(record.get("issn_l"), 9),
        "publisher": _text(record.get("host_organization_name")) or "",
    }
    return SourceData(openalex_id, values)


def parse_topic(record: dict[str, Any]) -> list[TopicNode]:
    """Read a topic as its chain from domain down; empty when the chain is broken."""
    levels = [
        (Topic.Level.DOMAIN, _dict(record.get("domain"))),
        (Topic.Level.FIELD, _dict(record.get("field"))),
        (Topic.Level.SUBFIELD, _dict(record.get("subfield"))),
        (Topic.Level.TOPIC, record),
    ]
    chain: list[TopicNode] = []
    parent: str | None = None
    for level, node in levels:
        openalex_id = _topic_id(node.get("id"), level)
        if openalex_id is None:
            # The topic table requires a parent for every node below a domain.
            return []
        name = _text(node.get("display_name")) or openalex_id
        chain.append(TopicNode(openalex_id, name, level, parent))
        parent = openalex_id

    return chain


def parse_date(raw_date: Any, raw_year: Any) -> DateParts:
    """Read a date and a year into what the work table holds.

    Each part is None when the source does not say: a date of "2019" gives the
    year alone, "2019-03" a date with month precision. Nothing is invented: no
    0, 1900 or 1970 stands in for a missing value. A year or date that is given
    but impossible is left out and named in `problems`.
    """
    problems = []
    year = parse_year(raw_year)
    if year is None and raw_year not in (None, ""):
        problems.append(f"year {shown(raw_year)} is not a plausible year; left out")
    if not isinstance(raw_date, str) or not raw_date.strip():
        return DateParts(year, None, None, tuple(problems))

    match = _DATE.match(raw_date.strip())
    date_year = parse_year(match[1]) if match else None
    if year is None:
        year = date_year
    if match is None or date_year is None:
        dated = None
    elif match[2] is None:
        # A year alone: there is no date to store, and nothing wrong.
        return DateParts(year, None, None, tuple(problems))
    else:
        dated = _calendar_date(date_year, match[2], match[3])
    if dated is None:
        problems.append(f"date {shown(raw_date)} is not a date; left out")
        return DateParts(year, None, None, tuple(problems))

    on, precision = dated
    return DateParts(year, on, precision, tuple(problems))


def parse_year(value: Any) -> int | None:
    """Return the year `value` names, or None when it names none we can store.

    Text may carry a suffix after four digits ("2020a", "2020/21", as BibTeX
    disambiguates or spans years), but not a fifth digit.
    """
    if isinstance(value, str) and (match := _YEAR.match(value.strip())):
        value = int(match[1])
    if isinstance(value, int) and not isinstance(value, bool) and value in _YEARS:
        return value
    return None


def _calendar_date(year: int, month: str, day: str | None) -> tuple[date, str] | None:
    """Return the date and its precision, or None when there is no such day."""
    try:
        if day is None:
            return date(year, int(month), 1), Work.DatePrecision.MONTH
        return date(year, int(month), int(day)), Work.DatePrecision.DAY
    except ValueError:
        return None


def _bylines(raw: Any) -> tuple[list[BylineData], list[InstitutionData]]:
    bylines: list[BylineData] = []
    institutions: dict[str, InstitutionData] = {}
    for position, authorship in enumerate(_list(raw), start=1):
        authorship = _dict(authorship)
        author = _dict(authorship.get("author"))
        display_name = _name(author.get("display_name"))
        raw_name = _name(authorship.get("raw_author_name")) or display_name

        affiliations = [
            text
            for text in map(_text, _list(authorship.get("raw_affiliation_strings")))
            if text
        ]
        institution_ids = []
        for item in map(_dict, _list(authorship.get("institutions"))):
            institution = parse_institution(item)
            if institution is None:
                # No id, no row (§12); its name still says where the author was.
                name = _text(item.get("display_name"))
                if name and not affiliations:
                    affiliations.append(name)
                continue
            institutions.setdefault(institution.openalex_id, institution)
            if institution.openalex_id not in institution_ids:
                institution_ids.append(institution.openalex_id)

        bylines.append(
            BylineData(
                position=position,
                author=_byline_author(author, display_name, raw_name),
                raw_author_name=raw_name,
                raw_affiliations=affiliations,
                institution_ids=institution_ids,
                is_corresponding=authorship.get("is_corresponding") is True,
            )
        )

    return bylines, list(institutions.values())


def _byline_author(
    author: dict[str, Any], display_name: str, raw_name: str
) -> AuthorData | None:
    openalex_id = normalise_openalex_id(_text(author.get("id")))
    if openalex_id is None or display_name == DELETED_AUTHOR_NAME:
        return None
    display_name = display_name or raw_name
    if not display_name:
        return None

    orcid, invalid_orcid = _orcid(author.get("orcid"))
    alternatives = [raw_name] if raw_name and raw_name != display_name else []
    return AuthorData(openalex_id, display_name, orcid, invalid_orcid, alternatives)


def _last_known_institution(record: dict[str, Any]) -> InstitutionData | None:
    for item in map(_dict, _list(record.get("last_known_institutions"))):
        if institution := parse_institution(item):
            return institution

    # Older author records carry only `affiliations`, each with its years.
    newest: tuple[int, InstitutionData] | None = None
    for affiliation in map(_dict, _list(record.get("affiliations"))):
        institution = parse_institution(_dict(affiliation.get("institution")))
        years = [
            year for year in _list(affiliation.get("years")) if isinstance(year, int)
        ]
        if institution and years and (newest is None or max(years) > newest[0]):
            newest = (max(years), institution)

    return newest[1] if newest else None


def _topics(
    record: dict[str, Any], notes: list[str]
) -> list[tuple[list[TopicNode], float | None]]:
    raw_topics = [_dict(item) for item in _list(record.get("topics"))]
    primary = _dict(record.get("primary_topic"))
    if primary.get("id") and all(
        item.get("id") != primary["id"] for item in raw_topics
    ):
        raw_topics.insert(0, primary)

    topics: list[tuple[list[TopicNode], float | None]] = []
    seen: set[str] = set()
    for item in raw_topics:
        chain = parse_topic(item)
        if chain and chain[-1].openalex_id not in seen:
            topic_id = chain[-1].openalex_id
            seen.add(topic_id)
            score = _score(item.get("score"))
            if score is None and item.get("score") is not None:
                notes.append(
                    f"score {shown(item['score'])} of topic {topic_id} is not a "
                    "number; left out"
                )
            topics.append((chain, score))

    return topics


def _topic_id(raw: Any, level: str) -> str | None:
    openalex_id = normalise_openalex_id(_text(raw))
    if openalex_id is None:
        return None
    if level == Topic.Level.TOPIC:
        return openalex_id if openalex_id.startswith("T") else None
    return openalex_id if openalex_id.startswith(f"{level}s/") else None


def _arxiv_id(doi: str | None, primary_location: dict[str, Any]) -> str | None:
    # Only the primary location counts: a journal article lists its arXiv copy
    # among its other locations, and that id belongs to the preprint's record.
    if doi and doi.startswith("10.48550/"):
        return normalise_arxiv_id(doi)
    url = _text(primary_location.get("landing_page_url")) or ""
    return normalise_arxiv_id(url) if "arxiv.org/" in url.lower() else None


def _abstract(index: Any) -> str | None:
    if not isinstance(index, dict) or not index:
        return None
    text = abstract_from_inverted_index(index)
    return clean_abstract(text) if text else None


def _references(record: dict[str, Any], openalex_id: str) -> list[str]:
    references: dict[str, None] = {}
    for raw in _list(record.get("referenced_works")):
        cited = normalise_openalex_id(_text(raw))
        # A work citing itself is an artefact of merged ids, not a citation.
        if cited and cited != openalex_id:
            references[cited] = None
    return list(references)


def _orcid(raw: Any) -> tuple[str | None, str | None]:
    text = _text(raw)
    if not text:
        return None, None
    orcid = normalise_orcid(text)
    return (orcid, None) if orcid else (None, text)


def _count(value: Any) -> int | None:
    """Return `value` as a count (0 when absent), or None when it is not one."""
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= _INTEGER_MAX else None
    return None


def _score(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        score = float(value)
    except OverflowError:
        return None
    return score if math.isfinite(score) else None


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _name(value: Any) -> str:
    # Names are stored as given (§6); only the edges are trimmed.
    return value.strip() if isinstance(value, str) else ""


def _short(value: Any, length: int) -> str:
    # Codes (language, country, type words) longer than their column are not codes.
    text = _text(value) or ""
    return text if len(text) <= length else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
