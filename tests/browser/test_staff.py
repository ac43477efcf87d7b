"""The care staff pages in a real browser: editing with the keyboard alone, consent, printing, a sign-in code,
accessibility of every page, and what reception and a forged form cannot do. Two people editing at once, the
handover and duplicate passports have files of their own (test_staff_conflict, _handover, _duplicates)."""

from __future__ import annotations

import hashlib
import re
import time

from playwright.sync_api import Page

from passport.core.card import Card
from passport.core.qr import decode_image
from passport.services.storage import WebSessionRow, transaction
from tests.browser.conftest import (
    Site,
    api_passport,
    check_accessibility,
    follow,
    press_and_wait,
    save_screenshot,
    save_with_keyboard,
    type_into,
)
from tests.conftest import create_people

A4, A6 = (595, 842), (298, 420)  # in points


def media_boxes(pdf: bytes) -> list[tuple[int, int]]:
    """The size of each page of a PDF, in whole points."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
    return [(round(float(w)), round(float(h))) for w, h in boxes]


def session_csrf(site: Site, page: Page) -> str:
    """The CSRF token of the browser's session, read from the database (for forging posts in tests)."""
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "cp_session")
    with transaction(site.server.deployment.engine) as session:
        row = session.get(WebSessionRow, hashlib.sha256(cookie.encode("ascii")).hexdigest())
        assert row is not None
        return row.csrf


def test_a_care_worker_edits_with_the_keyboard_alone(site: Site, page: Page) -> None:
    """Add a need, add equipment, record that a service did not work: Tab, type, Space and Enter only; a new
    version each time, as the API reads it back."""
    pid = site.create_passport()
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}")
    check_accessibility(page, "staff-passport")

    follow(page, "Change needs")
    check_accessibility(page, "staff-needs")
    follow(page, "Add a need")
    page.get_by_label("Area of life").focus()
    page.keyboard.type("Mobility")
    page.keyboard.press("Tab")  # to the radios: "Still to be met" is already chosen
    page.keyboard.press("Tab")
    page.keyboard.type("Needs a walking frame on the stairs.")
    page.keyboard.press("Tab")
    page.keyboard.type("Frame kept at the foot of the stairs on the wing.")
    check_accessibility(page, "staff-need-add")
    save_with_keyboard(page)
    assert "Saved. The passport is now version 2." in page.content()
    need = api_passport(site, pid)["content"]["needs"][-1]
    assert need["id"] == "n6" and need["domain"] == "mobility" and need["status"] == "active"
    assert need["summary"] == "Needs a walking frame on the stairs."
    assert need["recorded_by"] == {"org": "prison:WYI", "role": "care_staff"}

    follow(page, "Back to the passport")
    follow(page, "Change equipment")
    follow(page, "Add an item of equipment")
    type_into(page, "Item", "Walking frame")
    page.keyboard.press("Tab")
    page.keyboard.type("Mobility")
    page.keyboard.press("Tab")
    page.keyboard.type("The NHS")
    page.keyboard.press("Tab")  # the first radio of "Does it go with the person?": Yes
    page.keyboard.press("Space")
    type_into(page, "Condition", "new")
    check_accessibility(page, "staff-equipment-add")
    save_with_keyboard(page)
    passport = api_passport(site, pid)
    assert passport["ver"] == 3
    frame = passport["content"]["equipment"][-1]
    assert frame["id"] == "e5" and frame["item"] == "Walking frame" and frame["category"] == "mobility"
    assert frame["owner"] == "nhs" and frame["follows_person"] is True and frame["condition"] == "new"

    follow(page, "Back to the passport")
    follow(page, "Change services")
    follow(page, "Change service: Memory clinic follow-up (not known yet)")
    page.get_by_label("How well did it work?").focus()
    page.keyboard.type("Did not")
    type_into(
        page,
        "Why: what worked or did not (optional)",
        "He missed every appointment: the letters were not in easy read.",
    )
    check_accessibility(page, "staff-service-change")
    save_with_keyboard(page)
    passport = api_passport(site, pid)
    assert passport["ver"] == 4
    service = next(s for s in passport["content"]["services"] if s["id"] == "s4")
    assert service["effectiveness"] == "not_effective" and service["note"].startswith("He missed every appointment")
    assert service["recorded_at"] == need["recorded_at"]  # changed today, so stamped today


