"""A new passport for a person already held here, in a real browser, keyboard only: a warning naming the kind of
number shared, a link to the passport held, and a required reason; everything typed kept; the reason kept in the
new passport's audit trail."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page

from tests.browser.conftest import Site, check_at_every_size, follow, save_with_keyboard, type_into


def fill_in_a_person(page: Page, noms: str) -> None:
    """The new passport form, filled in from the keyboard for Grace Okafor with prison number ``noms``."""
    type_into(page, "Prison number (NOMS)", noms)
    type_into(page, "NHS number", "9876543210")  # not the reference passport's: only the prison number matches
    type_into(page, "Family name", "Okafor")
    type_into(page, "Given names (optional)", "Grace")
    page.get_by_label("Date of birth").focus()
    page.keyboard.type("03111958")
    page.get_by_label("How the person gave consent").focus()
    page.keyboard.type("Signed")


def test_a_second_passport_needs_a_reason(site: Site, page: Page) -> None:
    """Same prison number as a passport held: 409 with a warning and the passport held linked; no reason is
    refused (what was typed kept); with a reason it is made, and its audit trail says why."""
    held = site.create_passport()
    site.sign_in_staff(page, next_path="/staff/passports/new")
    fill_in_a_person(page, "A4821KD")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Create the passport").focus()
        page.keyboard.press("Enter")
    response = navigation.value
    assert response is not None and response.status == 409, page.locator(".error-summary").inner_text()
    assert (
        page.locator(".warning-text").inner_text().endswith("A passport with this prison number is already held here.")
    )
    link = page.get_by_role("link", name="Whitfield, Arthur James")
    assert link.get_attribute("href") == f"/staff/passports/{held}"
    reason = page.get_by_label("Why does this person need a second passport?")
    assert reason.is_visible() and reason.input_value() == ""
    assert page.get_by_label("Family name").input_value() == "Okafor"  # what was typed is kept
    check_at_every_size(page, "staff-new-duplicate")

    save_with_keyboard(page, "Create a second passport")
    summary = page.locator(".error-summary").inner_text()
    assert "Why does this person need a second passport?: say why this person needs a second passport" in summary
    assert page.get_by_label("Given names (optional)").input_value() == "Grace"
    check_at_every_size(page, "staff-new-duplicate-no-reason")

    why = "A different person: the prison number on the other passport was mistyped."
    type_into(page, "Why does this person need a second passport?", why)
    save_with_keyboard(page, "Create a second passport")
    assert "The passport was made. This is version 1." in page.content()
    made = page.url.rsplit("/", 1)[-1].split("?")[0]
    assert made != held
    with httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {site.token('care_staff')}"}) as client:
        trail = client.get(f"/v1/passports/{made}/audit").json()["entries"]
    created = next(e for e in trail if e["action"] == "create")
    assert created["detail"] == {"duplicate_of": [held], "reason": why}


def test_the_passport_held_is_one_keypress_away(site: Site, page: Page) -> None:
    """From the warning, the link opens the passport already held."""
    held = site.create_passport()
    site.sign_in_staff(page, next_path="/staff/passports/new")
    fill_in_a_person(page, "A4821KD")
    save_with_keyboard(page, "Create the passport")
    follow(page, "Whitfield, Arthur James")
    assert page.url.endswith(f"/staff/passports/{held}")
