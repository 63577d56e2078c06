"""Read BibTeX files into plain values, without touching the database.

bibtexparser 2 splits the file into entries; everything after that is ours,
because real BibTeX breaks the usual assumptions: author lists with ", and"
separators and a trailing "and others", LaTeX accents in names, arXiv preprints
cited as `journal = {arXiv preprint arXiv:2104.14294}`.
"""

import logging
import re
import sys
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser import model
from bibtexparser.library import Library
from bibtexparser.middlewares.parsestack import default_parse_stack

from profiles.names import decode_latex
from works.identifiers import normalise_arxiv_id, normalise_doi
from works.importers.common import GZIP_MAGIC, Record, RecordError, open_binary
from works.importers.openalex_parse import DateParts, parse_date, parse_year
from works.models import Work
from works.text import clean_abstract, clean_title

# BibTeX entry types and the work type each stands for. Proceedings papers are
# articles, as OpenAlex counts them.
ENTRY_TYPES = {
    "article": Work.Type.ARTICLE,
    "inproceedings": Work.Type.ARTICLE,
    "conference": Work.Type.ARTICLE,
    "book": Work.Type.BOOK,
    "inbook": Work.Type.BOOK_CHAPTER,
    "incollection": Work.Type.BOOK_CHAPTER,
    "phdthesis": Work.Type.DISSERTATION,
    "mastersthesis": Work.Type.DISSERTATION,
    "thesis": Work.Type.DISSERTATION,
    "techreport": Work.Type.REPORT,
    "report": Work.Type.REPORT,
    "dataset": Work.Type.DATASET,
    "data": Work.Type.DATASET,
}
ARXIV_VENUE = "arXiv"
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ARXIV_VENUE = re.compile(r"\barxiv\b|^corr$", re.IGNORECASE)
_ARXIV_IN_TEXT = re.compile(
    r"arxiv\s*:?\s*((?:[a-z-]+(?:\.[a-z-]+)?/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?)"
    r"|arxiv\.org/(?:abs|pdf)/(\S+)"
    # dblp cites arXiv papers as CoRR, volume "abs/2104.14294".
    r"|^abs/(\d{4}\.\d{4,5})",
    re.IGNORECASE,
)
_DOI_URL = re.compile(r"doi\.org/(\S+)", re.IGNORECASE)
# A bare % starts a comment for LaTeX, not for BibTeX: escape it before decoding.
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_WHITESPACE = re.compile(r"\s+")
# Letters of the scripts whose names are written family name first and without
# a space (DATA-FAULTS §7): Han (with the iteration mark of 佐々木), Hiragana,
# Katakana and Hangul.
_CJK_LETTERS = (
    "\u1100-\u11ff\u3005\u3007\u3040-\u309f\u30a0-\u30ff\u3130-\u318f"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff"
)
_CJK_NAME = re.compile(f"[{_CJK_LETTERS}]+")
_OTHERS = {"others", "et al", "et al."}
# Real entries nest braces a few levels deep (`{\"{o}}`, `{{DNA}}`); hundreds of
# levels are no BibTeX anyone wrote, and the LaTeX decoder cannot follow them.
_MAX_BRACE_DEPTH = 50
_MONTH_NUMBER = re.compile(r"^\d{1,2}$", re.ASCII)
_RECORD_BLOCKS = (model.Entry, model.ParsingFailedBlock)


@dataclass
class BibWork:
    values: dict[str, Any]
    # (name, type) of the venue, matched by name among sources without an id.
    venue: tuple[str, str] | None
    authors: list[str] = field(default_factory=list)
    # Values left out, for the report.
    notes: list[str] = field(default_factory=list)


def read_bibtex_records(path: Path) -> Iterator[Record]:
    """Yield a record per entry of the BibTeX file at `path`, in file order.

    A file whose name ends in .gz is decompressed. A line that is not UTF-8 is
    read as Windows-1252, the usual encoding of old .bib files, and the entry
    it belongs to carries a note. Entries that do not parse are yielded with an
    `error` and the rest of the file goes on. bibtexparser reads a file whole;
    .bib files are small enough for that.
    """
    try:
        with open_binary(path) as stream:
            raw = stream.read()
    except (OSError, EOFError, zlib.error) as exc:
        yield Record(str(path), error=f"unreadable file: {exc}")
        return
    if raw.startswith(GZIP_MAGIC) and not path.name.lower().endswith(".gz"):
        # Compressed bytes read as Windows-1252 would make one garbage entry.
        yield Record(
            str(path),
            error="gzip-compressed, but its name does not end in .gz; "
            f"name it {path.name}.gz to import it",
        )
        return
    text, odd_lines = _decode(raw)
    library = _parse(text)
    blocks = sorted(
        (block for block in library.blocks if isinstance(block, _RECORD_BLOCKS)),
        key=lambda block: block.start_line or 0,
    )
    # Where each block starts, so that an odd line is blamed on its entry.
    starts = [block.start_line or 0 for block in blocks] + [sys.maxsize]

    for number, block in enumerate(blocks):
        line = (block.start_line or 0) + 1
        notes = [
            f"line {odd} is not UTF-8; read as Windows-1252"
            for odd in odd_lines
            if starts[number] < odd <= starts[number + 1]
        ]
        yield _record(str(path), line, block, notes)