def test_consent(site: Site, page: Page) -> None:
    """Consent is recorded per audience and item (items named by what they are); handover is in
    test_staff_handover.py."""
    pid = site.create_passport()
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}/consent")
    check_accessibility(page, "staff-consent")
    page.get_by_label("How the person gave consent").select_option("signed")
    probation = page.locator("#g-probation")
    probation.get_by_label("Needs", exact=True).check()
    health = page.locator("#g-health")
    health.locator("summary").click()  # fold out the list of items
    health.get_by_label(re.compile(r"^Need: Mobility: ")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save consent").click()
    consent = api_passport(site, pid)["content"]["consent"]
    assert consent["how"] == "signed"
    assert consent["audiences"]["probation"]["permit"] == ["needs", "release_plan"]
    assert consent["audiences"]["health"]["withhold_items"] == ["n2"]
    assert consent["recorded_by"] == {"org": "prison:WYI", "role": "care_staff"}


def test_print_pages_and_the_card_qr_code(site: Site, page: Page) -> None:
    """The A4 summary and the A6 card render; the card's QR image decodes to a card for this passport."""
    pid = site.create_passport()
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}/print")
    assert page.get_by_role("heading", level=1).inner_text() == "Arthur James Whitfield"
    assert page.get_by_role("heading", name="Services").is_visible()
    check_accessibility(page, "print-passport")
    assert media_boxes(page.pdf(prefer_css_page_size=True))[0] == A4
    page.emulate_media(media="print")
    save_screenshot(page, "print-passport-as-printed")
    page.emulate_media(media="null")  # back to what the browser does by itself

    page.goto(f"{site.url}/staff/passports/{pid}/card/print")
    image = page.get_by_role("img", name=re.compile("QR code of the care passport card"))
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Help to wash" in page.content() and "A4821KD" in page.content()
    check_accessibility(page, "print-card")
    assert media_boxes(page.pdf(prefer_css_page_size=True)) == [A6]  # one A6 page
    png = page.context.request.get(f"{site.url}/staff/passports/{pid}/card.png")
    assert png.status == 200 and png.headers["content-type"] == "image/png"
    card = Card.from_scan(decode_image(png.body()), trust=site.server.deployment.trust_store(), now=int(time.time()))
    assert card.pid == pid and card.ver == 1 and card.issuer == "prison:WYI"


def test_a_sign_in_code_for_the_person(site: Site, page: Page) -> None:
    """Ten digits in three groups (1234 567 890), saying how long and how often the code works."""
    pid = site.create_passport()
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}")
    with page.expect_navigation():
        page.get_by_role("button", name="Print a sign-in code for this person").click()
    assert re.fullmatch(r"\d{4} \d{3} \d{3}", page.locator(".code").inner_text())
    assert "24 hours" in page.content() and "until you press" in page.content()
    check_accessibility(page, "staff-sign-in-code")


