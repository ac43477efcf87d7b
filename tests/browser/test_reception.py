"""The reception desk in a real browser, with the keyboard alone: HMP Risley's officer scans the card of a person
HMP Wymott handed over (typed in as a 2D scanner types it, or as a photo), sees the verdict and the alerts, and
imports the full record; damaged and expired cards are refused in plain words; a form without CSRF changes nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page
from sqlmodel import Session, select

from passport.core.card import issue_card
from passport.core.identity import IssuerInfo
from passport.core.qr import qr_text, render_png
from passport.services.peers import fetch_peer, save_peer
from passport.services.storage import AuditRow, PassportRow, transaction
from schemas import parse_content
from tests.browser.conftest import Site, check_accessibility, press_and_wait
from tests.conftest import LiveServer, reference_passport, start_server

RISLEY = IssuerInfo("prison:RSY", "HMP Risley", "prison", "http://x")
EXPIRED = "This card has expired. Ask the person's last prison for a new one."
DAMAGED = "This card has been changed or damaged. Do not rely on it."


@dataclass
class Desk:
    """HMP Wymott, which issues the card, and HMP Risley, whose reception desk scans it; each trusts the other."""

    wymott: Site
    risley: Site

    def handed_over_card(self) -> tuple[str, str]:
        """A passport Wymott made and handed over to Risley: its pid and a card (compact JWS) for version 2."""
        pid = self.wymott.create_passport()
        staff = self.wymott.server.client(self.wymott.token("care_staff"))
        handover = {"to": "prison:RSY", "reason": "transfer", "date": "2026-12-01"}
        assert staff.post(f"/v1/passports/{pid}/handover", json=handover).status_code == 201
        card = staff.get(f"/v1/passports/{pid}/card", params={"format": "jws"})
        assert card.status_code == 200, card.text
        return pid, card.text

    def risley_holds(self, pid: str) -> bool:
        """Whether Risley's database holds the passport."""
        with Session(self.risley.server.deployment.engine) as session:
            return session.get(PassportRow, pid) is not None

    def risley_audit(self, action: str) -> list[AuditRow]:
        """Risley's audit rows of one action."""
        with Session(self.risley.server.deployment.engine) as session:
            return list(session.exec(select(AuditRow).where(AuditRow.action == action)))


def _trust(server: LiveServer, other: LiveServer) -> None:
    with httpx.Client() as client:
        peer = fetch_peer(other.url, client=client)
    with transaction(server.deployment.engine) as session:
        save_peer(session, peer, identity=server.deployment.identity)


@pytest.fixture
def desk(site: Site, tmp_path: Path) -> Iterator[Desk]:
    """Wymott (the ``site``) and Risley, two real servers trusting each other's keys."""
    risley = start_server(tmp_path / "risley", f"sqlite:///{tmp_path / 'risley.db'}", RISLEY)
    _trust(site.server, risley)
    _trust(risley, site.server)
    yield Desk(site, Site(risley))
    risley.stop()


def _tab_to(page: Page, name: str, tries: int = 30) -> None:
    """Press Tab until the control named ``name`` has focus, as a keyboard user would."""
    for _ in range(tries):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def _box_has_focus(page: Page) -> bool:
    """Whether the scan box has focus (waiting a moment: a browser applies ``autofocus`` as it first paints)."""
    page.wait_for_function("document.activeElement && document.activeElement.id === 'card'", timeout=5000)
    return bool(page.evaluate("document.activeElement === document.getElementById('card')"))


def _scan(page: Page, text: str) -> None:
    """Type the card's text into the focused scan box, then Enter: what a keyboard-wedge scanner does."""
    assert _box_has_focus(page)
    page.keyboard.type(text)
    press_and_wait(page, "Enter")


