from http import HTTPStatus

import factory
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.profiles.factories import AuthorFactory
from tests.works.factories import AuthorshipFactory, WorkFactory

pytestmark = pytest.mark.django_db


def test_shows_the_work_with_its_byline(client):
    work = WorkFactory(
        title="Ca<sup>2+</sup> signalling",
        doi="10.99999/fict.0001",
        abstract="<p>We measured.</p>",
    )
    author = AuthorFactory(display_name="Ada Quillfeather")
    AuthorshipFactory(work=work, author=author, position=1)
    AuthorshipFactory(work=work, author=None, raw_author_name="Unlinked", position=2)

    response = client.get(reverse("works:detail", args=[work.pk]))

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Ca<sup>2+</sup> signalling")
    assertContains(response, f'href="{author.get_absolute_url()}"')
    assertContains(response, "Unlinked")
    assertContains(response, 'href="https://doi.org/10.99999/fict.0001"')
    assertContains(response, "<p>We measured.</p>")


def test_shows_a_placeholder_title_and_no_abstract_heading(client):
    work = WorkFactory(title=None, abstract=None)

    response = client.get(reverse("works:detail", args=[work.pk]))

    assertContains(response, "Untitled work")
    assert "<h2>Abstract</h2>" not in response.content.decode()


def test_answers_404_for_an_unknown_work(client):
    response = client.get(reverse("works:detail", args=[987654]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_shows_a_clean_title_in_the_browser_tab(client):
    # DATA-FAULTS 5: the stored title is sanitised HTML, escaped once.
    work = WorkFactory(
        title="Ca<sup>2+</sup> signalling &amp; growth in regions &lt;0.5 mm"
    )

    response = client.get(reverse("works:detail", args=[work.pk]))

    assertContains(
        response, "<title>Ca2+ signalling &amp; growth in regions &lt;0.5 mm · BZPEER"
    )


def test_shows_the_byline_a_hundred_authors_at_a_time(client):
    # DATA-FAULTS 8: thousands of authors must not make one endless page.
    work = WorkFactory()
    AuthorshipFactory.create_batch(
        250, work=work, author=None, raw_author_name=factory.Sequence(str)
    )
    url = reverse("works:detail", args=[work.pk])

    first = client.get(url)
    last = client.get(url, {"page": 3})
    past = client.get(url, {"page": 4})

    assert len(first.context["authors_page"]) == 100
    assertContains(first, "(authors 1–100 of 250)")
    assertContains(first, 'href="?page=2">Next authors')
    assert len(last.context["authors_page"]) == 50
    assertContains(last, 'href="?page=2">Previous authors')
    assert past.status_code == HTTPStatus.NOT_FOUND


def test_says_when_the_source_cut_the_author_list(client):
    work = WorkFactory(is_authors_truncated=True)
    AuthorshipFactory(work=work)

    response = client.get(reverse("works:detail", args=[work.pk]))

    assertContains(response, "The source listed only the first authors.")


def test_marks_a_retracted_work(client):
    work = WorkFactory(is_retracted=True)

    response = client.get(reverse("works:detail", args=[work.pk]))

    assertContains(response, "Retracted</span>")


def test_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    work = WorkFactory()
    for position in range(1, 130):
        AuthorshipFactory(work=work, position=position)

    # The work with its venue and version, its other versions, the number of
    # authors, and one page of bylines with their author records.
    with django_assert_num_queries(4):
        client.get(reverse("works:detail", args=[work.pk]))
