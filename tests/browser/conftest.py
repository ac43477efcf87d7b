"""Real headless Chromium (Debian's `chromium` package, never a downloaded browser) driven by Playwright, against
a real server; axe-core for accessibility; a screenshot of each page for reviewers (test-artifacts/screenshots)."""

from __future__ import annotations

import base64
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

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
        """A sign-in code for the person, as staff would print it."""
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
    """axe-core against WCAG 2.2 A and AA: no violations at all, whatever their impact; and save a screenshot."""
    save_screenshot(page, name)
    violations = _axe_violations(page)
    assert not violations, f"{name}: " + "; ".join(violations)


def _axe_violations(page: Page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=390, height=844)
# 200% browser zoom of a 1280x800 window: half as many CSS pixels each way, each drawn with two device pixels (what
# the browser's own zoom does, media queries included).
ZOOM_200 = {"width": 640, "height": 400, "deviceScaleFactor": 2, "mobile": False}
# Words (of letters, up to 24 of them, not in an address) that the layout split across two lines.
_BROKEN_WORDS = r"""() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || !element.getClientRects().length || getComputedStyle(element).visibility === "hidden") continue;
    for (const token of node.data.matchAll(/\S+/g)) {
      if (/[\/@=]/.test(token[0])) continue;  // an address, not words
      for (const match of token[0].matchAll(/[A-Za-z]{2,24}/g)) {
        const range = document.createRange();
        range.setStart(node, token.index + match.index);
        range.setEnd(node, token.index + match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def overflow(page: Page) -> str:
    """What makes the page wider than the window (empty when nothing does)."""
    found: str = page.evaluate(
        """() => document.documentElement.scrollWidth <= innerWidth ? "" :
        `${document.documentElement.scrollWidth} px wide in ${innerWidth}: ` + [...document.querySelectorAll("body *")]
          .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
          .slice(0, 4).map(e => `${e.tagName.toLowerCase()}.${e.className}`).join(", ")"""
    )
    return found


def broken_words(page: Page) -> list[str]:
    """The words on the page that are split across two lines."""
    found: list[str] = page.evaluate(_BROKEN_WORDS)
    return found


def check_layout(page: Page, name: str) -> None:
    """The page as it is now at a desktop's 1280x800, a phone's 390x844 and 200% zoom: a full-page screenshot of
    each, and at the phone's width and at 200% no sideways scrolling (WCAG 2.2 1.4.10 Reflow) and no word broken
    in two. Leaves the page at its first size."""
    before = page.viewport_size
    page.set_viewport_size(DESKTOP)
    save_screenshot(page, f"{name}-1280x800")
    page.set_viewport_size(PHONE)
    save_screenshot(page, f"{name}-390x844")
    problems = [f"at 390 px {overflow(page)}"] if overflow(page) else []
    problems += [f"at 390 px {word!r} is broken across lines" for word in broken_words(page)]
    # Playwright's own screenshots put back the viewport it set, so at 200% Chromium draws the whole page itself.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setDeviceMetricsOverride", ZOOM_200)
    try:
        page.wait_for_function(f"innerWidth === {ZOOM_200['width']} && devicePixelRatio === 2")
        problems += [f"at 200% {overflow(page)}"] if overflow(page) else []
        problems += [f"at 200% {word!r} is broken across lines" for word in broken_words(page)]
        size = cdp.send("Page.getLayoutMetrics")["cssContentSize"]
        whole = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = cdp.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": whole})
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"{name}-zoom-200.png").write_bytes(base64.b64decode(shot["data"]))
    finally:
        cdp.send("Emulation.clearDeviceMetricsOverride")
        cdp.detach()
        page.set_viewport_size(before or DESKTOP)
    assert not problems, f"{name}: " + "; ".join(problems)


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


def check_at_every_size(page: Page, name: str) -> None:
    """:func:`check_layout` (screenshots at each size, no sideways scrolling, no word broken in two), and axe-core
    at the desktop's and the phone's sizes: what a narrow screen hides or moves must stay accessible too."""
    check_layout(page, name)
    before = page.viewport_size
    for size, suffix in ((DESKTOP, "1280x800"), (PHONE, "390x844")):
        page.set_viewport_size(size)
        violations = _axe_violations(page)
        assert not violations, f"{name} at {suffix}: " + "; ".join(violations)
    page.set_viewport_size(before or DESKTOP)


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
