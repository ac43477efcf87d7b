"""Every page at a phone's width, a desktop's and 200% zoom (``check_layout``): the staff pages (found by following
every link from a passport, one of each kind), the reception desk and its verdicts, the person's pages, the sign-in
pages, the error page and the start page. None may be wider than the window, nor split a word across lines."""

from __future__ import annotations

import re

from playwright.sync_api import Page

import tests.browser.test_reception as reception
from passport.core.qr import qr_text
from tests.browser.conftest import Site, check_layout, press_and_wait

desk = reception.desk  # the two prisons of the reception tests, as a fixture here too


def _links(page: Page, prefix: str) -> list[str]:
    """The paths of the links on the page that start with ``prefix`` (once each, in page order)."""
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(h.split("#")[0] for h in hrefs if h.startswith(prefix)))


def _kind(path: str) -> str:
    """One of each kind of page: every section's page, but one change form and one removal page a section."""
    return re.sub(r"/items/[^/?]+", "/items/*", path)


def _shot_name(prefix: str, path: str) -> str:
    return prefix + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def test_every_staff_page_fits_a_phone_and_200_percent_zoom(site: Site, page: Page) -> None:
    """The list, a passport, every section and its forms (one of each kind), consent, handover, the print pages,
    a sign-in code, a form with mistakes and the error page."""
    pid = site.create_passport()
    site.sign_in_staff(page)
    check_layout(page, "layout-staff-list")
    base = f"/staff/passports/{pid}"
    page.goto(f"{site.url}{base}")
    check_layout(page, "layout-staff-passport")

    seen: set[str] = set()
    to_visit = [p for p in _links(page, base) if not p.endswith(".png")]
    assert len(to_visit) > 10, to_visit  # every section, the print pages, consent and handover
    while to_visit:
        path = to_visit.pop(0)
        if _kind(path) in seen:
            continue
        seen.add(_kind(path))
        response = page.goto(f"{site.url}{path}")
        assert response is not None and response.status == 200, path
        check_layout(page, _shot_name("layout-staff-", path.removeprefix(base) or "passport"))
        to_visit += [p for p in _links(page, base) if _kind(p) not in seen and not p.endswith(".png")]
    assert {f"{base}/needs/add", f"{base}/needs/items/*", f"{base}/needs/items/*/remove"} <= seen

    page.goto(f"{site.url}{base}")
    with page.expect_navigation():
        page.get_by_role("button", name="Print a sign-in code for this person").click()
    check_layout(page, "layout-staff-sign-in-code")

    page.goto(f"{site.url}/staff/passports/new")
    check_layout(page, "layout-staff-new")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the passport").click()
    assert page.locator(".error-summary").count() == 1
    check_layout(page, "layout-staff-new-errors")

    response = page.goto(f"{site.url}/staff/passports/00000000-0000-4000-8000-000000000000")
    assert response is not None and response.status == 404
    check_layout(page, "layout-staff-error")


def test_the_staff_summary_is_one_column_at_200_percent_and_dates_stay_whole(site: Site, page: Page) -> None:
    """At 200% zoom (640 CSS px) who the person is and the version stack in one column, and a date is on one line."""
    pid = site.create_passport()
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}")
    page.set_viewport_size({"width": 640, "height": 400})
    lefts = page.eval_on_selector_all(".summary-grid > *", "parts => parts.map(p => p.getBoundingClientRect().left)")
    assert len(lefts) == 2 and lefts[0] == lefts[1]
    saved = page.locator(".version-box dd").first
    assert saved.evaluate("dd => dd.getClientRects().length === 1 && dd.offsetHeight < 40"), saved.inner_text()


def test_the_reception_desk_and_its_verdicts_fit_a_phone(desk: reception.Desk, page: Page) -> None:
    """The scan page, a verified card, an imported record, a damaged card and an expired one."""
    pid, jws = desk.handed_over_card()
    desk.risley.sign_in_staff(page, "reception", "/reception")
    check_layout(page, "layout-reception-scan")
    reception._scan(page, qr_text(jws))
    assert page.locator(".verdict h1").inner_text().endswith("Verified")
    check_layout(page, "layout-reception-verified")
    with page.expect_navigation():
        page.get_by_role("button", name="Import the full record").click()
    assert page.locator("h1").inner_text().endswith("Imported")
    check_layout(page, "layout-reception-imported")

    page.goto(f"{desk.risley.url}/reception")
    reception._scan(page, reception._flip_one_digit(qr_text(jws)))
    assert page.locator(".verdict h1").inner_text().endswith("Not verified")
    check_layout(page, "layout-reception-damaged")

    expired = reception._expired_card(desk, pid)
    page.goto(f"{desk.risley.url}/reception")
    reception._scan(page, qr_text(expired))
    check_layout(page, "layout-reception-expired")


def test_the_persons_pages_and_the_sign_in_pages_fit_a_phone(site: Site, page: Page) -> None:
    """Both sign-in pages, then every page the person's links lead to, a report sent, and their error page."""
    pid = site.create_passport()
    page.goto(f"{site.url}/staff/sign-in")
    check_layout(page, "layout-staff-sign-in")
    page.goto(f"{site.url}/me/sign-in")
    check_layout(page, "layout-me-sign-in")
    site.sign_in_person(page, pid)
    check_layout(page, "layout-me")

    seen = {"/me"}
    to_visit = _links(page, "/me/")
    while to_visit:
        path = to_visit.pop(0)
        if path.split("?")[0] in seen:  # "Something is wrong" about each part is one page
            continue
        seen.add(path.split("?")[0])
        response = page.goto(f"{site.url}{path}")
        assert response is not None and response.status == 200, path
        check_layout(page, _shot_name("layout-", path))
        to_visit += [p for p in _links(page, "/me/") if p not in seen]
    assert {"/me/seen", "/me/consent", "/me/wrong"} <= seen

    page.goto(f"{site.url}/me/wrong")
    page.get_by_label("Which part is wrong?").select_option("equipment")
    page.locator("#text").fill("My hearing aids are in my cell.")
    page.get_by_role("button", name="Send to care staff").focus()
    press_and_wait(page, "Enter")
    check_layout(page, "layout-me-wrong-sent")

    response = page.goto(f"{site.url}/me/nothing-here")
    assert response is not None and response.status == 404
    check_layout(page, "layout-me-error")
