"""The reception desk: scan the passport card a person carries, verify it offline, import the full record.

A keyboard-wedge 2D scanner types the card's ``cp:/`` text into the focused scan box and presses Enter, which
submits the form; a webcam or phone photo is an ordinary file upload, read with zxing-cpp. Neither needs
JavaScript or the network: the card verifies against the keys this deployment already trusts. Only the import
calls the issuer (outside any database transaction, as ``POST /v1/imports`` does).

The card's personal data travels in POST bodies alone, never in a URL or a log line. Every scan and import is
audited, refusals too (in a transaction of their own, changing nothing else), so that the person later reads
"HMP Risley reception looked at your card".
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

import httpx
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import render
from api.pages.common.session import StaffSession, check_csrf
from api.problems import status_for
from passport.core import MAX_IMAGE_BYTES, Card, decode_image, jws_from_scan
from passport.services import (
    PERMISSIONS,
    Deployment,
    WebSession,
    actor_of,
    import_card,
    list_peers,
    record_audit,
    record_refusal,
    require,
    transaction,
)
from schemas.errors import InvalidRequest, PassportError, TokenTooLarge

router = APIRouter(include_in_schema=False)

CSRF_FIELD = Annotated[str, Form(max_length=100)]
# What the officer is told, by error code. The card's own checks first, then what the import adds.
EXPIRED = "This card has expired. Ask the person's last prison for a new one."
UNTRUSTED = "This card was signed by an organisation this prison does not trust yet."
DAMAGED = "This card has been changed or damaged. Do not rely on it."
NOT_READ = (
    "This is not a Care Passport card, or it was not read whole. Scan it again. If it fails again, do not rely on it."
)
UNCHECKED = "This card could not be checked. Do not rely on it. Try again, or ask IT support."
REASONS: dict[str, str] = {
    "token_expired": EXPIRED,
    "unknown_key": UNTRUSTED,
    "untrusted_issuer": UNTRUSTED,
    "signature_invalid": DAMAGED,
    "malformed_token": DAMAGED,
    "token_too_large": DAMAGED,
    "algorithm_not_allowed": DAMAGED,
    "wrong_token_type": DAMAGED,
    "token_invalid": DAMAGED,
    "key_revoked": "This card was signed with a key its prison has withdrawn. Do not rely on it. "
    "Ask the person's last prison for a new one.",
    "card_mismatch": "The record the issuing prison sent is not the one this card shows. Nothing was imported. "
    "Call the issuing prison.",
    "custody_violation": "This passport was not handed over to this prison.",
    "not_found": "The issuing prison has not handed this passport over to this prison. "
    "Ask them to record the transfer, then try again.",
    "configuration_error": "The card is genuine, but the full record could not be fetched now. Try again later.",
    "chain_invalid": "The full record does not hold together. Nothing was imported. Call the issuing prison.",
    "chain_broken": "The full record does not hold together. Nothing was imported. Call the issuing prison.",
    "audit_tampered": "This service has stopped: its record of who did what has been tampered with. Nothing was "
    "imported. Call your system administrator.",
    "disclosure_invalid": "The full record does not hold together. Nothing was imported. Call the issuing prison.",
    "record_incomplete": "The full record arrived with parts missing. Nothing was imported. Call the issuing prison.",
    "signature_not_canonical": DAMAGED,
    "issue_time_invalid": "The full record carries an impossible date. Nothing was imported. Call the issuing prison.",
    "fork_detected": "This prison holds a different record for this passport. Nothing was imported. "
    "Speak to care staff.",
    "rollback_detected": "This prison already holds a newer record for this passport. Nothing was imported.",
    "stale_version": "Someone imported this passport at the same moment. Scan the card again to check.",
    "access_denied": "Your role may not import passports. Ask care staff to import it.",
}
PHOTO_NOT_READ = "No card could be read from this photo. Take it again: one card, the whole code, flat and in focus."
PHOTO_TOO_LARGE = "This photo is too large. Take it again at a lower resolution."
ISSUED_HERE = "This card was made by this prison. Its record is already here."


@dataclass(frozen=True)
class Refusal:
    """Why a card was not verified or not imported: in plain words, with the code small for support staff."""

    reason: str
    code: str

    @classmethod
    def of(cls, error: PassportError) -> Refusal:
        """The plain words for one of our errors (never the raw code alone)."""
        return cls(REASONS.get(error.code, UNCHECKED), error.code)


@dataclass(frozen=True)
class Shown:
    """A verified card as the desk shows it: the card, who signed it (by name) and its dates in words."""

    card: Card
    issuer_name: str
    issued_here: bool

    @property
    def signed_on(self) -> str:
        """The day the card was signed: 21 November 2026."""
        return _day(datetime.fromtimestamp(self.card.issued_at, UTC).date())

    @property
    def valid_until(self) -> str:
        """The last day the card is good for."""
        return _day(datetime.fromtimestamp(self.card.expires_at, UTC).date())

    @property
    def date_of_birth(self) -> str:
        """The person's date of birth: 17 April 1949."""
        return _day(date.fromisoformat(self.card.date_of_birth))


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _names(deployment: Deployment) -> dict[str, str]:
    """Organisation names by id: the trusted peers and this organisation."""
    with transaction(deployment.engine) as session:
        names = {peer.org_id: peer.name for peer in list_peers(session)}
    names[deployment.identity.org_id] = deployment.identity.info.name
    return names


def _shown(deployment: Deployment, card: Card) -> Shown:
    names = _names(deployment)
    return Shown(card, names.get(card.issuer, card.issuer), card.issuer == deployment.identity.org_id)


