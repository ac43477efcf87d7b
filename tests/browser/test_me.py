"""The person's own pages (/me), in a real browser, with the keyboard alone: their passport in easy read, who has
seen it, who can see what, and "something is wrong"; and what a person's session can never reach."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
from playwright.sync_api import Browser, Page
from sqlmodel import select

from passport.core.qr import qr_text
from passport.services.people import open_corrections
from passport.services.principals import Principal
from passport.services.storage import WebSessionRow, transaction
from schemas import parse_content
from tests.browser.conftest import Site, check_accessibility, press_and_wait, save_screenshot
from tests.conftest import reference_passport

ME_PAGES = ("/me", "/me/seen", "/me/consent", "/me/consent/local_authority", "/me/wrong")


def sign_in_by_keyboard(site: Site, page: Page, pid: str) -> None:
    """Sign in as the person with a fresh printed code: Tab past the skip link to the box, type, press Enter."""
    page.goto(f"{site.url}/me/sign-in")
    page.get_by_label("Your code").focus()
    page.keyboard.type(site.sign_in_code(pid))
    press_and_wait(page, "Enter")
    assert page.url == f"{site.url}/me"


def follow(page: Page, name: str, key: str = "Enter") -> None:
    """Move the focus to a link or button by its name, then press a key (never a mouse click)."""
    target = page.get_by_role("link", name=name, exact=True)
    if target.count() == 0:
        target = page.get_by_role("button", name=name, exact=True)
    target.first.focus()
    press_and_wait(page, key)


def change_and_confirm(page: Page, name: str, key: str = "Enter") -> None:
    """Follow a consent button (a link, so Enter), then say yes on "Are you sure?" with ``key`` (Enter or Space)."""
    follow(page, name)
    assert page.get_by_role("heading", level=1).inner_text() == "Are you sure?"
    page.get_by_role("button", name=re.compile(r"^Yes, ")).focus()
    press_and_wait(page, key)


def scan_card_at_reception(site: Site, pid: str) -> None:
    """Care staff print the card; reception scans it (POST /v1/verify), which the audit trail records."""
    with httpx.Client(base_url=site.url, timeout=30) as client:
        staff = {"Authorization": f"Bearer {site.token('care_staff')}"}
        card = client.get(f"/v1/passports/{pid}/card", params={"format": "jws"}, headers=staff)
        assert card.status_code == 200, card.text
        reception = {"Authorization": f"Bearer {site.token('reception')}"}
        verified = client.post("/v1/verify", json={"card": qr_text(card.text)}, headers=reception)
        assert verified.status_code == 200, verified.text


def api_get(site: Site, path: str, role: str = "care_staff") -> dict[str, Any]:
    """A JSON GET with a staff bearer token."""
    response = httpx.get(f"{site.url}{path}", headers={"Authorization": f"Bearer {site.token(role)}"}, timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def second_person() -> dict[str, Any]:
    """Another person's passport: Grace Okafor."""
    content = reference_passport()
    content["subject"] = {
        "identifiers": [{"system": "noms", "value": "G5512HT"}],
        "family_name": "Okafor",
        "given_names": ["Grace"],
        "preferred_name": "Grace",
        "date_of_birth": "1958-11-02",
        "language": "en",
    }
    content["about_me"]["summary"] = "I am Grace. I worked in a bakery. I like gardening."
    return content


