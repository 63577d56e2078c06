from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.profiles.factories import AuthorFactory, FollowFactory
from tests.works.factories import (
    AuthorshipFactory,
    InstitutionFactory,
    SourceFactory,
    WorkFactory,
    WorkTopicFactory,
)

pytestmark = pytest.mark.django_db


def _write(author, *, coauthors=(), **work_fields):
    work = WorkFactory(**work_fields)
    AuthorshipFactory(work=work, author=author, position=1)
    for position, coauthor in enumerate(coauthors, start=2):
        AuthorshipFactory(work=work, author=coauthor, position=position)
    return work


def test_shows_every_section_of_the_profile(client):
    author = AuthorFactory(display_name="Mathilde Caron")
    _write(
        author,
        type="preprint",
        venue=SourceFactory(name="arXiv"),
        publication_year=2022,
        title="Masked Siamese Networks",
        abstract="<p>We propose Masked Siamese Networks.</p>",
        arxiv_id="2204.07141",
    )

    response = client.get(author.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    for text in [
        "Researcher profile",
        "Mathilde Caron has 1 work in the public record, published in 2022.",
        "Affiliation not imported",
        "Trust snapshot",
        "Quick read",
        "Trust 2 - Emerging",
        "Verification L0",
        "Unclaimed author",
        "<strong>1</strong> work<",
        "<strong>0</strong> close collaborators",
        "Decide how to stay connected",
        "Follow researcher",
        "Identity and collaboration",
        "Log in to claim",
        "Direct collaboration",
        "Claim this author entity first to unlock direct invitations.",
        "Research graph",
        "Open full explorer",
        "Building this graph slice",
        "Published work",
        "1 published item<",
        '<span class="work-type">preprint</span>',
        '<span class="work-venue">arXiv</span>',
        "Masked Siamese Networks",
        "<p>We propose Masked Siamese Networks.</p>",
    ]:
        assertContains(response, text)
    assertNotContains(response, "Open to collaborate")


def test_counts_close_collaborators_who_share_three_works(client):
    author = AuthorFactory()
    close, occasional = AuthorFactory(), AuthorFactory()
    for _ in range(3):
        _write(author, coauthors=[close])
    _write(author, coauthors=[occasional])
    _write(author, coauthors=[occasional])

    response = client.get(author.get_absolute_url())

    profile = response.context["author"]
    assert (profile.works_count, profile.close_collaborators_count) == (5, 1)
    assertContains(response, "<strong>1</strong> close collaborator<")


def test_counts_a_preprint_and_its_published_version_as_one_shared_work(client):
    author, coauthor = AuthorFactory(), AuthorFactory()
    published = _write(author, coauthors=[coauthor], type="article")
    _write(author, coauthors=[coauthor], type="preprint", version_of=published)
    _write(author, coauthors=[coauthor])

    response = client.get(author.get_absolute_url())

    assert response.context["author"].close_collaborators_count == 0


def test_counts_distinct_topics_and_followers(client):
    author = AuthorFactory()
    first, second = _write(author), _write(author)
    shared = WorkTopicFactory(work=first).topic
    WorkTopicFactory(work=second, topic=shared)
    WorkTopicFactory(work=second)
    FollowFactory.create_batch(2, author=author)

    response = client.get(author.get_absolute_url())

    assertContains(response, "<strong>2</strong> topics")
    assertContains(response, "<strong>2</strong> followers")


def test_shows_affiliation_orcid_and_openness_when_known(client):
    author = AuthorFactory(
        is_open_to_collaborate=True,
        last_known_institution=InstitutionFactory(name="Inria"),
        orcid="0000-0002-1825-0097",
    )

    response = client.get(author.get_absolute_url())

    assertContains(response, "Open to collaborate")
    assertContains(response, "Inria")
    assertContains(response, "Verification L1")
    assertContains(response, 'href="https://orcid.org/0000-0002-1825-0097"')
    assertNotContains(response, "Affiliation not imported")


def test_lists_newest_works_first_and_undated_last(client):
    author = AuthorFactory()
    _write(author, title="Old", publication_year=2001)
    _write(author, title="Undated", publication_year=None)
    _write(author, title="New", publication_year=2024)

    response = client.get(author.get_absolute_url())

    titles = [work.title for work in response.context["page"]]
    assert titles == ["New", "Old", "Undated"]
    assertContains(response, "Year unknown")


def test_shows_a_placeholder_for_an_untitled_work(client):
    author = AuthorFactory()
    _write(author, title=None, doi="10.99999/fict.0004")

    response = client.get(author.get_absolute_url())

    assertContains(response, "Untitled work")
    assertContains(response, 'href="https://doi.org/10.99999/fict.0004"')


def test_shows_a_retracted_badge(client):
    author = AuthorFactory()
    _write(author, is_retracted=True)

    response = client.get(author.get_absolute_url())

    assertContains(response, "Retracted")


def test_leaves_retraction_notices_out_of_the_list_and_the_totals(client):
    # DATA-FAULTS 17: the retracted work keeps its badge; the notice is no output.
    author = AuthorFactory()
    retracted = _write(author, is_retracted=True)
    _write(author, type="retraction", title="Retraction notice")

    response = client.get(author.get_absolute_url())

    assert [work.pk for work in response.context["page"]] == [retracted.pk]
    assert response.context["author"].works_count == 1
    assertContains(response, "<strong>1</strong> work<")


def test_renders_a_stored_abstract_with_its_entities_escaped_once(client):
    # DATA-FAULTS 2: the importer stores "R&D costs rose >10%." as escaped HTML.
    author = AuthorFactory()
    _write(author, abstract="<p>R&amp;D costs rose &gt;10%.</p>")

    response = client.get(author.get_absolute_url())

    assertContains(response, "<p>R&amp;D costs rose &gt;10%.</p>")
    assertNotContains(response, "&amp;amp;")
    assertNotContains(response, "<br")


def test_lists_a_preprint_once_under_its_published_version(client):
    author = AuthorFactory()
    published = _write(author, title="Emerging Properties", type="article")
    _write(author, title="Emerging Properties", type="preprint", version_of=published)

    response = client.get(author.get_absolute_url())

    assert [work.pk for work in response.context["page"]] == [published.pk]
    assertContains(response, "1 published item<")
    assertContains(response, "also:")


def test_pages_works_twenty_at_a_time(client):
    author = AuthorFactory()
    for year in range(2000, 2025):
        _write(author, publication_year=year)

    first = client.get(author.get_absolute_url())
    second = client.get(author.get_absolute_url(), {"page": 2})

    assert len(first.context["page"]) == 20
    assertContains(first, 'href="?page=2"')
    assertContains(first, 'hx-get="?page=2"')
    assert len(second.context["page"]) == 5


def test_returns_only_the_work_rows_to_htmx(client):
    author = AuthorFactory()
    for year in range(2000, 2025):
        _write(author, publication_year=year)

    response = client.get(
        author.get_absolute_url(), {"page": 2}, headers={"HX-Request": "true"}
    )

    assert response.status_code == HTTPStatus.OK
    assert b"<html" not in response.content
    assert response.content.count(b'class="work"') == 5
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "1\x00"])
def test_rejects_a_malformed_page_number(client, page):
    author = AuthorFactory()

    response = client.get(author.get_absolute_url(), {"page": page})

    assertContains(
        response, "This address cannot be read", status_code=HTTPStatus.BAD_REQUEST
    )


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_answers_404_for_a_page_past_the_last(client, headers):
    author = AuthorFactory()
    _write(author)

    response = client.get(author.get_absolute_url(), {"page": 2}, headers=headers)

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_keeps_the_query_string_when_it_corrects_the_slug(client):
    author = AuthorFactory(display_name="Hervé Jégou")

    response = client.get(
        reverse("profiles:detail", args=[author.pk, "old-name"]), {"page": 2}
    )

    assert response["Location"] == f"/authors/{author.pk}/herve-jegou/?page=2"


