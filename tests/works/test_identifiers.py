import pytest

from works.identifiers import (
    normalise_arxiv_id,
    normalise_doi,
    normalise_openalex_id,
    normalise_orcid,
    normalise_ror_id,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://openalex.org/W123", "W123"),
        ("W123", "W123"),
        ("https://openalex.org/works/W123", "W123"),
        ("http://openalex.org/W2741809807", "W2741809807"),
        ("https://api.openalex.org/works/W2741809807", "W2741809807"),
        ("https://openalex.org/authors/A5023888391", "A5023888391"),
        ("https://openalex.org/I27837315", "I27837315"),
        ("https://openalex.org/S137773608", "S137773608"),
        ("https://openalex.org/T11636", "T11636"),
        ("https://openalex.org/P4310319965", "P4310319965"),
        ("https://openalex.org/F4320332161", "F4320332161"),
        ("https://openalex.org/C71924100", "C71924100"),
        ("  https://openalex.org/W123/  ", "W123"),
    ],
)
def test_normalises_openalex_entity_ids(value, expected):
    assert normalise_openalex_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("w123", "W123"), ("a5023888391", "A5023888391"), ("openalex.org/c1", "C1")],
)
def test_upper_cases_the_openalex_letter_prefix(value, expected):
    assert normalise_openalex_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://openalex.org/subfields/2718", "subfields/2718"),
        ("https://openalex.org/fields/27", "fields/27"),
        ("https://openalex.org/domains/4", "domains/4"),
        ("subfields/2718", "subfields/2718"),
        ("fields/27", "fields/27"),
        ("domains/4", "domains/4"),
        ("https://openalex.org/Fields/27", "fields/27"),
    ],
)
def test_keeps_the_level_of_topic_tree_ids(value, expected):
    assert normalise_openalex_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "W",
        "W12x",
        "X123",
        "V123",
        "123",
        "https://openalex.org/works/A123",
        "https://openalex.org/authors/W123",
        "https://openalex.org/keywords/ecology",
        "https://openalex.org/licenses/cc-by",
        "https://openalex.org/subfields/",
        "https://example.org/W123",
        "https://doi.org/10.1000/abc",
    ],
)
def test_rejects_what_is_not_an_openalex_id(value):
    assert normalise_openalex_id(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "https://doi.org/10.1000/ABC",
        "http://doi.org/10.1000/abc",
        "https://dx.doi.org/10.1000/abc",
        "http://dx.doi.org/10.1000/ABC",
        "doi.org/10.1000/abc",
        "doi:10.1000/abc",
        "DOI: 10.1000/Abc",
        "10.1000/abc",
        "  10.1000/ABC\n",
    ],
)
def test_normalises_every_doi_spelling_to_one_value(value):
    assert normalise_doi(value) == "10.1000/abc"


def test_keeps_parentheses_in_doi_suffixes():
    assert (
        normalise_doi("https://doi.org/10.1016/S0048-9697(99)00312-5")
        == "10.1016/s0048-9697(99)00312-5"
    )


def test_decodes_percent_escapes_in_doi_urls_only():
    assert (
        normalise_doi("https://doi.org/10.1002/%28SICI%291097") == "10.1002/(sici)1097"
    )
    assert normalise_doi("10.1000/50%off") == "10.1000/50%off"


def test_keeps_dotted_registrant_codes():
    assert normalise_doi("10.1000.10/abc") == "10.1000.10/abc"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "10.1000",
        "10.1000/",
        "11.1000/abc",
        "10.abc/def",
        "10.1000/a b",
        "https://doi.org/",
        "https://example.org/10.1000/abc",
        "W123",
    ],
)
def test_rejects_what_is_not_a_doi(value):
    assert normalise_doi(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "arXiv:2104.14294v2",
        "arxiv:2104.14294",
        "https://arxiv.org/abs/2104.14294",
        "http://arxiv.org/abs/2104.14294v1",
        "https://arxiv.org/pdf/2104.14294v2.pdf",
        "https://arxiv.org/pdf/2104.14294",
        "https://export.arxiv.org/abs/2104.14294",
        "2104.14294",
        "2104.14294v3",
        " 2104.14294 ",
        "arXiv:2104.14294v2 [cs.CV]",
        "https://doi.org/10.48550/arXiv.2104.14294",
        "10.48550/arxiv.2104.14294",
        "doi:10.48550/arXiv.2104.14294",
    ],
)
def test_normalises_new_style_arxiv_ids(value):
    assert normalise_arxiv_id(value) == "2104.14294"