def test_the_person_reads_their_passport_sees_the_scan_changes_consent_and_reports_an_error(
    site: Site, page: Page
) -> None:
    """The whole flow of the issue, with the keyboard alone, each page checked with axe."""
    pid = site.create_passport()
    scan_card_at_reception(site, pid)

    # 1. Sign in with the printed code (nothing to remember: WCAG 2.2 SC 3.3.8).
    sign_in_by_keyboard(site, page, pid)

    # 2. The passport, in easy read: the person's own words, their equipment, who keeps it.
    main = page.locator("main")
    assert page.get_by_role("heading", level=1).inner_text() == "Your care passport"
    assert "Hello, Arthur." in main.inner_text()
    assert "I was a bus driver for thirty years." in main.inner_text()
    assert "Self-propelled wheelchair" in main.inner_text()
    assert "It comes with me when I move." in main.inner_text()
    assert "This helped me." in main.inner_text() and "We do not know yet" in main.inner_text()
    assert "HMP Wymott keeps your passport now." in main.inner_text()
    assert "They can see all of it." in main.inner_text()
    assert page.locator("dfn", has_text="assessment").count() == 1
    assert page.locator(".section-card").count() == 12  # name and details, and the 11 parts
    assert page.get_by_role("link", name="My passport").get_attribute("aria-current") == "page"
    check_accessibility(page, "me-passport")

    # 3. Who has seen it: the reception's scan, in plain words.
    follow(page, "Who has seen it")
    assert page.get_by_role("link", name="Who has seen it").get_attribute("aria-current") == "page"
    events = page.locator(".me-event").all_inner_texts()
    assert any("HMP Wymott reception looked at your card." in e for e in events), events
    assert any("HMP Wymott care staff made your passport." in e for e in events), events
    assert events[0].startswith("On ")
    assert not any("You read your passport" in e for e in events)
    check_accessibility(page, "me-seen")

    # 4. Who can see what: stop councils seeing Services.
    follow(page, "Who can see what")
    assert "HMP Wymott can see all of it" in page.locator("main").inner_text()
    check_accessibility(page, "me-consent")
    follow(page, "Change what councils can see")
    assert page.get_by_role("heading", level=1).inner_text() == "What councils can see"
    change_and_confirm(page, "Stop them seeing this part: Services and how well they worked", key="Space")
    status = page.get_by_role("status")
    assert "Councils can no longer see Services and how well they worked." in status.inner_text()
    cannot = page.locator("section", has=page.get_by_role("heading", name="They cannot see these parts"))
    assert "Services and how well they worked" in cannot.inner_text()
    check_accessibility(page, "me-consent-done")

    # The API shows the new version's consent without it, and a council's view no longer carries it.
    current = api_get(site, f"/v1/passports/{pid}")
    assert current["ver"] == 2
    consent = parse_content(current["content"]).consent
    assert "services" not in consent.permitted_sections("local_authority")
    assert "services" in consent.permitted_sections("prison")
    view = api_get(site, f"/v1/passports/{pid}/views/local_authority?for=la:E07000127")
    assert "services" not in view["disclosed"]["sections"]
    assert "needs" in view["disclosed"]["sections"]

    # 5. Something is wrong: an empty form is refused plainly, then the report reaches care staff.
    follow(page, "Something is wrong")
    check_accessibility(page, "me-wrong")
    page.get_by_label("Which part is wrong?").focus()
    page.keyboard.type("My equipment")  # a closed select jumps to the option typed
    assert page.get_by_label("Which part is wrong?").input_value() == "equipment"
    follow(page, "Send to care staff")
    assert "Please write what is wrong." in page.get_by_role("alert").inner_text()
    error_link = page.get_by_role("alert").get_by_role("link")
    assert error_link.get_attribute("href") == "#text"
    check_accessibility(page, "me-wrong-error")
    error_link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.type("My hearing aids are in my cell, not at healthcare.")
    page.get_by_role("button", name="Send to care staff").focus()
    press_and_wait(page, "Enter")
    assert page.url.endswith("/me/wrong/sent")
    assert "We have told the care staff. They will talk to you." in page.get_by_role("status").inner_text()
    check_accessibility(page, "me-wrong-done")

    staff = Principal("test-care-staff", site.server.deployment.identity.org_id, "care_staff")
    with transaction(site.server.deployment.engine) as session:
        corrections = open_corrections(session, principal=staff, pid=pid)
        reported = [(c.section, c.text) for c in corrections]
    assert reported == [("equipment", "My hearing aids are in my cell, not at healthcare.")]

    # 6. Sign out, with the keyboard; the pages are closed again.
    follow(page, "Sign out")
    assert "/me/sign-in" in page.url and "You have signed out" in page.content()
    page.goto(f"{site.url}/me")
    assert page.url == f"{site.url}/me/sign-in"


