import re
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import strip_tags
from pytest_django.asserts import assertNotContains

from profiles.models import Author
from tests.works.factories import (
    assert_jats_example_cleaned,
    openalex_authorship,
    openalex_work,
)
from works.importers import bibtex, openalex
from works.importers.bibtex_parse import split_authors
from works.models import Authorship, Source, Work
from works.text import plain_text

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT = Path(__file__).resolve().parents[2]
CARON = PROJECT / "data" / "demo" / "caron-works.bib"
FAULTS = FIXTURES / "bibtex-faults.bib"
SHARED_DATA = PROJECT.parent / "shared" / "data"


def shared(relative: str) -> Path:
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"{path} is absent: the team's shared data folder is not here")
    return path


def byline(work: Work) -> list[str]:
    return list(
        work.authorships.order_by("position").values_list("raw_author_name", flat=True)
    )


# The seed profile


def test_imports_the_six_works_of_the_caron_profile():
    report = bibtex.import_paths([CARON])

    assert (report.read, report.created, report.skipped) == (6, 6, 0)
    works = Work.objects.select_related("venue").order_by("arxiv_id")
    assert [work.arxiv_id for work in works] == [
        "2001.03554",
        "2006.09882",
        "2103.01988",
        "2112.09118",
        "2202.08360",
        "2204.07141",
    ]
    assert [work.publication_year for work in works] == [
        2020,
        2021,
        2021,
        2022,
        2022,
        2022,
    ]
    for work in works:
        assert work.type == Work.Type.PREPRINT
        assert work.venue.name == "arXiv"
        assert work.abstract and work.title
    msn = works.get(arxiv_id="2204.07141")
    assert byline(msn) == [
        "Mahmoud Assran",
        "Mathilde Caron",
        "Ishan Misra",
        "Piotr Bojanowski",
        "Florian Bordes",
        "Pascal Vincent",
        "Armand Joulin",
        "Michael Rabbat",
        "Nicolas Ballas",
    ]
    assert "72.4% top-1" in plain_text(msn.abstract)
    assert Source.objects.count() == 1


def test_makes_caron_one_author_with_four_close_collaborators():
    bibtex.import_paths([CARON])

    caron = Author.objects.get(display_name="Mathilde Caron")
    close = {
        author.display_name: author.shared_works
        for author in Author.objects.coauthors_of(caron.pk)
        if author.shared_works >= 3
    }

    assert Work.objects.filter(authorships__author=caron).count() == 6
    assert close == {
        "Piotr Bojanowski": 6,
        "Armand Joulin": 6,
        "Ishan Misra": 4,
        "Priya Goyal": 3,
    }


def test_a_second_import_of_the_same_file_changes_nothing():
    bibtex.import_paths([CARON])
    counts = (Work.objects.count(), Author.objects.count(), Authorship.objects.count())
    stamp = Work.objects.order_by("-updated_at").values_list("updated_at", flat=True)[0]

    report = bibtex.import_paths([CARON])

    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert (
        Work.objects.count(),
        Author.objects.count(),
        Authorship.objects.count(),
    ) == counts
    assert (
        Work.objects.order_by("-updated_at").values_list("updated_at", flat=True)[0]
        == stamp
    )


def test_official_citations_after_the_profile_add_only_new_works():
    official = shared("seed-profile/official-citations.bib")
    bibtex.import_paths([CARON])

    report = bibtex.import_paths([official])

    assert (report.read, report.created, report.skipped) == (6, 2, 0)
    assert Work.objects.count() == 8
    assert Author.objects.filter(display_name="Mathilde Caron").count() == 1
    dino = Work.objects.get(arxiv_id="2104.14294")
    assert dino.type == Work.Type.PREPRINT
    assert "Hervé Jégou" in byline(dino)
    seer = Work.objects.get(arxiv_id="2103.01988")
    assert (len(byline(seer)), seer.has_more_authors) == (11, False)
    contriever = Work.objects.get(arxiv_id="2112.09118")
    assert contriever.title.startswith("Unsupervised Dense")
    swav = Work.objects.get(arxiv_id="2006.09882")
    assert swav.version_of.type == Work.Type.ARTICLE
    assert swav.version_of.publication_year == 2020


