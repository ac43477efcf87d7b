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

from crypto import SigningKey
from passport.core.card import issue_card
from passport.core.identity import IssuerInfo
from passport.core.qr import qr_text, render_png
from passport.services.peers import fetch_peer, save_peer
from passport.services.storage import AuditRow, PassportRow, transaction
from schemas import parse_content
from tests.browser.conftest import Site, check_accessibility, check_at_every_size, press_and_wait
from tests.conftest import LiveServer, reference_passport, start_server

RISLEY = IssuerInfo("prison:RSY", "HMP Risley", "prison", "http://x")
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
    check_at_every_size(page, "reception-verified")
    assert [row.pid for row in desk.risley_audit("scan")] == [pid]  # "reception looked at your card"

    _tab_to(page, "Import the full record")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text().endswith("Imported")
    assert "HMP Risley now keeps this passport: 2 versions, signed by HMP Wymott." in page.content()
    alerts = page.locator(".desk-alerts li").all_inner_texts()
    assert "Self-propelled wheelchair" in alerts and "Easy read" in alerts  # the tiles stay after the import
    check_at_every_size(page, "reception-imported")
    risley_staff = desk.risley.server.client(desk.risley.token("care_staff"))
    held = risley_staff.get(f"/v1/passports/{pid}")
    assert held.status_code == 200, held.text
    assert held.json()["ver"] == 2
    assert len(risley_staff.get(f"/v1/passports/{pid}/versions").json()["sd_jwts"]) == 2

    # The same card again, scanned straight after the verdict (the box has focus): importing it changes nothing.
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
    check_at_every_size(page, "reception-imported-newer")
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
    _tab_to(page, "reception desk")
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


def test_a_damaged_card_shows_nothing_and_an_expired_one_shows_what_it_said_marked_expired(
    desk: Desk, page: Page
) -> None:
    """One digit changed: "changed or damaged", nothing of the card shown. An old card whose signature holds: its
    name and alerts, fenced off as from an expired card, with what to do and no import; the same old card with a
    digit changed shows nothing. Each is scanned straight after the last verdict; all are audited, none imported."""
    pid, jws = desk.handed_over_card()
    desk.risley.sign_in_staff(page, "reception", "/reception")
    _scan(page, _flip_one_digit(qr_text(jws)))
    verdict = page.locator(".verdict")
    assert verdict.locator("h1").inner_text().endswith("Not verified")
    assert DAMAGED in verdict.inner_text()
    assert page.get_by_role("button", name="Import the full record").count() == 0
    assert page.locator("dl.identity").count() == 0  # nothing from a card that did not verify is shown
    check_at_every_size(page, "reception-not-verified")

    expired = _expired_card(desk, pid)
    _scan(page, qr_text(expired))
    assert page.title().startswith("Card expired")
    long_ago = datetime.fromtimestamp(time.time() - 370 * 24 * 3600, UTC)
    banner = page.locator(".verdict").inner_text()
    assert f"This card ran out on {long_ago.day} {long_ago:%B %Y}. Do not rely on it as up to date." in banner
    assert "It is genuine: signed by HMP Wymott" in banner
    fenced = page.locator("section.desk-expired")
    assert "From the expired card: may be out of date" in fenced.locator("h2").inner_text()
    assert "Arthur Whitfield" in fenced.locator("dl.identity").inner_text()
    assert "Self-propelled wheelchair" in fenced.locator(".desk-alerts li").all_inner_texts()
    steps = page.locator(".desk-steps li").all_inner_texts()
    assert steps[0] == "Ask the person if they have a newer card, and scan that."
    assert "contact HMP Wymott" in steps[1]
    assert page.get_by_role("button", name="Import the full record").count() == 0
    check_at_every_size(page, "reception-expired")

    _scan(page, _flip_one_digit(qr_text(expired)))
    assert page.locator(".verdict h1").inner_text().endswith("Not verified")
    assert page.locator("dl.identity").count() == 0 and "Arthur" not in page.content()
    outcomes = [(row.outcome, row.pid) for row in desk.risley_audit("scan")]
    assert outcomes == [("signature_invalid", None), ("token_expired", pid), ("signature_invalid", None)]
    assert not desk.risley_holds(pid)


