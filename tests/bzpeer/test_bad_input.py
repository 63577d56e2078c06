"""Hostile values in every public address: never a server error, never echoed raw.

The routes come from the URLconf, so a new page is covered when it is added.
"""

import re
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.profiles.factories import AuthorFactory
from tests.works.factories import AuthorshipFactory

pytestmark = pytest.mark.django_db

# Django's own apps are tested upstream; logout answers only POST.
NOT_OURS = ("admin/", "accounts/")

# Values an attacker or a broken link sends, from the RELIABILITY checklist.
NASTY = [
    "-1",
    "0",
    str(2**63),
    str(10**30),
    "a\x00b",
    "\ud800",
    "../../etc/passwd",
    "%2e%2e%2f",
    "\u202egnp.exe",
    "Jе́gou",  # a Cyrillic е: looks Latin, is not
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 10_000,
]
QUERY_PARAMETERS = ["q", "page", "sort", "year"]
ALLOWED = {
    HTTPStatus.OK,
    HTTPStatus.MOVED_PERMANENTLY,
    HTTPStatus.FOUND,
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.NOT_FOUND,
    HTTPStatus.METHOD_NOT_ALLOWED,  # a GET on a route that answers only POST
}


def _routes(patterns=None, prefix=""):
    """Yield each route of ours as a path template such as 'authors/<int:id>/'."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(NOT_OURS):
            continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
ROUTES = sorted(set(_routes()))


def _encode(value):
    # A lone surrogate cannot be encoded as UTF-8; send the bytes a broken client
    # would, which Django must decode on its own.
    return quote(value, safe="", errors="surrogatepass")


def _fill(route, values):
    return "/" + PARAMETER.sub(lambda match: _encode(values[match[1]]), route)


@pytest.fixture
def valid():
    """A real value for every path parameter of our routes."""
    author = AuthorFactory(display_name="Mathilde Caron", openalex_id="A5023888391")
    work = AuthorshipFactory(author=author).work
    return {
        "author_id": str(author.pk),
        "slug": author.slug,
        "openalex_id": author.openalex_id,
        "work_id": str(work.pk),
    }


def test_finds_our_routes():
    assert "search/" in ROUTES
    assert "authors/<int:author_id>/<str:slug>/" in ROUTES


@pytest.mark.parametrize("route", [r for r in ROUTES if PARAMETER.search(r)])
def test_survives_nasty_path_values(client, valid, route):
    for name in PARAMETER.findall(route):
        for value in NASTY:
            response = client.get(_fill(route, {**valid, name: value}))

            assert response.status_code in ALLOWED, (route, name, value)


@pytest.mark.parametrize("route", ROUTES)
def test_survives_nasty_query_values(client, valid, route):
    path = _fill(route, valid)
    for name in QUERY_PARAMETERS:
        for value in NASTY:
            response = client.get(f"{path}?{name}={_encode(value)}")

            assert response.status_code in ALLOWED, (route, name, value)
            assert b"<script>alert(1)" not in response.content


READS_THE_QUERY = [
    "search/",
    "authors/<int:author_id>/",
    "authors/<int:author_id>/<str:slug>/",
    "works/<int:work_id>/",
]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("route", ROUTES)
def test_survives_more_query_fields_than_django_reads(
    client, settings, valid, route, debug
):
    # DEBUG is on under `make run`, where Django's own error page used to fail.
    settings.DEBUG = debug
    fields = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS))

    response = client.get(f"{_fill(route, valid)}?{fields}&page=1")

    assert response.status_code in ALLOWED, route
    if route in READS_THE_QUERY:
        assert response.status_code == HTTPStatus.BAD_REQUEST, route