def _may(web: WebSession, action: str) -> bool:
    """Whether the signed-in role may do ``action`` (to offer only the buttons that will work)."""
    return action in PERMISSIONS.get(web.principal.role, frozenset())


@router.get("/reception")
def desk(request: Request, web: StaffSession) -> HTMLResponse:
    """The scan box (focused, for a keyboard-wedge scanner) and the photo upload."""
    return render(request, "reception.html", web=web)


@router.post("/reception/scan")
def scan_text(
    request: Request,
    deployment: DeploymentDep,
    web: StaffSession,
    source: SourceDep,
    card: Annotated[str, Form(max_length=4096)] = "",
    csrf: CSRF_FIELD = "",
) -> HTMLResponse:
    """Verify what the scanner typed (``cp:/`` and digits, or a bare JWS), offline, and show the verdict."""
    check_csrf(web.csrf, csrf)
    if not card.strip():
        error = "Scan the card first, or type the text under its code."
        return render(request, "reception.html", status_code=422, web=web, error=error, error_field="card")
    try:
        jws = jws_from_scan(card)
    except PassportError as exc:
        return _refused(request, deployment, web, source, Refusal(NOT_READ, exc.code))
    return _verify(request, deployment, web, source, jws)


@router.post("/reception/photo")
def scan_photo(
    request: Request,
    deployment: DeploymentDep,
    web: StaffSession,
    source: SourceDep,
    photo: Annotated[UploadFile | None, File()] = None,
    csrf: CSRF_FIELD = "",
) -> HTMLResponse:
    """Read the QR code in a photo of the card with zxing-cpp, then verify it offline and show the verdict."""
    check_csrf(web.csrf, csrf)
    data = photo.file.read(MAX_IMAGE_BYTES + 1) if photo is not None else b""
    if not data:
        error = "Choose a photo of the card first."
        return render(request, "reception.html", status_code=422, web=web, error=error, error_field="photo")
    try:
        if len(data) > MAX_IMAGE_BYTES:
            raise TokenTooLarge("the image is larger than allowed")
        jws = jws_from_scan(decode_image(data))
    except TokenTooLarge as exc:
        return _refused(request, deployment, web, source, Refusal(PHOTO_TOO_LARGE, exc.code))
    except PassportError as exc:
        return _refused(request, deployment, web, source, Refusal(PHOTO_NOT_READ, exc.code))
    return _verify(request, deployment, web, source, jws)


def _verify(request: Request, deployment: Deployment, web: WebSession, source: str | None, jws: str) -> HTMLResponse:
    """Steps shared by the scan and the photo: verify offline, audit, show."""
    actor = actor_of(web.principal, source)
    try:
        card = Card.verify(jws, trust=deployment.trust_store(), now=int(time.time()))
    except PassportError as exc:
        return _refused(request, deployment, web, source, Refusal.of(exc))
    with transaction(deployment.engine) as session:
        detail = json.dumps({"issuer": card.issuer, "from": "reception"})
        record_audit(session, actor=actor, action="scan", pid=card.pid, ver=card.ver, detail=detail)
    return render(
        request,
        "reception_result.html",
        web=web,
        shown=_shown(deployment, card),
        may_import=_may(web, "import"),
        may_read=_may(web, "read"),
    )


def _refused(
    request: Request, deployment: Deployment, web: WebSession, source: str | None, refusal: Refusal
) -> HTMLResponse:
    """Audit a card that did not verify, and say why in plain words; nothing else changes."""
    record_refusal(deployment.engine, actor=actor_of(web.principal, source), action="scan", code=refusal.code)
    return render(request, "reception_result.html", web=web, refusal=refusal)


@router.post("/reception/import")
def import_record(
    request: Request,
    deployment: DeploymentDep,
    web: StaffSession,
    source: SourceDep,
    card: Annotated[str, Form(max_length=4096)] = "",
    csrf: CSRF_FIELD = "",
) -> HTMLResponse:
    """Verify the card again, pull the whole history from its issuer, verify and store it; say what happened."""
    check_csrf(web.csrf, csrf)
    identity, principal, now = deployment.identity, web.principal, int(time.time())
    verified: Card | None = None
    try:
        require(principal, "import")
        trust = deployment.trust_store()
        verified = Card.from_scan(card, trust=trust, now=now)
        if verified.issuer == identity.org_id:
            raise InvalidRequest("this card was issued here; there is nothing to import")
        with httpx.Client() as client:
            result = import_card(
                deployment.engine,
                identity=identity,
                principal=principal,
                card=verified,
                trust=trust,
                now=now,
                client=client,
                source=source,
            )
    except PassportError as exc:
        record_refusal(deployment.engine, actor=actor_of(principal, source), action="import", code=exc.code)
        issued_here = verified is not None and verified.issuer == identity.org_id
        refusal = Refusal(ISSUED_HERE, exc.code) if issued_here else Refusal.of(exc)
        return render(
            request,
            "reception_import.html",
            status_code=status_for(exc),
            web=web,
            refusal=refusal,
            shown=_shown(deployment, verified) if verified is not None else None,
            retry=exc.code == "configuration_error" and verified is not None,
            may_read=_may(web, "read"),
        )
    names = _names(deployment)
    return render(
        request,
        "reception_import.html",
        web=web,
        result=result,
        keeper=identity.info.name,
        signers=" and ".join(names.get(org, org) for org in result.issuers),
        newest_on=_day(datetime.fromtimestamp(result.issued_at, UTC).date()),
        shown=_shown(deployment, verified),
        may_read=_may(web, "read"),
    )
