from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.profiles.factories import AuthorFactory
from tests.works.factories import WorkFactory

pytestmark = pytest.mark.django_db


def test_finds_an_author_ignoring_case_and_diacritics(client):
    author = AuthorFactory(display_name="Hervé Jégou")
    AuthorFactory(display_name="Herve Martin")

    response = client.get(reverse("search"), {"q": "jegou"})

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["authors"]) == [author]
    assertContains(response, f'href="{author.get_absolute_url()}"')


def test_finds_an_author_by_every_word(client):
    author = AuthorFactory(display_name="Mathilde Caron")
    AuthorFactory(display_name="Armelle Caron")

    response = client.get(reverse("search"), {"q": "Mathilde Caron"})

    assert list(response.context["authors"]) == [author]


@pytest.mark.parametrize(
    "query", ["Zoe Nandu-Okafor", "Zoë Ñandú\u2010Okafor", 'Zo\\"{e} Nandu-Okafor']
)
def test_finds_a_name_however_its_accents_and_dashes_are_written(client, query):
    # DATA-FAULTS 6: plain, Unicode (with U+2010) and LaTeX spellings.
    author = AuthorFactory(display_name="Zoë Ñandú\u2010Okafor")

    response = client.get(reverse("search"), {"q": query})

    assert list(response.context["authors"]) == [author]


def test_finds_works_by_title(client):
    work = WorkFactory(title="Masked Siamese Networks for Label-Efficient Learning")
    WorkFactory(title="Biodiversity Finance")

    response = client.get(reverse("search"), {"q": "siamese networks"})

    assert list(response.context["works"]) == [work]
    assertContains(response, reverse("works:detail", args=[work.pk]))


def test_hides_merged_author_records(client):
    canonical = AuthorFactory(display_name="Łukasz Ptak")
    AuthorFactory(display_name="Ł. Ptak", merged_into=canonical)

    response = client.get(reverse("search"), {"q": "ptak"})

    assert list(response.context["authors"]) == [canonical]


def test_shows_nothing_for_an_empty_query(client):
    AuthorFactory(display_name="Mathilde Caron")

    response = client.get(reverse("search"), {"q": "  "})

    assert response.status_code == HTTPStatus.OK
    assertNotContains(response, "Mathilde Caron")


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("a\x00b", "Null characters are not allowed."),
        ("x" * 501, "Ensure this value has at most 500 characters"),
    ],
)
def test_rejects_malformed_queries_with_the_reason(client, query, reason):
    response = client.get(reverse("search"), {"q": query})

    assertContains(response, reason, status_code=HTTPStatus.BAD_REQUEST)
    assertNotContains(response, "authors-heading", status_code=HTTPStatus.BAD_REQUEST)


def test_accepts_a_long_real_title(client):
    title = (
        "Phylogenomic analyses of more than 4000 nuclear loci resolve the origin "
        "of snakes among lizard families and reveal the timing of their early "
        "diversification across the Mesozoic, with implications for squamate "
        "body-plan evolution and the biogeography of Gondwanan reptiles today"
    )
    work = WorkFactory(title=title)

    response = client.get(reverse("search"), {"q": title})

    assert len(title) > 250
    assert list(response.context["works"]) == [work]


def test_search_box_caps_its_length_in_the_browser(client):
    response = client.get(reverse("search"), {"q": "caron"})

    assertContains(response, 'maxlength="500"')
    assertContains(response, 'value="caron"')


def test_escapes_the_query_it_echoes(client):
    response = client.get(reverse("search"), {"q": "<script>alert(1)</script>"})

    assert response.status_code == HTTPStatus.OK
    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, "&lt;script&gt;")


def test_lists_the_closest_names_first(client):
    # Both contain "li" and "wei"; alphabetical order would put Ali first.
    near = AuthorFactory(display_name="Ali Weissmann")
    exact = AuthorFactory(display_name="Li Wei")

    response = client.get(reverse("search"), {"q": "Li Wei"})

    assert list(response.context["authors"]) == [exact, near]


def test_says_when_more_results_match_than_it_shows(client, monkeypatch):
    monkeypatch.setattr("bzpeer.views.SEARCH_RESULTS", 2)
    for number in range(3):
        AuthorFactory(display_name=f"Ada Caron {number}")
        WorkFactory(title=f"Caron lemma, part {number}")

    response = client.get(reverse("search"), {"q": "caron"})

    assert len(response.context["authors"]) == 2
    assert len(response.context["works"]) == 2
    assertContains(response, "More researchers match")
    assertContains(response, "More works match")


def test_says_nothing_more_when_every_result_is_shown(client):
    AuthorFactory(display_name="Ada Caron")

    response = client.get(reverse("search"), {"q": "caron"})

    assertNotContains(response, "More researchers match")


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("Mexico", "Protected areas of western México"),
        ("tapanti", "Birds of Tapantí National Park"),
        ("eradication", "Eradications of invasive rodents on islands"),
        ("Québec forests", "Forest carbon in Quebec"),
    ],
)
def test_finds_titles_without_regard_to_accents_or_word_endings(client, query, title):
    work = WorkFactory(title=title)
    WorkFactory(title="Biodiversity finance")

    response = client.get(reverse("search"), {"q": query})

    assert list(response.context["works"]) == [work]


@pytest.mark.parametrize("query", [r"\href", r"\href{a}{b}", r"\sqrt[3]", "{" * 499])
def test_answers_a_latex_like_query(client, query):
    response = client.get(reverse("search"), {"q": query})

    assert response.status_code == HTTPStatus.OK
