"""Release numbers in a real browser: reached from the staff menu with the keyboard; each chart an image with a title
and a description and a table of the same numbers beside it; small numbers shown as "fewer than 5"; axe-core clean
and fitting a phone and 200% zoom; the CSV downloaded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page

from tests.browser.conftest import Site, check_accessibility, check_at_every_size, follow
from tests.passport.release_population import LIVERPOOL, MANCHESTER, SEFTON, Notice, store


def populate(site: Site) -> tuple[str, str]:
    """Two months of releases: 7 then 5 to Liverpool (30 days' notice, acknowledged), 6 then 8 to Manchester (none
    delivered), and 2 to Sefton in the later month. The two months, as the page names them."""
    today = datetime.now(UTC).date()
    earlier = (today.replace(day=1) - timedelta(days=40)).replace(day=10)
    later = (today.replace(day=1) - timedelta(days=5)).replace(day=10)
    notices = [Notice(LIVERPOOL, earlier, earlier - timedelta(days=30), acknowledged_on=earlier)] * 7
    notices += [Notice(LIVERPOOL, later, later - timedelta(days=30), acknowledged_on=later, step="in_place")] * 5
    notices += [Notice(MANCHESTER, earlier, None)] * 6 + [Notice(MANCHESTER, later, None)] * 8
    notices += [Notice(SEFTON, later, later)] * 2
    store(site.server.deployment.engine, notices)
    return f"{earlier:%B %Y}", f"{later:%B %Y}"


def test_release_numbers_by_keyboard_with_a_table_beside_each_chart(site: Site, page: Page) -> None:
    """From the passports list to the numbers with the keyboard; each chart is an image named by its title and
    described, its table beside it holds its numbers; Sefton's two are "fewer than 5" and a total that would give
    them away is "withheld"."""
    earlier, later = populate(site)
    site.sign_in_staff(page)
    follow(page, "Release numbers")
    assert page.url.endswith("/staff/releases/stats")
    assert page.get_by_role("link", name="Release numbers").get_attribute("aria-current") == "page"

    assert page.get_by_role("img").count() == 4
    released = page.get_by_role("img", name="People released with care needs, by month", exact=True)
    description = released.evaluate("svg => document.getElementById(svg.getAttribute('aria-describedby')).textContent")
    assert description.startswith("Bar chart: one bar for each month") and "the same numbers" in description
    table = page.get_by_role("table", name="People released with care needs, by month")
    assert table.get_by_role("row").all_inner_texts() == ["Month\tPeople released", f"{earlier}\t13", f"{later}\t15"]
    assert released.evaluate("svg => [...svg.querySelectorAll('text')].map(t => t.textContent)") == [
        earlier,
        "13 people",
        later,
        "15 people",
    ]

    # Sefton's 2 are too few; each month's cells and Liverpool's 12 would give them away from the totals.
    councils = page.get_by_role("table", name="People released with care needs, by council")
    assert councils.get_by_role("row").all_inner_texts() == [
        "Council\tPeople released",
        "Liverpool City Council\twithheld",
        "Manchester City Council\t14",
        "Sefton Council\tfewer than 5",
    ]
    chart = page.get_by_role("img", name="People released with care needs, by council", exact=True)
    assert chart.evaluate("svg => [...svg.querySelectorAll('text')].map(t => t.textContent)") == [
        "Liverpool City Council: withheld",
        "Manchester City Council",
        "14 people",
        "Sefton Council: fewer than 5",
    ]
    ready = page.get_by_role("table", name="Councils ready for the day, by month")
    assert ready.get_by_role("row").all_inner_texts()[1:] == [f"{earlier}\t54%\t0%", f"{later}\t33%\t33%"]
    assert "fewer than 5" in page.get_by_role("table", name="Every figure, by council and month").inner_text()
    check_accessibility(page, "staff-release-numbers")
    check_at_every_size(page, "staff-release-numbers")


def test_release_numbers_before_any_release_and_the_csv(site: Site, page: Page) -> None:
    """With nothing released yet the page says so and draws no chart; the CSV link downloads the numbers."""
    site.sign_in_staff(page)
    follow(page, "Release numbers")
    assert "No releases to count yet." in page.inner_text("main")
    assert page.get_by_role("img").count() == 0
    check_accessibility(page, "staff-release-numbers-none")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download these numbers (CSV)").focus()
        page.keyboard.press("Enter")
    path = caught.value.path()
    assert path is not None
    assert path.read_text("utf-8").splitlines()[1] == "total,,,,0,,,,"
