"""The person's pages after their passport moves on or their card goes stale, in a real browser, keyboard only:
they say where the passport is now in plain words (never "custody"), offer no change that cannot work here, keep
the navigation and Sign out on every error, and say when a new card is needed (and care staff's list says so)."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page

from tests.browser.conftest import Site, check_accessibility
from tests.browser.test_me import api_get, change_and_confirm, follow, sign_in_by_keyboard

MOVED = "Your passport has moved to HMP Risley."
HELP = "Staff there can help you change who sees it."


def hand_over_to_risley(site: Site, pid: str) -> None:
    """Wymott's care staff hand the passport over to HMP Risley, which Wymott trusts."""
    site.server.trust("prison:RSY", "HMP Risley")
    handover = {"to": "prison:RSY", "reason": "transfer", "date": "2026-12-01"}
    staff = {"Authorization": f"Bearer {site.token('care_staff')}"}
    response = httpx.post(f"{site.url}/v1/passports/{pid}/handover", json=handover, headers=staff, timeout=30)
    assert response.status_code == 201, response.text


def print_card(site: Site, pid: str) -> None:
    """Care staff print the person's card (the card is signed afresh for the current version)."""
    staff = {"Authorization": f"Bearer {site.token('care_staff')}"}
    card = httpx.get(f"{site.url}/v1/passports/{pid}/card", params={"format": "jws"}, headers=staff, timeout=30)
    assert card.status_code == 200, card.text


def assert_person_navigation(page: Page) -> None:
    """The person's own navigation and Sign out are on the page."""
    nav = page.get_by_role("navigation", name="Main")
    for name in ("My passport", "Who has seen it", "Who can see what", "Something is wrong"):
        assert nav.get_by_role("link", name=name, exact=True).is_visible(), name
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_after_a_handover_the_pages_say_where_the_passport_is_and_offer_no_changes(site: Site, page: Page) -> None:
    """The passport, who can see what and one audience's page all say it moved to HMP Risley and who can help; no
    button to change anything; a button pressed on a page opened before the move changes nothing and says why, with
    the person's navigation and Sign out still there. The word "custody" is never shown."""
    pid = site.create_passport()
    sign_in_by_keyboard(site, page, pid)
    page.goto(f"{site.url}/me/consent/local_authority")  # open before the move, pressed after it
    hand_over_to_risley(site, pid)
    follow(page, "Stop them seeing this part: Services and how well they worked")
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot change this here"
    main = page.locator("main").inner_text()
    assert MOVED in main and HELP in main and "We have not changed anything." in main
    assert "custody" not in page.content().lower()
    assert_person_navigation(page)
    check_accessibility(page, "me-moved-change-refused")
    assert api_get(site, f"/v1/passports/{pid}")["ver"] == 2  # the handover, and nothing after it

    follow(page, "My passport")
    main = page.locator("main").inner_text()
    assert MOVED in main and HELP in main
    assert "HMP Wymott keeps your passport now" not in main
    check_accessibility(page, "me-passport-moved")
    follow(page, "Who can see what")
    main = page.locator("main").inner_text()
    assert MOVED in main and "HMP Wymott can see all of it" not in main
    assert page.get_by_role("link", name="Change what councils can see").count() == 0
    check_accessibility(page, "me-consent-moved")
    page.goto(f"{site.url}/me/consent/local_authority")
    assert MOVED in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Stop them seeing this", exact=False).count() == 0
    assert "HMP Risley can still see all of your passport." in page.locator("main").inner_text()
    for path in ("/me", "/me/consent", "/me/consent/local_authority", "/me/seen"):
        page.goto(f"{site.url}{path}")
        assert "custody" not in page.content().lower(), path


def test_the_persons_error_pages_keep_their_navigation_and_sign_out(site: Site, page: Page) -> None:
    """A page that does not exist, and a form without its token: plain words, the person's navigation and Sign out,
    and Sign out works from there with the keyboard."""
    pid = site.create_passport()
    sign_in_by_keyboard(site, page, pid)
    response = page.goto(f"{site.url}/me/consent/everyone")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "We cannot find that page"
    assert_person_navigation(page)
    check_accessibility(page, "me-error-not-found")
    refused = page.request.post(f"{site.url}/me/consent", form={"audience": "health", "section": "needs"})
    assert refused.status == 403 and "This form has expired" in refused.text() and "Sign out" in refused.text()
    follow(page, "Sign out")
    assert "/me/sign-in" in page.url and "You have signed out" in page.content()


def test_withdrawing_what_the_card_shows_asks_for_a_new_card_and_tells_care_staff(site: Site, page: Page) -> None:
    """The card is printed; the person stops reception seeing their equipment, which the card shows: the page says
    the card is out of date and a new one is needed (not that reception "can no longer see" it), and care staff's
    list says to print a new card. Once printed, both go away; a change the card does not show asks for nothing."""
    pid = site.create_passport()
    print_card(site, pid)
    sign_in_by_keyboard(site, page, pid)
    follow(page, "Who can see what")
    follow(page, "Change what reception staff can see")
    change_and_confirm(page, "Stop them seeing this part: My equipment", key="Space")
    status = page.get_by_role("status").inner_text()
    assert "Reception staff who scan your new card will not see My equipment." in status
    assert "Your card is out of date. You need a new card." in status
    assert "can no longer see" not in status
    check_accessibility(page, "me-consent-card-out-of-date")
    follow(page, "Who can see what")
    assert "Your passport card is out of date. You need a new card." in page.locator("main").inner_text()

    staff = page.context.browser.new_context(locale="en-GB") if page.context.browser else None
    assert staff is not None
    try:
        staff_page = staff.new_page()
        site.sign_in_staff(staff_page)
        row = staff_page.get_by_role("row", name="Whitfield")
        assert "Print a new card" in row.inner_text()
        check_accessibility(staff_page, "staff-list-new-card")
        print_card(site, pid)
        staff_page.reload()
        assert "Print a new card" not in staff_page.get_by_role("row", name="Whitfield").inner_text()
    finally:
        staff.close()

    page.reload()
    assert "out of date" not in page.locator("main").inner_text()
    page.goto(f"{site.url}/me/consent/reception_card")
    change_and_confirm(page, "Let them see this part: Leaving prison", key="Space")  # nothing the card shows
    status = page.get_by_role("status").inner_text()
    assert "We have saved this." in status and "new card" not in status