def test_letting_them_see_it_again_and_pressing_twice(site: Site, page: Page) -> None:
    """Stopping and allowing again both make one new version each; pressing a button again changes nothing."""
    pid = site.create_passport()
    sign_in_by_keyboard(site, page, pid)
    page.goto(f"{site.url}/me/consent/health")
    change_and_confirm(page, "Stop them seeing this part: My equipment")
    assert "NHS staff can no longer see My equipment." in page.get_by_role("status").inner_text()
    # The same form sent again (a double press, or the back button) must not make an empty new version.
    csrf = page.locator("#idle-warning").get_attribute("data-csrf")
    again: dict[str, str | float | bool] = {
        "csrf": csrf or "",
        "audience": "health",
        "section": "equipment",
        "allow": "0",
        "sure": "yes",
    }
    response = page.request.post(f"{site.url}/me/consent", form=again)
    assert response.ok and "NHS staff can no longer see My equipment." in response.text()
    assert api_get(site, f"/v1/passports/{pid}")["ver"] == 2
    change_and_confirm(page, "Let them see this part: My equipment")
    assert "NHS staff can see My equipment again." in page.get_by_role("status").inner_text()  # stopped before
    current = api_get(site, f"/v1/passports/{pid}")
    assert current["ver"] == 3
    assert "equipment" in parse_content(current["content"]).consent.permitted_sections("health")


def test_who_has_seen_it_says_refusals_and_overrides_plainly(site: Site, page: Page) -> None:
    """A refused attempt and a safety override are shown, the override with the reason given."""
    pid = site.create_passport()
    reception = {"Authorization": f"Bearer {site.token('reception')}", "If-Match": 'W/"1"'}
    refused = httpx.put(f"{site.url}/v1/passports/{pid}", json=reference_passport(), headers=reception)
    assert refused.status_code == 403, refused.text
    staff = {"Authorization": f"Bearer {site.token('care_staff')}"}
    override = {
        "recipient": "la:E08000012",
        "audience": "local_authority",
        "targets": ["n5"],
        "lawful_basis": "vital_interests",
        "reason": "He was found confused on the wing and the council's duty team needed to know about his memory.",
    }
    made = httpx.post(f"{site.url}/v1/passports/{pid}/overrides", json=override, headers=staff)
    assert made.status_code == 201, made.text

    sign_in_by_keyboard(site, page, pid)
    follow(page, "Who has seen it")
    text = page.locator("main").inner_text()
    assert "HMP Wymott reception tried to look at or change your passport. They were not allowed." in text
    assert "Not allowed" in text
    assert "shared part of your passport with Liverpool City Council without asking you, to keep you safe." in text
    assert f"The reason they gave: {override['reason']}" in text
    check_accessibility(page, "me-seen-refused-and-override")


def test_a_person_only_ever_sees_their_own_passport(site: Site, page: Page, browser: Browser) -> None:
    """No /me URL names a passport; two people signed in side by side each see only their own."""
    arthur, grace = site.create_passport(), site.create_passport(second_person())
    sign_in_by_keyboard(site, page, arthur)
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        grace_page = other.new_page()
        sign_in_by_keyboard(site, grace_page, grace)
        for path in ME_PAGES:
            page.goto(f"{site.url}{path}")
            grace_page.goto(f"{site.url}{path}")
            for shown, own, theirs in ((page, arthur, grace), (grace_page, grace, arthur)):
                links = shown.eval_on_selector_all("a[href], form[action]", "els => els.map(e => e.outerHTML)")
                assert not any(own in link or theirs in link for link in links), path
                assert own not in shown.url and theirs not in shown.url
        page.goto(f"{site.url}/me")
        grace_page.goto(f"{site.url}/me")
        assert "Arthur James Whitfield" in page.content() and "Okafor" not in page.content()
        assert "Grace Okafor" in grace_page.content() and "Whitfield" not in grace_page.content()
        assert "I am Grace" in grace_page.content() and "bus driver" not in grace_page.content()
        save_screenshot(grace_page, "me-passport-second-person")
    finally:
        other.close()


