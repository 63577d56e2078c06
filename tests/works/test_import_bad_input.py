"""Bad input to both importers: each problem is one line in the report, and
nothing else is lost."""

import gzip
import json
import logging
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection

from profiles.models import Author
from tests.works.factories import openalex_work
from works.importers import bibtex, openalex
from works.importers.common import BatchResult, Outcome, Record, run_batches
from works.models import Work, WorkTopic

pytestmark = pytest.mark.django_db


def work_line(number: int, **fields: object) -> str:
    return json.dumps(openalex_work(number, **fields)) + "\n"


def reasons(report) -> dict[str, str]:
    """Map where each skipped record was (its line, or the file) to the reason."""
    return {problem.where: problem.message for problem in report.skips}


def assert_adds_up(report) -> None:
    assert report.read == sum(report.counts.values())


# Nesting


def test_skips_a_jsonl_line_nested_too_deeply_and_imports_the_rest(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text(
        work_line(9990000901)
        + "[" * 100_000
        + "\n"
        + '{"id": "W9990000902", "extra": '
        + "[" * 100_000
        + "]" * 100_000
        + "}\n"
        + work_line(9990000903)
    )

    report = openalex.import_paths([path])

    assert_adds_up(report)
    assert (report.read, report.created, report.skipped) == (4, 2, 2)
    assert reasons(report) == {
        f"{path}:2": "JSON nested too deeply",
        f"{path}:3": "JSON nested too deeply",
    }


def test_skips_a_json_document_nested_too_deeply(tmp_path):
    path = tmp_path / "page.json"
    path.write_text('{"results": [' + "[" * 100_000 + "]" * 100_000 + "]}")

    report = openalex.import_paths([path])

    assert (report.read, report.skipped) == (1, 1)
    assert report.skips[0].message == "JSON nested too deeply"


def test_skips_a_bibtex_entry_nested_too_deeply_and_imports_the_rest(tmp_path):
    path = tmp_path / "deep.bib"
    deep = "{" * 5000 + "x" + "}" * 5000
    path.write_text(
        "@misc{before, title={Before}, author={Ok, Ann}, year={2020}}\n"
        f"@misc{{deep, title={{{deep}}}, author={{Deep, Dee}}, year={{2020}}}}\n"
        "@misc{after, title={After}, author={Ok, Bo}, year={2021}}\n"
    )

    report = bibtex.import_paths([path])

    assert (report.read, report.created, report.skipped) == (3, 2, 1)
    assert reasons(report) == {f"{path}:2 (deep)": "nested too deeply"}


# Numbers out of range for their column


def test_reports_impossible_numbers_and_imports_the_works(tmp_path):
    topic = {
        "id": "https://openalex.org/T9990901",
        "display_name": "Topic",
        "domain": {"id": "https://openalex.org/domains/9", "display_name": "D"},
        "field": {"id": "https://openalex.org/fields/99", "display_name": "F"},
        "subfield": {"id": "https://openalex.org/subfields/9999", "display_name": "S"},
    }
    path = tmp_path / "numbers.jsonl"
    path.write_text(
        work_line(9990000911, cited_by_count=10**30)
        + work_line(9990000912, cited_by_count=-5)
        + work_line(9990000913, cited_by_count=1e30, publication_year=99999999999)
        + work_line(9990000914, cited_by_count=42.0, publication_year="2019")
        + work_line(9990000915, publication_date="20190-01-01", publication_year=None)
        + work_line(9990000916, topics=[topic | {"score": 10**400}])
        + work_line(9990000917, topics=[topic | {"score": 0.5}])
    )

    report = openalex.import_paths([path])

    assert (report.read, report.created, report.skipped) == (7, 7, 0)
    works = {work.openalex_id: work for work in Work.objects.all()}
    assert [works[f"W99900009{n}"].cited_by_count for n in (11, 12, 13, 14)] == [
        0,
        0,
        0,
        42,
    ]
    assert works["W9990000913"].publication_year is None
    assert works["W9990000914"].publication_year == 2019
    assert works["W9990000915"].publication_year is None
    scores = dict(WorkTopic.objects.values_list("work__openalex_id", "score"))
    assert scores == {"W9990000916": None, "W9990000917": 0.5}
    warnings = [str(problem).removeprefix(f"{path}:") for problem in report.warnings]
    assert warnings == [
        f"1: cited_by_count {10**30} is not a count; stored as 0",
        "2: cited_by_count -5 is not a count; stored as 0",
        "3: year 99999999999 is not a plausible year; left out",
        "3: cited_by_count 1e+30 is not a count; stored as 0",
        "5: date '20190-01-01' is not a date; left out",
        f"6: score {str(10**400)[:40]}… of topic T9990901 is not a number; left out",
    ]


def test_skips_a_number_too_long_to_read_and_imports_the_rest(tmp_path):
    path = tmp_path / "long-number.jsonl"
    path.write_text(
        work_line(9990000921)
        + '{"id": "W9990000922", "cited_by_count": '
        + "9" * 5000
        + "}\n"
        + work_line(9990000923)
    )

    report = openalex.import_paths([path])

    assert (report.read, report.created, report.skipped) == (3, 2, 1)
    assert reasons(report)[f"{path}:2"].startswith("invalid JSON (Exceeds the limit")


def test_skips_ids_too_long_for_their_column():
    long_id = "https://openalex.org/W" + "9" * 40

    report = openalex.import_records(
        [
            openalex_work(9990000931, id=long_id),
            openalex_work(9990000932, referenced_works=[long_id, "W9990000931"]),
        ]
    )

    assert (report.created, report.skipped) == (1, 1)
    assert report.skips[0].message == f"invalid OpenAlex id: {long_id!r}"
    assert Work.objects.get().referenced_openalex_ids == ["W9990000931"]


def test_reports_a_bibtex_year_that_is_not_plausible(tmp_path):
    path = tmp_path / "years.bib"
    path.write_text(
        "@misc{far, title={Far future}, author={Ok, Ann}, year={99999999999}}\n"
        "@misc{press, title={In press}, author={Ok, Bo}, year={in press}}\n"
        f"@misc{{month, title={{Month}}, author={{Ok, Cy}}, year={{2020}}, "
        f"month={{{'1' * 5000}}}}}\n"
        "@misc{super, title={Superscript}, author={Ok, Di}, year={²⁰²⁰}}\n"
    )

    report = bibtex.import_paths([path])

    assert (report.read, report.created, report.skipped) == (4, 4, 0)
    assert set(Work.objects.values_list("publication_year", flat=True)) == {
        None,
        2020,
    }
    warnings = sorted(
        str(problem).removeprefix(f"{path}:") for problem in report.warnings
    )
    assert warnings == [
        "1 (far): year '99999999999' is not a plausible year; left out",
        "2 (press): year 'in press' is not a plausible year; left out",
        "4 (super): year '²⁰²⁰' is not a plausible year; left out",
    ]


# Errors only the database finds


def test_skips_a_record_the_database_refuses_and_keeps_its_batch(caplog):
    # Postgres cannot index a title of over a megabyte for search.
    works = [
        openalex_work(9990000941),
        openalex_work(9990000942, title=" ".join(f"w{n}" for n in range(200_000))),
        openalex_work(9990000943),
    ]

    report = openalex.import_records(works)

    assert (report.created, report.skipped) == (2, 1)
    [skip] = report.skips
    assert skip.where == "<records>:record 2"
    assert skip.message.startswith("could not be stored: OperationalError: string is")
    assert "\n" not in skip.message
    assert not [
        record for record in caplog.records if record.levelno >= logging.WARNING
    ]


def test_stops_with_a_report_when_the_database_connection_is_lost(monkeypatch):
    def import_batch(records: list[Record]) -> BatchResult:
        if records[0].index == 3:
            raise OperationalError("server closed the connection unexpectedly")
        for record in records:
            Work.objects.create(openalex_id=record.data["id"])
        return BatchResult(outcomes=[Outcome.CREATED] * len(records))

    monkeypatch.setattr(connection, "is_usable", lambda: False)
    records = [Record("mem", data={"id": f"W{n}"}, index=n) for n in range(1, 7)]

    report = run_batches(records, import_batch, batch_size=2)

    assert (report.read, report.created, report.skipped) == (2, 2, 0)
    assert report.stopped == (
        "mem:record 3: database connection lost "
        "(OperationalError: server closed the connection unexpectedly); "
        "the records before it are "
        "committed; run the import again to finish"
    )
    assert Work.objects.count() == 2


def test_command_fails_after_printing_the_report_when_the_database_is_lost(
    tmp_path, monkeypatch
):
    def import_batch(records: list[Record]) -> BatchResult:
        raise OperationalError("terminating connection")

    monkeypatch.setattr(openalex, "import_batch", import_batch)
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    path = tmp_path / "works.jsonl"
    path.write_text(work_line(9990000951))
    out = StringIO()

    with pytest.raises(CommandError, match="database connection lost"):
        call_command("import_openalex", str(path), stdout=out)

    assert "Read 0 records" in out.getvalue()


# Wrong or empty files


def test_reports_a_bibtex_file_given_to_import_openalex_once(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(
        "% My references\n"
        "@article{a,\n  title={One},\n  author={Ann Ok},\n  year={2020}\n}\n"
    )

    report = openalex.import_paths([path])

    assert (report.read, report.skipped) == (1, 1)
    assert reasons(report) == {
        str(path): "not JSON: the file starts with '% My references'"
    }


def test_reports_a_json_file_given_to_import_bibtex(tmp_path):
    path = tmp_path / "works.json"
    path.write_text(json.dumps(openalex_work(9990000961)))

    report = bibtex.import_paths([path])

    assert (report.read, report.skipped) == (1, 1)
    [skip] = report.skips
    assert skip.where == str(path)
    assert skip.message.startswith('no records in this file; it starts with \'{"id": ')


def test_reports_files_without_records(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n  \n")
    page = tmp_path / "page.json"
    page.write_text('{"meta": {"count": 0}, "results": []}')
    comments = tmp_path / "comments.bib"
    comments.write_text("% nothing yet\n@string{cvpr = {CVPR}}\n")

    openalex_report = openalex.import_paths([empty, page])
    bibtex_report = bibtex.import_paths([comments])

    assert (openalex_report.read, openalex_report.skipped) == (2, 2)
    assert reasons(openalex_report) == {
        str(empty): "no records in this file; it is empty",
        str(page): "no records in this file; it starts with "
        '\'{"meta": {"count": 0}, "results": []}\'',
    }
    assert reasons(bibtex_report) == {
        str(comments): "no records in this file; it starts with '% nothing yet'"
    }


def test_reports_an_empty_json_document_as_a_file_without_records(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("")
    blank = tmp_path / "blank.json"
    blank.write_text("\ufeff \n\t\n")
    packed = tmp_path / "packed.json.gz"
    packed.write_bytes(gzip.compress(b""))

    report = openalex.import_paths([empty, blank, packed])

    assert (report.read, report.skipped) == (3, 3)
    assert reasons(report) == {
        str(path): "no records in this file; it is empty"
        for path in (empty, blank, packed)
    }


def test_says_where_a_truncated_json_string_starts(tmp_path):
    page = tmp_path / "page.json"
    page.write_text('{"results": [{"id": "W9990000962", "title": "Cut')
    lines = tmp_path / "works.jsonl"
    lines.write_text(work_line(9990000963) + '{"id": "W9990000964", "title": "Cut\n')

    report = openalex.import_paths([page, lines])

    assert reasons(report) == {
        f"{page}:1": "invalid JSON (Unterminated string starting at column 45)",
        f"{lines}:2": "invalid JSON (Unterminated string starting at column 32)",
    }


def test_reads_gzipped_bibtex(tmp_path):
    entry = "@misc{packed, title={Caf\\'e packed}, author={M\\\"uller, Hans}}\n"
    (tmp_path / "refs.bib.gz").write_bytes(gzip.compress(entry.encode()))
    (tmp_path / "cut.bib.gz").write_bytes(gzip.compress(entry.encode() * 50)[:40])
    out = StringIO()

    call_command("import_bibtex", str(tmp_path), stdout=out)

    assert "Read 2 records: 1 created, 0 updated, 0 unchanged, 1 skipped." in (
        out.getvalue()
    )
    assert "cut.bib.gz: unreadable file: Compressed file ended" in out.getvalue()
    assert Work.objects.get().title == "Café packed"
    assert Author.objects.get().display_name == "Hans Müller"


def test_reports_a_gzipped_bibtex_file_without_the_gz_name(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_bytes(gzip.compress(b"@misc{a, title={One}, author={Ok, Ann}}\n"))

    report = bibtex.import_paths([path])

    assert (report.read, report.skipped) == (1, 1)
    assert reasons(report) == {
        str(path): "gzip-compressed, but its name does not end in .gz; "
        "name it refs.bib.gz to import it"
    }
    assert not Work.objects.exists()


# Encodings: NUL bytes, invalid UTF-8, unpaired surrogates


def test_skips_only_the_records_of_a_json_document_with_invalid_utf8(tmp_path):
    path = tmp_path / "page.json"
    path.write_bytes(
        b'{"results": [\n'
        b'{"id": "W9990000971", "title": "Good"},\n'
        b'{"id": "W9990000972", "title": "Latin-1 \xe9t\xe9"},\n'
        b'{"id": "W9990000973", "title": "Also good\x00"}\n'
        b"]}"
    )

    report = openalex.import_paths([path])

    assert (report.read, report.created, report.skipped) == (3, 2, 1)
    assert reasons(report) == {f"{path}:record 2": "invalid UTF-8"}
    assert set(Work.objects.values_list("title", flat=True)) == {"Good", "Also good"}


def test_replaces_unpaired_surrogates_and_says_so(tmp_path):
    path = tmp_path / "surrogates.jsonl"
    path.write_text(
        '{"id": "W9990000981", "title": "Lone \\ud83d surrogate"}\n'
        '{"id": "W9990000982", "title": "Paired \\ud83d\\ude00 emoji"}\n'
    )

    report = openalex.import_paths([path])

    assert (report.created, report.skipped) == (2, 0)
    titles = set(Work.objects.values_list("title", flat=True))
    assert titles == {"Lone \ufffd surrogate", "Paired \U0001f600 emoji"}
    assert [str(problem) for problem in report.warnings] == [
        f"{path}:1: unpaired UTF-16 surrogate escape replaced by U+FFFD"
    ]


def test_strips_nul_bytes_from_bibtex(tmp_path):
    path = tmp_path / "nul.bib"
    path.write_bytes(b"@misc{nul, title={Null\x00 byte}, author={Ok, A\x00nn}}\n")

    report = bibtex.import_paths([path])

    assert report.created == 1
    assert Work.objects.get().title == "Null byte"
    assert Author.objects.get().display_name == "Ann Ok"


# BibTeX reports each problem once


def test_reports_bibtex_problems_once_in_our_own_words(caplog):
    faults = Path(__file__).resolve().parent / "fixtures" / "bibtex-faults.bib"
    out = StringIO()

    call_command("import_bibtex", str(faults), stdout=out)

    assert not [
        record for record in caplog.records if record.name.startswith("bibtexparser")
    ]
    assert out.getvalue().count("Was still looking for field-value closing") == 1


def test_reports_a_field_given_twice_in_any_case_and_reads_the_entry(tmp_path):
    path = tmp_path / "twice.bib"
    path.write_text(
        "@misc{twice, title={First}, Title={Second}, title={Third},\n"
        "  author={Ok, Ann}, year={2020}, Year={2021}}\n"
    )

    report = bibtex.import_paths([path])

    work = Work.objects.get()
    assert (work.title_raw, work.publication_year) == ("First", 2020)
    assert [str(problem) for problem in report.warnings] == [
        f"{path}:1 (twice): fields title, year given more than once; "
        "the first one is used"
    ]


# Paths


def test_imports_every_matching_file_of_a_directory_in_order(tmp_path):
    (tmp_path / "b.jsonl").write_text(work_line(9990000992))
    (tmp_path / "a.json").write_text(json.dumps(openalex_work(9990000991)))
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(work_line(9990000993).encode()))
    (tmp_path / "notes.txt").write_text("not imported")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "d.jsonl").write_text(work_line(9990000994))
    out = StringIO()

    call_command("import_openalex", str(tmp_path), stdout=out)

    assert "Read 3 records: 3 created" in out.getvalue()
    ids = list(Work.objects.order_by("pk").values_list("openalex_id", flat=True))
    assert ids == ["W9990000991", "W9990000992", "W9990000993"]


def test_imports_the_bib_files_of_a_directory(tmp_path):
    (tmp_path / "one.bib").write_text("@misc{one, title={One}, author={Ok, Ann}}\n")
    (tmp_path / "two.BIB").write_text("@misc{two, title={Two}, author={Ok, Bo}}\n")
    (tmp_path / "works.json").write_text("{}")
    out = StringIO()

    call_command("import_bibtex", str(tmp_path), stdout=out)

    assert "Read 2 records: 2 created" in out.getvalue()


@pytest.mark.parametrize("command", ["import_openalex", "import_bibtex"])
def test_refuses_missing_paths_and_directories_without_matching_files(
    tmp_path, command
):
    (tmp_path / "notes.txt").write_text("nothing to import")

    with pytest.raises(CommandError, match=r"No such file or directory: .*absent"):
        call_command(command, str(tmp_path / "absent"))
    with pytest.raises(CommandError, match="No files to import in"):
        call_command(command, str(tmp_path))