def _parse(text: str) -> Library:
    """Split `text` into blocks and run bibtexparser's usual middlewares on them.

    bibtexparser wraps an entry that repeats a field in an error block that no
    middleware touches, so its values would keep their braces; unwrapped
    first, it is read like any other entry, and `_record` notes the repeat.
    """
    with _parser_warnings_silenced():
        split = bibtexparser.parse_string(text, parse_stack=[])
    library = Library()
    library.add(
        [_unwrapped(block) for block in split.blocks], fail_on_duplicate_key=False
    )
    for middleware in default_parse_stack():
        library = middleware.transform(library)

    return library


def _unwrapped(block: model.Block) -> model.Block:
    if isinstance(block, model.DuplicateFieldKeyBlock) and block.ignore_error_block:
        return block.ignore_error_block
    return block


@contextmanager
def _parser_warnings_silenced() -> Iterator[None]:
    """Quiet bibtexparser's warnings while it parses: `_record` reports each one.

    Every problem bibtexparser logs also leaves a block behind (a failed block,
    a duplicate), which becomes a record reported with its line and key.
    """
    parser_logger = logging.getLogger("bibtexparser")
    level = parser_logger.level
    parser_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        parser_logger.setLevel(level)


def _record(path: str, line: int, block: model.Block, notes: list[str]) -> Record:
    if isinstance(block, model.Entry):
        # Field names are case-insensitive: "Title" repeats "title".
        counts = Counter(item.key.lower() for item in block.fields)
        if repeated := sorted(key for key, count in counts.items() if count > 1):
            label = "field" if len(repeated) == 1 else "fields"
            notes = [
                *notes,
                f"{label} {', '.join(repeated)} given more than once; "
                "the first one is used",
            ]
        return Record(path, data=block, line=line, key=block.key, notes=tuple(notes))
    if isinstance(block, model.DuplicateBlockKeyBlock):
        reason = f"entry key {block.key!r} used twice; the first entry was imported"
        return Record(path, line=line, key=block.key, error=reason)

    error = block.error if isinstance(block, model.ParsingFailedBlock) else None
    message = getattr(error, "abort_reason", None) or str(error or "").strip()
    first_line = message.splitlines()[0].strip() if message else type(error).__name__
    return Record(path, line=line, error=f"not valid BibTeX: {first_line}")


def _decode(raw: bytes) -> tuple[str, list[int]]:
    raw = raw.replace(b"\x00", b"").removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        pass

    lines = []
    odd = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("cp1252", errors="replace"))
            odd.append(number)
    return "\n".join(lines), odd


def parse_entry(entry: model.Entry) -> BibWork:
    """Read one BibTeX entry into the values of a work, its venue and byline."""
    fields = _fields(entry)
    if any(_brace_depth(value) > _MAX_BRACE_DEPTH for value in fields.values()):
        raise RecordError("nested too deeply")
    entry_type = entry.entry_type.lower()

    title_raw = fields.get("title")
    if not title_raw and not fields.get("author"):
        raise RecordError("entry has neither a title nor an author")
    authors, has_more = split_authors(
        fields.get("author") or fields.get("editor") or ""
    )
    published = _date(fields)
    arxiv_id = _arxiv_id(fields)
    venue = _venue(fields, arxiv_id)
    is_preprint = "preprint" in _keywords(fields) or (venue and venue[0] == ARXIV_VENUE)
    work_type = (
        Work.Type.PREPRINT
        if is_preprint
        else ENTRY_TYPES.get(entry_type, Work.Type.OTHER)
    )

    values = {
        "title_raw": title_raw,
        "title": clean_title(latex_text(title_raw)) if title_raw else None,
        "abstract": _abstract(fields.get("abstract")),
        "type": work_type,
        "type_raw": entry_type[:64] if entry_type != work_type else "",
        "publication_year": published.year,
        "published_on": published.on,
        "date_precision": published.precision,
        "doi": _doi(fields),
        "arxiv_id": arxiv_id,
        "has_more_authors": has_more,
    }
    return BibWork(
        values=values, venue=venue, authors=authors, notes=list(published.problems)
    )


def _brace_depth(text: str) -> int:
    depth = deepest = 0
    for character in text:
        if character == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif character == "}":
            depth = max(0, depth - 1)
    return deepest


