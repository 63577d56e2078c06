"""The demo that `make run` serves, end to end: import the shipped records, then
browse them as a visitor would."""

import re
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

from profiles.models import Author

SEED_TITLES = [
    "Masked Siamese Networks for Label-Efficient Learning",
    "Unsupervised Dense Information Retrieval with Contrastive Learning",
    "Vision Models Are More Robust And Fair When Pretrained On Uncurated Images "
    "Without Supervision",
    "Self-supervised Pretraining of Visual Features in the Wild",
    "Unsupervised Learning of Visual Features by Contrasting Cluster Assignments",
    "Pruning Convolutional Neural Networks with Self-Supervision",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seed_page(client, demo):
    found = client.get(reverse("search"), {"q": "Mathilde Caron"})
    links = re.findall(r'href="(/authors/\d+/[^"]+)"', found.content.decode())
    assert len(links) == 1
    return client.get(links[0])


@pytest.mark.django_db
def test_serves_the_seed_profile_found_through_search(seed_page):
    assert seed_page.status_code == HTTPStatus.OK
    for text in [
        "Mathilde Caron",
        "Affiliation not imported",
        "Unclaimed author",
        "<strong>6</strong> works",
        "<strong>4</strong> close collaborators",
        "6 published items",
        "Log in to claim",
        "Building this graph slice",
        *SEED_TITLES,
    ]:
        assertContains(seed_page, text)
    assert seed_page.content.count(b'<div class="work-abstract">') == 6
    assertContains(seed_page, "our base MSN model achieves 72.4% top-1 accuracy")


@pytest.mark.django_db
def test_lists_the_seed_works_newest_first(seed_page):
    years = [work.publication_year for work in seed_page.context["page"]]

    assert years == [2022, 2022, 2022, 2021, 2021, 2020]


@pytest.mark.django_db
def test_gives_every_imported_author_a_page(client, demo):
    authors = list(Author.objects.public())

    statuses = {client.get(author.get_absolute_url()).status_code for author in authors}

    assert len(authors) > 500
    assert statuses == {HTTPStatus.OK}
