"""Signing in and out, in a real browser: sessions, CSRF, rate limits, CSP, and what a person can never reach."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page

from tests.browser.conftest import Site, check_accessibility, press_and_wait
from tests.conftest import another_person, reference_passport


def test_staff_sign_in_page_is_accessible_and_refuses_a_wrong_token(site: Site, page: Page) -> None:
    """The form is usable with the keyboard; a wrong token is named plainly; the page sends a CSP."""
    response = page.goto(f"{site.url}/staff/sign-in")
    assert response is not None and "default-src 'none'" in response.headers["content-security-policy"]
    check_accessibility(page, "staff-sign-in")
    page.keyboard.press("Tab")  # the skip link first
    page.get_by_label("Your staff access token").fill("cpt_wrong")
    press_and_wait(page, "Enter")
    assert "That access token is not right" in page.content()
    check_accessibility(page, "staff-sign-in-error")


def test_session_cookie_is_httponly_and_strict(site: Site, page: Page) -> None:
    """After sign-in the cookie is HttpOnly and SameSite=Strict; signing out ends the session."""
    site.sign_in_staff(page)
    cookie = next(c for c in page.context.cookies() if c["name"] == "cp_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert "/staff/sign-in" in page.url
    assert not any(c["name"] == "cp_session" for c in page.context.cookies())


def test_forms_without_the_csrf_token_are_refused(site: Site) -> None:
    """A sign-in post from elsewhere (no double-submit token) is refused."""
    response = httpx.post(f"{site.url}/staff/sign-in", data={"token": site.token("care_staff")})
    assert response.status_code == 403


def test_failed_person_sign_ins_are_rate_limited(site: Site, page: Page) -> None:
    """Five wrong tries at one person's code, then the sixth is told to wait, even with the right code; on the same
    wing kiosk the next person still signs in with theirs, and so do the staff."""
    pid, neighbour = site.create_passport(), site.create_passport(another_person(reference_passport(), 1))
    code = site.sign_in_code(pid)
    page.goto(f"{site.url}/me/sign-in")
    check_accessibility(page, "person-sign-in")
    for wrong in range(5):
        typo = code[:4] + f"{(int(code[4:]) + wrong + 1) % 10**6:06d}"
        page.get_by_label("Your code").fill(typo)
        press_and_wait(page, "Enter")
        assert "That code did not work" in page.content()
    page.get_by_label("Your code").fill(code)
    press_and_wait(page, "Enter")
    assert "Too many tries" in page.content()
    site.sign_in_person(page, neighbour)
    assert page.url.endswith("/me")
    page.context.clear_cookies()
    site.sign_in_staff(page)
    assert page.url.endswith("/staff")
