from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.profiles.factories import AuthorFactory
from tests.works.factories import WorkFactory

pytestmark = pytest.mark.django_db


def test_home_offers_search(client):
    response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.OK
    assertContains(response, 'action="/search/"', count=1)


def test_health_answers_ok_with_a_database(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok"


def test_robots_keeps_crawlers_out_of_admin(client):
    response = client.get(reverse("robots-txt"))

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Disallow: /admin/")


def test_sends_a_strict_content_security_policy(client):
    response = client.get(reverse("home"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_serves_htmx_from_our_own_static_files(client):
    response = client.get(reverse("home"))

    assertContains(response, 'src="/static/django_htmx/htmx-2.min.js"')


def test_answers_404_with_a_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_every_public_page_answers_head_requests(client):
    """Link checkers and uptime monitors send HEAD; it must not be refused."""
    author = AuthorFactory()
    work = WorkFactory()
    urls = [
        reverse("home"),
        reverse("search") + "?q=caron",
        reverse("healthz"),
        reverse("robots-txt"),
        author.get_absolute_url(),
        reverse("works:detail", args=[work.pk]),
        reverse("graph:author-slice", args=[author.pk]),
    ]

    statuses = {url: client.head(url).status_code for url in urls}

    assert statuses == dict.fromkeys(urls, HTTPStatus.OK)
