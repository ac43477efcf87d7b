"""On a shared kiosk the person's passport leaves the screen when they walk away, with a warning first."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import Site, check_accessibility


def test_the_page_warns_then_signs_out_after_ten_quiet_minutes(site: Site, page: Page) -> None:
    """A minute before the idle sign-out a warning takes focus; 'still here' keeps them in; silence ends it."""
    pid = site.create_passport()
    page.clock.install()
    site.sign_in_person(page, pid)
    assert page.url.endswith("/me")
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    assert not warning.is_visible()
    page.clock.run_for("09:05")
    assert warning.is_visible()
    still_here = page.get_by_role("link", name="Yes, I am still here")
    assert still_here.evaluate("element => element === document.activeElement")
    check_accessibility(page, "me-idle-warning")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/me") and "Arthur" in page.content()
    page.clock.install()
    with page.expect_navigation():
        page.clock.run_for("10:01")
    assert "/me/sign-in?timed_out=1" in page.url
    assert "Arthur" not in page.content() and "nothing happened for a while" in page.content()