def test_redirects_a_wrong_slug_to_the_canonical_url(client):
    author = AuthorFactory(display_name="Hervé Jégou")

    wrong = client.get(reverse("profiles:detail", args=[author.pk, "old-name"]))
    bare = client.get(reverse("profiles:detail-short", args=[author.pk]))

    assert wrong.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert wrong["Location"] == f"/authors/{author.pk}/herve-jegou/"
    assert bare.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert bare["Location"] == author.get_absolute_url()


def test_redirects_a_merged_record_to_the_canonical_author(client):
    canonical = AuthorFactory()
    duplicate = AuthorFactory(merged_into=canonical)

    response = client.get(duplicate.get_absolute_url())

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == canonical.get_absolute_url()


def test_lists_the_works_of_records_merged_into_the_author_once(client):
    # DATA-FAULTS 14: one person with two OpenAlex ids, merged by a curator.
    canonical = AuthorFactory(display_name="Łukasz Ptak")
    duplicate = AuthorFactory(display_name="Ł. K. Ptak", merged_into=canonical)
    coauthor = AuthorFactory()
    works = [
        _write(canonical, coauthors=[coauthor]),
        _write(duplicate, coauthors=[coauthor]),
        _write(canonical, coauthors=[duplicate, coauthor]),
    ]

    response = client.get(canonical.get_absolute_url())

    assert sorted(work.pk for work in response.context["page"]) == sorted(
        work.pk for work in works
    )
    profile = response.context["author"]
    assert (profile.works_count, profile.close_collaborators_count) == (3, 1)


def test_redirects_an_openalex_id_to_the_canonical_page(client):
    canonical = AuthorFactory(openalex_id="A9990000010")
    AuthorFactory(openalex_id="A9990000011", merged_into=canonical)

    merged = client.get("/authors/A9990000011/")
    lower_case = client.get("/authors/a9990000010/")
    unknown = client.get("/authors/A9990000012/")

    assert merged.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert merged["Location"] == canonical.get_absolute_url()
    assert lower_case["Location"] == canonical.get_absolute_url()
    assert unknown.status_code == HTTPStatus.NOT_FOUND


def test_answers_404_for_an_unknown_author(client):
    response = client.get(reverse("profiles:detail", args=[999999, "nobody"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_rejects_post(client):
    author = AuthorFactory()

    response = client.post(author.get_absolute_url())

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize("works", [1, 45])
def test_runs_a_fixed_number_of_queries(client, django_assert_num_queries, works):
    author = AuthorFactory()
    coauthor = AuthorFactory()
    for _ in range(works):
        work = _write(author, coauthors=[coauthor], venue=SourceFactory())
        WorkTopicFactory(work=work)

    # Author with counts, works count for the pager, the works page, their other
    # versions, and the year span of the summary line.
    with django_assert_num_queries(5):
        response = client.get(author.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
