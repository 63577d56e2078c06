import gzip
import json
import re
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Max
from django.urls import reverse
from pytest_django.asserts import assertContains

from profiles.models import Author
from tests.works.factories import (
    assert_jats_example_cleaned,
    openalex_authorship,
    openalex_work,
)
from works.importers import openalex
from works.importers.common import BatchResult, Outcome, Record, run_batches
from works.importers.json_records import read_json_records
from works.models import Authorship, Institution, Source, Topic, Work, WorkTopic
from works.text import plain_text

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT = Path(__file__).resolve().parents[2]
DEMO_WORKS = PROJECT / "data" / "demo" / "openalex-works.jsonl"
SHARED_DATA = PROJECT.parent / "shared" / "data"


def shared(relative: str) -> Path:
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"{path} is absent: the team's shared data folder is not here")
    return path


def row_counts() -> dict[str, int]:
    models = [Work, Authorship, Author, Institution, Source, Topic, WorkTopic]
    return {model.__name__: model.objects.count() for model in models}


def version_links() -> dict[str, str]:
    linked = Work.objects.filter(version_of__isnull=False)
    return dict(linked.values_list("openalex_id", "version_of__openalex_id"))


def assert_adds_up(report) -> None:
    assert report.read == sum(report.counts.values())


@pytest.fixture
def faults():
    """The faults fixture, imported; returns its report."""
    return openalex.import_paths([FIXTURES / "openalex-faults.jsonl"])


# Files, summaries, idempotency


def test_writes_two_different_copies_of_a_work_in_turn_on_every_run(tmp_path):
    path = tmp_path / "two-copies.jsonl"
    path.write_text(
        json.dumps(openalex_work(9990003101, cited_by_count=1))
        + "\n"
        + json.dumps(openalex_work(9990003101, cited_by_count=2))
        + "\n"
    )

    first = openalex.import_paths([path])
    second = openalex.import_paths([path])

    assert (first.created, first.updated) == (1, 1)
    assert (second.updated, second.unchanged) == (2, 0)
    assert Work.objects.get().cited_by_count == 2


def test_imports_demo_works_and_a_second_run_changes_nothing():
    first = openalex.import_paths([DEMO_WORKS])
    counts = row_counts()
    stamps = (
        Work.objects.aggregate(Max("updated_at")),
        Author.objects.aggregate(Max("updated_at")),
    )

    second = openalex.import_paths([DEMO_WORKS])

    assert (first.read, first.created, first.skipped) == (210, 210, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 210)
    assert row_counts() == counts
    assert counts["Work"] == 210
    assert Work.objects.aggregate(Max("updated_at")) == stamps[0]
    assert Author.objects.aggregate(Max("updated_at")) == stamps[1]


def test_summary_adds_up_and_reports_a_malformed_line_with_file_and_line(faults):
    assert_adds_up(faults)
    assert (faults.read, faults.created, faults.skipped) == (11, 10, 1)
    [skip] = faults.skips
    assert skip.where == f"{FIXTURES / 'openalex-faults.jsonl'}:4"
    assert skip.message.startswith("invalid JSON")
    assert not Work.objects.filter(openalex_id="W9990000099").exists()


def test_command_prints_skips_warnings_and_summary():
    out = StringIO()

    call_command("import_openalex", str(FIXTURES / "openalex-faults.jsonl"), stdout=out)

    output = out.getvalue()
    assert "openalex-faults.jsonl:4: invalid JSON" in output
    assert "invalid ORCID 'https://orcid.org/0000-0003-2680-0055'" in output
    assert "invalid ORCID '0000-0000-0000-0000'" in output
    assert "Read 11 records: 10 created, 0 updated, 0 unchanged, 1 skipped." in output
    # Skips, then warnings, then the summary.
    assert output.index("Skipped") < output.index("Warning") < output.index("Read")


def test_command_counts_a_single_record_in_the_singular(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(openalex_work(9990000961)) + "\n")
    out = StringIO()

    call_command("import_openalex", str(path), stdout=out)

    assert "Read 1 record: 1 created, 0 updated, 0 unchanged, 0 skipped." in (
        out.getvalue()
    )


def test_command_is_silent_at_verbosity_zero_and_refuses_missing_files(tmp_path):
    out = StringIO()

    call_command("import_openalex", str(DEMO_WORKS), verbosity=0, stdout=out)

    assert out.getvalue() == ""
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_openalex", str(tmp_path / "absent.jsonl"))


