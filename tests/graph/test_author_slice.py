from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.profiles.factories import AuthorFactory
from tests.works.factories import AuthorshipFactory, WorkFactory, WorkTopicFactory

pytestmark = pytest.mark.django_db


def _coauthored(author, coauthor, topic=None):
    work = WorkFactory()
    AuthorshipFactory(work=work, author=author, position=1)
    AuthorshipFactory(work=work, author=coauthor, position=2)
    WorkTopicFactory(work=work, **({"topic": topic} if topic else {}))
    return work


def test_returns_coauthors_and_topics_to_htmx(client):
    author = AuthorFactory()
    frequent = AuthorFactory(display_name="Piotr Bojanowski")
    rare = AuthorFactory(display_name="Ari Morcos")
    topic = _coauthored(author, frequent).topics.get()
    _coauthored(author, frequent, topic)
    _coauthored(author, rare)

    response = client.get(
        reverse("graph:author-slice", args=[author.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == HTTPStatus.OK
    assert b"<html" not in response.content
    assert 'id="graph-slice"' in response.content.decode()
    names = [person.display_name for person in response.context["collaborators"]]
    assert names == ["Piotr Bojanowski", "Ari Morcos"]
    assertContains(response, "2 shared works")
    assertContains(response, topic.name)
    assertNotContains(response, f">{author.display_name}<")


def test_counts_a_preprint_and_its_published_version_as_one_shared_work(client):
    author, coauthor = AuthorFactory(), AuthorFactory()
    published = _coauthored(author, coauthor)
    preprint = _coauthored(author, coauthor)
    preprint.version_of = published
    preprint.save()

    response = client.get(reverse("graph:author-slice", args=[author.pk]))

    assert [person.shared_works for person in response.context["collaborators"]] == [1]
    assertContains(response, "1 shared work<")


def test_serves_a_full_page_without_htmx(client):
    author = AuthorFactory()
    _coauthored(author, AuthorFactory(display_name="Julien Mairal"))

    response = client.get(reverse("graph:author-slice", args=[author.pk]))

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "<html")
    assertContains(response, "Julien Mairal")
    assert "HX-Request" in response["Vary"]


def test_caps_the_slice(client):
    author = AuthorFactory()
    for _ in range(30):
        _coauthored(author, AuthorFactory())

    response = client.get(
        reverse("graph:author-slice", args=[author.pk]), headers={"HX-Request": "true"}
    )

    assert len(response.context["collaborators"]) == 12
    assert len(response.context["topics"]) == 12


def test_answers_404_for_an_unknown_author(client):
    response = client.get(reverse("graph:author-slice", args=[424242]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    author = AuthorFactory()
    for _ in range(20):
        _coauthored(author, AuthorFactory())

    with django_assert_num_queries(3):
        client.get(
            reverse("graph:author-slice", args=[author.pk]),
            headers={"HX-Request": "true"},
        )
