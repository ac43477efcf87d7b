"""The council's pages at /authority, in a real browser, between two real servers: HMP Wymott sends release
notices to Liverpool City Council, whose staff read them and answer by keyboard alone (acknowledge, status, "not
our area"); each answer reaches the prison once the delivery job runs on both sides. axe-core finds nothing at
every size. A prison's /authority says it has no council pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.api.test_releases import TODAY, released_in
from tests.browser.conftest import Site, check_at_every_size, follow, save_with_keyboard, type_into
from tests.conftest import another_person, reference_passport


def _release(site: Site, days: int, content: dict[str, Any] | None = None) -> str:
    return site.create_passport(released_in(content or reference_passport(), days))


def _withheld(number: int) -> dict[str, Any]:
    """Someone whose consent lets councils see nothing."""
    content = another_person(reference_passport(), number)
    content["consent"]["audiences"]["local_authority"] = {"permit": []}
    return content


def _journey(site: Site, pid: str) -> dict[str, Any]:
    with httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {site.token('care_staff')}"}) as client:
        answer = client.get(f"/v1/passports/{pid}/release")
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()["releases"][0]
        return found


def _open(page: Page, due: int) -> None:
    """Follow the list's link to the person due in ``due`` days, by keyboard."""
    on = TODAY + timedelta(days=due)
    follow(page, f"Due {on.day} {on:%B %Y} from HMP Wymott")


def test_the_council_reads_and_answers_its_notices_by_keyboard(site: Site, council: Site, page: Page) -> None:
    """Two people due: the list is soonest first with days of notice, kind of release, prison and status; the one
    whose consent allows it shows the verified care details and what must be ready on the day; acknowledging and
    moving the status by keyboard reach the prison as its answers."""
    shared = _release(site, 60)
    hidden = _release(site, 30, _withheld(1))
    site.deliver()

    council.sign_in_staff(page, next_path="/authority")
    assert page.url.endswith("/authority")
    expect(page.get_by_role("heading", level=1)).to_have_text("People due into your area")
    rows = page.locator("table.notices tbody tr")
    expect(rows).to_have_count(2)
    first, second = (rows.nth(i).locator("td") for i in (0, 1))
    expect(first.nth(1)).to_have_text("30")  # soonest first, with the days of notice it gave
    expect(second.nth(1)).to_have_text("60")
    expect(second.nth(2)).to_have_text("Release on licence")
    expect(second.nth(3)).to_have_text("HMP Wymott")
    expect(second.nth(4)).to_have_text("Not acknowledged yet")
    check_at_every_size(page, "authority-list")

    _open(page, 60)
    expect(page.get_by_role("heading", level=1)).to_have_text("Arthur James Whitfield")
    check = page.locator("section", has=page.get_by_role("heading", name="Is this notice genuine?"))
    expect(check).to_contain_text("HMP Wymott signed it on")
    expect(check).to_contain_text("The person's consent lets councils see:")
    expect(check).to_contain_text("Equipment")
    ready = page.locator("section", has=page.get_by_role("heading", name="Ready on the day"))
    expect(ready).to_contain_text("Self-propelled wheelchair, owned by the NHS")
    expect(ready).not_to_contain_text("Vibrating alarm pager")  # stays in the cell
    expect(ready).to_contain_text("To arrange: help with showering at home")
    check_at_every_size(page, "authority-notice")

    save_with_keyboard(page, "Acknowledge the notice")
    expect(page.get_by_role("status")).to_contain_text("You acknowledged the notice")
    save_with_keyboard(page, "Get the newest care details from the prison")
    expect(page.get_by_role("status")).to_contain_text("You have the newest care details")
    expect(page.locator(".record-row", has_text="Status")).to_contain_text("Record pulled")
    expect(check).to_contain_text("Your newest copy of the care details was got from HMP Wymott")
    check_at_every_size(page, "authority-notice-pulled")
    page.get_by_label("Assessment started").focus()
    page.keyboard.press("Space")
    save_with_keyboard(page, "Save the status")
    expect(page.get_by_role("status")).to_contain_text("The status was saved")
    expect(page.locator(".record-row", has_text="Status")).to_contain_text("Assessment started")

    council.deliver()
    seen = _journey(site, shared)
    assert (seen["acknowledged_on"], seen["status"]) == (TODAY.isoformat(), "assessment_started")
    assert seen["pulled_at"] is not None  # the prison saw the council pull the record
    assert _journey(site, hidden)["acknowledged_on"] is None