def test_reads_gzipped_jsonl(tmp_path):
    path = tmp_path / "part_000.jsonl.gz"
    path.write_bytes(gzip.compress(DEMO_WORKS.read_bytes()))

    broken = tmp_path / "part_001.jsonl.gz"
    broken.write_bytes(gzip.compress(DEMO_WORKS.read_bytes())[:2000])

    report = openalex.import_paths([path, broken])

    assert report.created == 210
    assert report.skips[-1].message.startswith("unreadable file")


def test_reads_list_pages_and_single_objects():
    report = openalex.import_paths(
        [FIXTURES / "openalex-list-page.json", FIXTURES / "openalex-single-work.json"]
    )

    assert (report.read, report.created, report.skipped) == (4, 3, 1)
    assert str(report.skips[0]).endswith(
        "openalex-list-page.json:record 3: not a JSON object"
    )
    single = Work.objects.get(openalex_id="W9990000401")
    assert (single.title, str(single.published_on)) == ("A single object", "2018-11-30")


def test_reads_the_shared_list_pages():
    paths = [shared("openalex/works-page-biodiversity-finance.json")]

    report = openalex.import_paths(paths)

    assert (report.read, report.created, report.skipped) == (200, 200, 0)
    links = version_links()
    assert links == {
        "W2242043546": "W2041234663",
        "W2171769921": "W3122364323",
        "W3123744915": "W1954383359",
        "W4249693660": "W2175230694",
    }


def test_imports_the_shared_key_paper_pages_and_a_second_run_changes_nothing():
    paths = [
        shared("openalex/works-page-keypapers.json"),
        shared("openalex/works-page-citing-keypapers.json"),
    ]
    first = openalex.import_paths(paths)
    counts = row_counts()
    stamp = Work.objects.aggregate(Max("updated_at"))

    second = openalex.import_paths(paths)

    assert (first.read, first.created, first.skipped) == (7, 7, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 7)
    assert counts["Work"] == 7
    assert row_counts() == counts
    assert Work.objects.aggregate(Max("updated_at")) == stamp


