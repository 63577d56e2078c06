"""A real browser against pytest-django's live server.

The tests drive Debian's Chromium (package `chromium`) through Playwright; nothing
downloads a browser. Each page records console errors and Content-Security-Policy
violations, because a strict policy silently disables inline htmx handlers and
trigger filters: the browser is the only place such breakage shows.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import ConsoleMessage, Error, Page, Response, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")

# The closed network here refuses Chromium's own calls home, many at a time, and
# root may not use its sandbox: switch both off, along with the GPU.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Fail fast: every page here is served from loopback and should answer at once.
TIMEOUT_MS = 10_000

# Runs in every document before the page's own scripts, so that a violation
# caused by the first <script> is caught too.
RECORD_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});
"""


@dataclass
class BrowserPage:
    """A Playwright page on the live server, with what went wrong in it so far."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[dict[str, Any]] = field(default_factory=list)
    # Every script the page fetched, to check where each came from.
    scripts: list[Response] = field(default_factory=list)


@pytest.fixture
def chromium_path() -> Path:
    """Return Debian's Chromium, or skip (fail on CI) when it is not installed."""
    if CHROMIUM.exists():
        return CHROMIUM

    message = (
        f"browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{message} (.ci/run installs it; a missing browser on CI is a bug)"
        )
    pytest.skip(message)


@pytest.fixture
def browser_page(
    chromium_path: Path,
    transactional_db: None,
    live_server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[BrowserPage]:
    """Open a page whose relative URLs go to the live server.

    The live server answers from another thread and its own database connection,
    so tests using this fixture commit their data (`transactional_db`).
    """
    # Playwright's sync API keeps an asyncio loop running in this thread, which
    # makes Django refuse ORM calls from the test body unless told otherwise.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        recorded = BrowserPage(page=page)

        def record_csp_violation(violation: dict[str, Any]) -> None:
            recorded.csp_violations.append(violation)

        def record_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                where = "{url}:{lineNumber}".format(**message.location)
                recorded.console_errors.append(f"{message.text} (at {where})")

        def record_page_error(error: Error) -> None:
            recorded.console_errors.append(f"uncaught: {error.message}")

        def record_script(response: Response) -> None:
            if response.request.resource_type == "script":
                recorded.scripts.append(response)

        page.expose_function("reportCspViolation", record_csp_violation)
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        page.on("console", record_console)
        page.on("pageerror", record_page_error)
        page.on("response", record_script)

        try:
            yield recorded
        finally:
            # While Playwright runs, the test body sees its own set of Django
            # connections (they live in context variables); close them here, in
            # that same state, or test_bzpeer cannot be dropped at the end.
            connections.close_all()
            context.close()
            browser.close()
