"""My passport in easy read, and who has seen it."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import DeploymentDep, SourceDep
from api.pages.common.names import organisation_names
from api.pages.common.render import day
from api.pages.common.session import PersonSession
from api.pages.me import easy_read
from api.pages.me.page import own_content, page
from api.pages.me.words import PART_ICONS, sentence
from passport.services import describe_all, own_audit, today_utc, transaction

router = APIRouter(include_in_schema=False)
MAX_EVENTS_SHOWN = 200


@router.get("/me")
def passport_page(request: Request, web: PersonSession, deployment: DeploymentDep, source: SourceDep) -> HTMLResponse:
    """Your care passport, in easy read: a picture beside each part, hard words explained."""
    own = own_content(deployment, web, source)
    return page(
        request,
        "me_passport.html",
        web,
        "/me",
        own=own,
        content=own.content,
        org=own.names,
        known=own.names.known,
        day=day,
        sentence=sentence,
        part_icons=PART_ICONS,
        easy=easy_read,
        today=today_utc(int(time.time())),
    )


@router.get("/me/seen")
def seen_page(request: Request, web: PersonSession, deployment: DeploymentDep) -> HTMLResponse:
    """Who has seen my passport: the audit trail in plain words, newest first, refusals and overrides too."""
    with transaction(deployment.engine) as session:
        rows = own_audit(session, person=web.principal)
        names = organisation_names(session, deployment.identity)
    # The person reading their own passport is in the trail (as every read is), but listing each of their own
    # visits would bury what others did.
    others = [row for row in rows if not (row.role == "person" and row.action == "read")]
    events = describe_all(others, names)
    return page(
        request,
        "me_seen.html",
        web,
        "/me/seen",
        events=events[:MAX_EVENTS_SHOWN],
        more=len(events) > MAX_EVENTS_SHOWN,
        max_events=MAX_EVENTS_SHOWN,
    )