def test_reads_the_broken_official_citations():
    official = shared("seed-profile/official-citations.bib")

    bibtex.import_paths([official])

    msn = Work.objects.get(arxiv_id="2204.07141")
    assert byline(msn)[:3] == ["Mahmoud Assran", "Mathilde Caron", "Ishan Misra"]
    assert len(byline(msn)) == 9
    seer = Work.objects.get(arxiv_id="2103.01988")
    assert byline(seer) == ["Priya Goyal", "Mathilde Caron", "Benjamin Lefaudeux"]
    assert seer.has_more_authors
    assert not Author.objects.filter(display_name__iexact="others").exists()
    assert Author.objects.filter(display_name="Hervé Jégou").exists()


# DATA-FAULTS.md §18 and §19


@pytest.mark.parametrize(
    ("value", "names", "has_more"),
    [
        (
            "Anderson, Alexandra, and Sandoval, Fernando and others",
            ["Alexandra Anderson", "Fernando Sandoval"],
            True,
        ),
        (
            "Borland, Sandra and Alexandre, Andy",
            ["Sandra Borland", "Andy Alexandre"],
            False,
        ),
        (
            "Ann Smith AND Bo Jones\n  and\tCy Lee",
            ["Ann Smith", "Bo Jones", "Cy Lee"],
            False,
        ),
        (
            "{Barnes and Noble} and Ruth Brandon",
            ["Barnes and Noble", "Ruth Brandon"],
            False,
        ),
        ("J\\'egou, Herv\\'e  and others", ["Hervé Jégou"], True),
        ("de la Fontaine, Jr, Jean", ["Jean de la Fontaine, Jr"], False),
        ("", [], False),
    ],
)
def test_splits_author_lists_on_the_whole_word_and(value, names, has_more):
    assert split_authors(value) == (names, has_more)


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("王, 小明", ["王小明"]),
        ("{조혜린}", ["조혜린"]),
        ("{王}, {小明}", ["王小明"]),
        (
            "王, 小明 and Anderson, Alexandra and {조혜린} and 佐々木, 希 "
            "and 김, 민수 and Wang, Xiaoming",
            [
                "王小明",
                "Alexandra Anderson",
                "조혜린",
                "佐々木希",
                "김민수",
                "Xiaoming Wang",
            ],
        ),
    ],
)
def test_writes_cjk_names_family_name_first_without_a_space(value, names):
    assert split_authors(value) == (names, False)


def test_stores_cjk_names_in_their_own_order(tmp_path):
    path = tmp_path / "cjk.bib"
    path.write_text(
        "@article{cjk, title={Names in order}, year={2024},\n"
        "  author={王, 小明 and {조혜린} and Anderson, Alexandra}}\n"
    )

    bibtex.import_paths([path])

    assert byline(Work.objects.get()) == ["王小明", "조혜린", "Alexandra Anderson"]
    assert Author.objects.filter(display_name="王小明").count() == 1


def test_imports_the_faults_file_and_reports_broken_entries():
    report = bibtex.import_paths([FAULTS])

    assert report.read == sum(report.counts.values()) == 7
    assert (report.created, report.skipped) == (4, 3)
    skipped = sorted(str(problem).removeprefix(str(FAULTS)) for problem in report.skips)
    assert skipped == [
        ":31: not valid BibTeX: Unexpected block start: `@misc`. "
        "Was still looking for field-value closing `}`",
        ":35 (untitled): entry has neither a title nor an author",
        ":37 (fict2024): entry key 'fict2024' used twice; the first entry was imported",
    ]


