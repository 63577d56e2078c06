from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertTemplateUsed

from profiles.models import Follow
from tests.profiles.factories import AuthorFactory

pytestmark = pytest.mark.django_db


def test_follows_author(client, reader):
    author = AuthorFactory()
    client.force_login(reader)

    response = client.post(reverse("profiles:follow", args=[author.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == author.get_absolute_url()
    assert Follow.objects.filter(follower=reader, author=author).exists()


def test_follows_once_when_asked_twice(client, reader):
    author = AuthorFactory()
    client.force_login(reader)

    client.post(reverse("profiles:follow", args=[author.pk]))
    client.post(reverse("profiles:follow", args=[author.pk]))

    assert Follow.objects.filter(follower=reader, author=author).count() == 1


def test_returns_button_fragment_for_htmx(client, reader):
    author = AuthorFactory()
    client.force_login(reader)

    response = client.post(
        reverse("profiles:follow", args=[author.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == HTTPStatus.OK
    assertTemplateUsed(response, "components/_follow_button.html")
    assert b"<html" not in response.content
    assertContains(response, "Following")
    assertContains(response, 'aria-label="1 follower"')


def test_updates_the_trust_card_out_of_band_for_htmx(client, reader):
    author = AuthorFactory()
    client.force_login(reader)
    follow_url = reverse("profiles:follow", args=[author.pk])
    unfollow_url = reverse("profiles:unfollow", args=[author.pk])

    followed = client.post(follow_url, headers={"HX-Request": "true"})
    unfollowed = client.post(unfollow_url, headers={"HX-Request": "true"})

    # One follower is worth one point (docs/trust.md).
    oob_card = '<section class="card trust" id="trust-snapshot"'
    assertContains(followed, oob_card)
    assertContains(followed, 'hx-swap-oob="true"')
    assertContains(followed, "<strong>1</strong> follower<")
    assertContains(followed, "Trust 1 - Emerging")
    assertContains(unfollowed, "<strong>0</strong> followers")
    assertContains(unfollowed, "Trust 0 - Emerging")


def test_sends_the_whole_window_to_log_in_when_htmx_asks_anonymously(client):
    author = AuthorFactory()

    response = client.post(
        reverse("profiles:follow", args=[author.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == HTTPStatus.OK
    assert (
        response["HX-Redirect"]
        == f"{reverse('login')}?next={author.get_absolute_url()}"
    )
    assert not Follow.objects.exists()


def test_unfollows_author(client, reader):
    author = AuthorFactory()
    Follow.objects.create(follower=reader, author=author)
    client.force_login(reader)

    response = client.post(reverse("profiles:unfollow", args=[author.pk]))
    again = client.post(reverse("profiles:unfollow", args=[author.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert again.status_code == HTTPStatus.FOUND
    assert not Follow.objects.filter(author=author).exists()


def test_shows_unfollow_to_a_follower(client, reader):
    author = AuthorFactory()
    Follow.objects.create(follower=reader, author=author)
    client.force_login(reader)

    response = client.get(author.get_absolute_url())

    assertContains(response, "Following")
    assertContains(response, reverse("profiles:unfollow", args=[author.pk]))


def test_sends_an_anonymous_visitor_to_log_in(client):
    author = AuthorFactory()

    response = client.post(reverse("profiles:follow", args=[author.pk]))
    page = client.get(author.get_absolute_url())

    assert response.status_code == HTTPStatus.FOUND
    assert (
        response["Location"] == f"{reverse('login')}?next={author.get_absolute_url()}"
    )
    assert not Follow.objects.exists()
    assertContains(page, f'href="{reverse("login")}?next=')


def test_rejects_get(client, reader):
    author = AuthorFactory()
    client.force_login(reader)

    response = client.get(reverse("profiles:follow", args=[author.pk]))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not Follow.objects.exists()


def test_answers_404_for_an_unknown_or_merged_author(client, reader):
    merged = AuthorFactory(merged_into=AuthorFactory())
    client.force_login(reader)

    unknown = client.post(reverse("profiles:follow", args=[999999]))
    duplicate = client.post(reverse("profiles:follow", args=[merged.pk]))

    assert unknown.status_code == HTTPStatus.NOT_FOUND
    assert duplicate.status_code == HTTPStatus.NOT_FOUND


def test_requires_a_csrf_token(reader):
    from django.test import Client

    author = AuthorFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)

    response = client.post(reverse("profiles:follow", args=[author.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Follow.objects.exists()