def test_keeps_four_digit_arxiv_numbers_before_2015():
    assert normalise_arxiv_id("0704.0001") == "0704.0001"
    assert normalise_arxiv_id("arXiv:1412.6980v9") == "1412.6980"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("math/0601001v1", "math/0601001"),
        ("math/0601001", "math/0601001"),
        ("arXiv:hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/cond-mat/0102536v1", "cond-mat/0102536"),
        ("math.GT/0309136", "math/0309136"),
        ("physics.acc-ph/0001001", "physics/0001001"),
        ("Math/0601001", "math/0601001"),
    ],
)
def test_normalises_old_style_arxiv_ids(value, expected):
    assert normalise_arxiv_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "2104.1429",
        "1501.1234",
        "2113.14294",
        "2100.14294",
        "0612.1234",
        "2104.142945",
        "foo/0601001",
        "math/06010011",
        "math/0613001",
        "arXiv:",
        "10.1000/abc",
        "W123",
    ],
)
def test_rejects_what_is_not_an_arxiv_id(value):
    assert normalise_arxiv_id(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Every input of DATA-FAULTS §16, with its expected result.
        ("https://orcid.org/0000-0003-2680-0055", None),
        ("0000-0000-0000-0000", None),
        ("0000-0002-9079-593x", "0000-0002-9079-593X"),
        ("http://orcid.org/0000-0002-1825-0097 ", "0000-0002-1825-0097"),
        ("0000000218250097", "0000-0002-1825-0097"),
        # And the valid neighbours the §16 issue names.
        ("0000-0003-2680-0025", "0000-0003-2680-0025"),
        ("0000-0003-2680-005X", "0000-0003-2680-005X"),
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("0000-0002-9079-593X", "0000-0002-9079-593X"),
    ],
)
def test_normalises_and_validates_orcids_as_data_faults_16_expects(value, expected):
    assert normalise_orcid(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "https://orcid.org/0000-0002-1825-0097",
        "http://orcid.org/0000-0002-1825-0097",
        "https://www.orcid.org/0000-0002-1825-0097",
        "orcid.org/0000-0002-1825-0097",
        "ORCID:0000-0002-1825-0097",
        "\t0000-0002-1825-0097\n",
        "0000 0002 1825 0097",
        "https://orcid.org/0000000218250097",
    ],
)
def test_accepts_orcids_with_or_without_their_url(value):
    assert normalise_orcid(value) == "0000-0002-1825-0097"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "0000-0002-1825-0098",
        "0000-0002-1825-009",
        "0000-0002-1825-00977",
        "0000-0002-1825-009Y",
        "0000-0002-X825-0097",
        "000000021825009",
        "https://example.org/0000-0002-1825-0097",
        # Passes the checksum, but an all-zero base is a placeholder.
        "0000-0000-0000-0001",
    ],
)
def test_rejects_malformed_orcids(value):
    assert normalise_orcid(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "https://ror.org/02nr0ka47",
        "http://ror.org/02nr0ka47",
        "ror.org/02nr0ka47",
        "02nr0ka47",
        "02NR0KA47",
        " https://ror.org/02nr0ka47/ ",
        "https://api.ror.org/organizations/02nr0ka47",
        "https://api.ror.org/v2/organizations/02nr0ka47",
    ],
)
def test_normalises_ror_ids(value):
    assert normalise_ror_id(value) == "02nr0ka47"


@pytest.mark.parametrize("value", ["03acrzv41", "01skwyh03", "04ezg6d83"])
def test_accepts_real_ror_ids(value):
    assert normalise_ror_id(f"https://ror.org/{value}") == value


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "02nr0ka4",
        "02nr0ka477",
        "02nr0ka48",
        "12nr0ka47",
        "02nl0ka47",
        "https://example.org/02nr0ka47",
    ],
)
def test_rejects_what_is_not_a_ror_id(value):
    assert normalise_ror_id(value) is None
