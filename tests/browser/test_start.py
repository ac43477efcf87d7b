"""The start page at ``/`` and the error pages: a new user, staff member or the person finds the way in from the
first page, by keyboard; a JSON client is answered in JSON; an error page never leads to a page that is missing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Site, check_accessibility, check_layout, press_and_wait

NO_SUCH_PID = "00000000-0000-4000-8000-000000000000"
# Each way in from the start page, and where following it lands (a page that needs a session signs in first).
WAYS_IN = [
    ("Go to the staff pages", "/staff/sign-in?next=/staff", "Staff sign in"),
    ("Go to the reception desk", "/staff/sign-in?next=/reception", "Staff sign in"),
    ("Sign in to your passport", "/me/sign-in", "Sign in to your passport"),
]


def test_the_start_page_says_what_this_is_and_leads_each_user_in(site: Site, page: Page) -> None:
    """A page with a title and a language, that says what the service is; axe finds nothing at all."""
    response = page.goto(f"{site.url}/")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert page.get_attribute("html", "lang") == "en-GB"
    assert page.title() == "Care Passport \u2013 HMP Wymott"
    assert page.get_by_role("heading", level=1).inner_text() == "Care Passport"
    assert "keeps a person's care and support needs with them when they move" in page.locator("main").inner_text()
    check_accessibility(page, "start")
    check_layout(page, "layout-start")


@pytest.mark.parametrize(("link", "lands_on", "heading"), WAYS_IN)
def test_each_way_in_from_the_start_page_works_by_keyboard(
    site: Site, page: Page, link: str, lands_on: str, heading: str
) -> None:
    """Tab to the link, Enter: the page it leads to, never a 404."""
    page.goto(f"{site.url}/")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == link:
            break
    else:
        raise AssertionError(f"Tab never reached {link!r}")
    press_and_wait(page, "Enter")
    assert page.url == f"{site.url}{lands_on}"
    assert page.get_by_role("heading", level=1).inner_text() == heading


def test_the_api_reference_is_linked_and_a_json_client_gets_json(site: Site, page: Page) -> None:
    """The API reference the start page links to is the OpenAPI document the app serves; asked for JSON, ``/``
    answers with the same links."""
    page.goto(f"{site.url}/")
    reference = page.get_by_role("link", name="API reference").get_attribute("href")
    assert reference == "/openapi.json"
    document = page.request.get(f"{site.url}{reference}")
    assert document.status == 200 and document.json()["info"]["title"] == "Care Passport"
    answer = page.request.get(f"{site.url}/", headers={"Accept": "application/json"})
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    assert answer.json()["links"]["api_reference"] == "/openapi.json"
    assert answer.json()["organisation"] == {"id": "prison:WYI", "name": "HMP Wymott"}
    assert "Accept" in answer.headers["vary"]


@pytest.mark.parametrize(
    ("who", "path", "link", "lands_on"),
    [
        ("care_staff", f"/staff/passports/{NO_SUCH_PID}", "Go to the list of passports", "/staff"),
        ("reception", "/reception/nothing-here", "Go to the reception desk", "/reception"),
        ("person", "/me/nothing-here", "Back to my passport", "/me"),
        ("nobody", "/nothing-here", "Go to the start page", "/"),
    ],
)
def test_an_error_page_leads_to_a_page_that_exists(
    site: Site, page: Page, who: str, path: str, link: str, lands_on: str
) -> None:
    """A missing page, in a browser: a page in plain words, whose one link leads to a page that this user can use."""
    if who == "person":
        site.sign_in_person(page, site.create_passport())
    elif who != "nobody":
        site.sign_in_staff(page, who, lands_on)
    response = page.goto(f"{site.url}{path}")
    assert response is not None and response.status == 404
    # The person's own pages say it in their plain words (api/pages/me/wrong.py); staff pages in theirs.
    heading = "We cannot find that page" if who == "person" else "Page not found"
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.get_attribute("html", "lang") == "en-GB"
    check_accessibility(page, f"error-page-{who}")
    page.get_by_role("link", name=link).focus()
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value is not None and navigation.value.status == 200
    assert page.url == f"{site.url}{lands_on}"
