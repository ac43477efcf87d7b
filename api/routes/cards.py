"""The QR passport card: render it, read it from a scan or a photo, and import the record it names."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Response, UploadFile
from fastapi.responses import PlainTextResponse

from api.auditing import refusals_audited
from api.deps import CurrentPrincipal, DeploymentDep, SourceDep
from api.routes.passports import Pid
from passport.core import MAX_IMAGE_BYTES, Card, decode_image, render_png, render_svg
from passport.services import (
    actor_of,
    current_card,
    import_passport,
    record_audit,
    require,
    transaction,
)
from schemas.api import AlertOut, CardOut, ImportIn, ImportOut
from schemas.errors import TokenTooLarge

router = APIRouter(tags=["cards"])


def card_out(card: Card) -> CardOut:
    """The API form of a verified card."""
    return CardOut(
        issuer=card.issuer,
        pid=card.pid,
        ver=card.ver,
        digest=card.digest,
        issued_at=datetime.fromtimestamp(card.issued_at, UTC),
        expires_at=datetime.fromtimestamp(card.expires_at, UTC),
        name=card.name,
        noms=card.noms,
        date_of_birth=card.date_of_birth,
        alerts=[AlertOut(code=a.code, text=a.text) for a in card.alerts],
    )


@router.get(
    "/v1/passports/{pid}/card",
    operation_id="get_card",
    summary="The passport card: a signed QR code of what reception must know",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}, "image/png": {}, "image/svg+xml": {}}}},
)
def get_card(
    pid: Pid,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    source: SourceDep,
    format: Annotated[Literal["jws", "png", "svg"], Query(description="jws (text), png or svg")] = "png",
) -> Response:
    """A card for the current version, signed now, with the alerts the ``reception_card`` consent permits."""
    with refusals_audited(deployment, principal, source, "card_render", pid), transaction(deployment.engine) as s:
        jws = current_card(
            s, identity=deployment.identity, principal=principal, pid=pid, now=int(time.time()), source=source
        )
    if format == "jws":
        return PlainTextResponse(jws)
    if format == "svg":
        return Response(render_svg(jws), media_type="image/svg+xml")
    return Response(render_png(jws), media_type="image/png")


@router.post(
    "/v1/scan",
    operation_id="scan_card",
    summary="Read a card from a photo or scan, and verify it offline",
    responses={422: {"description": "no readable card in the image, or it does not verify"}},
)
def scan_card(
    image: Annotated[UploadFile, File(description="a photo or scan of the card (PNG, JPEG, WebP, GIF, BMP)")],
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    source: SourceDep,
) -> CardOut:
    """Decode the QR code with zxing-cpp and verify the card with the keys held here (no network)."""
    require(principal, "verify")
    with refusals_audited(deployment, principal, source, "scan"):
        data = image.file.read(MAX_IMAGE_BYTES + 1)
        if len(data) > MAX_IMAGE_BYTES:
            raise TokenTooLarge("the image is larger than allowed")
        card = Card.from_scan(decode_image(data), trust=deployment.trust_store(), now=int(time.time()))
    with transaction(deployment.engine) as session:
        record_audit(
            session,
            actor=actor_of(principal, source),
            action="scan",
            pid=card.pid,
            ver=card.ver,
            detail=f'{{"issuer": "{card.issuer}"}}',
        )
    return card_out(card)


@router.post(
    "/v1/imports",
    operation_id="import_passport",
    summary="Import a passport from its card or a release notice (pulling the record from its sender) or a history",
    responses={200: {"description": "imported, or already held (new_versions = 0)"}},
)
def post_import(body: ImportIn, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep) -> ImportOut:
    """Verify, pull, check the card's digest (or that it is the passport the notice names), verify the chain and
    custody, and store it in one transaction."""
    result = import_passport(
        deployment, principal=principal, card=body.card, history=body.history, notice=body.notice, source=source
    )
    return ImportOut(
        pid=result.pid,
        ver=result.ver,
        digest=result.digest,
        issuers=result.issuers,
        new_versions=result.new_versions,
        issued_at=datetime.fromtimestamp(result.issued_at, UTC),
        card_ver=result.card_ver,
        moved_on=result.moved_on,
    )