def test_a_card_from_an_organisation_not_trusted_here_says_who_it_claims_and_what_to_do(desk: Desk, page: Page) -> None:
    """A card signed by a key Risley does not hold: it says which organisation the card claims to be from, marked
    as not checked, that nothing on it can be relied on, and what to do meanwhile, in words and not commands;
    nothing of the person is shown. A card naming Wymott (trusted) with a key Risley lacks: ask for its new keys."""
    pid, _ = desk.handed_over_card()
    current = desk.wymott.server.client(desk.wymott.token("care_staff")).get(f"/v1/passports/{pid}").json()

    def card(issuer: str) -> str:
        content = parse_content(reference_passport())
        stranger = SigningKey.generate()
        now = int(time.time())
        return issue_card(
            key=stranger, issuer=issuer, pid=pid, ver=current["ver"], digest=current["digest"], content=content, now=now
        )

    desk.risley.sign_in_staff(page, "reception", "/reception")
    _scan(page, qr_text(card("prison:LPI")))
    assert page.locator(".verdict h1").inner_text().endswith("Not verified")
    claimed = page.locator(".desk-claimed").inner_text()
    assert "The card says it comes from" in claimed and "the prison with the code LPI" in claimed
    assert "Not checked" in claimed
    reason = page.locator(".verdict-reason").inner_text()
    assert "does not trust cards from there yet" in reason and "nothing on the card can be relied on" in reason
    steps = " ".join(page.locator(".desk-steps li").all_inner_texts())
    assert "ask the person what help they need" in steps
    assert "Contact the prison with the code LPI" in steps
    assert "Ask your system administrator to add the prison with the code LPI" in steps
    assert "passport trust" not in page.content()  # no command line for a reception officer
    assert page.locator("dl.identity.desk-identity").count() == 0 and "Arthur" not in page.content()
    check_at_every_size(page, "reception-untrusted")

    _scan(page, qr_text(card("prison:WYI")))
    reason = page.locator(".verdict-reason").inner_text()
    assert "says it comes from HMP Wymott, which this prison trusts" in reason
    assert "get HMP Wymott's new keys" in page.locator(".desk-steps").inner_text()
    check_at_every_size(page, "reception-unknown-key")
    assert [row.outcome for row in desk.risley_audit("scan")] == ["unknown_key", "unknown_key"]


def test_after_every_verdict_the_next_scan_goes_into_the_box(desk: Desk, page: Page) -> None:
    """A scanner types and presses Enter; nobody clicks between cards. After "Not verified", "Verified",
    "Imported" and "Not imported", the box has focus and the keyboard's next card is checked; an empty box says
    what can really be done (a photo), not text the card does not have."""
    _, jws = desk.handed_over_card()
    desk.risley.sign_in_staff(page, "reception", "/reception")
    assert _box_has_focus(page)
    press_and_wait(page, "Enter")
    error = page.locator(".error-summary").inner_text()
    assert "Scan the card first. If the scanner cannot read it, use a photo of the card instead." in error
    assert "text under" not in page.content()
    check_accessibility(page, "reception-empty")
    _scan(page, "not a card")
    assert page.locator(".verdict h1").inner_text().endswith("Not verified")
    _scan(page, qr_text(jws))
    assert page.locator(".verdict h1").inner_text().endswith("Verified")
    described = page.locator("#card").get_attribute("aria-describedby") or ""
    assert described.split()[:2] == ["verdict-title", "verdict-line"]  # a screen reader hears the verdict first
    _tab_to(page, "Import the full record")
    press_and_wait(page, "Enter")
    assert page.locator(".verdict h1").inner_text().endswith("Imported")
    _scan(page, qr_text(jws))
    assert page.locator(".verdict h1").inner_text().endswith("Verified")
    desk.wymott.server.stop()
    _tab_to(page, "Import the full record")
    press_and_wait(page, "Enter")
    assert page.locator(".verdict h1").inner_text().endswith("Not imported")
    _scan(page, qr_text(jws))  # offline: the card still verifies
    assert page.locator(".verdict h1").inner_text().endswith("Verified")


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
    check_at_every_size(page, "reception-not-imported")
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
