"""End-to-end journeys in a real browser.

Debian's Chromium (never a browser Playwright downloads) runs headless through Playwright's
sync API against pytest-django's live server. Each journey signs in through the login page as
a member of the fixed cast (tests/conftest.py), clicks through the pages as that user would,
and checks what the pages show and which rows the database holds afterwards.

The journeys need ``@pytest.mark.django_db(transaction=True)``: the live server answers from
another thread, which must see what the test wrote. They are skipped only when
/usr/bin/chromium is missing; ``./run tests`` installs it with apt.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 860}
#: Playwright's wait for a page or an element; pages of this size answer in well under a second.
TIMEOUT_MS = 15_000

#: The marks every journey carries (``pytestmark = JOURNEY`` in each module).
JOURNEY = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} not found: the browser tests need Debian's chromium and fonts-noto-cjk (./run tests installs them)",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="package")
def chromium():
    """One headless Chromium for the journeys; each user gets a browser context of its own.

    Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
    Django's ORM refuses to run next to one unless told that the calls are synchronous (they are:
    each Playwright call returns before the next line runs). Both last only as long as this
    package's tests: the rest of the suite runs without the loop and with the check on."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Uploaded photos, ledgers and bulletins, and the import progress files, go to the test's tmp_path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


class Browsing:
    """Signed-in pages for members of the cast, screenshots, and the errors the pages raised."""

    def __init__(self, browser, base_url: str, cast, folder: Path):
        self.browser = browser
        self.base = base_url
        self.cast = cast
        self.folder = folder
        self.contexts = []
        self.problems: list[str] = []

    def url(self, path: str) -> str:
        return self.base + path

    def sign_in(self, who: str):
        """A fresh browser context signed in as ``who`` through the login form, on the home page."""
        from django.urls import reverse
        from playwright.sync_api import expect

        user = self.cast.members[who]
        context = self.browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport=DESKTOP, accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()

        def server_error(response):
            if response.status >= 500:
                self.problems.append(f"{who}: {response.status} from {response.url}")

        page.on("response", server_error)
        page.on("pageerror", lambda exc: self.problems.append(f"{who}: script error on {page.url}: {exc}"))
        page.goto(self.url(reverse("login")))
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.locator("header .who")).to_contain_text(str(user))
        return page

    def menu(self, page, label: str) -> None:
        """Click an entry of the side menu and wait for its page."""
        link = page.locator("nav.sidebar").get_by_role("link", name=label, exact=True)
        path = urlsplit(link.get_attribute("href")).path
        link.click()
        page.wait_for_url(lambda url: urlsplit(url).path == path)
        page.wait_for_load_state()

    def shot(self, page, name: str) -> Path:
        path = self.folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(chromium, live_server, cast, tmp_path):
    """The journey's browser: ``sign_in(who)`` for each member of the cast it needs. Fails the test
    when a page answered with a server error or raised a script error."""
    browsing = Browsing(chromium, live_server.url, cast, tmp_path)
    yield browsing
    browsing.close()
    assert not browsing.problems, "\n".join(browsing.problems)