def test_skips_invalid_utf8_and_strips_nul_bytes(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_bytes(
        b'{"id": "W9990000501", "title": "Raw NUL\x00 byte"}\n'
        b'{"id": "W9990000502", "title": "Latin-1 \xe9t\xe9"}\n'
        b'{"id": "W9990000503", "title": "Escaped \\u0000 NUL"}\n'
        b"[1, 2]\n"
    )

    report = openalex.import_paths([path])

    assert (report.read, report.created, report.skipped) == (4, 2, 2)
    reasons = {
        problem.where.rsplit(":", 1)[1]: problem.message for problem in report.skips
    }
    assert reasons["2"].startswith("invalid UTF-8")
    assert reasons["4"] == "not a JSON object"
    titles = set(Work.objects.values_list("title_raw", flat=True))
    assert titles == {"Raw NUL byte", "Escaped  NUL"}


def test_reads_jsonl_lazily_line_by_line(tmp_path):
    path = tmp_path / "works.jsonl"
    path.write_text('{"id": "W1"}\n{"id": "W2"}\n')

    records = read_json_records(path)
    first = next(records)
    # Lines written after the first was read still arrive: nothing was slurped.
    with path.open("a") as stream:
        stream.write('{"id": "W3"}\n')

    assert first.line == 1
    assert [record.line for record in records] == [2, 3]


def test_commits_each_batch_and_isolates_a_failing_record():
    def import_batch(records: list[Record]) -> BatchResult:
        result = BatchResult()
        for record in records:
            if record.data["id"] == "W3":
                raise ValueError("boom")
            Work.objects.create(openalex_id=record.data["id"])
            result.add(Outcome.CREATED)
        return result

    records = [Record("mem", data={"id": f"W{n}"}, index=n) for n in range(1, 6)]

    report = run_batches(records, import_batch, batch_size=2)

    assert (report.created, report.skipped) == (4, 1)
    assert str(report.skips[0]) == "mem:record 3: could not be stored: ValueError: boom"
    assert set(Work.objects.values_list("openalex_id", flat=True)) == {
        "W1",
        "W2",
        "W4",
        "W5",
    }


# Entity kinds


def test_imports_or_skips_every_entity_kind_with_a_reason():
    report = openalex.import_paths([FIXTURES / "openalex-entities.jsonl"])

    assert_adds_up(report)
    assert (report.read, report.created, report.skipped) == (10, 5, 5)
    reasons = sorted(problem.message for problem in report.skips)
    assert reasons == [
        "deleted author record (OpenAlex tombstone), not imported",
        "entity kind not imported (concept)",
        "entity kind not imported (funder)",
        "entity kind not imported (keyword)",
        "entity kind not imported (publisher)",
    ]
    author = Author.objects.select_related("last_known_institution").get(
        openalex_id="A9990000201"
    )
    assert author.alternative_names == ["I. Entity"]
    assert author.orcid == "0000-0002-0000-0778"
    assert author.last_known_institution.ror_id == "00jmfr291"
    assert not Author.objects.filter(display_name="Deleted Author").exists()
    assert Institution.objects.get(openalex_id="I9990000202").country_code == "GB"
    assert Source.objects.get(openalex_id="S9990000201").publisher == "Entity Press"
    topic = Topic.objects.get(openalex_id="T9990201")
    assert topic.parent.parent.parent.openalex_id == "domains/8"


def test_imports_or_skips_every_file_of_the_shared_entities_folder():
    folder = shared("openalex/entities")

    report = openalex.import_paths(sorted(folder.glob("*.json")))

    assert_adds_up(report)
    assert (report.read, report.created, report.skipped) == (10, 5, 5)
    skipped = {Path(problem.where.split(":")[0]).name for problem in report.skips}
    assert skipped == {
        "A5317838346.json",
        "C71924100.json",
        "F4320332161.json",
        "P4310319965.json",
        "cardiac-imaging.json",
    }
    assert not Author.objects.filter(openalex_id="A5317838346").exists()
    priem = Author.objects.get(openalex_id="A5023888391")
    assert priem.last_known_institution.name == "OurResearch"
    assert (
        Topic.objects.get(openalex_id="T11636").parent.openalex_id == "subfields/2718"
    )


def test_same_work_from_two_snapshots_is_one_row_updated():
    line = next(
        line
        for line in DEMO_WORKS.read_text().splitlines()
        if '"id": "https://openalex.org/W2741809807"' in line
    )
    newer = json.loads(line) | {"type": "book-chapter"}
    openalex.import_paths([DEMO_WORKS])

    report = openalex.import_records([newer])

    assert report.updated == 1
    work = Work.objects.get(openalex_id="W2741809807")
    assert work.type == Work.Type.BOOK_CHAPTER
    names = list(
        work.authorships.order_by("position").values_list("raw_author_name", flat=True)
    )
    assert names == [item["raw_author_name"] for item in newer["authorships"]]
    assert Authorship.objects.filter(work=work).count() == 9


def stored_work(openalex_id: str) -> tuple:
    """Return everything stored about one work: its row, topics and byline."""
    work = Work.objects.filter(openalex_id=openalex_id)
    topics = WorkTopic.objects.filter(work__in=work).values_list(
        "topic__openalex_id", "score"
    )
    byline = Authorship.objects.filter(work__in=work).order_by("position")
    links = Authorship.institutions.through.objects.filter(
        authorship__work__in=work
    ).values_list("authorship_id", "institution_id")
    return work.values().get(), set(topics), list(byline.values()), set(links)


def test_a_sparse_record_leaves_what_it_says_nothing_about_unchanged(tmp_path):
    # An API `select=id` result: no key but the id, so nothing to say.
    path = tmp_path / "sparse.jsonl"
    path.write_text('{"id": "https://openalex.org/W2741809807"}\n')
    openalex.import_paths([DEMO_WORKS])
    before = stored_work("W2741809807")

    first = openalex.import_paths([path])
    again = openalex.import_paths([path])

    assert (first.unchanged, first.updated, again.unchanged) == (1, 0, 1)
    assert stored_work("W2741809807") == before
    row, topics, byline, _ = before
    assert (row["title"], row["doi"], row["cited_by_count"]) == (
        "The state of OA: a large-scale analysis of the prevalence and impact of "
        "Open Access articles",
        "10.7717/peerj.4375",
        962,
    )
    assert row["venue_id"] and row["abstract"] and row["referenced_openalex_ids"]
    assert (len(topics), len(byline)) == (3, 9)


def test_a_key_given_as_null_still_clears_the_stored_value():
    openalex.import_paths([DEMO_WORKS])
    row, topics, byline, _ = stored_work("W2741809807")

    report = openalex.import_records(
        [{"id": "https://openalex.org/W2741809807", "title": None}]
    )

    work = Work.objects.get(openalex_id="W2741809807")
    assert report.updated == 1
    assert (work.title, work.title_raw) == (None, None)
    assert (work.doi, work.publication_year, work.venue_id) == (
        row["doi"],
        2018,
        row["venue_id"],
    )
    assert stored_work("W2741809807")[1:3] == (topics, byline)


def test_a_new_work_from_a_sparse_record_gets_the_defaults():
    report = openalex.import_records([{"id": "https://openalex.org/W9990003001"}])

    work = Work.objects.get()
    assert report.created == 1
    assert (work.title, work.doi, work.publication_year) == (None, None, None)
    assert (work.type, work.cited_by_count, work.venue) == (Work.Type.OTHER, 0, None)
    assert not work.authorships.exists() and not work.work_topics.exists()


def test_shared_entity_copy_of_a_work_updates_the_same_row():
    path = shared("openalex/entities/W2741809807.json")
    openalex.import_paths([DEMO_WORKS])

    report = openalex.import_paths([path])

    assert report.created == 0
    assert Work.objects.filter(openalex_id="W2741809807").count() == 1
    assert Authorship.objects.filter(work__openalex_id="W2741809807").count() == 9


def test_rebuilds_the_abstract_of_the_june_copy_and_ignores_its_v3_index():
    # DATA-FAULTS 3: this copy carries an undocumented `abstract_inverted_index_v3`.
    path = shared("openalex/entities/W2741809807.json")
    assert "abstract_inverted_index_v3" in json.loads(path.read_text())

    report = openalex.import_paths([path])

    assert (report.created, report.skipped) == (1, 0)
    abstract = plain_text(Work.objects.get(openalex_id="W2741809807").abstract)
    assert abstract.startswith("Despite growing interest in Open Access (OA)")
    assert (
        "We address this need using oaDOI, an open online service that determines "
        "OA status for 67 million articles." in abstract
    )


def test_upserts_on_the_normalised_id_and_normalises_ids_doi():
    openalex.import_records([openalex_work(9990000601, doi=None)])

    report = openalex.import_records(
        [
            openalex_work(
                9990000601,
                id="https://api.openalex.org/works/w9990000601",
                doi=None,
                ids={"doi": "https://doi.org/10.99999/FICT.IDS"},
            )
        ]
    )

    assert report.updated == 1
    assert Work.objects.get().doi == "10.99999/fict.ids"


def test_keeps_a_doi_on_one_work_and_warns_about_the_other():
    doi = "https://doi.org/10.99999/fict.shared"

    report = openalex.import_records(
        [openalex_work(9990000701, doi=doi), openalex_work(9990000702, doi=doi)]
    )

    assert Work.objects.get(openalex_id="W9990000701").doi == "10.99999/fict.shared"
    assert Work.objects.get(openalex_id="W9990000702").doi is None
    assert "DOI 10.99999/fict.shared already belongs to W9990000701" in str(
        report.warnings[0]
    )


# DATA-FAULTS.md, entry by entry


def test_rebuilds_abstracts_with_every_position_and_decodes_entities(faults):
    abstracts = dict(Work.objects.values_list("openalex_id", "abstract"))

    words = plain_text(abstracts["W9990000001"]).split()
    assert words == ["the", "cat", "saw", "and", "the", "dog", "saw", "it"]
    assert len(words) == 8
    assert plain_text(abstracts["W9990000002"]) == "R&D costs rose >10%."
    for openalex_id in ("W9990000003", "W9990000004", "W9990000005"):
        assert abstracts[openalex_id] is None


def test_cleans_jats_markup_out_of_inverted_index_keys():
    index = {
        "<jats:title>Abstract</jats:title><jats:p>We": [0],
        "measured": [1],
        "CO<jats:sub>2</jats:sub>": [2],
        "in": [3],
        "<jats:italic>F.": [4],
        "imaginaria</jats:italic>.</jats:p>": [5],
        "<jats:p>Second": [6],
        "&lt;paragraph&gt;.</jats:p>": [7],
    }

    openalex.import_records([openalex_work(9990002001, abstract_inverted_index=index)])

    assert_jats_example_cleaned(Work.objects.get().abstract)


def test_cleans_titles_and_keeps_the_raw_title(faults):
    work = Work.objects.get(openalex_id="W9990000002")

    assert (
        work.title_raw
        == "Ca<sup>2+</sup> signalling &amp;amp; growth in regions <0.5 mm"
    )
    assert work.title == "Ca<sup>2+</sup> signalling &amp; growth in regions &lt;0.5 mm"
    assert plain_text(work.title) == "Ca2+ signalling & growth in regions <0.5 mm"


def test_keys_authors_by_id_and_keeps_byline_spellings(faults):
    zoe = Author.objects.get(openalex_id="A9990000001")
    bruno = Author.objects.get(openalex_id="A9990000002")

    assert zoe.display_name == "Zoë Ñandú‐Okafor"
    assert zoe.alternative_names == ["Zoe Nandu-Okafor"]
    assert zoe.search_name == "zoe nandu okafor"
    assert zoe.slug == "zoe-nandu-okafor"
    assert list(Author.objects.search("Zoe Nandu-Okafor")) == [zoe]
    assert bruno.alternative_names == ["B. Quill"]
    assert bruno.search_name == "bruno quill b quill"
    assert Author.objects.filter(display_name="Bruno Quill").count() == 1


def test_flags_truncated_author_lists_and_keeps_their_order():
    bylines = [openalex_authorship(9990100000 + n, f"Person {n}") for n in range(100)]

    openalex.import_records(
        [openalex_work(9990000801, authorships=bylines, is_authors_truncated=True)]
    )

    work = Work.objects.get()
    assert work.is_authors_truncated
    names = list(
        work.authorships.order_by("position").values_list("raw_author_name", flat=True)
    )
    assert names == [f"Person {n}" for n in range(100)]


def test_warns_to_import_the_works_own_record_when_its_authors_are_truncated():
    bylines = [openalex_authorship(9990100000 + n, f"Person {n}") for n in range(100)]
    record = openalex_work(9990000803, authorships=bylines, is_authors_truncated=True)

    report = openalex.import_records([record])

    work = Work.objects.get()
    assert work.is_authors_truncated
    assert work.authorships.count() == 100
    assert [str(warning) for warning in report.warnings] == [
        "<records>:record 1: the source cut the author list at 100 authors "
        "(is_authors_truncated, as OpenAlex list pages do); import the work's own "
        "record, the single object at https://api.openalex.org/works/W9990000803, "
        "for the full list"
    ]


def test_keeps_a_full_byline_when_a_truncated_copy_of_the_work_arrives():
    bylines = [openalex_authorship(9990100000 + n, f"Person {n}") for n in range(150)]
    openalex.import_records([openalex_work(9990000804, authorships=bylines)])
    listed = bylines[:100]
    listed[0] = openalex_authorship(
        9990100000, "Person 0", raw_affiliation_strings=["Moved Institute"]
    )
    copy = openalex_work(9990000804, authorships=listed, is_authors_truncated=True)

    report = openalex.import_records([copy])
    again = openalex.import_records([copy])

    work = Work.objects.get()
    assert (report.updated, again.unchanged) == (1, 1)
    assert not work.is_authors_truncated
    names = list(
        work.authorships.order_by("position").values_list("raw_author_name", flat=True)
    )
    assert names == [f"Person {n}" for n in range(150)]
    assert work.authorships.get(position=1).raw_affiliations == ["Moved Institute"]
    assert report.warnings == []


def test_bulk_imports_five_thousand_authorships_in_few_queries(
    django_assert_max_num_queries,
):
    bylines = [openalex_authorship(9991000000 + n, f"Person {n}") for n in range(5000)]
    record = openalex_work(9990000802, authorships=bylines)

    with django_assert_max_num_queries(60):
        openalex.import_records([record])

    assert Authorship.objects.filter(work__openalex_id="W9990000802").count() == 5000
    assert Author.objects.count() == 5000
    assert openalex.import_records([record]).unchanged == 1


def test_stores_long_titles_and_venue_names_whole(faults):
    work = Work.objects.select_related("venue").get(openalex_id="W9990000007")

    assert len(work.title) == 1200
    assert len(work.venue.name) == len("Proceedings of ") + 400
    assert work.venue.publisher == "H" * 400


def test_stores_missing_dates_as_null_and_keeps_their_precision(faults):
    dates = {
        work.openalex_id: (
            work.publication_year,
            work.published_on,
            work.date_precision,
        )
        for work in Work.objects.all()
    }

    assert dates["W9990000004"] == (None, None, None)
    assert dates["W9990000010"] == (None, None, None)
    assert dates["W9990000003"] == (2001, None, None)
    assert str(dates["W9990000001"][1]) == "2019-03-05"
    assert dates["W9990000001"][2] == Work.DatePrecision.DAY
    assert str(dates["W9990000009"][1]) == "2020-07-01"
    assert dates["W9990000009"][2] == Work.DatePrecision.MONTH


def test_imports_null_and_empty_titles(faults):
    missing = Work.objects.get(openalex_id="W9990000005")
    empty = Work.objects.get(openalex_id="W9990000006")

    assert (missing.title, missing.title_raw) == (None, None)
    assert (empty.title, empty.title_raw) == (None, "")
    assert missing.doi == "10.99999/fict.0004"
    assert str(missing) and str(empty)


def test_imports_the_real_work_with_a_null_title_and_shows_a_placeholder(client):
    path = shared("openalex/work-W4234567890-null-title.json")

    report = openalex.import_paths([path])

    assert (report.created, report.skipped) == (1, 0)
    work = Work.objects.get(openalex_id="W4234567890")
    assert (work.title, work.title_raw) == (None, None)
    response = client.get(reverse("works:detail", args=[work.pk]))
    assert response.status_code == HTTPStatus.OK
    assertContains(response, "<h1>Untitled work</h1>")
    assertContains(response, 'href="https://doi.org/10.4018/jnn.20180101"')


def test_keeps_authorships_without_author_ids_unlinked(faults):
    work = Work.objects.get(openalex_id="W9990000006")
    [authorship] = work.authorships.all()

    assert work.venue is None
    assert authorship.position == 1
    assert authorship.author is None
    assert authorship.raw_author_name == "Ada Quillfeather"
    assert authorship.raw_affiliations == ["Inst. Imaginary Stud., Atlantis"]
    assert not authorship.institutions.exists()
    assert not Author.objects.filter(
        display_name__in=["Ada Quillfeather", "None", ""]
    ).exists()
    assert not Institution.objects.filter(
        name="Institute of Imaginary Studies"
    ).exists()


def test_shows_an_authorship_without_an_author_id_with_no_link(client):
    ada = openalex_authorship(None, "Ada Quillfeather")
    bruno = openalex_authorship(9990002101, "Bruno Quill")
    openalex.import_records([openalex_work(9990002101, authorships=[ada, bruno])])
    work = Work.objects.get()

    response = client.get(reverse("works:detail", args=[work.pk]))

    assert response.status_code == HTTPStatus.OK
    byline = re.search(r'<p class="byline">(.*?)</p>', response.content.decode(), re.S)
    entries = [entry.strip() for entry in byline[1].split(",")]
    bruno_url = Author.objects.get(openalex_id="A9990002101").get_absolute_url()
    assert entries == [
        "Ada Quillfeather",
        f'<a href="{bruno_url}">Bruno Quill</a>',
    ]
    assert not Author.objects.filter(display_name="Ada Quillfeather").exists()


def test_creates_two_authors_for_two_ids_and_validates_orcids(faults):
    orcids = dict(Author.objects.values_list("openalex_id", "orcid"))

    assert orcids["A9990000010"] == "0000-0002-1825-0097"
    assert orcids["A9990000011"] is None
    assert orcids["A9990000012"] is None
    assert orcids["A9990000013"] is None
    assert orcids["A9990000014"] == "0000-0002-9079-593X"
    assert orcids["A9990000015"] == "0000-0002-9999-0010"
    warnings = [str(problem) for problem in faults.warnings]
    assert any(
        "openalex-faults.jsonl:9: invalid ORCID 'https://orcid.org/0000-0003-2680-0055'"
        in w
        for w in warnings
    )


def test_stores_references_as_plain_ids_and_skips_the_deleted_author(faults):
    work = Work.objects.get(openalex_id="W9990000001")
    deleted = Work.objects.get(openalex_id="W9990000010")

    assert work.referenced_openalex_ids == ["W1000000001", "W1000000002"]
    assert not Work.objects.filter(openalex_id__startswith="W100000000").exists()
    first = deleted.authorships.get(position=1)
    assert (first.author, first.raw_author_name) == (None, "Deleted Author")
    assert not Author.objects.filter(openalex_id="A5317838346").exists()
    assert deleted.title == "Nul bytes and a deleted author"


def test_stores_the_retracted_flag_and_maps_types(faults):
    types = {
        work.openalex_id: (work.type, work.type_raw, work.is_retracted)
        for work in Work.objects.all()
    }

    assert types["W9990000009"] == ("article", "", True)
    assert types["W9990000002"] == ("other", "editorial", False)
    assert types["W9990000010"] == ("other", "letter", False)
    assert [types[f"W999000000{n}"][0] for n in (3, 4, 5, 6, 7, 8)] == [
        "book",
        "dataset",
        "report",
        "dissertation",
        "review",
        "preprint",
    ]


def test_maps_notice_types_and_keeps_the_citations_of_a_retracted_work():
    openalex.import_records(
        [
            openalex_work(9990002201, type="retraction", title="Retraction: Quills"),
            openalex_work(9990002202, type="erratum", title="Erratum: Quills"),
            openalex_work(9990002203, is_retracted=True, cited_by_count=1234),
        ]
    )

    works = {
        work.openalex_id: (work.type, work.type_raw, work.cited_by_count)
        for work in Work.objects.all()
    }
    assert works == {
        "W9990002201": (Work.Type.RETRACTION, "", 0),
        "W9990002202": (Work.Type.ERRATUM, "", 0),
        "W9990002203": (Work.Type.ARTICLE, "", 1234),
    }
    assert Work.objects.get(openalex_id="W9990002203").is_retracted


def test_builds_topic_tree_venues_and_institutions(faults):
    work = Work.objects.select_related("venue").get(openalex_id="W9990000001")
    topic = Topic.objects.get(openalex_id="T99901")
    authorship = work.authorships.get(position=1)

    assert [topic.level, topic.parent.openalex_id] == ["topic", "subfields/9901"]
    assert topic.parent.parent.openalex_id == "fields/99"
    assert topic.parent.parent.parent.openalex_id == "domains/9"
    scores = dict(work.work_topics.values_list("topic__openalex_id", "score"))
    assert scores == {"T99901": 0.98, "T99902": 0.5}
    assert (work.venue.name, work.venue.issn_l) == (
        "Journal of Imaginary Results",
        "1234-5679",
    )
    [institution] = authorship.institutions.all()
    assert (institution.ror_id, institution.country_code) == ("02nr0ka47", "CA")
    assert authorship.is_corresponding
    assert authorship.raw_affiliations == ["Imaginary University, Atlantis"]


def test_sets_last_known_institution_from_the_newest_byline():
    old = {"id": "https://openalex.org/I9990000901", "display_name": "Old Place"}
    new = {"id": "https://openalex.org/I9990000902", "display_name": "New Place"}
    records = [
        openalex_work(
            9990000901,
            publication_year=2010,
            authorships=[openalex_authorship(9990000901, "Mover", institutions=[old])],
        ),
        openalex_work(
            9990000902,
            publication_year=2020,
            authorships=[openalex_authorship(9990000901, "Mover", institutions=[new])],
        ),
        openalex_work(
            9990000903, authorships=[openalex_authorship(9990000902, "Nowhere")]
        ),
    ]

    openalex.import_records(records)

    places = dict(
        Author.objects.values_list("display_name", "last_known_institution__name")
    )
    assert places == {"Mover": "New Place", "Nowhere": None}


# Preprints and their published versions (§13)


def test_links_preprints_to_their_published_version_only_when_it_is_safe():
    openalex.import_paths([FIXTURES / "openalex-versions.jsonl"])

    links = version_links()
    assert links == {"W9990000101": "W9990000102", "W9990000107": "W9990000108"}
    assert Work.objects.count() == 10


def test_links_the_real_pairs_of_the_demo_works_and_not_same_title_books():
    openalex.import_paths([DEMO_WORKS])

    links = version_links()
    assert links == {
        "W2242043546": "W2041234663",
        "W2171769921": "W3122364323",
        "W3123744915": "W1954383359",
        # The AMBIO article under two DOI forms: the copy cited 8 times points
        # at the one cited 113 times.
        "W4249693660": "W2175230694",
    }


def test_lists_the_two_copies_of_the_ambio_article_once_on_its_authors_page(client):
    openalex.import_paths([DEMO_WORKS])
    author = Author.objects.get(openalex_id="A5079379253")

    response = client.get(author.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert [work.openalex_id for work in response.context["page"]] == ["W2175230694"]
    assert response.context["author"].works_count == 1


def journal(number: int) -> dict:
    source = {"id": f"https://openalex.org/S{number}", "display_name": f"J {number}"}
    return {"source": source | {"type": "journal"}}


def copy_of_paper(number: int, *authors: int, **fields: object) -> dict:
    """Build one published copy of the paper "Imaginary Copies" (2021, journal 1)."""
    bylines = [openalex_authorship(author, f"Person {author}") for author in authors]
    record = {
        "title": "Imaginary Copies",
        "publication_year": 2021,
        "primary_location": journal(9990001301),
        "authorships": bylines,
    }
    return openalex_work(number, **(record | fields))


def test_links_two_published_copies_to_the_one_cited_more_often():
    openalex.import_records(
        [
            copy_of_paper(9990001301, 9990001301, cited_by_count=8),
            copy_of_paper(9990001302, 9990001301, 9990001302, cited_by_count=113),
            copy_of_paper(9990001303, 9990001311, cited_by_count=4),
            copy_of_paper(9990001304, 9990001311, cited_by_count=4),
        ]
    )

    assert version_links() == {
        "W9990001301": "W9990001302",
        # A tie goes to the older row.
        "W9990001304": "W9990001303",
    }


def test_never_links_published_copies_that_differ_in_more_than_their_ids():
    openalex.import_records(
        [
            copy_of_paper(9990001401, 9990001401),
            copy_of_paper(9990001402, 9990001401, publication_year=2022),
            copy_of_paper(9990001403, 9990001401, type="book-chapter"),
            copy_of_paper(9990001404, 9990001401, primary_location=journal(2)),
            copy_of_paper(9990001405, 9990001401, primary_location={"source": None}),
            copy_of_paper(9990001406, 9990001401, publication_year=None),
            copy_of_paper(9990001407, 9990001402),
            copy_of_paper(9990001408, 9990001401, title="Other Imaginary Copies"),
        ]
    )

    assert version_links() == {}


def test_links_a_preprint_to_the_canonical_copy_of_its_paper():
    # The preprint shares an author with the less cited copy only.
    copies = [
        copy_of_paper(9990001501, 9990001501, 9990001502, cited_by_count=1),
        copy_of_paper(9990001502, 9990001502, cited_by_count=9),
    ]
    preprint = copy_of_paper(
        9990001503,
        9990001501,
        type="preprint",
        publication_year=2020,
        primary_location={"source": None},
    )
    openalex.import_records(copies)

    openalex.import_records([preprint])

    assert version_links() == {
        "W9990001501": "W9990001502",
        "W9990001503": "W9990001502",
    }


def test_links_a_preprint_and_both_copies_imported_together_without_a_chain():
    preprint = copy_of_paper(9990001603, 9990001601, type="preprint")
    preprint["primary_location"] = {"source": None}

    openalex.import_records(
        [
            preprint,
            copy_of_paper(9990001601, 9990001601, cited_by_count=1),
            copy_of_paper(9990001602, 9990001601, cited_by_count=9),
        ]
    )

    assert version_links() == {
        "W9990001601": "W9990001602",
        "W9990001603": "W9990001602",
    }


def test_never_moves_a_link_to_a_copy_that_arrives_later():
    preprint = copy_of_paper(9990001703, 9990001701, type="preprint")
    preprint["primary_location"] = {"source": None}
    openalex.import_records(
        [preprint, copy_of_paper(9990001701, 9990001701, cited_by_count=1)]
    )

    openalex.import_records([copy_of_paper(9990001702, 9990001701, cited_by_count=9)])

    # The first copy stays the one its preprint points at, and the new copy
    # joins it there rather than starting a chain.
    assert version_links() == {
        "W9990001703": "W9990001701",
        "W9990001702": "W9990001701",
    }


def test_keeps_a_curators_link_between_copies():
    openalex.import_records([copy_of_paper(9990001801, 9990001801, cited_by_count=1)])
    elsewhere = Work.objects.create(openalex_id="W9990001899", title="Elsewhere")
    Work.objects.filter(openalex_id="W9990001801").update(version_of=elsewhere)

    openalex.import_records([copy_of_paper(9990001802, 9990001801, cited_by_count=9)])

    assert version_links() == {
        "W9990001801": "W9990001899",
        "W9990001802": "W9990001899",
    }


def test_keeps_an_orcid_on_one_author_when_two_ids_claim_it():
    orcid = "https://orcid.org/0000-0001-2345-6789"
    bylines = [openalex_authorship(9990001100 + n, f"Twin {n}") for n in (1, 2)]
    for authorship in bylines:
        authorship["author"]["orcid"] = orcid

    report = openalex.import_records([openalex_work(9990001101, authorships=bylines)])

    orcids = dict(Author.objects.values_list("openalex_id", "orcid"))
    assert orcids == {"A9990001101": "0000-0001-2345-6789", "A9990001102": None}
    assert "ORCID 0000-0001-2345-6789 already belongs to A9990001101" in str(
        report.warnings[0]
    )


def test_takes_last_known_institution_from_the_newest_affiliation_year():
    def affiliation(number: int, name: str, years: list[int]) -> dict:
        institution = {"id": f"https://openalex.org/I{number}", "display_name": name}
        return {"institution": institution, "years": years}

    author = {
        "id": "https://openalex.org/A9990001201",
        "display_name": "Ola Affiliated",
        "affiliations": [
            affiliation(9990001201, "Before", [2015, 2016]),
            affiliation(9990001202, "Latest", [2024]),
        ],
    }

    openalex.import_records([author])

    place = Author.objects.get().last_known_institution
    assert place.openalex_id == "I9990001202"


def test_keeps_latex_that_cannot_be_decoded_as_written():
    # pylatexenc fails on \href; the record must not be lost to it.
    name = r"Ada \href{https://example.org}{Quill}"
    record = openalex_work(
        9990001301,
        title=r"A note on \href{x}{y}",
        authorships=[openalex_authorship(9990001301, name)],
    )

    report = openalex.import_records([record])

    assert (report.created, report.skipped) == (1, 0)
    assert Work.objects.get().title == r"A note on \href{x}{y}"
    assert Author.objects.get().display_name == name