def test_without_consent_the_council_is_told_to_plan_and_ask_and_can_decline(
    site: Site, council: Site, page: Page
) -> None:
    """A notice without care details says why and what to do, and still flags a young person turning 18 (Care Act
    s.58); declining without a reason is refused with what was chosen kept; with a reason and Sefton chosen from
    the councils by keyboard, the prison gets both."""
    young = _withheld(2)
    eighteenth = TODAY + timedelta(days=40)
    eighteenth -= timedelta(days=eighteenth.month == 2 and eighteenth.day == 29)  # a birthday every year
    young["subject"]["date_of_birth"] = eighteenth.replace(year=eighteenth.year - 18).isoformat()
    pid = _release(site, 30, young)
    site.deliver()
    council.sign_in_staff(page, next_path="/authority")
    expect(page.locator("table.notices tbody tr").first).to_contain_text("Turns 18: transition assessment")
    _open(page, 30)
    due = TODAY + timedelta(days=30)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Someone due on {due.day} {due:%B %Y}")
    expect(page.get_by_text("They need a transition assessment (Care Act 2014, section 58)")).to_be_visible()
    expect(page.get_by_text("The person's consent did not allow their care details to be shared")).to_be_visible()
    expect(page.get_by_text("Plan for them, and ask the person what support they need")).to_be_visible()
    expect(page.get_by_role("heading", name="Ready on the day")).to_have_count(0)

    page.get_by_text("It is not our area", exact=True).focus()
    page.keyboard.press("Enter")  # opens the folded form
    page.get_by_label("The council whose area it is").focus()
    page.keyboard.type("Sefton")
    assert page.get_by_label("The council whose area it is").input_value() == "la:E08000014"
    save_with_keyboard(page, "Tell the prison it is not our area")
    assert "Error:" in page.title()
    expect(page.get_by_role("alert")).to_contain_text("Why it is not your area: say why it is not your area.")
    assert page.get_by_label("The council whose area it is").input_value() == "la:E08000014"  # kept
    check_at_every_size(page, "authority-decline-error")

    type_into(page, "Why it is not your area", "He will live with his sister in Sefton")
    save_with_keyboard(page, "Tell the prison it is not our area")
    expect(page.get_by_role("status")).to_contain_text("You said this is not your area")
    expect(page.locator(".record-row", has_text="The council whose area it is")).to_contain_text("Sefton Council")

    council.deliver()
    seen = _journey(site, pid)
    assert (seen["declined_reason"], seen["declined_suggested"]) == (
        "He will live with his sister in Sefton",
        "la:E08000014",
    )


def test_bad_answers_change_nothing(site: Site, council: Site, page: Page) -> None:
    """A status that is not one of the steps is refused (422) with nothing saved; a notice id that is not one, or
    one that does not exist, is a page not found; a notice whose prison's key is no longer known says it no longer
    verifies; a prison's /authority says it has no council pages."""
    pid = _release(site, 40)
    site.deliver()
    council.sign_in_staff(page, next_path="/authority")
    _open(page, 40)
    notice_url = page.url
    answer = page.request.post(
        notice_url + "/status", form={"csrf": page.locator("input[name=csrf]").first.input_value(), "status": "done"}
    )
    assert answer.status == 422 and "Choose one." in answer.text()
    assert page.request.get(council.url + "/authority/notices/not-a-notice").status == 404
    assert page.request.get(council.url + "/authority/notices/0b9f2c4e-1d3a-4c5b-9e6f-7a8b9c0d1e2f").status == 404
    council.deliver()
    assert _journey(site, pid)["status"] is None

    council.server.trust("prison:WYI", "HMP Wymott")  # Wymott's keys replaced by one that never signed the notice
    page.goto(notice_url)
    expect(page.locator("section", has=page.get_by_role("heading", name="Is this notice genuine?"))).to_contain_text(
        "No. It was checked again just now and no longer checks out: it was signed with a key this service does not "
        "know for the prison. Do not rely on what it says."
    )
    check_at_every_size(page, "authority-notice-not-verified")

    site.sign_in_staff(page, next_path="/authority")
    expect(page.get_by_role("heading", level=1)).to_have_text("There are no council pages here")
    follow(page, "releases running late")
    expect(page.get_by_role("heading", level=1)).to_have_text("Releases running late")
    assert page.request.get(site.url + f"/authority/notices/{pid}").status == 404
