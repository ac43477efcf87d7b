"""On a shared kiosk the person's passport leaves the screen when they walk away, with a warning first; but a
person writing slowly keeps their pages, their words and their code. Keyboard only.

The first test runs the browser's clock fast on the default 10 minutes; the others use a real server whose idle
time is shortened by its setting (``person_idle``, ``PASSPORT_PERSON_IDLE_SECONDS``) and wait for real.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from passport.services.people import open_corrections
from passport.services.principals import Principal
from passport.services.storage import transaction
from tests.browser.conftest import Site, check_accessibility, press_and_wait, save_screenshot, wait_until
from tests.conftest import start_server

IDLE = timedelta(seconds=20)  # the warning comes 10 seconds before the end (half the time, when under 2 minutes)
REPORT = "My hearing aids are in my cell, not at healthcare."


@pytest.fixture
def quick_site(tmp_path: Path) -> Iterator[Site]:
    """HMP Wymott, with a person's pages closing after 20 quiet seconds."""
    server = start_server(tmp_path / "wymott", f"sqlite:///{tmp_path / 'wymott.db'}", person_idle=IDLE)
    yield Site(server)
    server.stop()


def sign_in_with(site: Site, page: Page, code: str) -> None:
    """Type the printed code into the sign-in page and press Enter."""
    page.goto(f"{site.url}/me/sign-in")
    page.get_by_label("Your code").focus()
    page.keyboard.type(code)
    press_and_wait(page, "Enter")


def open_the_writing_page(page: Page) -> None:
    """From the navigation, with the keyboard: Something is wrong, then the text box."""
    page.get_by_role("link", name="Something is wrong", exact=True).focus()
    press_and_wait(page, "Enter")
    page.get_by_label("What is wrong?").focus()


def reported(site: Site, pid: str) -> list[str]:
    """What care staff see the person reported."""
    staff = Principal("test-care-staff", site.server.deployment.identity.org_id, "care_staff")
    with transaction(site.server.deployment.engine) as session:
        return [c.text for c in open_corrections(session, principal=staff, pid=pid)]


def test_the_page_warns_then_signs_out_after_ten_quiet_minutes(site: Site, page: Page) -> None:
    """A minute before the idle sign-out a warning takes focus; one key keeps them in, with what they typed still
    on the page; silence ends it, and the sign-in page says the code still works."""
    pid = site.create_passport()
    page.clock.install()
    site.sign_in_person(page, pid)
    assert page.url.endswith("/me")
    assert "If you do nothing for 10 minutes, we sign you out." in page.locator("footer").inner_text()
    open_the_writing_page(page)
    page.keyboard.type("My hearing aids")
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    assert not warning.is_visible()
    page.clock.run_for("09:05")
    assert warning.is_visible()
    assert "We will sign you out in 1 minute" in warning.inner_text()
    still_here = page.get_by_role("button", name="Yes, I am still here")
    assert still_here.evaluate("element => element === document.activeElement")
    page.keyboard.press("Tab")  # the warning covers the page: the focus stays on its one button
    assert still_here.evaluate("element => element === document.activeElement")
    check_accessibility(page, "me-idle-warning")
    page.keyboard.press("Enter")
    wait_until(lambda: not warning.is_visible())
    # Nothing was reloaded: the words are still there, and the focus is back in the box.
    assert page.get_by_label("What is wrong?").input_value() == "My hearing aids"
    assert page.evaluate("document.activeElement.id") == "text"
    with page.expect_navigation():
        page.clock.run_for("10:01")
    assert "/me/sign-in?timed_out=1&kept=1" in page.url
    text = page.content()
    assert "Arthur" not in text and "My hearing aids" not in text and "nothing happened for a while" in text
    assert "Your code still works." in page.get_by_role("status").inner_text()


