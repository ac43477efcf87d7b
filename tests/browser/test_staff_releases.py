"""The prison's side of a release on the staff pages, in a real browser, between two real servers: a passport's
"Release" section shows when Liverpool was told, acknowledged, looked at the care record, its latest status, and
a decline with its reason and the council it named; a notice that cannot be delivered says so in plain words; the
list of releases running late, reached from the navigation by keyboard, says why each is late. axe-core finds
nothing at every size."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from passport.services import make_client_assertion
from tests.api.test_releases import TODAY, released_in
from tests.browser.conftest import Site, check_at_every_size, follow
from tests.conftest import another_person, reference_passport


def _council_answers(council: Site, path: str, pid: str, body: dict[str, Any] | None = None) -> None:
    """The council's staff answer the notice about ``pid`` over its API (its pages are proven in
    test_authority.py)."""
    with httpx.Client(base_url=council.url, headers={"Authorization": f"Bearer {council.token('care_staff')}"}) as c:
        notice = next(n for n in c.get("/v1/notices").json()["notices"] if n["pid"] == pid)
        answer = c.post(f"/v1/notices/{notice['id']}/{path}", json=body)
        assert answer.status_code == 200, answer.text


def _row(scope: Locator, label: str) -> Locator:
    """The row of a record whose label is exactly ``label``."""
    return scope.locator(".record-row").filter(has=scope.page.locator("dt", has_text=re.compile(f"^{label}$")))


def _pull_view(site: Site, council: Site, pid: str) -> None:
    """The council's service pulls the local-authority view, with its own client assertion."""
    identity = council.server.deployment.identity
    assertion = make_client_assertion(
        key=identity.keyring.active, issuer=identity.org_id, audience="prison:WYI", now=int(time.time())
    )
    with httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {assertion}"}) as client:
        assert client.get(f"/v1/passports/{pid}/views/local_authority").status_code == 200


def test_the_prison_sees_each_release_and_the_late_list(site: Site, council: Site, page: Page) -> None:
    """Arthur, 20 days away: acknowledged and the record pulled, so not late. Someone else, 10 days away: declined
    with Sefton named, so late, with why. Both show on their passports after the job runs on both sides."""
    arthur = site.create_passport(released_in(reference_passport(), 20))
    other = site.create_passport(released_in(another_person(reference_passport(), 7), 10))
    site.deliver()
    _council_answers(council, "acknowledge", arthur)
    _council_answers(council, "decline", other, {"reason": "He lives in Sefton", "suggested": "la:E08000014"})
    _pull_view(site, council, arthur)
    council.deliver()

    site.sign_in_staff(page, next_path=f"/staff/passports/{arthur}")
    follow(page, "Release: what the council has done")
    release = page.locator("#release")
    expect(release.get_by_role("heading", level=3)).to_contain_text("to Liverpool City Council")
    expect(_row(release, "Now")).to_have_text("NowAcknowledged")
    expect(_row(release, "Council told")).to_contain_text("(20 days before the release)")
    expect(_row(release, "Acknowledged")).to_contain_text(f"{TODAY.day} {TODAY:%B %Y}")
    expect(_row(release, "Looked at the care record")).not_to_contain_text("Not yet")
    expect(release).not_to_contain_text("Running late")
    check_at_every_size(page, "staff-release-section")

    follow(page, "Releases running late")
    expect(page.get_by_role("heading", level=1)).to_have_text("Releases running late")
    rows = page.locator("table.late tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("A0007ZZ")
    expect(rows.first).to_contain_text("The council said it is not their area")
    expect(rows.first).to_contain_text("has not looked at the care record")
    expect(rows.first).to_contain_text("They said: He lives in Sefton. The council they named: Sefton Council.")
    check_at_every_size(page, "staff-releases-late")

    follow(page, "Arthur James Whitfield")
    expect(page.locator("#release")).to_contain_text("Not their area, because")
    expect(_row(page.locator("#release"), "Council they say it is")).to_contain_text("Sefton Council")
    expect(page.locator("#release")).to_contain_text("Running late")


def test_a_notice_that_cannot_be_delivered_says_why(site: Site, council: Site, page: Page) -> None:
    """The council's service is down: the passport's release says the notice did not arrive and why, in words."""
    pid = site.create_passport(released_in(reference_passport(), 15))
    council.server.stop()
    site.deliver()
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}")
    release = page.locator("#release")
    expect(_row(release, "Council told")).to_contain_text("Not yet")
    expect(_row(release, "Notice")).to_contain_text(
        "It did not arrive: the other organisation's service could not be reached. This service tries again by itself."
    )
    check_at_every_size(page, "staff-release-undelivered")


def test_no_release_and_nothing_late(site: Site, page: Page) -> None:
    """A passport with no release notice says when one is sent; one whose release is far off says the day its
    notice goes; an empty late list says nothing is late."""
    content = reference_passport()
    del content["release_plan"]["expected_date"]
    pid = site.create_passport(content)
    later = site.create_passport(released_in(another_person(reference_passport(), 8), 100))
    site.sign_in_staff(page, next_path=f"/staff/passports/{pid}")
    expect(page.locator("#release")).to_contain_text("No council has been sent a release notice.")
    sent_on = TODAY + timedelta(days=100 - 84)
    page.goto(f"{site.url}/staff/passports/{later}")
    expect(_row(page.locator("#release"), "Notice")).to_have_text(
        f"NoticeIt will be sent on {sent_on.day} {sent_on:%B %Y}, 84 days before the release."
    )
    follow(page, "Releases running late")
    expect(page.get_by_text("No release is running late.")).to_be_visible()
    check_at_every_size(page, "staff-releases-none")
