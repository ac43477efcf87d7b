"""Two care staff editing the same need at once, each in their own browser, keyboard only: changes to different
fields are both kept (saved at once, and said so); the same field changed by both is shown field by field to
choose, and the choice is saved without losing the colleague's other change."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Site, api_passport, check_accessibility, check_at_every_size, save_with_keyboard


@pytest.fixture
def two(browser: Browser) -> Iterator[tuple[Page, Page]]:
    """Two members of staff: two browser contexts (no cookies shared), one page each."""
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB") for _ in range(2)]
    try:
        yield contexts[0].new_page(), contexts[1].new_page()
    finally:
        for context in contexts:
            context.close()


def retype(page: Page, label: str, text: str) -> None:
    """Focus a field by its label, select what is in it and type over it, key by key."""
    page.get_by_label(label, exact=True).focus()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(text)


def need(site: Site, pid: str, ref: str) -> dict[str, str]:
    """One need as the API reads it now."""
    found: dict[str, str] = next(n for n in api_passport(site, pid)["content"]["needs"] if n["id"] == ref)
    return found


def test_changes_to_different_fields_are_both_kept(site: Site, two: tuple[Page, Page]) -> None:
    """One saves how the need is met; the other, still on the old version, rewrites what the need is: the second
    save merges at once, says so, and puts none of the first person's old values back."""
    pid = site.create_passport()
    one, other = two
    for page in two:
        site.sign_in_staff(page, next_path=f"/staff/passports/{pid}/needs/items/n2")
    retype(one, "How it is met (optional)", "A new self-propelled wheelchair from the NHS.")
    save_with_keyboard(one)
    retype(other, "What the need is", "Uses a wheelchair everywhere outside his cell.")
    save_with_keyboard(other)

    notice = other.get_by_role("status").filter(has_text="A colleague saved a change")
    assert notice.is_visible() and "nothing either of you typed was overwritten" in notice.inner_text()
    check_accessibility(other, "staff-edit-merged")
    saved = need(site, pid, "n2")
    assert api_passport(site, pid)["ver"] == 3
    assert saved["how_met"] == "A new self-propelled wheelchair from the NHS."  # the colleague's, kept
    assert saved["summary"] == "Uses a wheelchair everywhere outside his cell."  # this person's


def test_the_same_field_changed_by_both_is_chosen_field_by_field(site: Site, two: tuple[Page, Page]) -> None:
    """Both rewrite what the need is: the second is shown (409) what it was, what the colleague saved and what
    they typed, with their own words in the box and the need named by what it is, never by id; nothing is saved
    until they choose; their choice is saved and the colleague's other change stays."""
    pid = site.create_passport()
    one, other = two
    for page in two:
        site.sign_in_staff(page, next_path=f"/staff/passports/{pid}/needs/items/n3")
    before = need(site, pid, "n3")["summary"]
    retype(one, "What the need is", "Profoundly deaf. Misses every announcement.")
    retype(one, "How it is met (optional)", "Vibrating pager and a flashing cell alarm.")
    save_with_keyboard(one)
    retype(other, "What the need is", "Hearing impaired: hears nothing without his hearing aids.")
    with other.expect_navigation() as navigation:
        other.get_by_role("button", name="Save", exact=True).focus()
        other.keyboard.press("Enter")
    response = navigation.value
    assert response is not None and response.status == 409

    summary = other.locator(".race")
    assert summary.get_by_role("heading").inner_text() == "You and a colleague changed the same thing"
    assert summary.get_by_role("link", name="What the need is").is_visible()
    assert "changed a need: Communication: Profoundly deaf" in summary.inner_text()
    clash = other.locator("#f-summary-clash")
    assert [row.inner_text() for row in clash.locator("dd").all()] == [
        before,
        "Profoundly deaf. Misses every announcement.",
        "Hearing impaired: hears nothing without his hearing aids.",
    ]
    box = other.get_by_label("What the need is", exact=True)
    assert box.input_value() == "Hearing impaired: hears nothing without his hearing aids."
    assert "f-summary-clash" in (box.get_attribute("aria-describedby") or "")
    assert other.get_by_label("How it is met (optional)").input_value() == "Vibrating pager and a flashing cell alarm."
    assert not re.search(r"\b[nae][0-9]\b", other.locator("main").inner_text())  # no internal ids
    assert need(site, pid, "n3")["summary"] == "Profoundly deaf. Misses every announcement."  # nothing saved yet
    check_at_every_size(other, "staff-edit-clash")

    summary.get_by_role("link", name="What the need is").focus()
    other.keyboard.press("Enter")  # the error summary's link takes the focus to the field
    assert other.evaluate("document.activeElement.id") == "f-summary"
    other.keyboard.press("ControlOrMeta+A")
    other.keyboard.type("Profoundly deaf without his hearing aids. Misses every announcement.")
    save_with_keyboard(other)
    saved = need(site, pid, "n3")
    assert saved["summary"] == "Profoundly deaf without his hearing aids. Misses every announcement."
    assert saved["how_met"] == "Vibrating pager and a flashing cell alarm."
    assert api_passport(site, pid)["ver"] == 3