def test_turns_and_others_into_a_flag_and_keeps_names_whole():
    bibtex.import_paths([FAULTS])

    clusters = Work.objects.get(title="On imaginary clusters")
    borland = Work.objects.get(title="The Borland Book")

    assert byline(clusters) == ["Alexandra Anderson", "Fernando Sandoval"]
    assert clusters.has_more_authors
    assert byline(borland) == ["Sandra Borland", "Andy Alexandre"]
    assert not Author.objects.filter(
        display_name__in=["others", "Alex", "Borl"]
    ).exists()


def test_decodes_latex_and_links_the_preprint_to_the_paper():
    bibtex.import_paths([FAULTS])

    paper = Work.objects.select_related("venue").get(doi="10.99999/fict.bib.0001")
    preprint = Work.objects.select_related("venue").get(arxiv_id="2301.00001")

    assert byline(paper) == [
        "Bruno Quill",
        "María Núñez",
        "Zoë Nandu-Okafor",
        "Imaginary Consortium and Friends",
    ]
    assert paper.title == "Bayesian Quills with 5% error and $\\alpha$-stability"
    assert paper.title_raw.startswith("{B}ayesian")
    assert plain_text(paper.abstract) == (
        "First paragraph with emphasis.\n\nSecond paragraph costs 5% less."
    )
    assert (paper.type, paper.type_raw) == (Work.Type.ARTICLE, "inproceedings")
    assert paper.venue.name == "Proceedings of the Imaginary Conference"
    assert (str(paper.published_on), paper.date_precision) == ("2023-06-01", "month")
    assert (preprint.type, preprint.venue.name) == (Work.Type.PREPRINT, "arXiv")
    assert preprint.version_of == paper
    assert Author.objects.filter(search_name="maria nunez").count() == 1


def test_cleans_jats_markup_out_of_an_abstract(tmp_path):
    path = tmp_path / "jats.bib"
    path.write_text(
        "@article{jats, title={A study of Ficta imaginaria}, year={2024},\n"
        "  author={Quill, Bruno},\n"
        "  abstract={<jats:title>Abstract</jats:title><jats:p>We measured "
        "CO<jats:sub>2</jats:sub> in <jats:italic>F. imaginaria</jats:italic>."
        "</jats:p><jats:p>Second &lt;paragraph&gt;.</jats:p>}}\n"
    )

    bibtex.import_paths([path])

    assert_jats_example_cleaned(Work.objects.get().abstract)


def test_stores_a_year_alone_without_a_date(tmp_path):
    path = tmp_path / "year.bib"
    path.write_text(
        "@article{year, title={Only a year}, author={Quill, Bruno}, year={2019}}\n"
    )

    report = bibtex.import_paths([path])

    work = Work.objects.get()
    assert report.created == 1
    assert (work.publication_year, work.published_on, work.date_precision) == (
        2019,
        None,
        None,
    )


def test_shows_et_al_on_the_page_of_an_entry_ending_with_and_others(client):
    bibtex.import_paths([FAULTS])
    work = Work.objects.get(title="On imaginary clusters")

    response = client.get(reverse("works:detail", args=[work.pk]))

    assert response.status_code == HTTPStatus.OK
    byline = re.search(r'<p class="byline">(.*?)</p>', response.content.decode(), re.S)
    assert " ".join(strip_tags(byline[1]).split()) == (
        "Alexandra Anderson, Fernando Sandoval et al."
    )


def test_reads_lines_that_are_not_utf8_as_windows_1252(tmp_path):
    path = tmp_path / "old.bib"
    path.write_bytes(
        b"@article{old, title={Caf\xe9 society}, author={M\xfcller, Hans}, year=1999}\n"
    )

    report = bibtex.import_paths([path])

    assert report.created == 1
    assert Work.objects.get().title == "Café society"
    assert Author.objects.get().display_name == "Hans Müller"
    assert "line 1 is not UTF-8; read as Windows-1252" in str(report.warnings[0])


