"""Printing: the A4 passport summary and the A6 card with its QR code, laid out by print.css in black and white.

Each read is audited through ``get_current``: the A4 page as a read, the card's QR image as a card
render (a card is signed afresh each time, so it always names the current version).
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.session import StaffSession
from api.pages.staff.display import record_context
from api.pages.staff.page import Pid, page, person_name, read_passport
from api.pages.staff.words import day
from passport.core import DEFAULT_TTL_SECONDS, card_alerts, render_png
from passport.services import current_card, today_utc, transaction

router = APIRouter(include_in_schema=False)
QR_MODULE_PIXELS = 8  # large enough to stay sharp when print.css scales it to 80 mm


@router.get("/staff/passports/{pid}/print")
def print_passport(
    request: Request, pid: Pid, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> HTMLResponse:
    """The passport on A4, every section, to print and send or keep on file."""
    stored, content, names = read_passport(deployment, web, pid, source)
    return page(
        request,
        "print_passport.html",
        web,
        pid=pid,
        printed=day(today_utc(int(time.time())).isoformat()),
        **record_context(stored, content, names),
    )


@router.get("/staff/passports/{pid}/card/print")
def print_card(
    request: Request, pid: Pid, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> HTMLResponse:
    """The card on A6: the QR code, and what reception reads without scanning it."""
    stored, content, _ = read_passport(deployment, web, pid, source)
    subject = content.subject
    return page(
        request,
        "print_card.html",
        web,
        pid=pid,
        name=person_name(stored.content),
        noms=subject.display_identifiers().get("noms"),
        date_of_birth=day(subject.date_of_birth.isoformat()),
        alerts=card_alerts(content),
        ver=stored.ver,
        valid_days=DEFAULT_TTL_SECONDS // 86400,
    )


@router.get("/staff/passports/{pid}/card.png")
def card_png(pid: Pid, web: StaffSession, deployment: DeploymentDep, source: SourceDep) -> Response:
    """A card for the current version, signed now by this organisation, as a black-on-white QR code."""
    with transaction(deployment.engine) as session:
        jws = current_card(
            session, identity=deployment.identity, principal=web.principal, pid=pid, now=int(time.time()), source=source
        )
    return Response(render_png(jws, box_size=QR_MODULE_PIXELS), media_type="image/png")
