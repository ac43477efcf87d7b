"""What staff print, read back from the PDF Chromium makes of it (pypdf reads each page's text): the A4 passport
names the person and numbers every page; the card says the last day it works; the person's sign-in code sheet
calls them what they ask to be called, in large print when their passport says so, with no address to type."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page
from pypdf import PdfReader

from api.pages.staff.printing import running_head
from passport.core import DEFAULT_TTL_SECONDS
from tests.browser.conftest import Site, check_accessibility
from tests.conftest import reference_passport

PRINTED_PAGES_AT_MOST = 5  # the reference passport, which ran to seven pages before


def pdf_pages(page: Page) -> list[str]:
    """The text of each page of the PDF that printing the page makes, at the paper size its CSS asks for."""
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    return [p.extract_text() for p in reader.pages]


def test_every_printed_page_names_the_person_and_says_page_n_of_m(site: Site, page: Page) -> None:
    """The running header (name and prison number) and "Page N of M" on each page, without breaking the CSP."""
    content = reference_passport()
    content["subject"]["family_name"] = "O'Brien-Whitfield"  # a quote in the name, inside a CSS string
    pid = site.create_passport(content)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}/print")
    check_accessibility(page, "print-passport-running-head")
    pages = pdf_pages(page)
    assert 1 < len(pages) <= PRINTED_PAGES_AT_MOST
    for number, text in enumerate(pages, start=1):
        # pypdf reads the "fi" of the printed font as its ligature.
        head = text.replace("\ufb01", "fi")
        assert "Arthur James O'Brien-Whitfield · Prison number A4821KD" in head, (number, text[:200])
        assert f"Page {number} of {len(pages)}" in text, (number, text[-200:])
    assert "Release plan" in pages[-1] and "This is a printout of a signed record" in pages[-1]
    assert refused == []


def test_the_running_header_cannot_break_out_of_its_style() -> None:
    """Whatever the name, the style holds one CSS string: no quote, backslash pair or tag of the name's own."""
    style = running_head('Zoë "Z" O\'Neil</style><script>', "A1234BC")
    value = style.split("--running-head: ", 1)[1].removesuffix("; }")
    assert value.startswith('"') and value.endswith('"') and '"' not in value[1:-1]
    assert "<" not in style and ">" not in style and "'" not in style
    assert "Zo\\0000eb " not in value  # a letter is a letter, escapes are only for the rest
    assert "Zoë" in value and "\\000022 Z\\000022 " in value


def test_the_card_prints_the_last_day_it_works(site: Site, page: Page) -> None:
    """One A6 page, with the day the card works until, not only how long it lasts."""
    pid = site.create_passport()
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}/card/print")
    last_day = (datetime.now(UTC) + timedelta(seconds=DEFAULT_TTL_SECONDS - 86400)).date()
    words = f"{last_day.day} {last_day:%B %Y}"
    facts = page.locator(".card-facts").inner_text()
    assert re.search(rf"Works until\s+{words}", facts), facts
    pages = pdf_pages(page)
    assert len(pages) == 1 and "Works until" in pages[0] and words in pages[0]


def _print_code_sheet(site: Site, page: Page, pid: str) -> None:
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}")
    with page.expect_navigation():
        page.get_by_role("button", name="Print a sign-in code for this person").click()
    page.emulate_media(media="print")


def _font_points(page: Page, selector: str) -> float:
    pixels: str = page.locator(selector).first.evaluate("e => getComputedStyle(e).fontSize")
    return float(pixels.removesuffix("px")) * 0.75


def test_the_code_sheet_is_in_large_print_for_arthur_and_asks_for_no_address(site: Site, page: Page) -> None:
    """His passport records large print: the steps print at 18 point, the code larger still; it is for "Arthur",
    and tells him where to go and what to choose, not an address to type."""
    pid = site.create_passport()
    _print_code_sheet(site, page, pid)
    sheet = page.locator(".code-sheet")
    printed = sheet.inner_text()
    assert printed.startswith("For Arthur") and "Whitfield" not in printed
    assert "http" not in printed and "/me" not in printed and "127.0.0.1" not in printed
    assert "Choose Sign in to your passport" in printed and "Open my passport" in printed
    assert _font_points(page, ".steps li") >= 18
    assert _font_points(page, ".code") >= 48
    pages = pdf_pages(page)
    code = page.locator(".code").inner_text()
    assert len(pages) == 1 and code in pages[0] and "For Arthur" in pages[0]
    check_accessibility(page, "staff-sign-in-code-large-print")


def test_the_code_sheet_is_in_ordinary_print_when_large_print_is_not_recorded(site: Site, page: Page) -> None:
    """Without large print in the passport: still 14 point steps, for an easy read sheet, but not large print."""
    content = reference_passport()
    content["communication"]["large_print"] = False
    del content["subject"]["preferred_name"]
    pid = site.create_passport(content)
    _print_code_sheet(site, page, pid)
    assert page.locator(".code-sheet.large-print").count() == 0
    assert 14 <= _font_points(page, ".steps li") < 18
    assert page.locator(".code-sheet").inner_text().startswith("For Arthur James Whitfield")