def _flip_one_digit(text: str) -> str:
    """Change one digit of a cp:/ text so that it still spells base64url: a character of the signature."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    position = len(text) - 2 * 40
    while True:
        pair = int(text[position : position + 2])
        if pair % 10 < 9 and chr(pair + 46) in alphabet:
            return text[: position + 1] + str(pair % 10 + 1) + text[position + 2 :]
        position -= 2


def test_a_scanned_card_verifies_and_imports_the_full_record(desk: Desk, page: Page) -> None:
    """Sign in, the box has focus, the scanner types the card and Enter: verified, with the person and the
    alerts; Tab to the one button and Enter: imported, and Risley's API then has both versions."""
    pid, jws = desk.handed_over_card()
    desk.risley.sign_in_staff(page, "reception", "/reception")
    assert page.url == f"{desk.risley.url}/reception"
    assert _box_has_focus(page)
    check_accessibility(page, "reception-scan")

    _scan(page, qr_text(jws))
    assert page.url == f"{desk.risley.url}/reception/scan"  # the card travelled in the body, not the URL
    today = datetime.now(UTC)
    verdict = page.locator(".verdict")
    assert verdict.locator("h1").inner_text().endswith("Verified")
    assert f"Signed by HMP Wymott on {today.day} {today:%B %Y}" in verdict.inner_text()
    identity = page.locator("dl.identity").inner_text()
    assert "Arthur Whitfield" in identity and "A4821KD" in identity and "17 April 1949" in identity
    alerts = page.locator(".alerts li").all_inner_texts()
    assert "Self-propelled wheelchair" in alerts and "Easy read" in alerts
    check_accessibility(page, "reception-verified")
    assert [row.pid for row in desk.risley_audit("scan")] == [pid]  # "reception looked at your card"

    _tab_to(page, "Import the full record")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text().endswith("Imported")
    assert "HMP Risley now keeps this passport: 2 versions, signed by HMP Wymott." in page.content()
    check_accessibility(page, "reception-imported")
    risley_staff = desk.risley.server.client(desk.risley.token("care_staff"))
    held = risley_staff.get(f"/v1/passports/{pid}")
    assert held.status_code == 200, held.text
    assert held.json()["ver"] == 2
    assert len(risley_staff.get(f"/v1/passports/{pid}/versions").json()["sd_jwts"]) == 2

    # The same card again: verified, and importing it changes nothing.
    page.get_by_role("link", name="Scan another card").first.focus()
    press_and_wait(page, "Enter")
    _scan(page, qr_text(jws))
    _tab_to(page, "Import the full record")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text().endswith("Already imported")
    assert "Nothing changed." in page.content()


def test_a_card_printed_before_the_handover_imports_the_newer_record(desk: Desk, page: Page) -> None:
    """The normal case: the card was printed weeks before the move and the handover made version 2 on the day.
    The card still verifies and imports, and the officer is told the record has moved on and to print a new card."""
    pid = desk.wymott.create_passport()
    staff = desk.wymott.server.client(desk.wymott.token("care_staff"))
    printed = staff.get(f"/v1/passports/{pid}/card", params={"format": "jws"})
    assert printed.status_code == 200, printed.text
    handover = {"to": "prison:RSY", "reason": "transfer", "date": "2026-12-01"}
    assert staff.post(f"/v1/passports/{pid}/handover", json=handover).status_code == 201

    desk.risley.sign_in_staff(page, "reception", "/reception")
    _scan(page, qr_text(printed.text))
    assert page.locator(".verdict h1").inner_text().endswith("Verified")
    _tab_to(page, "Import the full record")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text().endswith("Imported")
    today = datetime.now(UTC)
    moved_on = page.locator(".verdict-moved-on").inner_text()
    assert f"Newer record at the issuing prison: version 2 of {today.day} {today:%B}" in moved_on
    assert "The card shows version 1" in moved_on and "Print a new card" in moved_on
    check_accessibility(page, "reception-imported-newer")
    assert desk.risley_holds(pid)


def test_a_photo_of_the_card_verifies(desk: Desk, page: Page, tmp_path: Path) -> None:
    """A PNG of the card, uploaded with the photo form, is read with zxing-cpp and verifies offline; a file that
    holds no code is refused in plain words."""
    _, jws = desk.handed_over_card()
    picture, blank = tmp_path / "card.png", tmp_path / "blank.png"
    picture.write_bytes(render_png(jws))
    blank.write_bytes(b"not a picture")
    desk.risley.sign_in_staff(page, "reception", "/reception")
    page.get_by_label("Or use a photo of the card").set_input_files(str(blank))
    page.get_by_label("Or use a photo of the card").focus()
    _tab_to(page, "Check the photo")
    press_and_wait(page, "Enter")
    assert "No card could be read from this photo" in page.locator(".verdict").inner_text()
    page.get_by_role("link", name="Scan another card").focus()
    press_and_wait(page, "Enter")
    page.get_by_label("Or use a photo of the card").set_input_files(str(picture))
    page.get_by_label("Or use a photo of the card").focus()
    _tab_to(page, "Check the photo")
    press_and_wait(page, "Enter")
    assert page.locator(".verdict h1").inner_text().endswith("Verified")
    assert "Arthur Whitfield" in page.locator("dl.identity").inner_text()
    assert page.get_by_role("button", name="Import the full record").count() == 1


