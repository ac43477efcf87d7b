"""A young person's passport and a release plan in a real browser, by keyboard alone and axe-core clean at every
size: the Care Act s.58 transition flag, a child-in-need assessment by a council chosen by name, consent given by
someone with parental responsibility, and the release plan's type, council and contact."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page

from tests.browser.conftest import (
    Site,
    api_passport,
    check_at_every_size,
    follow,
    save_with_keyboard,
    type_into,
)
from tests.conftest import reference_passport

CHILD_IN_NEED = "Add: Under 18: child in need (Children Act 1989, section 17)"
PARENTAL = "Someone with parental responsibility (the person is under 18)"


def choose(page: Page, label: str, typed: str) -> None:
    """Focus a select (or a radio) by its label and type to choose, as a keyboard user does."""
    page.get_by_label(label).focus()
    page.keyboard.type(typed)


def test_a_young_person_by_keyboard(site: Site, page: Page) -> None:
    today = date.today()
    release = today + timedelta(days=60)
    turns_18 = release + timedelta(days=30)
    content = reference_passport()
    content["subject"]["date_of_birth"] = turns_18.replace(year=turns_18.year - 18).isoformat()
    content["release_plan"]["expected_date"] = release.isoformat()
    content["eligibility"] = []  # an adult's Care Act decision is not theirs
    pid = site.create_passport(content)
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}")
    flag = page.get_by_role("region", name="Transition assessment needed: turns 18 around release")
    assert flag.is_visible() and "Care Act 2014, section 58" in flag.inner_text()
    check_at_every_size(page, "staff-passport-transition")

    follow(page, "Change eligibility")
    follow(page, CHILD_IN_NEED)
    assert page.get_by_role("heading", level=1).is_visible()
    check_at_every_size(page, "staff-child-in-need")
    choose(page, "Council that assessed them", "Liverpool")
    assessed = today - timedelta(days=40)
    # Headless Chromium ignores digits typed into a date input's segments, so the date alone is filled in.
    page.get_by_label("Date of the assessment").fill(assessed.isoformat())
    page.get_by_label("Yes").focus()
    page.keyboard.press("Space")
    type_into(page, "The child in need plan, in short (optional)", "A key worker; speech and language therapy.")
    save_with_keyboard(page)
    (decision,) = api_passport(site, pid)["content"]["eligibility"]
    assert decision["scheme"] == "england_children_act_1989" and decision["assessed_by"] == "la:E08000012"
    assert decision["assessed_on"] == assessed.isoformat() and decision["child_in_need"] is True
    assert decision["plan_summary"] == "A key worker; speech and language therapy."

    follow(page, "Back to the passport")
    follow(page, "Record consent: who can see what")
    choose(page, "How the person gave consent", "Signed")
    page.get_by_label(PARENTAL).focus()
    page.keyboard.press("Space")
    save_with_keyboard(page, "Save consent")
    summary = page.locator(".error-summary")
    assert "Name and role of the person with parental responsibility: give their name and role" in summary.inner_text()
    assert page.get_by_label(PARENTAL).is_checked()  # what was chosen is kept
    check_at_every_size(page, "staff-consent-parental-error")
    summary.get_by_role("link").first.focus()  # the error links to its field
    page.keyboard.press("Enter")
    page.keyboard.type("Sam Jones, mother")
    save_with_keyboard(page, "Save consent")
    consent = api_passport(site, pid)["content"]["consent"]
    assert (consent["given_by"], consent["given_by_name"]) == ("parental_responsibility", "Sam Jones, mother")
    assert "Given for them by Sam Jones, mother, who has parental responsibility" in page.content()


def test_the_release_plan_by_keyboard(site: Site, page: Page) -> None:
    pid = site.create_passport()
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}")
    follow(page, "Change release plan")
    assert page.get_by_label("Not decided yet").is_checked()
    assert page.get_by_label("Council they are going to").input_value() == "la:E08000012"  # shown by name
    check_at_every_size(page, "staff-release-plan")
    page.get_by_label("Home detention curfew (tag)").focus()
    page.keyboard.press("Space")
    choose(page, "Council they are going to", "Birmingham")
    type_into(page, "Who the council should contact here (optional)", "Offender management unit, 01695 555 000")
    save_with_keyboard(page)
    plan = api_passport(site, pid)["content"]["release_plan"]
    assert plan["release_type"] == "home_detention_curfew" and plan["destination_authority"] == "la:E08000025"
    assert plan["contact"] == "Offender management unit, 01695 555 000"
    release = page.locator("#release_plan")
    assert "Home detention curfew (tag)" in release.inner_text()
    assert "Birmingham City Council" in release.inner_text()
