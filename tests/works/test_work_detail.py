from http import HTTPStatus

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


def test_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    work = WorkFactory()
    for position in range(1, 30):
        AuthorshipFactory(work=work, position=position)

    with django_assert_num_queries(3):
        client.get(reverse("works:detail", args=[work.pk]))
