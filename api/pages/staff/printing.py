"""Printing: the A4 passport summary and the A6 card with its QR code, laid out by print.css in black and white.

Each read is audited through ``get_current``: the A4 page as a read, the card's QR image as a card
render (a card is signed afresh each time, so it always names the current version).
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import csp_with_style
from api.pages.common.session import StaffSession
from api.pages.staff.display import record_context
from api.pages.staff.page import Pid, page, person_name, read_passport
from api.pages.staff.words import day
from passport.core import DEFAULT_TTL_SECONDS, card_alerts, render_png
from passport.services import current_card, today_utc, transaction

router = APIRouter(include_in_schema=False)
QR_MODULE_PIXELS = 8  # large enough to stay sharp when print.css scales it to 80 mm


def css_string(text: str) -> str:
    """``text`` as a CSS string that is safe inside a ``<style>`` element too: anything but a letter, a digit or
    a space is written as a CSS hex escape and the one space that ends it (so never a quote, a backslash or a
    ``<``)."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x} " for c in text) + '"'


def running_head(name: str, noms: str | None) -> str:
    """The style that puts the person's name and prison number at the top of every printed page (print.css
    draws it, with "Page N of M", in the page's margins)."""
    who = f"{name} · Prison number {noms}" if noms else name
    return f":root {{ --running-head: {css_string(who)}; }}"


@router.get("/staff/passports/{pid}/print")
def print_passport(
    request: Request, pid: Pid, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> HTMLResponse:
    """The passport on A4, every section, to print and send or keep on file; each page names the person."""
    stored, content, names = read_passport(deployment, web, pid, source)
    context = record_context(stored, content, names)
    style = running_head(context["name"], content.subject.display_identifiers().get("noms"))
    response = page(
        request,
        "print_passport.html",
        web,
        pid=pid,
        printed=day(today_utc(int(time.time())).isoformat()),
        running_style=style,
        **context,
    )
    response.headers["Content-Security-Policy"] = csp_with_style(style)
    return response


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
        # card.png signs the card as this page loads, so it expires within seconds of now + its lifetime: the
        # day before that is one the card works all through, in UTC and in the UK.
        last_day=day(today_utc(int(time.time()) + DEFAULT_TTL_SECONDS - 86400).isoformat()),
    )


@router.get("/staff/passports/{pid}/card.png")
def card_png(pid: Pid, web: StaffSession, deployment: DeploymentDep, source: SourceDep) -> Response:
    """A card for the current version, signed now by this organisation, as a black-on-white QR code."""
    with transaction(deployment.engine) as session:
        jws = current_card(
            session, identity=deployment.identity, principal=web.principal, pid=pid, now=int(time.time()), source=source
        )
    return Response(render_png(jws, box_size=QR_MODULE_PIXELS), media_type="image/png")