def test_typing_slowly_for_longer_than_the_idle_time_keeps_the_pages_open(quick_site: Site, page: Page) -> None:
    """A word every few seconds for half a minute (longer than the 20-second idle time, with no page loaded in
    between): no warning, and "Send to care staff" sends the whole report."""
    pid = quick_site.create_passport()
    sign_in_with(quick_site, page, quick_site.sign_in_code(pid))
    open_the_writing_page(page)
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    started = time.monotonic()
    for word in REPORT.split(" "):
        page.keyboard.type(word + " ", delay=80)
        time.sleep(3)
        assert not warning.is_visible()
    assert time.monotonic() - started > IDLE.total_seconds() * 1.5
    page.get_by_role("button", name="Send to care staff").focus()
    press_and_wait(page, "Enter")
    assert page.url.endswith("/me/wrong/sent")
    assert reported(quick_site, pid) == [REPORT]


def test_when_time_runs_out_the_writing_and_the_code_are_kept(quick_site: Site, page: Page) -> None:
    """The person stops writing: the warning comes, then the end. Nothing of them is left on the kiosk's screen
    (not even with Back); the same printed code opens their pages again, at what they were writing. Sending it
    works; signing out spends the code."""
    pid = quick_site.create_passport()
    code = quick_site.sign_in_code(pid)
    sign_in_with(quick_site, page, code)
    open_the_writing_page(page)
    page.keyboard.type("My hearing aids are in my cell,")
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    warning.wait_for(state="visible", timeout=15_000)
    assert "We will sign you out in 10 seconds" in warning.inner_text()
    save_screenshot(page, "me-idle-warning-writing")
    page.wait_for_url("**/me/sign-in?timed_out=1&kept=1", timeout=15_000)
    status = page.get_by_role("status").inner_text()
    assert "We kept what you were writing." in status and "Your code still works." in status
    assert "hearing aids" not in page.content() and "Arthur" not in page.content()
    check_accessibility(page, "me-sign-in-timed-out")
    page.go_back()  # the page is never kept by the browser: Back asks the server, which signs in first
    assert "/me/sign-in" in page.url and "hearing aids" not in page.content()

    sign_in_with(quick_site, page, code)
    assert page.url.endswith("/me/wrong")
    assert "We kept what you were writing." in page.get_by_role("status").inner_text()
    box = page.get_by_label("What is wrong?")
    assert box.input_value() == "My hearing aids are in my cell,"
    check_accessibility(page, "me-wrong-kept")
    box.focus()
    page.keyboard.press("End")
    page.keyboard.type(" not at healthcare.")
    page.get_by_role("button", name="Send to care staff").focus()
    press_and_wait(page, "Enter")
    assert page.url.endswith("/me/wrong/sent")
    assert reported(quick_site, pid) == [REPORT]

    # Sent: nothing is kept any more. Signing out spends the code.
    page.goto(f"{quick_site.url}/me/wrong")
    assert page.get_by_label("What is wrong?").input_value() == ""
    page.get_by_role("button", name="Sign out").focus()
    press_and_wait(page, "Enter")
    sign_in_with(quick_site, page, code)
    assert "A code stops working when you sign out" in page.get_by_role("alert").inner_text()


def test_without_javascript_a_report_sent_after_the_end_is_kept(quick_site: Site, browser: Browser) -> None:
    """With JavaScript off the server alone keeps time: a report sent after the session ended is kept for the
    person, and their code opens their pages at it again."""
    pid = quick_site.create_passport()
    code = quick_site.sign_in_code(pid)
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        sign_in_with(quick_site, page, code)
        open_the_writing_page(page)
        page.keyboard.type(REPORT)
        time.sleep(IDLE.total_seconds() + 2)
        page.get_by_role("button", name="Send to care staff").focus()
        press_and_wait(page, "Enter")
        assert "/me/sign-in?timed_out=1&kept=1" in page.url
        assert "We kept what you were writing." in page.content() and REPORT not in page.content()
        assert reported(quick_site, pid) == []
        sign_in_with(quick_site, page, code)
        assert page.url.endswith("/me/wrong")
        assert page.get_by_label("What is wrong?").input_value() == REPORT
    finally:
        context.close()