def _expired_card(desk: Desk, pid: str) -> str:
    """A card Wymott signed for ``pid`` 400 days ago (with a life of 30 days): genuine, and long expired."""
    wymott = desk.wymott.server.deployment
    current = desk.wymott.server.client(desk.wymott.token("care_staff")).get(f"/v1/passports/{pid}").json()
    return issue_card(
        key=wymott.identity.keyring.active,
        issuer="prison:WYI",
        pid=pid,
        ver=current["ver"],
        digest=current["digest"],
        content=parse_content(reference_passport()),
        now=int(time.time()) - 400 * 24 * 3600,
    )


def test_damaged_and_expired_cards_are_not_verified(desk: Desk, page: Page) -> None:
    """One digit changed: "changed or damaged"; an old card: "expired"; neither offers an import, and both
    refusals are audited while Risley holds nothing."""
    pid, jws = desk.handed_over_card()
    desk.risley.sign_in_staff(page, "reception", "/reception")
    _scan(page, _flip_one_digit(qr_text(jws)))
    verdict = page.locator(".verdict")
    assert verdict.locator("h1").inner_text().endswith("Not verified")
    assert DAMAGED in verdict.inner_text()
    assert page.get_by_role("button", name="Import the full record").count() == 0
    assert page.locator("dl.identity").count() == 0  # nothing from a card that did not verify is shown
    check_accessibility(page, "reception-not-verified")

    expired = _expired_card(desk, pid)
    page.goto(f"{desk.risley.url}/reception")
    _scan(page, qr_text(expired))
    assert EXPIRED in page.locator(".verdict").inner_text()
    assert page.get_by_role("button", name="Import the full record").count() == 0
    assert [row.outcome for row in desk.risley_audit("scan")] == ["signature_invalid", "token_expired"]
    assert not desk.risley_holds(pid)


def test_an_unreachable_issuer_is_said_plainly_and_nothing_is_imported(desk: Desk, page: Page) -> None:
    """The card verifies offline, but Wymott is down when the officer imports: plain words, a way to try again,
    and Risley holds nothing."""
    pid, jws = desk.handed_over_card()
    desk.risley.sign_in_staff(page, "reception", "/reception")
    _scan(page, qr_text(jws))
    desk.wymott.server.stop()
    _tab_to(page, "Import the full record")
    press_and_wait(page, "Enter")
    banner = page.locator(".verdict").inner_text()
    assert "Not imported" in banner
    assert "The card is genuine, but the full record could not be fetched now. Try again later." in banner
    assert page.get_by_role("button", name="Try the import again").count() == 1
    check_accessibility(page, "reception-not-imported")
    assert not desk.risley_holds(pid)
    assert [row.outcome for row in desk.risley_audit("import")] == ["configuration_error"]


def test_forms_without_the_csrf_token_are_refused_and_import_nothing(desk: Desk, page: Page) -> None:
    """The signed-in browser's cookie alone is not enough: a POST without the form's token is a 403."""
    pid, jws = desk.handed_over_card()
    response = page.goto(f"{desk.risley.url}/reception")
    assert response is not None and "/staff/sign-in" in page.url  # no session: sign in first
    desk.risley.sign_in_staff(page, "reception", "/reception")
    response = page.reload()
    assert response is not None and "form-action 'self'" in response.headers["content-security-policy"]
    for path in ("/reception/import", "/reception/scan"):
        refused = page.request.post(f"{desk.risley.url}{path}", form={"card": jws}, max_redirects=0)
        assert refused.status == 403, path
        forged = page.request.post(f"{desk.risley.url}{path}", form={"card": jws, "csrf": "forged"}, max_redirects=0)
        assert forged.status == 403, path
    assert not desk.risley_holds(pid)
    assert desk.risley_audit("import") == [] and desk.risley_audit("scan") == []
