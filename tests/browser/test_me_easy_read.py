"""Easy read on the person's own pages, in a real browser with the keyboard alone: each need, piece of equipment
and service in the first person beside a picture (staff's easy-read line where they wrote one, plain words from
its kind where they did not), no staff words in the third person unless the person opens them, dates in the
right tense, the things kept from each group named, "Are you sure?" before a consent change, and "Please come
and talk to me" without writing."""

from __future__ import annotations

from playwright.sync_api import Page

from passport.services.people import TALK_TEXT, open_corrections
from passport.services.principals import Principal
from passport.services.storage import transaction
from tests.browser.conftest import (
    Site,
    api_passport,
    check_accessibility,
    check_at_every_size,
    press_and_wait,
    save_with_keyboard,
    type_into,
)
from tests.browser.test_me import api_get, change_and_confirm, follow, sign_in_by_keyboard


def _visible_text(page: Page) -> str:
    """What the person reads without opening anything: the main text, less the folded staff's words."""
    text: str = page.evaluate(
        """() => { const main = document.querySelector("main").cloneNode(true);
        main.querySelectorAll("details > :not(summary), .visually-hidden").forEach(e => e.remove());
        return main.innerText; }"""
    )
    return text


def test_staff_write_an_easy_read_line_and_the_person_reads_each_idea_in_the_first_person(
    site: Site, page: Page
) -> None:
    """Care staff write an easy-read line for the wheelchair need on its form; the person's page shows it beside a
    picture, and says the other needs, equipment and services plainly from their kind. Staff's third-person words
    are there only behind "What staff wrote", opened with the keyboard."""
    pid = site.create_passport()
    staff = page.context.browser.new_context(locale="en-GB") if page.context.browser else None
    assert staff is not None
    try:
        staff_page = staff.new_page()
        site.sign_in_staff(staff_page, next_path=f"/staff/passports/{pid}/needs/items/n2")
        type_into(staff_page, "Easy read for the person (optional)", "I use my wheelchair when I go out of my cell")
        check_accessibility(staff_page, "staff-need-easy-read")
        save_with_keyboard(staff_page)
    finally:
        staff.close()
    need = next(n for n in api_passport(site, pid)["content"]["needs"] if n["id"] == "n2")
    assert need["easy_read"] == "I use my wheelchair when I go out of my cell"

    sign_in_by_keyboard(site, page, pid)
    shown = _visible_text(page)
    # The line staff wrote, and lines said from the kind of thing where they wrote none.
    assert "I use my wheelchair when I go out of my cell." in shown
    assert "I need help with washing." in shown and "I need help to remember things." in shown
    assert "I use this to help me move about." in shown and "This is fitted in my cell to help me." in shown
    assert "I get this help now." in shown and "This helped me." in shown
    assert "It comes with me when I move." in shown and "It is mine." in shown
    # Never the staff's words in the third person, nor jargon in brackets, unless the person opens them.
    for third_person in ("Uses a wheelchair outside his cell", "pushes him", "Mild dementia", "(both ears)"):
        assert third_person not in shown, third_person
    assert "(" not in shown
    # One voice in the parts of the passport: "I", "me", "my" (the person's own quoted words aside).
    parts: list[str] = page.evaluate(
        """() => [...document.querySelectorAll(".me-card-body")].map(body => {
          const copy = body.cloneNode(true);
          copy.querySelectorAll("details, blockquote, .me-wrong-link").forEach(e => e.remove());
          return copy.innerText; })"""
    )
    assert parts and not [p for p in parts if " you" in f" {p.lower()}"], parts
    assert "Hearing aids" in shown and "Prison healthcare." in shown
    # A picture beside each idea, hidden from screen readers (the words say it all).
    ideas = page.locator(".me-idea")
    assert ideas.count() >= 15
    for index in range(ideas.count()):
        picture = ideas.nth(index).locator(".me-idea-picture svg")
        assert picture.count() == 1 and picture.get_attribute("aria-hidden") == "true"
    # The staff's own words are one keyboard press away, never lost.
    wheelchair = page.locator(".me-idea", has=page.get_by_role("heading", name="Moving about"))
    staff_words = wheelchair.locator("details")
    assert not staff_words.evaluate("d => d.open")
    wheelchair.get_by_text("What staff wrote").focus()
    page.keyboard.press("Enter")
    assert staff_words.evaluate("d => d.open")
    assert "Uses a wheelchair outside his cell." in staff_words.inner_text()
    check_at_every_size(page, "me-easy-read-passport")
    check_accessibility(page, "me-easy-read-passport-open")


