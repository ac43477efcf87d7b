"""Who can see what: each group of people, the parts of the passport it can see, and the person's own buttons to
stop them seeing a part or let them see it again."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import redirect
from api.pages.common.session import PersonSession, check_csrf
from api.pages.me.page import moved_page, own_content, page
from api.pages.me.words import AUDIENCE_WORDS, PART_ICONS, PART_NAMES
from passport.services import change_own_consent, own_passport, transaction
from schemas import AUDIENCES, DISCLOSABLE_SECTIONS, Audience
from schemas.errors import InvalidRequest, NotFound

router = APIRouter(include_in_schema=False)


def _audience(value: str) -> Audience:
    for audience in AUDIENCES:
        if audience == value:
            return audience
    raise NotFound("there is no such group of people")


@router.get("/me/consent")
def consent_page(request: Request, web: PersonSession, deployment: DeploymentDep, source: SourceDep) -> HTMLResponse:
    """Who can see what: each audience, the parts it can see, and a way to change that (while it is kept here)."""
    own = own_content(deployment, web, source)
    consent = own.content.consent
    permitted = {audience: consent.permitted_sections(audience) for audience in AUDIENCES}
    withheld = {audience: len(consent.withheld_items(audience)) for audience in AUDIENCES}
    return page(
        request,
        "me_consent.html",
        web,
        "/me/consent",
        own=own,
        permitted=permitted,
        withheld=withheld,
        audiences=AUDIENCE_WORDS,
        icons=PART_ICONS,
    )


def _status(audience: Audience, part: str, allowed: bool, card_stale: bool) -> tuple[str, ...]:
    """What the person is told after a change: what it means, in plain words. A card already printed does not
    change, so while it is out of date reception would still see what it shows (and not what it does not)."""
    who, name = AUDIENCE_WORDS[audience].name, PART_NAMES[part]
    if audience == "reception_card" and card_stale:
        change = "will see" if allowed else "will not see"
        return (
            f"We have saved this. Reception staff who scan your new card {change} {name}.",
            "Your card is out of date. You need a new card.",
            "We have told the care staff. They will print a new card for you.",
        )
    done = f"{who} can see {name} again." if allowed else f"{who} can no longer see {name}."
    return done, "We have saved this."


@router.get("/me/consent/{audience}")
def consent_audience_page(
    request: Request,
    audience: str,
    web: PersonSession,
    deployment: DeploymentDep,
    source: SourceDep,
    changed: str | None = None,
    allowed: str | None = None,
) -> HTMLResponse:
    """What one audience can see, with a button to stop them seeing each part or to let them see it again."""
    chosen = _audience(audience)
    own = own_content(deployment, web, source)
    permitted = own.content.consent.permitted_sections(chosen)
    # The status after a change: only names we know, never text from the URL.
    status = None
    if changed in PART_NAMES and allowed in ("0", "1"):
        status = _status(chosen, changed, allowed == "1", own.card_stale)
    return page(
        request,
        "me_consent_audience.html",
        web,
        "/me/consent",
        own=own,
        audience=chosen,
        words=AUDIENCE_WORDS[chosen],
        can_see=[part for part in PART_NAMES if part in permitted],
        cannot_see=[part for part in PART_NAMES if part not in permitted],
        icons=PART_ICONS,
        status=status,
        changed=changed,
    )


@router.post("/me/consent")
def change_consent(
    request: Request,
    web: PersonSession,
    deployment: DeploymentDep,
    source: SourceDep,
    audience: Annotated[str, Form(max_length=20)] = "",
    section: Annotated[str, Form(max_length=40)] = "",
    allow: Annotated[str, Form(max_length=1)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Stop an audience seeing a part, or let them see it again: a new version of the passport, then back. Once the
    passport has moved, say where it is and who can help, and change nothing."""
    check_csrf(web.csrf, csrf)
    chosen = _audience(audience)
    if section not in DISCLOSABLE_SECTIONS or allow not in ("0", "1"):
        raise InvalidRequest("that is not a part of your passport you can share")
    wanted = allow == "1"
    with transaction(deployment.engine) as session:
        current = own_passport(session, person=web.principal, source=source)
        if current.custodian != deployment.identity.org_id:
            moved = True
        else:
            moved = False
            # Pressing a button twice (or going back and pressing it again) must not make an empty new version.
            if (section in current.parsed.consent.permitted_sections(chosen)) != wanted:
                change_own_consent(
                    session,
                    identity=deployment.identity,
                    person=web.principal,
                    audience=chosen,
                    section=section,
                    allow=wanted,
                    now=int(time.time()),
                    source=source,
                )
    if moved:
        return moved_page(request, web, deployment, source)
    return redirect(f"/me/consent/{chosen}?changed={section}&allowed={allow}")