def test_command_prints_skips_and_summary_and_is_quiet_at_verbosity_zero():
    out, quiet = StringIO(), StringIO()

    call_command("import_bibtex", str(FAULTS), stdout=out)
    call_command("import_bibtex", str(FAULTS), verbosity=0, stdout=quiet)

    assert (
        "bibtex-faults.bib:35 (untitled): entry has neither a title" in out.getvalue()
    )
    assert (
        "Read 7 records: 4 created, 0 updated, 0 unchanged, 3 skipped."
        in out.getvalue()
    )
    assert quiet.getvalue() == ""


def test_keeps_untitled_entries_apart_unless_type_year_and_byline_match(tmp_path):
    # The same first author and year, but four different works.
    path = tmp_path / "untitled.bib"
    path.write_text(
        "@misc{one, author={Quill, Bruno and Okafor, Zoe}, year={2024}}\n"
        "@misc{two, author={Quill, Bruno and Nunez, Maria}, year={2024}}\n"
        "@misc{three, author={Quill, Bruno}, year={2024}}\n"
        "@article{four, author={Quill, Bruno}, year={2024}}\n"
    )

    report = bibtex.import_paths([path])

    assert (report.created, report.unchanged) == (4, 0)
    works = Work.objects.order_by("pk")
    assert [(work.type, byline(work)) for work in works] == [
        (Work.Type.OTHER, ["Bruno Quill", "Zoe Okafor"]),
        (Work.Type.OTHER, ["Bruno Quill", "Maria Nunez"]),
        (Work.Type.OTHER, ["Bruno Quill"]),
        (Work.Type.ARTICLE, ["Bruno Quill"]),
    ]
    assert all(work.title is None for work in works)


def test_matches_an_untitled_entry_imported_again(tmp_path):
    path = tmp_path / "untitled.bib"
    path.write_text(
        "@misc{one, author={Quill, Bruno and Okafor, Zoe}, year={2024}}\n"
        "@misc{two, author={Quill, Bruno and Okafor, Zoe}}\n"
    )
    respelt = tmp_path / "respelt.bib"
    respelt.write_text(
        '@misc{one, author={QUILL, Bruno and Okafor, Zo\\"{e}}, year={2024}}\n'
    )
    bibtex.import_paths([path])

    again = bibtex.import_paths([path])
    elsewhere = bibtex.import_paths([respelt])

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (elsewhere.created, elsewhere.unchanged) == (0, 1)
    assert Work.objects.count() == 2
    assert Authorship.objects.count() == 4


# Meeting OpenAlex records


def test_matches_earlier_bibtex_authors_but_never_openalex_authors(tmp_path):
    openalex.import_records(
        [
            openalex_work(
                9990001001, authorships=[openalex_authorship(9990001001, "Bruno Quill")]
            )
        ]
    )
    bibtex.import_paths([FAULTS])
    later = tmp_path / "later.bib"
    later.write_text(
        "@misc{later, title={Later quills}, author={QUILL, Bruno}, year={2025}}\n"
    )

    bibtex.import_paths([later])

    quills = Author.objects.filter(search_name="bruno quill")
    assert quills.count() == 2
    from_bibtex = quills.get(openalex_id__isnull=True)
    assert from_bibtex.authorships.count() == 3


def test_fills_only_the_gaps_of_a_work_matched_by_arxiv_id():
    location = {
        "landing_page_url": "https://arxiv.org/abs/2301.00001v2",
        "source": None,
    }
    record = openalex_work(
        9990001002,
        title="Bayesian quills (OpenAlex title)",
        type="preprint",
        primary_location=location,
        authorships=[openalex_authorship(9990001002, "Bruno Quill")],
    )
    openalex.import_records([record])

    report = bibtex.import_paths([FAULTS])

    work = Work.objects.select_related("venue").get(arxiv_id="2301.00001")
    assert report.updated == 1
    assert work.openalex_id == "W9990001002"
    assert work.title == "Bayesian quills (OpenAlex title)"
    assert work.venue.name == "arXiv"
    assert byline(work) == ["Bruno Quill"]
    assert work.authorships.get().author.openalex_id == "A9990001002"