def test_dates_councils_and_kept_things_are_said_plainly(site: Site, page: Page) -> None:
    """A review date gone by is not said as if still to come; the council's check names the council and what it
    found; a need kept from reception is named on the passport and on who can see what, where "Staff can tell you
    which" used to be; the link to report a part does not say "about About me"."""
    pid = site.create_passport()
    sign_in_by_keyboard(site, page, pid)
    shown = _visible_text(page)
    assert "Staff should have checked it by 1 May 2026." in shown  # today is after it
    assert "Staff will check it by 1 May 2026" not in shown
    assert "I should leave prison on 14 February 2027." in shown  # still to come
    assert "West Lancashire Council checked if I can get care and support." in shown
    assert "a council checked" not in shown.lower() and "The council checked if" not in shown
    found = page.locator("#eligibility .me-found").inner_text()
    assert "washing" in found and "keeping safe where I live" in found
    memory = page.locator(".me-idea", has=page.get_by_role("heading", name="Memory and thinking"))
    assert "Reception staff who scan my card cannot see this." in memory.inner_text()
    about = page.locator("#about_me .me-wrong-link a")
    assert about.inner_text().startswith("Tell us") and "about About me" not in (about.text_content() or "")

    follow(page, "Who can see what")
    reception = page.locator("section", has=page.get_by_role("heading", name="Reception staff who scan your card"))
    assert "One thing in these parts is kept from them:" in reception.inner_text()
    assert "Memory and thinking" in reception.inner_text()
    assert "Staff can tell you which" not in page.locator("main").inner_text()
    check_at_every_size(page, "me-easy-read-consent")


def test_a_consent_change_asks_are_you_sure_and_says_again_only_when_it_was_stopped_before(
    site: Site, page: Page
) -> None:
    """Letting probation see My equipment (which it never could) asks "Are you sure?" first; "No, go back" changes
    nothing; "Yes" says probation can now see it, not "again"."""
    pid = site.create_passport()
    sign_in_by_keyboard(site, page, pid)
    page.goto(f"{site.url}/me/consent/probation")
    follow(page, "Let them see this part: My equipment")
    assert page.get_by_role("heading", level=1).inner_text() == "Are you sure?"
    assert "You want to let probation see My equipment." in page.locator("main").inner_text()
    check_at_every_size(page, "me-consent-are-you-sure")
    check_accessibility(page, "me-consent-are-you-sure-axe")
    follow(page, "No, go back")
    assert page.url.endswith("/me/consent/probation")
    assert api_get(site, f"/v1/passports/{pid}")["ver"] == 1

    change_and_confirm(page, "Let them see this part: My equipment", key="Space")
    status = page.get_by_role("status").inner_text()
    assert "Probation can now see My equipment." in status and "again" not in status
    assert api_get(site, f"/v1/passports/{pid}")["ver"] == 2
    # A form sent without the person's "yes" asks first and changes nothing.
    csrf = page.locator("#idle-warning").get_attribute("data-csrf") or ""
    form: dict[str, str | float | bool] = {"csrf": csrf, "audience": "probation", "section": "services", "allow": "1"}
    asked = page.request.post(f"{site.url}/me/consent", form=form)
    assert asked.ok and "Are you sure?" in asked.text()
    assert api_get(site, f"/v1/passports/{pid}")["ver"] == 2


def test_please_come_and_talk_to_me_reaches_care_staff_without_writing(site: Site, page: Page) -> None:
    """One button on "Something is wrong" asks care staff to come and talk, on their list; pressing it again
    while they have not come adds nothing; what the person was writing is kept."""
    pid = site.create_passport()
    sign_in_by_keyboard(site, page, pid)
    follow(page, "Something is wrong")
    check_at_every_size(page, "me-wrong-talk")
    page.get_by_role("button", name="Please come and talk to me").focus()
    press_and_wait(page, "Enter")
    assert page.url.endswith("/me/talk/sent")
    assert "We have asked the care staff to come and talk to you." in page.get_by_role("status").inner_text()
    check_accessibility(page, "me-talk-sent")
    follow(page, "Something is wrong")
    page.get_by_role("button", name="Please come and talk to me").focus()
    press_and_wait(page, "Enter")

    staff = Principal("test-care-staff", site.server.deployment.identity.org_id, "care_staff")
    with transaction(site.server.deployment.engine) as session:
        waiting = [(c.section, c.text) for c in open_corrections(session, principal=staff, pid=pid)]
    assert waiting == [(None, TALK_TEXT)]
    follow(page, "Who has seen it")
    assert "You asked care staff to come and talk to you." in page.locator("main").inner_text()
