"""Real headless Chromium (Debian's `chromium` package, never a downloaded browser) driven by Playwright, against
a real server; axe-core for accessibility; a screenshot of each page for reviewers (test-artifacts/screenshots)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from passport.services.people import issue_sign_in_code
from passport.services.principals import Principal
from passport.services.storage import transaction
from tests.conftest import LiveServer, reference_passport, start_server

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"
# WCAG 2.2 level A and AA, as axe-core tags its rules.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The flags the machine's own probe runs Chromium with: no sandbox as root, and no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Site:
    """A real server for HMP Wymott, and what the browser tests need to set it up."""

    server: LiveServer

    @property
    def url(self) -> str:
        """The server's base URL."""
        return self.server.url

    def token(self, role: str) -> str:
        """A bearer token of this organisation."""
        return self.server.token(role)

    def create_passport(self, content: dict[str, Any] | None = None) -> str:
        """A passport made through the API, as care staff would; its pid."""
        with httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token('care_staff')}"}) as c:
            response = c.post("/v1/passports", json=content or reference_passport())
            assert response.status_code == 201, response.text
            pid: str = response.json()["pid"]
            return pid

    def sign_in_code(self, pid: str) -> str:
        """A one-time code for the person, as staff would print it."""
        staff = Principal("browser-tests", self.server.deployment.identity.org_id, "care_staff")
        with transaction(self.server.deployment.engine) as session:
            return issue_sign_in_code(session, principal=staff, pid=pid)

    def sign_in_staff(self, page: Page, role: str = "care_staff", next_path: str = "/staff") -> None:
        """Sign in on the staff sign-in page with a new token of ``role``, using the keyboard."""
        page.goto(f"{self.url}/staff/sign-in?next={next_path}")
        page.get_by_label("Your staff access token").fill(self.token(role))
        press_and_wait(page, "Enter")

    def sign_in_person(self, page: Page, pid: str) -> None:
        """Sign in on the person's sign-in page with a fresh code, using the keyboard."""
        page.goto(f"{self.url}/me/sign-in")
        page.get_by_label("Your code").fill(self.sign_in_code(pid))
        press_and_wait(page, "Enter")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """HMP Wymott, serving on a loopback port, on SQLite."""
    server = start_server(tmp_path / "wymott", f"sqlite:///{tmp_path / 'wymott.db'}")
    yield Site(server)
    server.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page (no cookies shared between tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def check_accessibility(page: Page, name: str) -> None:
    """axe-core against WCAG 2.2 A and AA: no serious or critical violations; and save a screenshot."""
    save_screenshot(page, name)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not serious, f"{name}: " + "; ".join(serious)


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/screenshots, for a reviewer to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def press_and_wait(page: Page, key: str) -> None:
    """Press a key that submits a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def wait_until(predicate: Any, timeout: float = 5.0) -> None:
    """Poll until ``predicate()`` is true."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def api_passport(site: Site, pid: str) -> dict[str, Any]:
    """The passport as the API returns it (read with a care staff token)."""
    with httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {site.token('care_staff')}"}) as client:
        response = client.get(f"/v1/passports/{pid}")
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found


def follow(page: Page, name: str) -> None:
    """Move the focus to a link and press Enter: the keyboard's way of following it."""
    page.get_by_role("link", name=name, exact=True).focus()
    press_and_wait(page, "Enter")


def type_into(page: Page, label: str, text: str) -> None:
    """Focus a field by its label and type, key by key."""
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)


def save_with_keyboard(page: Page, name: str = "Save") -> None:
    """Focus the form's button and press Enter."""
    page.get_by_role("button", name=name, exact=True).focus()
    press_and_wait(page, "Enter")


def check_at_sizes(page: Page, name: str) -> None:
    """``check_accessibility`` at 1280x800, at 390x844 (a phone) and at 200% zoom (1280x800 seen through
    640x400 CSS pixels), with no page wider than its viewport; the viewport is put back after."""
    before = page.viewport_size
    for suffix, width, height in (("", 1280, 800), ("-390", 390, 844), ("-zoom200", 640, 400)):
        page.set_viewport_size({"width": width, "height": height})
        check_accessibility(page, name + suffix)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name}{suffix}: the page is {wide}px wide in a {width}px viewport"
    if before:
        page.set_viewport_size(before)