def test_every_staff_page_is_accessible(site: Site, page: Page) -> None:
    """The list, a new passport (and its mistakes), and every section's forms pass axe (WCAG 2.2 AA)."""
    site.sign_in_staff(page)
    page.goto(f"{site.url}/staff/passports/new")
    check_accessibility(page, "staff-new")
    page.get_by_label("Prison number (NOMS)").fill("A12")
    page.get_by_label("Family name").fill("Okafor")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the passport").click()
    summary = page.locator(".error-summary").inner_text()
    assert "Prison number (NOMS): a NOMS prison number is one letter" in summary
    assert "Date of birth: fill this in." in summary and "How the person gave consent: choose one." in summary
    assert page.get_by_label("Family name").input_value() == "Okafor"  # what was typed is kept
    check_accessibility(page, "staff-new-errors")
    page.get_by_label("Prison number (NOMS)").fill("B2345CD")
    page.get_by_label("NHS number").fill("9876543210")  # not the reference's: that would be a duplicate
    page.get_by_label("Given names (optional)").fill("Grace")
    page.get_by_label("Date of birth").fill("1958-11-03")
    page.get_by_label("How the person gave consent").select_option("verbal")
    page.locator("#g-prison").get_by_label("Needs", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Create the passport").click()
    assert "The passport was made. This is version 1." in page.content()
    created = page.url.rsplit("/", 1)[-1].split("?")[0]
    assert api_passport(site, created)["content"]["subject"]["family_name"] == "Okafor"

    pid = site.create_passport()
    page.goto(f"{site.url}/staff")
    page.get_by_label("Search by name or prison number").fill("whitfield")
    press_and_wait(page, "Enter")
    assert "whitfield" not in page.url  # searched with a POST: the name is in no URL or history
    assert page.get_by_role("link", name="Whitfield, Arthur James").is_visible()
    assert page.get_by_role("link", name="Okafor, Grace").count() == 0
    check_accessibility(page, "staff-list")
    for path, name in [
        ("about_me", "staff-about-me"),
        ("communication", "staff-communication"),
        ("subject", "staff-subject"),
        ("release_plan", "staff-release-plan"),
        ("eligibility", "staff-eligibility"),
        ("eligibility/items/~0", "staff-eligibility-england"),
        ("eligibility/add?scheme=wales_sswb_2015", "staff-eligibility-wales"),
        ("eligibility/add?scheme=scotland_nec_2009", "staff-eligibility-scotland"),
        ("equipment/items/e1", "staff-equipment-change"),
        ("services/add", "staff-service-add"),
        ("assessments/items/a1", "staff-assessment-change"),
        ("social_work/add", "staff-social-work-add"),
        ("caring_responsibilities/add", "staff-caring-add"),
        ("responsibility/items/~0", "staff-responsibility-change"),
        ("needs/items/n5/remove", "staff-need-remove"),
    ]:
        response = page.goto(f"{site.url}/staff/passports/{pid}/{path}")
        assert response is not None and response.status == 200, path
        assert page.locator("h1").count() == 1
        check_accessibility(page, name)

    # An England decision said to be eligible with too few outcomes not achieved is refused, field by field.
    page.goto(f"{site.url}/staff/passports/{pid}/eligibility/items/~0")
    page.get_by_role("group", name="Managing toilet needs").get_by_label("Cannot achieve it").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert (
        "If they cannot, why (Managing toilet needs): choose why they cannot achieve this."
        in page.locator(".error-summary").inner_text()
    )
    check_accessibility(page, "staff-eligibility-errors")

    page.goto(f"{site.url}/staff/passports/{pid}/release_plan")
    page.get_by_label("Referred to (referral 1)").fill("Adult social care, Bolton")
    page.get_by_label("Date made (referral 1)").fill("2026-01-10")
    page.get_by_label("Still to arrange (optional)").fill("wheelchair to travel with him\nkey safe at home")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    plan = api_passport(site, pid)["content"]["release_plan"]
    assert plan["referrals"] == [{"to": "Adult social care, Bolton", "made_on": "2026-01-10"}]
    assert plan["to_arrange"] == ["wheelchair to travel with him", "key safe at home"]

    page.goto(f"{site.url}/staff/passports/{pid}/needs/items/n5/remove")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, remove it").click()
    content = api_passport(site, pid)["content"]
    assert "n5" not in [n["id"] for n in content["needs"]]
    assert "n5" not in content["consent"]["audiences"]["reception_card"].get("withhold_items", [])


def test_the_list_pages_and_searches_with_the_keyboard(site: Site, page: Page) -> None:
    """56 passports: the next page by its link, a search's next page by its button (still a POST: the name is in
    no URL), and a Persian name found by typing it; every one of these pages passes axe."""
    people = [(f"Family{i:02d}", ["Given"], f"A{i:04d}BC") for i in range(55)]
    create_people(site.server, [*people, ("رضایی", ["محمد"], "A9999ZZ")])
    site.sign_in_staff(page)
    assert "Showing 1 to 50 of 56 passports (page 1 of 2)." in page.content()
    follow(page, "Next page")
    assert page.url.endswith("/staff?page=2") and "Showing 51 to 56 of 56 passports" in page.content()
    assert page.get_by_role("link", name="رضایی, محمد").is_visible()
    check_accessibility(page, "staff-list-page-2")

    page.get_by_label("Search by name or prison number").fill("family given")
    press_and_wait(page, "Enter")
    assert "55 passports match your search." in page.content()
    page.get_by_role("button", name="Next page").focus()
    press_and_wait(page, "Enter")
    assert page.url.endswith("/staff") and "Showing 51 to 55 of 55 passports" in page.content()
    assert page.get_by_role("link", name="Family54, Given").is_visible()
    check_accessibility(page, "staff-list-search-page-2")

    page.get_by_label("Search by name or prison number").fill("رضایی")
    press_and_wait(page, "Enter")
    assert "1 passport matches your search." in page.content() and page.url.endswith("/staff")
    assert page.get_by_role("link", name="رضایی, محمد").is_visible()


def test_reception_can_read_but_not_edit(site: Site, page: Page) -> None:
    """No edit links for reception; its posts are refused (403) and change nothing."""
    pid = site.create_passport()
    site.sign_in_staff(page, role="reception")
    page.goto(f"{site.url}/staff/passports/{pid}")
    assert page.get_by_role("heading", level=1).inner_text() == "Arthur James Whitfield"
    assert page.get_by_role("link", name=re.compile("^Change")).count() == 0
    assert page.get_by_role("link", name=re.compile("consent|Hand over")).count() == 0
    assert page.get_by_role("link", name="New passport").count() == 0
    check_accessibility(page, "staff-passport-reception")
    response = page.goto(f"{site.url}/staff/passports/{pid}/needs/add")
    assert response is not None and response.status == 403
    form: dict[str, str | float | bool] = {
        "csrf": session_csrf(site, page),
        "ver": "1",
        "domain": "mobility",
        "status": "active",
        "summary": "x",
    }
    refused = page.context.request.post(f"{site.url}/staff/passports/{pid}/needs/add", form=form)
    assert refused.status == 403
    assert api_passport(site, pid)["ver"] == 1


def test_a_post_without_the_csrf_token_is_refused(site: Site, page: Page) -> None:
    """A form without this session's token (or with another) is refused with 403 and changes nothing."""
    pid = site.create_passport()
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}")
    form: dict[str, str | float | bool] = {"ver": "1", "domain": "mobility", "status": "active", "summary": "forged"}
    for sent in (form, {**form, "csrf": "not-the-token"}):
        refused = page.context.request.post(f"{site.url}/staff/passports/{pid}/needs/add", form=sent)
        assert refused.status == 403
    refused = page.context.request.post(
        f"{site.url}/staff/passports/{pid}/handover", form={"ver": "1", "to": "prison:RSI"}
    )
    assert refused.status == 403
    assert api_passport(site, pid)["ver"] == 1


def test_another_organisations_or_an_unknown_passport_is_not_found(site: Site, page: Page) -> None:
    """A passport id this organisation does not hold is a page that does not exist."""
    site.sign_in_staff(page)
    for path in ("/staff/passports/1b4e28ba-2fa1-41d2-883f-0016d3cca427", "/staff/passports/not-a-pid"):
        response = page.goto(f"{site.url}{path}")
        assert response is not None and response.status == 404
        assert "default-src 'none'" in response.headers["content-security-policy"]