def test_openalex_takes_over_a_bibtex_work_with_the_same_doi():
    bibtex.import_paths([FAULTS])
    record = openalex_work(
        9990001003,
        doi="https://doi.org/10.99999/FICT.BIB.0001",
        authorships=[openalex_authorship(9990001003, "Bruno Quill")],
    )

    report = openalex.import_records([record])

    assert report.updated == 1
    work = Work.objects.get(doi="10.99999/fict.bib.0001")
    assert work.openalex_id == "W9990001003"
    assert byline(work) == ["Bruno Quill"]
    assert Work.objects.count() == 4


def cut_short(tmp_path) -> Path:
    """Write a BibTeX entry whose byline ends in "and others"; return its path."""
    path = tmp_path / "cut.bib"
    path.write_text(
        "@article{cut, title={Cut short}, year={2024}, doi={10.99999/fict.cut},\n"
        "  author={Quill, Bruno and Quillfeather, Ada and Okafor, Zoe and others}}\n"
    )
    return path


def test_openalex_drops_the_et_al_of_a_bibtex_work_it_takes_over(client, tmp_path):
    bibtex.import_paths([cut_short(tmp_path)])
    assert Work.objects.get().has_more_authors
    bylines = [
        openalex_authorship(9990001004 + n, name)
        for n, name in enumerate(["Bruno Quill", "Ada Quillfeather", "Zoe Okafor"])
    ]
    record = openalex_work(
        9990001004, doi="https://doi.org/10.99999/fict.cut", authorships=bylines
    )

    report = openalex.import_records([record])

    work = Work.objects.get()
    assert report.updated == 1
    assert (work.openalex_id, work.has_more_authors) == ("W9990001004", False)
    assert not work.is_authors_truncated
    response = client.get(reverse("works:detail", args=[work.pk]))
    assertNotContains(response, "et al.")


def test_a_truncated_openalex_copy_keeps_a_longer_bibtex_byline_incomplete(tmp_path):
    bibtex.import_paths([cut_short(tmp_path)])
    record = openalex_work(
        9990001007,
        doi="https://doi.org/10.99999/fict.cut",
        authorships=[openalex_authorship(9990001007, "Bruno Quill")],
        is_authors_truncated=True,
    )

    report = openalex.import_records([record])

    work = Work.objects.get()
    assert byline(work) == ["Bruno Quill", "Ada Quillfeather", "Zoe Okafor"]
    assert work.authorships.get(position=1).author.openalex_id == "A9990001007"
    assert (work.has_more_authors, work.is_authors_truncated) == (False, True)
    assert "the source cut the author list at 1 author " in str(report.warnings[0])


def test_an_openalex_copy_without_authorships_keeps_the_bibtex_byline(tmp_path):
    # DATA-FAULTS §12: some OpenAlex works come with "authorships": [].
    path = tmp_path / "whole.bib"
    path.write_text(
        "@article{whole, title={Whole}, year={2024}, doi={10.99999/fict.whole},\n"
        "  author={Quill, Bruno and Okafor, Zoe}}\n"
    )
    bibtex.import_paths([path])
    record = openalex_work(
        9990001008, doi="https://doi.org/10.99999/fict.whole", authorships=[]
    )

    first = openalex.import_records([record])
    again = bibtex.import_paths([path])
    last = openalex.import_records([record])

    work = Work.objects.get()
    assert work.openalex_id == "W9990001008"
    assert byline(work) == ["Bruno Quill", "Zoe Okafor"]
    assert (work.has_more_authors, work.is_authors_truncated) == (False, False)
    assert (first.updated, again.unchanged, last.unchanged) == (1, 1, 1)


def test_keeps_a_title_with_latex_that_cannot_be_decoded(tmp_path):
    path = tmp_path / "href.bib"
    path.write_text(
        "@misc{href, title={Click \\href{javascript:alert(3)}{here}}, year={2024},\n"
        "  author={Quill, Bruno}}\n"
    )

    report = bibtex.import_paths([path])

    assert (report.created, report.skipped) == (1, 0)
    assert Work.objects.get().title == r"Click \href{javascript:alert(3)}{here}"
