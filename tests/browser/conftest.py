"""The browser: Debian's Chromium driven by Playwright against a live server.

One Chromium runs for the whole session; each page gets its own browser context (its own
cookies), so two people can act side by side. Every request that is not to the live server
is aborted: the tests need no network, and a page that tried to reach a third party shows
up in `Browsing.blocked`. A script error or anything the site's Content-Security-Policy
blocks, on any page, fails the test. When a test fails, each of its open pages is saved as a
screenshot and its HTML under test-results/browser/ (the folder `.ci/run` prints).

Without /usr/bin/chromium these tests are skipped, with a note at the end of the run;
REQUIRE_BROWSER=1 (CI) makes a missing Chromium a failure.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from .paths import ARTIFACTS, CHROMIUM, REQUIRE_BROWSER

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    # Under `make test` (pytest-xdist, --dist loadgroup) one worker runs every browser test:
    # one Chromium, never two competing for the cores with their live servers.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_runtest_makereport(item, call):
    # Remembered on the test so that its fixtures can save the pages of a failed call.
    if call.when == "call":
        item.browser_call_failed = call.excinfo is not None and not call.excinfo.errisinstance(
            pytest.skip.Exception
        )


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-smooth-scrolling",  # a key press scrolls at once
            ],
        )
        try:
            yield chromium
        finally:
            chromium.close()


class Browsing:
    """Pages on the live server, as anonymous visitors or signed in as someone."""

    def __init__(self, browser, origin: str):
        self.browser = browser
        self.origin = origin
        self.pages = []
        self.blocked: list[str] = []
        self.errors: list[str] = []

    def url(self, path: str) -> str:
        return self.origin + path

    def page(self, *, user=None, viewport=DESKTOP, javascript=True):
        context = self.browser.new_context(
            viewport=viewport,
            locale="en-CA",
            accept_downloads=True,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        context.route("**/*", self._only_the_site)
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [
                    {
                        "name": django_settings.SESSION_COOKIE_NAME,
                        "value": session,
                        "url": self.origin,
                    }
                ]
            )
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        # Chromium reports what the Content-Security-Policy blocked on the console.
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        self.pages.append(page)
        return page

    def _only_the_site(self, route):
        if route.request.url.startswith(self.origin):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def save(self, name: str) -> None:
        folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", name)
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(self.pages, start=1):
            if page.is_closed():
                continue
            try:
                page.screenshot(path=folder / f"page{number}.png", full_page=True)
                (folder / f"page{number}.html").write_text(page.content(), encoding="utf-8")
            except Exception as error:  # a crashed page: say so, keep the others
                (folder / f"page{number}.txt").write_text(f"{page.url}\n{error}\n")

    def close(self) -> None:
        for page in self.pages:
            page.context.close()


@pytest.fixture
def browsing(request, browser, live_server, settings, tmp_path):
    """The site on a live server, with e-mail kept in `mail.outbox`, tasks run in-process
    (even in the services run: the worker could not see this test's outbox), uploads in a
    temporary folder, the cache in memory and a tile server that cannot answer."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAP_TILE_URL = "https://tiles.invalid/{z}/{x}/{y}.png"
    # The live server's threads share one in-memory SQLite connection, and a map asks for a
    # screen of camera tiles at once: the cache lives in memory, not behind that connection.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "map": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "map"},
    }
    site = Browsing(browser, live_server.url)
    yield site
    if getattr(request.node, "browser_call_failed", False):
        site.save(request.node.nodeid)
    site.close()
    if site.errors and not getattr(request.node, "browser_call_failed", False):
        pytest.fail("Script errors or CSP violations on the pages:\n" + "\n".join(site.errors))


def axe_violations(page) -> list[str]:
    """The critical and serious accessibility violations axe-core finds on the page (its
    frames included), one line each."""
    for frame in page.frames:
        # Evaluated by the browser's driver, which the page's CSP does not govern (a <script>
        # tag would be blocked: the site allows no inline script).
        frame.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async () => {
          const result = await axe.run(document, { resultTypes: ["violations"] });
          return result.violations
            .filter((v) => v.impact === "critical" || v.impact === "serious")
            .map((v) => `${v.impact} ${v.id}: ${v.help} — ` +
              v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join(", "));
        }"""
    )
    return violations
