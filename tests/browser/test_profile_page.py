"""The profile page in Chromium, under the enforced Content-Security-Policy."""

from html.parser import HTMLParser
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import BrowserPage
from tests.profiles.factories import AuthorFactory
from tests.works.factories import AuthorshipFactory, WorkFactory

pytestmark = pytest.mark.django_db(transaction=True)

COAUTHOR_NAMES = ["Grace Hopper", "Mary Somerville", "Emmy Noether"]


class _AttributesOf(HTMLParser):
    """Collect the attributes of the element with a given id, as the server sent it."""

    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id
        self.attributes: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.attributes is None and ("id", self.element_id) in attrs:
            self.attributes = dict(attrs)


def _attributes_of(html: str, element_id: str) -> dict[str, str | None]:
    parser = _AttributesOf(element_id)
    parser.feed(html)
    assert parser.attributes is not None, f'no element with id="{element_id}"'
    return parser.attributes


def test_loads_graph_slice_with_coauthors(
    browser_page: BrowserPage, live_server: LiveServer
) -> None:
    author = AuthorFactory(display_name="Ada Lovelace")
    for position, name in enumerate(COAUTHOR_NAMES, start=2):
        coauthor = AuthorFactory(display_name=name)
        # Two shared works each, so the slice has something to rank.
        for _ in range(2):
            work = WorkFactory()
            AuthorshipFactory(work=work, author=author, position=1)
            AuthorshipFactory(work=work, author=coauthor, position=position)
    slice_path = reverse("graph:author-slice", args=[author.pk])
    page = browser_page.page

    with page.expect_response(lambda r: urlsplit(r.url).path == slice_path) as loaded:
        response = page.goto(author.get_absolute_url())
        page.locator("#graph-slice").scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")

    # The page as served: a lazily loaded section that points at the slice.
    assert response is not None
    assert response.status == HTTPStatus.OK
    graph_section = _attributes_of(response.text(), "graph-slice")
    assert graph_section.get("hx-get") == slice_path
    assert "revealed" in (graph_section.get("hx-trigger") or "")
    # The slice arrived and was swapped in.
    assert loaded.value.status == HTTPStatus.OK
    assert loaded.value.request.headers.get("hx-request") == "true"
    for name in COAUTHOR_NAMES:
        expect(page.locator("#graph-slice")).to_contain_text(name)
    # htmx came from our own static files, and nothing else ran from elsewhere.
    static_prefix = f"{live_server.url}/{settings.STATIC_URL.strip('/')}/"
    scripts = browser_page.scripts
    htmx_scripts = [s for s in scripts if s.url.rsplit("/", 1)[-1].startswith("htmx")]
    assert htmx_scripts, "no htmx script was loaded"
    assert all(s.url.startswith(static_prefix) and s.ok for s in htmx_scripts)
    assert all(s.url.startswith(live_server.url) for s in scripts)
    assert page.evaluate("typeof window.htmx") == "object"
    # Nothing broke on the way.
    assert browser_page.console_errors == []
    assert browser_page.csp_violations == []


def test_follows_after_logging_in_and_updates_the_counts(
    browser_page: BrowserPage, django_user_model
) -> None:
    author = AuthorFactory(display_name="Ada Lovelace")
    django_user_model.objects.create_user("reader", password="a-long-pass-phrase")
    page = browser_page.page

    page.goto(author.get_absolute_url())
    page.get_by_role("link", name="Follow researcher").click()
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Follow researcher").click()

    # Back on the profile after login; htmx swaps the button and the trust card.
    expect(page.get_by_role("button", name="Following")).to_be_visible()
    expect(page.locator("#trust-snapshot .counts")).to_contain_text("1 follower")
    expect(page.locator("#trust-snapshot .trust-score")).to_have_text(
        "Trust 1 - Emerging"
    )
    assert urlsplit(page.url).path == author.get_absolute_url()
    assert author.follows.count() == 1
    assert browser_page.console_errors == []
    assert browser_page.csp_violations == []
