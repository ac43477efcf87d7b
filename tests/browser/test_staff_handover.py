"""Handing a passport over in a real browser, keyboard only: the trusted organisations offered by name, what was
chosen kept on an error, a check-your-answers page whose Change links keep every answer, then "Hand over"; and,
with no trusted organisation, plain words on who must act first."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from tests.browser.conftest import Site, api_passport, check_at_every_size, follow, press_and_wait, save_with_keyboard


def choose(page: Page, group: str, option: str) -> None:
    """Choose a radio in a group with the keyboard: focus it and press Space."""
    page.get_by_role("group", name=group).get_by_label(option, exact=True).focus()
    page.keyboard.press("Space")


def test_a_handover_by_name_checked_before_it_is_made(site: Site, page: Page) -> None:
    """Organisations by name (no ids typed or shown); a missing answer keeps the others; the check page lists
    each answer with a Change link that brings the answers back; Hand over makes the version."""
    pid = site.create_passport()
    site.server.trust("prison:RSI", "HMP Risley")
    site.server.trust("la:E08000012", "Bolton Council")
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}")
    follow(page, "Hand over the passport (transfer or release)")
    receivers = page.get_by_role("group", name="Organisation taking over the passport")
    assert [label.inner_text() for label in receivers.locator("label").all()] == ["Bolton Council", "HMP Risley"]
    assert "prison:" not in page.locator("main").inner_text()
    check_at_every_size(page, "staff-handover")

    choose(page, "Why", "Transfer to another prison")
    save_with_keyboard(page, "Continue")
    assert page.locator(".error-summary").inner_text().count("Organisation taking over the passport") == 1
    assert page.get_by_role("group", name="Why").get_by_label("Transfer to another prison").is_checked()  # kept
    check_at_every_size(page, "staff-handover-error")

    choose(page, "Organisation taking over the passport", "HMP Risley")
    save_with_keyboard(page, "Continue")
    assert page.get_by_role("heading", level=1).inner_text() == "Check before you hand over this passport"
    answers = [row.inner_text() for row in page.locator(".check-answers dd:not(.check-change)").all()]
    assert answers[:2] == ["HMP Risley", "Transfer to another prison"]
    assert "This cannot be undone" in page.locator(".warning-text").inner_text()
    assert "prison:" not in page.locator("main").inner_text()
    assert api_passport(site, pid)["ver"] == 1  # nothing handed over yet
    check_at_every_size(page, "staff-handover-check")

    follow(page, "Change why")
    assert (
        page.get_by_role("group", name="Organisation taking over the passport").get_by_label("HMP Risley").is_checked()
    )
    choose(page, "Why", "Release from prison")
    save_with_keyboard(page, "Continue")
    assert "Release from prison" in page.locator(".check-answers").inner_text()

    save_with_keyboard(page, "Hand over")
    passport = api_passport(site, pid)
    assert passport["ver"] == 2 and passport["custody"]["next"] == "prison:RSI"
    assert "The passport was handed over" in page.content()
    assert page.get_by_role("link", name=re.compile("^Change")).count() == 0


def test_with_no_trusted_organisation_the_page_says_who_must_act(site: Site, page: Page) -> None:
    """No form and no command-line text: an administrator must add the receiving organisation first."""
    pid = site.create_passport()
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}/handover")
    text = page.locator("main").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot hand over this passport yet"
    assert "Ask an administrator of this service to add the prison or council" in text
    assert "passport trust" not in text and "prison:" not in text
    assert page.locator("main form").count() == 0
    check_at_every_size(page, "staff-handover-none")
    page.get_by_role("link", name="Back to the passport").focus()
    press_and_wait(page, "Enter")
    assert page.url.endswith(f"/staff/passports/{pid}")