def test_a_person_can_never_reach_staff_pages_or_the_api(site: Site, page: Page) -> None:
    """/staff sends a person to the staff sign-in with no data; the API refuses the browser (no bearer token)."""
    pid = site.create_passport()
    sign_in_by_keyboard(site, page, pid)
    for path in ("/staff", f"/staff/passports/{pid}"):
        page.goto(f"{site.url}{path}")
        assert "/staff/sign-in" in page.url, path
        assert "Whitfield" not in page.content() and "Arthur" not in page.content()
    for path in (f"/v1/passports/{pid}", f"/v1/passports/{pid}/audit", f"/v1/passports/{pid}/views/prison"):
        response = page.request.get(f"{site.url}{path}")
        assert response.status == 401, path
        assert "Whitfield" not in response.text() and "content" not in response.json()
    # Still signed in to their own pages afterwards.
    page.goto(f"{site.url}/me")
    assert page.url == f"{site.url}/me"


def test_forms_without_the_csrf_token_are_refused(site: Site, page: Page) -> None:
    """A consent change or a report posted without the session's CSRF token changes nothing."""
    pid = site.create_passport()
    sign_in_by_keyboard(site, page, pid)
    stop: dict[str, str | float | bool] = {"audience": "local_authority", "section": "services", "allow": "0"}
    for form in (stop, {**stop, "csrf": "not-the-token"}):
        response = page.request.post(f"{site.url}/me/consent", form=form, max_redirects=0)
        assert response.status == 403
        assert "This form has expired" in response.text()
    response = page.request.post(f"{site.url}/me/wrong", form={"text": "wrong"}, max_redirects=0)
    assert response.status == 403
    assert api_get(site, f"/v1/passports/{pid}")["ver"] == 1
    staff = Principal("test-care-staff", site.server.deployment.identity.org_id, "care_staff")
    with transaction(site.server.deployment.engine) as session:
        assert open_corrections(session, principal=staff, pid=pid) == []


def test_the_pages_work_without_javascript(site: Site, browser: Browser) -> None:
    """Every flow is plain HTML forms: with JavaScript off, sign in, stop a part being seen, report an error."""
    pid = site.create_passport()
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        sign_in_by_keyboard(site, page, pid)
        response = page.goto(f"{site.url}/me/consent/probation")
        assert response is not None and "default-src 'none'" in response.headers["content-security-policy"]
        change_and_confirm(page, "Stop them seeing this part: Leaving prison")
        assert "Probation can no longer see Leaving prison." in page.get_by_role("status").inner_text()
        page.goto(f"{site.url}/me/wrong?part=release_plan")
        assert page.get_by_label("Which part is wrong?").input_value() == "release_plan"
        page.get_by_label("What is wrong?").focus()
        page.keyboard.type("I am going to my sister's house, not a hostel.")
        follow(page, "Send to care staff")
        assert page.url.endswith("/me/wrong/sent")
    finally:
        context.close()
    consent = parse_content(api_get(site, f"/v1/passports/{pid}")["content"]).consent
    assert consent.permitted_sections("probation") == ()


def test_every_page_sends_the_csp_and_the_sign_in_page_is_accessible(site: Site, page: Page) -> None:
    """Each /me page sends the pages' Content-Security-Policy; the sign-in page passes axe."""
    pid = site.create_passport()
    page.goto(f"{site.url}/me/sign-in")
    check_accessibility(page, "me-sign-in")
    sign_in_by_keyboard(site, page, pid)
    for path in (*ME_PAGES, "/me/wrong/sent"):
        response = page.goto(f"{site.url}{path}")
        assert response is not None and response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy, path
    response = page.goto(f"{site.url}/me/consent/everyone")
    assert response is not None and response.status == 404


def test_the_session_ends_after_ten_minutes_idle(site: Site, page: Page) -> None:
    """A person's session left idle for 11 minutes is over: the next page is the sign-in page."""
    pid = site.create_passport()
    sign_in_by_keyboard(site, page, pid)
    with transaction(site.server.deployment.engine) as session:
        rows = list(session.exec(select(WebSessionRow).where(WebSessionRow.person_pid == pid)))
        assert len(rows) == 1
        for row in rows:
            row.last_seen = row.last_seen - timedelta(minutes=11)
            session.add(row)
    page.goto(f"{site.url}/me/seen")
    assert page.url == f"{site.url}/me/sign-in"
    assert "Whitfield" not in page.content()
