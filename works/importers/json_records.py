"""Read JSON documents and JSON Lines files, gzipped or not, into `Record`s.

Nothing in a file stops the reading: a line that is not UTF-8 or not JSON, a
number too long to convert, or nesting deeper than the parser can follow each
becomes a record with an `error`, and the next line is read. A file that is
plainly not JSON (a BibTeX file given by mistake) is one such record, not one
per line.
"""

import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from works.importers.common import BOM, Record, head_lines, open_binary, shown

# How many non-blank lines at the top of a file are looked at before calling
# it not JSON: one broken first line does not condemn a JSONL file.
_SNIFF_LINES = 3

# Strings that Postgres cannot store: NUL, and the halves of a UTF-16
# surrogate pair left without their partner (JSON's "\ud83d" alone).
_NUL_OR_SURROGATE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPE_TO_CLEAN = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
# Invalid UTF-8 bytes, after decoding with errors="surrogateescape".
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_SURROGATE_NOTE = "unpaired UTF-16 surrogate escape replaced by U+FFFD"


def read_json_records(path: Path) -> Iterator[Record]:
    """Yield the records of a JSON document, a JSONL file, or a gzipped one.

    `.json` (and `.json.gz`) files hold one document: an API list page whose
    `results` are the records, a list of records, or a single record. Any other
    name is read as JSON Lines, one line at a time, as OpenAlex snapshot parts
    (`part_000.gz`) are.
    """
    if reason := _not_json(path):
        yield Record(str(path), error=reason)
    elif path.name.lower().endswith((".json", ".json.gz")):
        yield from _read_json_document(path)
    else:
        yield from _read_json_lines(path)


def clean_strings(value: Any) -> Any:
    """Drop NULs and replace unpaired surrogates in every string of `value`."""
    if isinstance(value, str):
        if not _NUL_OR_SURROGATE.search(value):
            return value
        return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))
    if isinstance(value, dict):
        return {clean_strings(key): clean_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_strings(item) for item in value]
    return value


def _not_json(path: Path) -> str | None:
    """Say why the file at `path` is plainly not JSON, or None when it may be.

    A file that cannot be read is left to the reader, which says where it broke.
    """
    try:
        lines = head_lines(path, _SNIFF_LINES)
    except (OSError, EOFError, zlib.error):
        return None
    if not lines or any(line.startswith(("{", "[")) for line in lines):
        return None

    return f"not JSON: the file starts with {shown(lines[0])}"


def _read_json_lines(path: Path) -> Iterator[Record]:
    name = str(path)
    line_number = 0
    try:
        stream = open_binary(path)
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
    if line_number == 1:
        raw = raw.removeprefix(BOM)
    if not raw.strip():
        return None

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = f"invalid UTF-8 ({exc.reason} at byte {exc.start})"
        return Record(path, line=line_number, error=reason)
    try:
        # Without its line break, a line cut short inside a string is reported
        # as unterminated rather than as holding a control character.
        data = json.loads(text.rstrip("\r\n"))
    except (ValueError, RecursionError) as exc:
        return Record(path, line=line_number, error=_json_error(exc))
    if not isinstance(data, dict):
        return Record(path, line=line_number, error="not a JSON object")

    # Only an escape can still make a NUL or a surrogate; walking every record
    # to look for one would double the parse time.
    if _ESCAPE_TO_CLEAN.search(raw):
        return _cleaned_record(Record(path, data=data, line=line_number))
    return Record(path, data=data, line=line_number)


def _read_json_document(path: Path) -> Iterator[Record]:
    name = str(path)
    try:
        with open_binary(path) as stream:
            raw = stream.read().replace(b"\x00", b"").removeprefix(BOM)
    except (OSError, EOFError, zlib.error) as exc:
        yield Record(name, error=f"unreadable file: {exc}")
        return
    if not raw.strip():
        # An empty document holds no records; `read_files` says it is empty.
        return
    # Invalid bytes survive decoding as lone surrogates, so that only the
    # records holding one are lost, not the whole page.
    text = raw.decode("utf-8", errors="surrogateescape")
    has_invalid_utf8 = _ESCAPED_BYTE.search(text) is not None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Record(name, line=exc.lineno, error=_json_error(exc))
        return
    except (ValueError, RecursionError) as exc:
        yield Record(name, error=_json_error(exc))
        return

    if isinstance(document, dict) and isinstance(document.get("results"), list):
        items = document["results"]
    elif isinstance(document, list):
        items = document
    else:
        items = [document]
    needs_cleaning = has_invalid_utf8 or _ESCAPE_TO_CLEAN.search(raw) is not None
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield Record(name, index=index, error="not a JSON object")
        elif needs_cleaning:
            record = Record(name, data=item, index=index)
            yield _cleaned_record(record, has_invalid_utf8=has_invalid_utf8)
        else:
            yield Record(name, data=item, index=index)


def _cleaned_record(record: Record, *, has_invalid_utf8: bool = False) -> Record:
    """Return `record` with its strings fit for Postgres, or with why they are not.

    `has_invalid_utf8` says that the record was decoded with "surrogateescape"
    from a file holding invalid UTF-8, so that its lone surrogates may be bytes.
    """
    try:
        texts = list(_strings(record.data))
        if has_invalid_utf8 and any(_ESCAPED_BYTE.search(text) for text in texts):
            return replace(record, data=None, error="invalid UTF-8")
        data = clean_strings(record.data)
    except RecursionError as exc:
        return replace(record, data=None, error=_json_error(exc))

    # NULs go silently; a replaced surrogate changed what the text says.
    if any(_SURROGATE.search(text) for text in texts):
        return replace(record, data=data, notes=(_SURROGATE_NOTE,))
    return replace(record, data=data)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _json_error(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        # Some messages end in "at" already ("Unterminated string starting at").
        return f"invalid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"
    # Python refuses to convert integers of more than 4300 digits.
    return f"invalid JSON ({str(exc).split(':')[0]})"