def split_authors(value: str) -> tuple[list[str], bool]:
    """Split a BibTeX name list into display names, and say if it ends in "others".

    Splits on the whole word "and" (any case, between whitespace) outside
    braces only, so "Alexandra", "Sandoval" and `{Barnes and Noble}` survive,
    and drops the stray comma of the ", and" style (DATA-FAULTS §19).
    """
    names: list[str] = []
    has_more = False
    for part in _split_outside_braces(value, _is_and):
        part = part.strip().strip(",").strip()
        if not part:
            continue
        if part.casefold() in _OTHERS:
            has_more = True
            continue
        if name := person_name(part):
            names.append(name)

    return names, has_more


def person_name(text: str) -> str:
    """Turn "Last, First", "von Last, Jr, First" or "First Last" into "First Last".

    A name written in Han, Kana or Hangul keeps its family name first, with no
    space, as it is written: "王, 小明" is 王小明.
    """
    parts = [part.strip() for part in _split_outside_braces(text, _is_comma)]
    parts = [part for part in parts if part]
    if len(parts) == 2:
        family, given = latex_text(parts[0]), latex_text(parts[1])
        if _CJK_NAME.fullmatch(family) and _CJK_NAME.fullmatch(given):
            return family + given
        text = f"{parts[1]} {parts[0]}"
    elif len(parts) >= 3:
        text = f"{parts[-1]} {parts[0]}, {', '.join(parts[1:-1])}"
    return latex_text(text)


def latex_text(text: str) -> str:
    """Decode LaTeX accents and braces into Unicode, on one line."""
    decoded = decode_latex(_BARE_PERCENT.sub(r"\\%", text))
    return _WHITESPACE.sub(" ", decoded).strip()


def _split_outside_braces(text: str, is_separator: Any) -> list[str]:
    parts = []
    depth = 0
    start = 0
    position = 0
    while position < len(text):
        character = text[position]
        if character == "{":
            depth += 1
        elif character == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and (width := is_separator(text, position)):
            parts.append(text[start:position])
            start = position = position + width
            continue
        position += 1
    parts.append(text[start:])
    return parts


def _is_and(text: str, position: int) -> int:
    """Return the width of a whitespace-delimited "and" at `position`, else 0."""
    if text[position : position + 3].lower() != "and":
        return 0
    before = text[position - 1] if position else ""
    after = text[position + 3 : position + 4]
    return 3 if before.isspace() and after.isspace() else 0


def _is_comma(text: str, position: int) -> int:
    return 1 if text[position] == "," else 0


def _fields(entry: model.Entry) -> dict[str, str]:
    """Map lower-cased field names to their text; the first of duplicates wins."""
    fields: dict[str, str] = {}
    for item in entry.fields:
        if isinstance(item.value, str) and item.value.strip():
            fields.setdefault(item.key.lower(), item.value.strip())
    return fields


def _date(fields: dict[str, str]) -> DateParts:
    if date_text := fields.get("date"):
        return parse_date(date_text, None)
    year_text = fields.get("year", "")
    month_text = fields.get("month", "").strip().lower().rstrip(".")
    month = MONTHS.get(month_text)
    if month is None and _MONTH_NUMBER.match(month_text):
        month = int(month_text)
    year = parse_year(year_text)
    if year and month and 1 <= month <= 12:
        return parse_date(f"{year}-{month:02d}", year_text)
    return parse_date(None, year_text)


def _arxiv_id(fields: dict[str, str]) -> str | None:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    eprint = fields.get("eprint") if prefix in ("", "arxiv") else None
    if arxiv_id := normalise_arxiv_id(eprint):
        return arxiv_id
    for name in ("journal", "volume", "note", "howpublished", "url", "booktitle"):
        for match in _ARXIV_IN_TEXT.finditer(fields.get(name, "")):
            found = normalise_arxiv_id(next(group for group in match.groups() if group))
            if found:
                return found
    return None


def _doi(fields: dict[str, str]) -> str | None:
    if doi := normalise_doi(fields.get("doi")):
        return doi
    match = _DOI_URL.search(fields.get("url", ""))
    return normalise_doi(match[1]) if match else None


def _venue(fields: dict[str, str], arxiv_id: str | None) -> tuple[str, str] | None:
    for name, kind in (
        ("journal", "journal"),
        ("booktitle", "conference"),
        ("series", "book series"),
        ("howpublished", ""),
    ):
        text = fields.get(name)
        if not text or "://" in text or "\\url" in text:
            continue
        if _ARXIV_VENUE.search(text):
            return ARXIV_VENUE, "repository"
        return latex_text(text), kind
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    return (ARXIV_VENUE, "repository") if prefix == "arxiv" and arxiv_id else None


def _keywords(fields: dict[str, str]) -> set[str]:
    return {
        word.strip().lower() for word in re.split(r"[,;]", fields.get("keywords", ""))
    }


def _abstract(raw: str | None) -> str | None:
    # Not latex_text(): blank lines between paragraphs must survive.
    return clean_abstract(decode_latex(_BARE_PERCENT.sub(r"\\%", raw))) if raw else None
