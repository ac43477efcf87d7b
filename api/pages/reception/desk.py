"""The reception desk's routes: the scan box, a photo of a card, and the import of the full record."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from api.auditing import audit_caught
from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import day, render
from api.pages.common.session import StaffSession, check_csrf
from api.pages.reception.words import (
    ISSUED_HERE,
    NOT_READ,
    NOT_SCANNED,
    PHOTO_NOT_READ,
    PHOTO_TOO_LARGE,
    Refusal,
    Shown,
)
from api.problems import status_for
from passport.core import MAX_IMAGE_BYTES, Card, decode_image, jws_from_scan, unsafe_claimed_issuer
from passport.services import (
    Action,
    Deployment,
    ImportRefused,
    WebSession,
    actor_of,
    attempt_import,
    list_peers,
    may,
    record_audit,
    transaction,
)
from schemas.errors import PassportError, TokenExpired, TokenTooLarge, UnknownKey, UntrustedIssuer

router = APIRouter(include_in_schema=False)

CSRF_FIELD = Annotated[str, Form(max_length=100)]


def _names(deployment: Deployment) -> dict[str, str]:
    """Organisation names by id: the trusted peers and this organisation."""
    with transaction(deployment.engine) as session:
        names = {peer.org_id: peer.name for peer in list_peers(session)}
    names[deployment.identity.org_id] = deployment.identity.info.name
    return names


def _shown(deployment: Deployment, card: Card, *, expired: bool = False) -> Shown:
    names = _names(deployment)
    return Shown(card, names.get(card.issuer, card.issuer), card.issuer == deployment.identity.org_id, expired)


def _may(web: WebSession, action: Action) -> bool:
    """Whether the signed-in role may do ``action`` (to offer only the buttons that will work)."""
    return may(web.principal, action)


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
        error = NOT_SCANNED
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
    trust, now = deployment.trust_store(), int(time.time())
    try:
        card = Card.verify(jws, trust=trust, now=now)
    except TokenExpired as exc:
        return _expired(request, deployment, web, source, jws, exc)
    except (UnknownKey, UntrustedIssuer) as exc:
        refusal = Refusal.unchecked_issuer(exc, unsafe_claimed_issuer(jws), _names(deployment))
        return _refused(request, deployment, web, source, refusal)
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


def _expired(
    request: Request, deployment: Deployment, web: WebSession, source: str | None, jws: str, exc: TokenExpired
) -> HTMLResponse:
    """A card whose time has run out: when everything else about it holds (a genuine signature of a trusted
    issuer), what it says, marked as from an expired card and with nothing to import; else nothing of it."""
    try:
        card = Card.unsafe_verify_expired(jws, trust=deployment.trust_store(), now=int(time.time()))
    except PassportError:
        return _refused(request, deployment, web, source, Refusal.of(exc))
    # Refused as a current card, but the officer saw whose it is: the audit row names the passport.
    audit_caught(deployment, web.principal, source, "scan", exc.code, pid=card.pid)
    return render(request, "reception_result.html", web=web, shown=_shown(deployment, card, expired=True))


def _refused(
    request: Request, deployment: Deployment, web: WebSession, source: str | None, refusal: Refusal
) -> HTMLResponse:
    """Audit a card that did not verify, and say why in plain words; nothing else changes."""
    audit_caught(deployment, web.principal, source, "scan", refusal.code)
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
    outcome = attempt_import(deployment, principal=web.principal, card=card, source=source)
    if isinstance(outcome, ImportRefused):
        return _not_imported(request, deployment, web, outcome)
    names = _names(deployment)
    return render(
        request,
        "reception_import.html",
        web=web,
        result=outcome,
        keeper=deployment.identity.info.name,
        signers=" and ".join(names.get(org, org) for org in outcome.issuers),
        newest_on=day(datetime.fromtimestamp(outcome.issued_at, UTC).date()),
        shown=_shown(deployment, outcome.card) if outcome.card is not None else None,
        may_read=_may(web, "read"),
    )


def _not_imported(request: Request, deployment: Deployment, web: WebSession, refused: ImportRefused) -> HTMLResponse:
    """Why an import was refused, beside who the card is for when it had verified (the import's own verdict)."""
    error, card = refused.error, refused.card
    issued_here = error.code == "invalid_request" and card is not None and card.issuer == deployment.identity.org_id
    return render(
        request,
        "reception_import.html",
        status_code=status_for(error),
        web=web,
        refusal=Refusal(ISSUED_HERE, error.code) if issued_here else Refusal.of(error),
        shown=_shown(deployment, card) if card is not None else None,
        retry=error.code == "configuration_error" and card is not None,
        may_read=_may(web, "read"),
    )
