"""Staff pages in staff's words (issue 10, item 7), in the browser and by keyboard: organisations and items by name,
never by id; overdue and due-soon reviews tagged by the server's date; a contents list on the long passport page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page

from api.pages.staff.words import day
from tests.browser.conftest import Site, check_accessibility, press_and_wait
from tests.conftest import reference_passport

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Ids a page must not show: organisation ids, and item ids such as n1, e2, a3 standing as words.
ORG_ID = re.compile(r"\b(prison|la|health|probation):[A-Z0-9]+")
ITEM_ID = re.compile(r"\b[nesawcr][0-9]+\b")
SIZES = {"": (1280, 800), "-390": (390, 844), "-zoom200": (640, 400)}


def _with_reviews_around_today() -> dict[str, Any]:
    """The reference passport, its reviews dated from today so that the test holds on any day: the wheelchair's
    is ten days late, the hearing aids' is in ten days, the pager's in a year; the Care Act assessment was two
    years ago (its yearly review is overdue)."""
    content = reference_passport()
    today = datetime.now(UTC).date()  # the server's date (UTC)
    equipment = content["equipment"]
    equipment[0]["review_due"] = (today - timedelta(days=10)).isoformat()
    equipment[1]["review_due"] = (today + timedelta(days=10)).isoformat()
    equipment[2]["review_due"] = (today + timedelta(days=365)).isoformat()
    content["assessments"][0]["date"] = (today - timedelta(days=730)).isoformat()
    return content


def _follow(page: Page, name: str) -> None:
    """Tab to a link on the same page and press Enter (no navigation, only a jump)."""
    page.get_by_role("link", name=name, exact=True).focus()
    page.keyboard.press("Enter")


def _in_view(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box is not None and size is not None and 0 <= box["y"] < size["height"]


def _no_codes(page: Page) -> None:
    text = page.locator("main").inner_text()
    assert not ORG_ID.search(text), ORG_ID.search(text)
    assert not ITEM_ID.search(text), ITEM_ID.search(text)


def test_the_passport_page_names_flags_and_has_contents(site: Site, page: Page) -> None:
    """Names, not codes; the late review tagged "Overdue" and the close one "Due soon", listed at the top and
    beside their dates; a contents list whose links (by keyboard) land on each section's heading."""
    pid = site.create_passport(_with_reviews_around_today())
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}")
    main = page.locator("main")
    _no_codes(page)
    text = main.inner_text()
    assert main.locator(".record-row", has_text="Assessed by").locator("dd").inner_text() == "West Lancashire Council"
    assert "Liverpool City Council" in text and "Mersey Care NHS Foundation Trust" in text
    assert "Kept from them: Need: Memory and understanding: Mild dementia" in text

    reviews = page.get_by_role("region", name="Reviews to do")
    items = reviews.get_by_role("listitem")
    assert items.count() == 3
    assert items.nth(0).inner_text().startswith("Overdue Assessment: Care Act needs assessment")
    assert items.nth(1).inner_text().startswith("Overdue Item of equipment: Self-propelled wheelchair")
    assert items.nth(2).inner_text().startswith("Due soon Item of equipment: Hearing aids (both ears)")
    equipment = page.locator("#equipment")
    assert equipment.locator(".tag").all_inner_texts() == ["Overdue", "Due soon"]
    assert "Vibrating alarm pager" in equipment.inner_text()  # a year off: not flagged

    contents = page.get_by_role("navigation", name="Contents")
    links = contents.get_by_role("link").all_inner_texts()
    assert links[:2] == ["What you can do", "On the card"] and links[-1] == "Consent: who can see what"
    assert {"Needs", "Equipment", "Assessments", "Release plan"} <= set(links)
    for link in contents.get_by_role("link").all():
        target = link.get_attribute("href")
        assert target is not None and page.locator(target).count() == 1, target
        assert page.locator(target).evaluate("e => /^H[23]$/.test(e.tagName)"), target

    _follow(page, "Release plan")
    assert page.evaluate("location.hash") == "#release_plan-title" and _in_view(page, "#release_plan-title")
    _follow(page, "Item of equipment: Self-propelled wheelchair")
    assert page.evaluate("location.hash") == "#item-equipment-e1" and _in_view(page, "#item-equipment-e1")
    # The next Tab starts from where the link led: past the equipment (whose items have no links), on to Services.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Change services"

    page.evaluate("window.scrollTo(0, 0)")
    for suffix, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        check_accessibility(page, f"staff-words-passport{suffix}")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_section_consent_and_print_pages_name_items(site: Site, page: Page) -> None:
    """A section's Change and Remove links are named by the item; the consent form's items to keep back are named
    by what they are; the A4 print names organisations and tags the late review."""
    pid = site.create_passport(_with_reviews_around_today())
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}/needs")
    _no_codes(page)
    change = page.get_by_role(
        "link", name="Change need: Maintaining personal hygiene: Needs help to wash and shower safely."
    )
    assert change.count() == 1
    assert page.get_by_role("link", name=re.compile(r"^(Change|Remove) need n[0-9]")).count() == 0
    change.focus()
    press_and_wait(page, "Enter")
    assert page.url.endswith(f"/staff/passports/{pid}/needs/items/n1")
    source = page.get_by_label("The assessment that found it (optional)")
    assessed = day((datetime.now(UTC).date() - timedelta(days=730)).isoformat())
    assert (
        source.locator("option:checked").inner_text()
        == f"Care Act needs assessment by West Lancashire Council, {assessed}"
    )
    check_accessibility(page, "staff-words-need-change")

    page.goto(f"{site.url}/staff/passports/{pid}/equipment")
    _no_codes(page)
    assert page.locator(".item").first.locator(".tag").inner_text() == "Overdue"
    check_accessibility(page, "staff-words-equipment")

    page.goto(f"{site.url}/staff/passports/{pid}/consent")
    card = page.locator("#g-reception-card")
    card.locator("summary").focus()
    page.keyboard.press("Enter")  # fold out the items
    kept = card.get_by_label("Need: Memory and understanding: Mild dementia", exact=False)
    assert kept.is_checked()
    assert card.get_by_label(re.compile(r"^n[0-9]")).count() == 0
    check_accessibility(page, "staff-words-consent")

    page.goto(f"{site.url}/staff/passports/{pid}/print")
    _no_codes(page)
    text = page.locator("main").inner_text()
    assert "West Lancashire Council" in text and "Overdue" in text
    check_accessibility(page, "staff-words-print")
