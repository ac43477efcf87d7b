"""Who can see what: each group of people, the parts of the passport it can see (and the things kept from them),
and the person's own buttons to stop them seeing a part or let them see it, each asking "Are you sure?" first."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import redirect
from api.pages.common.session import PersonSession, check_csrf
from api.pages.me.easy_read import item_names
from api.pages.me.page import OwnPassport, moved_page, own_content, page
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
    # The person sees their whole passport, so they are told which things are kept from each group, by name.
    names = item_names(own.content)
    withheld = {
        audience: sorted({names[i] for i in consent.withheld_items(audience) if i in names}) for audience in AUDIENCES
    }
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


def _status(audience: Audience, part: str, allowed: bool, again: bool, card_stale: bool) -> tuple[str, ...]:
    """What the person is told after a change: what it means, in plain words. A card already printed does not
    change, so while it is out of date reception would still see what it shows (and not what it does not).
    "Again" only when they could see it before and the person stopped them."""
    who, name = AUDIENCE_WORDS[audience].name, PART_NAMES[part]
    if audience == "reception_card" and card_stale:
        change = "will see" if allowed else "will not see"
        return (
            f"We have saved this. Reception staff who scan your new card {change} {name}.",
            "Your card is out of date. You need a new card.",
            "We have told the care staff. They will print a new card for you.",
        )
    if not allowed:
        done = f"{who} can no longer see {name}."
    else:
        done = f"{who} can see {name} again." if again else f"{who} can now see {name}."
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
    again: str | None = None,
) -> HTMLResponse:
    """What one audience can see, with a button to stop them seeing each part or to let them see it again."""
    chosen = _audience(audience)
    own = own_content(deployment, web, source)
    permitted = own.content.consent.permitted_sections(chosen)
    # The status after a change: only names we know, never text from the URL.
    status = None
    if changed in PART_NAMES and allowed in ("0", "1"):
        status = _status(chosen, changed, allowed == "1", again == "1", own.card_stale)
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


def _sure_page(
    request: Request, web: PersonSession, own: OwnPassport, audience: Audience, part: str, allow: bool
) -> HTMLResponse:
    """ "Are you sure?": what the change means, a button to make it, and a way back that changes nothing."""
    return page(
        request,
        "me_consent_sure.html",
        web,
        "/me/consent",
        own=own,
        audience=audience,
        words=AUDIENCE_WORDS[audience],
        part=part,
        allow=allow,
        icons=PART_ICONS,
    )


def _change(section: str, allow: str) -> bool:
    if section not in DISCLOSABLE_SECTIONS or allow not in ("0", "1"):
        raise InvalidRequest("that is not a part of your passport you can share")
    return allow == "1"


@router.get("/me/consent/{audience}/{section}")
def consent_sure_page(
    request: Request,
    audience: str,
    section: str,
    web: PersonSession,
    deployment: DeploymentDep,
    source: SourceDep,
    allow: str = "",
) -> HTMLResponse:
    """Are you sure? One step before a change of who can see a part (nothing changes until the person says yes)."""
    chosen = _audience(audience)
    wanted = _change(section, allow)
    own = own_content(deployment, web, source)
    if not own.here:
        return moved_page(request, web, deployment, source)
    return _sure_page(request, web, own, chosen, section, wanted)


@router.post("/me/consent")
def change_consent(
    request: Request,
    web: PersonSession,
    deployment: DeploymentDep,
    source: SourceDep,
    audience: Annotated[str, Form(max_length=20)] = "",
    section: Annotated[str, Form(max_length=40)] = "",
    allow: Annotated[str, Form(max_length=1)] = "",
    sure: Annotated[str, Form(max_length=3)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Stop an audience seeing a part, or let them see it: a new version of the passport, then back. Without the
    person's "yes" (``sure=yes``, from the "Are you sure?" page), ask first and change nothing. Once the passport
    has moved, say where it is and who can help, and change nothing."""
    check_csrf(web.csrf, csrf)
    chosen = _audience(audience)
    wanted = _change(section, allow)
    if sure != "yes":
        own = own_content(deployment, web, source)
        if not own.here:
            return moved_page(request, web, deployment, source)
        return _sure_page(request, web, own, chosen, section, wanted)
    again = False
    with transaction(deployment.engine) as session:
        current = own_passport(session, person=web.principal, source=source)
        moved = current.custodian != deployment.identity.org_id
        consent = current.parsed.consent
        # Pressing a button twice (or going back and pressing it again) must not make an empty new version.
        if not moved and (section in consent.permitted_sections(chosen)) != wanted:
            again = any(w.audience == chosen and w.section == section for w in consent.withdrawals)
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
    return redirect(f"/me/consent/{chosen}?changed={section}&allowed={allow}" + ("&again=1" if again else ""))
