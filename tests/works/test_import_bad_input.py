"""Bad input to both importers: each problem is one line in the report, nothing else is lost."""

import json

import pytest

from tests.works.factories import openalex_work
from works.importers import bibtex, openalex
from works.models import Work, WorkTopic

pytestmark = pytest.mark.django_db


def work_line(number: int, **fields: object) -> str:
    return json.dumps(openalex_work(number, **fields)) + "\n"


def reasons(report) -> dict[str, str]:
    """Map where each skipped record was (its line, or the file) to the reason."""
    return {problem.where: problem.message for problem in report.skips}


def assert_adds_up(report) -> None:
    assert report.read == sum(report.counts.values())


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
